"""Reading pages: /-/articles/<source_id> shows an article's text with every cited excerpt
marked and linked to the row it supports, so a reader checks a fact against its source in one
click. The texts come from the database's source_texts table (written by the build; the SQL that
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

MAX_TARGETS = 10  # rows named by one mark (its title lists them; the link goes to the first)
MAX_MARKS = 1000  # occurrences marked on one page; an article's real excerpts are a few dozen
MAX_EXCERPTS = 10_000  # distinct excerpts read for one article
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
    pieces = []
    for piece, marked in segments(text, found.spans(), most=MAX_TARGETS):
        named = list(dict.fromkeys(t for excerpt in marked for t in targets[excerpt]))[:MAX_TARGETS]
        pieces.append((piece, [(t, _row_url(datasette, database, *t.split("/", 1))) for t in named]))
    cited = (await db.execute(site_sql.CITING, params)).rows[0][0]
    return Response.html(
        await datasette.render_template(
            "article.html", {"source": source, "pieces": pieces, "database": database, "cited": cited}, request=request
        )
    )


@hookimpl
def extra_template_vars(view_name, database, table, request, datasette):
    """On a source's row page, the link to its reading page."""
    if view_name != "row" or table != site_sql.ARTICLES or request is None:
        return {}
    return {"reading_page": f"/-/articles/{request.url_vars['pks']}"}
