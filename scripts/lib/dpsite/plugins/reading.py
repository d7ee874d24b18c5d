"""Reading pages: /-/articles/<source_id> shows an article's text with every cited excerpt
marked and linked to the row it supports, so a reader checks a fact against its source in one
click. The texts come from the database's source_texts table (written by the build); excerpts
are found as the validator finds them, verbatim, every occurrence."""
from datasette import hookimpl
from datasette.utils import tilde_encode
from datasette.utils.asgi import NotFound, Response

TEXTS = "source_texts"
SOURCE = "SELECT s.source_id, s.title, s.published_date, t.text FROM sources s JOIN source_texts t ON t.source_id = s.source_id WHERE s.source_id = :id"
CITED = "SELECT record_table, record_id, excerpt FROM citations WHERE source_id = :id ORDER BY record_table, record_id"


def segments(text: str, spans: list[tuple[int, int, str]]) -> list[tuple[str, list[str]]]:
    """The text cut where any span starts or ends, each piece with the targets of the spans
    covering it: one sweep over the sorted boundaries, not a scan of every span per piece."""
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
        pieces.append((text[a:b], sorted(active)))
    return pieces


def _row_url(datasette, database: str, record_table: str, record_id: str) -> str:
    return datasette.urls.row(database, record_table, ",".join(tilde_encode(v) for v in record_id.split("/")))


@hookimpl
def register_routes():
    return [(r"^/-/articles/(?P<source_id>[a-z0-9]+(?:-[a-z0-9]+)*)$", article_page)]


async def article_page(datasette, request):
    database = next((name for name, db in datasette.databases.items() if name != "_internal"), None)
    db = datasette.get_database(database) if database else None
    if db is None or TEXTS not in await db.table_names():
        raise NotFound("No article texts in this database")
    params = {"id": request.url_vars["source_id"]}
    found = (await db.execute(SOURCE, params)).rows
    if not found:
        raise NotFound("No such article")
    source = dict(found[0])
    text = source["text"]
    spans = []
    for row in (await db.execute(CITED, params)).rows:
        target = f"{row['record_table']}/{row['record_id']}"
        start = text.find(row["excerpt"])
        while start != -1 and row["excerpt"]:
            spans.append((start, start + len(row["excerpt"]), target))
            start = text.find(row["excerpt"], start + 1)
    pieces = [(piece, [(t, _row_url(datasette, database, *t.split("/", 1))) for t in targets]) for piece, targets in segments(text, spans)]
    return Response.html(await datasette.render_template("article.html", {"source": source, "pieces": pieces, "database": database,
                                                                           "cited": len({t for _, _, t in spans})}, request=request))


@hookimpl
def extra_template_vars(view_name, database, table, request, datasette):
    """On a source's row page, the link to its reading page."""
    if view_name != "row" or table != "sources" or request is None:
        return {}
    return {"reading_page": f"/-/articles/{request.url_vars['pks']}"}
