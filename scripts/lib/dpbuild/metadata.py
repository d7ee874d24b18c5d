"""Datasette metadata generated from datapackage.json and the Table Schemas: titles, descriptions,
licence, sources, label columns, sort orders, facets, canned queries and the plugins' settings.

It names no table of the package, only the two views the home page starts a user at: the
dashboard's charts are dpbuild/dashboard.py's, the views and canned queries dpbuild/queries.py's,
and the table of articles is found by its schema (x-published-date), so the wording and counts
follow the data (tests/test_table_names.py keeps it so)."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path
from urllib.parse import urlencode

import pyarrow as pa
import pyarrow.compute as pc

from dpmodel import names
from dpmodel.descriptor import primary_key

from . import dashboard, languages, related
from .queries import CANNED_QUERIES, RENAMED_VIEWS, VIEWS
from .typed import TypedTable

# The map (datasette-cluster-map) draws no outside tiles: the page's Content-Security-Policy allows
# images only from the site (dpsite/plugins/csp.py), so the bundled Natural Earth basemap
# (static/site.js) is the map, and each tile is this transparent pixel.
BLANK_TILE = "data:image/gif;base64,R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7"
CLUSTER_MAP = {
    "latitude_column": "latitude",
    "longitude_column": "longitude",
    "tile_layer": BLANK_TILE,
    "tile_layer_options": {
        "maxZoom": 19,
        "attribution": 'Basemap: <a href="https://www.naturalearthdata.com/">Natural Earth</a>',
    },
}

# The package's own Markdown columns, by table: only these are rendered as Markdown
# (datasette-render-markdown); a visitor's SQL never is, whatever its columns are called. None yet.
MARKDOWN_COLUMNS: dict[str, list[str]] = {}


def table_plugins(name: str) -> dict:
    """A table's own plugin settings: its Markdown columns, when it has any."""
    columns = MARKDOWN_COLUMNS.get(name)
    return {"plugins": {"datasette-render-markdown": {"columns": columns, "patterns": []}}} if columns else {}


WIDE_TEXT = 60  # characters: a text column holding a longer value is drawn wide, not squeezed


def _columns(schema: dict) -> dict[str, str]:
    return {f["name"]: f["description"] for f in schema["fields"] if f.get("description")}


def derived_columns(table: TypedTable) -> list[str]:
    """Columns the build adds (a date's precision and bounds, names for search): out of the way
    on the site by default (plugins/assets.py)."""
    return [f["name"] for f in table.schema["fields"] if f.get("x-derived-from")]


def wide_columns(table: TypedTable) -> list[str]:
    """Prose columns (descriptions, quotes, notes): text with a value longer than WIDE_TEXT
    characters that has spaces in it (a long slug is an identifier, not prose)."""
    wide = []
    for f in table.schema["fields"]:
        column = table.columns.get(f["name"])
        if f.get("x-derived-from") or column is None or not pa.types.is_string(column.type):
            continue
        prose = pc.filter(column, pc.fill_null(pc.match_substring(column, " "), False))
        longest = pc.max(pc.utf8_length(prose)).as_py() if len(prose) else None
        if longest and longest > WIDE_TEXT:
            wide.append(f["name"])
    return wide


def _in_words(n: int) -> str:
    """A count as prose writes it: words up to ten, digits beyond."""
    words = ["no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten"]
    return words[n] if 0 <= n < len(words) else f"{n:,}"


def articles_table(tables: list[TypedTable]) -> TypedTable | None:
    """The table of source articles, found by its schema rather than its name: the one that says
    where its publication date is (x-published-date)."""
    return next((t for t in tables if t.schema.get("x-published-date")), None)


def row_count(table: TypedTable) -> int:
    """The table's rows, counted in the data rather than typed."""
    return len(next(iter(table.columns.values()))) if table.columns else 0


READING = "/-/articles"  # an article's reading page is READING/<its ID> (dpsite/plugins/reading.py)
MOST_ARTICLES_LISTED = 10  # the newest articles linked from the home page; the table lists them all


def _articles_start(articles: TypedTable, database: str) -> dict:
    """The home page's way into the articles: counted in their table, so a sixth article needs no
    edit here, and the newest of them linked to their reading pages."""
    n = row_count(articles)
    schema = articles.schema
    key = (schema.get("primaryKey") or [None])[0]
    label = schema.get("x-datasette", {}).get("label_column") or key
    columns = (key, label, schema["x-published-date"])
    newest = []
    if schema.get("x-texts") and all(c in articles.columns for c in columns):  # articles with reading pages
        rows = zip(*(articles.columns[c].to_pylist() for c in columns))
        newest = sorted(rows, key=lambda r: (r[2] or "", r[0]), reverse=True)[:MOST_ARTICLES_LISTED]
    return {
        "title": "Articles",
        "href": f"/{database}/{articles.name}",
        "note": f"the {_in_words(n)} source article{'' if n == 1 else 's'}, each readable with every cited passage "
        "marked and linked to the rows it supports" + (f" (the newest {len(newest)} below)" if n > len(newest) else ""),
        "items": [
            {"text": title, "date": date, "href": f"{READING}/{source_id}", "source_id": source_id}
            for source_id, title, date in newest
        ],
    }


def landing(tables: list[TypedTable], database: str) -> dict:
    """What the home page offers a new user: where to start, each canned question with a worked
    example, and the tables, facts first and lookup lists last (by the schemas: a lookup list is a
    table whose label column is its `label` field, as every vocab_* schema declares). The places to
    start are the views (dpbuild/queries.py), the dashboard (dpbuild/dashboard.py) and the table of
    articles (articles_table), when the package has one."""
    start = [
        {
            "title": "Events",
            "href": f"/{database}/events_full",
            "note": "every meeting, visit, summit and exercise in date order, with status, place, participants and caveats",
        },
        {
            "title": "Map of events",
            "href": f"/{database}/events_full",
            "note": "the same page: the events drawn on a map by place, above the table",
        },
        {
            "title": "Statements",
            "href": f"/{database}/statements_full",
            "note": "what was said, verbatim in Italian with an English translation, by whom and about whom",
        },
        {
            "title": "Dashboard",
            "href": dashboard.HREF,
            "note": "events per month, statements per speaker, posts and chairmanships",
        },
    ]
    articles = articles_table(tables)
    if articles is not None:
        start.append(_articles_start(articles, database))
    start.append(
        {
            "title": "Downloads",
            "href": DOWNLOADS,
            "note": "the whole dataset: the data package (CSV, its descriptor and schemas), each table as CSV and "
            "Parquet (dated tables also by year), a spreadsheet and the SQLite database",
        }
    )
    questions = [
        {
            "title": q["title"],
            "href": f"/{database}/{name}",
            "note": q["description"],
            "example": f"/{database}/{name}?{urlencode(q['params'])}" if q["params"] else f"/{database}/{name}",
            "example_text": ", ".join(f"{k} = {v}" for k, v in q["params"].items() if v) or "all",
        }
        for name, q in CANNED_QUERIES.items()
    ]
    lookup = [t for t in tables if t.schema.get("x-datasette", {}).get("label_column") == "label"]
    listed = [t for t in tables if t not in lookup] + lookup
    return {
        "start": start,
        "questions": questions,
        "tables": [
            {
                "name": t.name,
                "title": t.schema.get("title", t.name),
                "href": f"/{database}/{t.name}",
                "note": t.schema.get("description", ""),
                "lookup": t in lookup,
            }
            for t in listed
        ],
    }


DOWNLOADS = "/-/downloads"  # the site's page of files for download (dpsite/plugins/downloads.py)

# A view searchable as its table is: the view carries the table's rowid in this column, which
# Datasette's search matches against the table's full-text index (fts_pk); it is out of the way.
SEARCH_ROWID = "search_rowid"


def view_search(view: dict) -> dict:
    """A view's search box: the full-text index of the table it declares (`search`), matched by rowid."""
    if not view.get("search"):
        return {}
    return {"fts_table": names.search_index(view["search"]), "fts_pk": SEARCH_ROWID}


def view_columns(db_path: Path, view: str, sample: int = 200) -> tuple[list[str], list[str]]:
    """A view's derived and wide columns, judged on its first `sample` rows (a view can be slow to
    read whole at scale): derived ones by their suffix, wide ones by WIDE_TEXT."""
    with closing(sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)) as conn:
        cursor = conn.execute(f"SELECT * FROM [{view}] LIMIT {sample}")
        columns = [d[0] for d in cursor.description]
        rows = cursor.fetchall()
    # Derived: a date's bounds, the name forms a row is searched by (x-search-names' columns of
    # the table, carried so that a match found through a name form can say which), the search key.
    derived = [n for n in columns if n.endswith(("_earliest", "_latest", "_names")) or n == SEARCH_ROWID]
    wide = [
        n
        for i, n in enumerate(columns)
        if n not in derived
        and max((len(r[i]) for r in rows if isinstance(r[i], str) and " " in r[i]), default=0) > WIDE_TEXT
    ]
    return derived, wide


def source_line(tables: list[TypedTable], database: str) -> dict:
    """The footer's data source: the articles, counted in their table and linked to it (none
    without a table of articles)."""
    articles = articles_table(tables)
    if articles is None:
        return {}
    return {
        "source": f"{row_count(articles)} Italian news and analysis articles (see the {articles.name} table)",
        "source_url": f"/{database}/{articles.name}",
    }


def metadata(
    descriptor: dict, tables: list[TypedTable], database: str, db_path: Path, texts: TypedTable | None = None
) -> dict:
    licence = (descriptor.get("licenses") or [{}])[0]
    datasette_tables = {}
    for table in tables:
        entry = {
            "title": table.schema.get("title", table.name),
            "description": table.schema.get("description", ""),
            "columns": _columns(table.schema),
        }
        entry.update(table.schema.get("x-datasette", {}))  # label column, default sort, facets
        entry.update(derived_columns=derived_columns(table), wide_columns=wide_columns(table))
        entry.update(table_plugins(table.name))
        datasette_tables[table.name] = entry
    for name, view in VIEWS.items():
        derived, wide = view_columns(db_path, name)
        datasette_tables[name] = {
            "title": view.get("title", name),
            "description": view["description"],
            "derived_columns": derived,
            "wide_columns": wide,
            **view_search(view),
        }
    return {
        "title": descriptor.get("title"),
        "description": descriptor.get("description"),
        "license": licence.get("title") or licence.get("name"),
        "license_url": licence.get("path"),  # http(s) by the profile; rendered only through templates' safe_href
        **source_line(tables, database),
        "about": f"Data package version {descriptor.get('version')}",
        "landing": landing(tables, database),
        # IDs linked with their labels in query results and views, and record references to
        # the rows they name (plugins/row_links.py).
        "row_links": row_links(tables),
        # What a row's page lists of the rows that point at it (plugins/related.py).
        "related": related.related(tables, {t.name: datasette_tables[t.name]["wide_columns"] for t in tables}),
        # The columns of the articles' own words and their language (plugins/cells.py).
        "verbatim": languages.verbatim(tables + ([texts] if texts else [])),
        # Why a canned query can answer with no rows (plugins/empty.py).
        "empty_results": {name: {"inputs": q["inputs"], "empty": q["empty"]} for name, q in CANNED_QUERIES.items()},
        # Old addresses of renamed views, redirected by the site (plugins/endpoints.py).
        "moved": {f"/{database}/{old}": f"/{database}/{new}" for old, new in RENAMED_VIEWS.items()},
        "databases": {
            database: {
                "title": descriptor.get("title"),
                "description": descriptor.get("description"),
                "tables": datasette_tables,
                "queries": {
                    name: {"title": q["title"], "description": q["description"], "sql": q["sql"].strip()}
                    for name, q in CANNED_QUERIES.items()
                },
            }
        },
        "plugins": {
            "datasette-cluster-map": CLUSTER_MAP,
            "datasette-dashboards": dashboard.dashboard(database, tables),
            # No column is Markdown unless a table below names it; never by its name's pattern.
            "datasette-render-markdown": {"columns": [], "patterns": []},
        },
    }


def row_links(tables) -> dict:
    """What plugins/row_links.py links, from the schemas: each table's primary key (`tables`);
    the key columns that name one table only (`keys`: event_id -> events; a name two tables'
    keys share, such as a lookup table's code, is left out); each record reference's id column
    and the column naming its table (`records`: record_id -> record_table); and the views."""
    keyed = {t.name: primary_key(t.schema) for t in tables}
    single = [key[0] for key in keyed.values() if len(key) == 1]
    keys = {key[0]: name for name, key in keyed.items() if len(key) == 1 and single.count(key[0]) == 1}
    records = {spec["id_field"]: spec["table_field"] for t in tables if (spec := t.schema.get("x-record-reference"))}
    return {"tables": keyed, "keys": keys, "records": records, "views": list(VIEWS)}
