"""Reading pages: /-/articles/<source_id> shows an article's text with every cited excerpt
marked; a mark links (a click or a tap, no hover needed) to the list below the text of every row
that passage supports, each by its label and linked, so a reader goes from a passage to its facts
and back. The texts come from the database's source_texts table (written by the build; the SQL that
reads them is in dpsite/site_sql.py); excerpts are found as the validator and the coverage find
them, verbatim, by the same search (dpmodel.excerpts: all of an article's excerpts in one pass
over its text).

The page's work is bounded whatever the data holds, since it runs in the server: at most
MAX_TARGETS rows per excerpt are read (SQL, a window per excerpt), at most MAX_MARKS occurrences
are marked (the first in the text), and each marked piece names at most MAX_TARGETS rows."""

from itertools import islice

from datasette import Response, hookimpl

from dpmodel import excerpts
from dpsite import site_sql
from dpsite.datasette_internals import NotFound, tilde_encode
from dpsite.plugins.related import caption

MAX_TARGETS = 10  # rows named by one mark (the list below the text that the mark links to)
MAX_MARKS = 1000  # occurrences marked on one page; an article's real excerpts are a few dozen
MAX_EXCERPTS = 10_000  # distinct excerpts read for one article
MAX_LABELLED = 1000  # rows of one page named by their label (a lookup each); the rest by their ID
CITED = site_sql.cited(MAX_TARGETS, MAX_EXCERPTS)


def segments(text: str, spans: list[tuple[int, int, str]], most: int | None = None) -> list[tuple[str, list[str]]]:
    """The text cut where any span starts or ends, each piece with the targets of the spans
    covering it (with `most`, at most that many of them): one sweep over the sorted boundaries,
    not a scan of every span per piece."""
    events: dict[int, list[tuple[int, str]]] = {}
    for start, end, target in spans:
        events.setdefault(start, []).append((1, target))
        events.setdefault(end, []).append((-1, target))
    cuts = sorted({0, len(text), *events})
    active: dict[str, int] = {}
    pieces = []
    for a, b in zip(cuts, cuts[1:]):
        for step, target in events.get(a, []):
            active[target] = active.get(target, 0) + step
            if not active[target]:
                del active[target]
        pieces.append((text[a:b], sorted(active if most is None else islice(active, most))))
    return pieces


def _row_url(datasette, database: str, record_table: str, record_id: str) -> str:
    return datasette.urls.row(database, record_table, ",".join(tilde_encode(v) for v in record_id.split("/")))


@hookimpl
def register_routes():
    return [(r"^/-/articles/(?P<source_id>[a-z0-9]+(?:-[a-z0-9]+)*)$", article_page)]


async def article_page(datasette, request):
    database = next((name for name, db in datasette.databases.items() if name != "_internal"), None)
    db = datasette.get_database(database) if database else None
    if db is None or site_sql.TEXTS not in await db.table_names():
        raise NotFound("No article texts in this database")
    params = {"id": request.url_vars["source_id"]}
    found = (await db.execute(site_sql.SOURCE, params)).rows
    if not found:
        raise NotFound("No such article")
    source = dict(found[0])
    text = source["text"]
    targets: dict[str, list[str]] = {}
    for row in (await db.execute(CITED, params)).rows:
        targets.setdefault(row["excerpt"], []).append(f"{row['record_table']}/{row['record_id']}")
    found = excerpts.find(text, targets, total=MAX_MARKS)
    pieces, passages, numbered = [], [], {}
    labels = Labels(datasette, database)
    for piece, marked in segments(text, found.spans(), most=MAX_TARGETS):
        named = tuple(dict.fromkeys(t for excerpt in marked for t in targets[excerpt]))[:MAX_TARGETS]
        if not named or not piece.strip():  # white space between two passages is no link: it says nothing
            pieces.append({"text": piece})
            continue
        first = named not in numbered  # one list entry per set of rows, however often marked
        if first:
            numbered[named] = len(passages) + 1
            rows = [await labels.row(t) for t in named]
            passages.append({"number": numbered[named], "quote": _shortened(piece), "rows": rows})
        pieces.append({"text": piece, "passage": numbered[named], "first": first})
    cited = (await db.execute(site_sql.CITING, params)).rows[0][0]
    context = {"source": source, "pieces": pieces, "passages": passages, "database": database, "cited": cited}
    return Response.html(await datasette.render_template("article.html", context, request=request))


QUOTED = 160  # characters of a passage repeated in the list below the text


def _shortened(piece: str) -> str:
    piece = " ".join(piece.split())
    return piece if len(piece) <= QUOTED else piece[: QUOTED - 1].rstrip() + "…"


class Labels:
    """The rows a marked passage supports, each with its table's title, its words and its
    address. A row's words are its caption (plugins/related.py's captions: its label or its
    prose); a row of a link table (an event's participant) is named by the captions of the rows
    its key parts point at ("CSTO summit in Minsk — Armenia"). The keys and references come from
    the metadata the build wrote from the schemas. At most MAX_LABELLED lookups a page (one
    indexed query each, cached); past that, rows are named by their IDs."""

    def __init__(self, datasette, database: str):
        self.datasette, self.database = datasette, database
        self.db = datasette.get_database(database)
        related = datasette.metadata("related") or {}
        self.captions = related.get("captions") or {}
        self.keys = ((datasette.metadata("row_links") or {}).get("tables")) or {}
        # (table, column) -> (the table it points at, that table's key), from the lists of rows pointing at each table
        self.refs = {
            (spec["table"], spec["column"]): (target, spec["key"])
            for target, specs in (related.get("lists") or {}).items()
            for spec in specs
        }
        self.looked_up = 0

    async def _caption(self, table: str, key: str, value: str) -> str | None:
        if not self.captions.get(table) or self.looked_up >= MAX_LABELLED:
            return None
        self.looked_up += 1
        words = await caption(self.db, table, key, self.captions[table], value)
        return words[-1] if words else None

    async def row(self, target: str) -> dict:
        table, record_id = target.split("/", 1)
        keys, values = self.keys.get(table) or [], record_id.split("/")
        if len(keys) != len(values):
            text = record_id
        elif len(keys) == 1 and self.captions.get(table):
            text = await self._caption(table, keys[0], values[0]) or record_id
        else:
            parts = []
            for key, value in zip(keys, values):
                pointed = self.refs.get((table, key))
                parts.append((await self._caption(*pointed, value) if pointed else None) or value)
            text = " — ".join(parts)
        return {
            "table": self.datasette.table_metadata(self.database, table).get("title") or table,
            "text": text,
            "href": _row_url(self.datasette, self.database, table, record_id),
        }


@hookimpl
def extra_template_vars(view_name, database, table, request, datasette):
    """On a source's row page, the link to its reading page."""
    if view_name != "row" or table != site_sql.ARTICLES or request is None:
        return {}
    return {"reading_page": f"/-/articles/{request.url_vars['pks']}"}
