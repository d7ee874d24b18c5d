"""Datasette metadata generated from datapackage.json and the Table Schemas: titles, descriptions,
licence, sources, label columns, sort orders, facets, canned queries and the plugins' settings."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path
from urllib.parse import urlencode

import pyarrow as pa
import pyarrow.compute as pc

from .queries import CANNED_QUERIES, RENAMED_VIEWS, VIEWS
from .typed import TypedTable

COUNT_AXIS = {"tickMinStep": 1, "format": "d"}  # counts: whole-number ticks only
POSTS_FROM = "2021-01-01"  # the first year the articles cover
# Kelly's colours of maximum contrast (without white and black): one per event type, none repeated.
DISTINCT_COLOURS = [
    "#F3C300",
    "#875692",
    "#F38400",
    "#A1CAF1",
    "#BE0032",
    "#C2B280",
    "#848482",
    "#008856",
    "#E68FAC",
    "#0067A5",
    "#F99379",
    "#604E97",
    "#F6A600",
    "#B3446C",
    "#DCD300",
    "#882D17",
    "#8DB600",
    "#654522",
    "#E25822",
    "#2B3D26",
]


def _count_chart(table: str, title: str) -> dict:
    """The dashboard's metric of a table's rows, as `<table>-count`."""
    return {
        f"{table}-count": {
            "title": title,
            "library": "metric",
            "display": {"field": "n", "prefix": "", "suffix": ""},
            "query": f"SELECT count(*) AS n FROM {table}",
        }
    }


DASHBOARD = {
    "overview": {
        "title": "Overview",
        "description": "Events, statements and posts reported by the source articles.",
        "layout": [
            ["events-count", "statements-count", "actors-count", "sources-count"],
            ["events-by-month", "events-by-month", "statements-by-speaker", "statements-by-speaker"],
            ["membership-timeline", "membership-timeline", "membership-timeline", "membership-timeline"],
        ],
        "charts": {
            **_count_chart("events", "Events"),
            **_count_chart("statements", "Statements"),
            **_count_chart("actors", "Actors"),
            **_count_chart("sources", "Source articles"),
            "events-by-month": {
                "title": "Events per month, by type (events known only by year in their own bar)",
                "library": "vega-lite",
                # A year-only date is not January: it gets its own bar, "2023 (year only)".
                # Each bar links to its events (href: a click opens the rows behind it).
                "query": "SELECT CASE WHEN e.start_date_precision = 'year' THEN e.start_date || ' (year only)' "
                "ELSE substr(e.start_date, 1, 7) END AS month, t.label AS type, count(*) AS events, "
                "'/__DB__/events?event_type=' || e.event_type || CASE WHEN e.start_date_precision = 'year' "
                "THEN '&start_date=' || e.start_date ELSE '&start_date__startswith=' || substr(e.start_date, 1, 7) END AS href "
                "FROM events e JOIN vocab_event_types t ON t.code = e.event_type GROUP BY 1, 2, 4 ORDER BY 1",
                "display": {
                    "mark": {"type": "bar", "tooltip": True},
                    "encoding": {
                        "x": {"field": "month", "type": "ordinal", "title": "Month"},
                        "y": {"field": "events", "type": "quantitative", "title": "Events", "axis": COUNT_AXIS},
                        "color": {
                            "field": "type",
                            "type": "nominal",
                            "title": "Type",
                            "scale": {"range": DISTINCT_COLOURS},
                        },
                        "href": {"field": "href"},
                    },
                },
            },
            "statements-by-speaker": {
                "title": "Statements per speaker (a joint statement counts once for each of its speakers)",
                "library": "vega-lite",
                "query": "SELECT a.name AS speaker, count(*) AS statements, '/__DB__/statement_speakers?actor_id=' || a.actor_id AS href "
                "FROM statement_speakers sk JOIN actors a ON a.actor_id = sk.actor_id GROUP BY a.actor_id ORDER BY 2 DESC, 1",
                "display": {
                    "mark": {"type": "bar", "tooltip": True},
                    "encoding": {
                        "y": {"field": "speaker", "type": "nominal", "sort": "-x", "title": None},
                        "x": {"field": "statements", "type": "quantitative", "title": "Statements", "axis": COUNT_AXIS},
                        "href": {"field": "href"},
                    },
                },
            },
            "membership-timeline": {
                "title": f"Dated posts and chairmanships held in {POSTS_FROM[:4]} or later (one held since earlier is drawn from {POSTS_FROM[:4]})",
                "library": "vega-lite",
                # A post another source or the record contradicts is labelled so, never drawn as plain fact.
                "query": "SELECT mem.name || ': ' || r.label || ' – ' || org.name || CASE WHEN EXISTS (SELECT 1 FROM caveats c "
                "JOIN vocab_caveat_kinds k ON k.code = c.kind WHERE k.contradicted AND c.record_table = 'memberships' "
                "AND c.record_id = m.membership_id) THEN ' (contradicted: see caveats)' ELSE '' END AS post, "
                # One post begun years before the articles' period would stretch every other bar thin.
                f"max(m.start_date_earliest, '{POSTS_FROM}') AS start, "
                "coalesce(m.end_date_latest, m.start_date_latest) AS end, '/__DB__/memberships/' || m.membership_id AS href "
                "FROM memberships m "
                "JOIN actors mem ON mem.actor_id = m.member_id JOIN actors org ON org.actor_id = m.organisation_id "
                "JOIN vocab_membership_roles r ON r.code = m.role WHERE m.start_date IS NOT NULL "
                f"AND coalesce(m.end_date_latest, m.start_date_latest) >= '{POSTS_FROM}' ORDER BY start",
                "display": {
                    "mark": {"type": "bar", "tooltip": True},
                    "encoding": {
                        "y": {"field": "post", "type": "nominal", "sort": None, "title": None},
                        "x": {"field": "start", "type": "temporal", "title": "Known to be held"},
                        "x2": {"field": "end"},
                        "href": {"field": "href"},
                    },
                },
            },
        },
    }
}


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


def dashboard(database: str) -> dict:
    """DASHBOARD for one database: each chart runs there, and its links (href) point into it."""
    return {
        slug: dict(
            d,
            charts={
                k: dict(c, db=database, query=c["query"].replace("__DB__", database)) for k, c in d["charts"].items()
            },
        )
        for slug, d in DASHBOARD.items()
    }


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


def landing(tables: list[TypedTable], database: str) -> dict:
    """What the home page offers a new user: where to start, each canned question with a worked
    example, and the tables, facts first and lookup lists last (by the schemas: a lookup list is a
    table whose label column is its `label` field, as every vocab_* schema declares). The number of
    articles is counted in the table of sources (the one whose schema has x-published-date), so a
    sixth article needs no edit here."""
    texts = next((t for t in tables if t.schema.get("x-published-date")), None)
    articles = len(next(iter(texts.columns.values()))) if texts and texts.columns else 0
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
            "href": "/-/dashboards/overview",
            "note": "events per month, statements per speaker, posts and chairmanships",
        },
        {
            "title": "Articles",
            "href": f"/{database}/{texts.name if texts else 'sources'}",
            "note": f"the {_in_words(articles)} source article{'' if articles == 1 else 's'}; "
            "each row links to the text with every cited passage marked",
        },
    ]
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


def view_columns(db_path: Path, view: str, sample: int = 200) -> tuple[list[str], list[str]]:
    """A view's derived and wide columns, judged on its first `sample` rows (a view can be slow to
    read whole at scale): derived ones by their suffix, wide ones by WIDE_TEXT."""
    with closing(sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)) as conn:
        cursor = conn.execute(f"SELECT * FROM [{view}] LIMIT {sample}")
        names = [d[0] for d in cursor.description]
        rows = cursor.fetchall()
    derived = [n for n in names if n.endswith(("_earliest", "_latest"))]
    wide = [
        n
        for i, n in enumerate(names)
        if n not in derived
        and max((len(r[i]) for r in rows if isinstance(r[i], str) and " " in r[i]), default=0) > WIDE_TEXT
    ]
    return derived, wide


def metadata(descriptor: dict, tables: list[TypedTable], database: str, db_path: Path) -> dict:
    licence = (descriptor.get("licenses") or [{}])[0]
    sources = descriptor.get("sources") or []
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
        }
    return {
        "title": descriptor.get("title"),
        "description": descriptor.get("description"),
        "license": licence.get("title") or licence.get("name"),
        "license_url": licence.get("path"),  # http(s) by the profile; rendered only through templates' safe_href
        "source": f"{len(sources)} Italian news and analysis articles (see the sources table)",
        "source_url": f"/{database}/sources",
        "about": f"Data package version {descriptor.get('version')}",
        "landing": landing(tables, database),
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
            "datasette-dashboards": dashboard(database),
            # No column is Markdown unless a table below names it; never by its name's pattern.
            "datasette-render-markdown": {"columns": [], "patterns": []},
        },
    }
