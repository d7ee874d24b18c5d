"""Evidence where the fact is: a row's page lists the citations behind it (excerpt, article,
date, and the outlet the article credits) and its caveats, read from the citations and caveats
tables by the row's key (composite keys joined with '/', as the citations store them)."""

from datasette import hookimpl

CITATIONS = """
SELECT c.excerpt, s.title AS source, s.source_id, s.published_date, u.outlet AS upstream_outlet, u.url AS upstream_url
FROM citations c JOIN sources s ON s.source_id = c.source_id
LEFT JOIN upstream_sources u ON u.upstream_id = c.upstream_id
WHERE c.record_table = :table AND c.record_id = :id
ORDER BY s.published_date, c.excerpt"""
CAVEATS = """
SELECT k.label AS kind, k.contradicted, c.note, c.excerpt, s.title AS source, c.ref_title, c.ref_publisher, c.ref_date, c.ref_url
FROM caveats c JOIN vocab_caveat_kinds k ON k.code = c.kind
LEFT JOIN sources s ON s.source_id = c.source_id
WHERE c.record_table = :table AND c.record_id = :id
ORDER BY k.contradicted DESC, c.caveat_id"""


@hookimpl
def extra_template_vars(view_name, request, datasette, database, table):
    if view_name != "row" or not database or not table:
        return {}

    async def evidence():
        db = datasette.get_database(database)
        names = set(await db.table_names())
        if not {"citations", "caveats", "sources", "vocab_caveat_kinds", "upstream_sources"} <= names:
            return None
        record_id = "/".join(request.url_vars["pks"].split(","))
        params = {"table": table, "id": record_id}
        citations = [dict(r) for r in (await db.execute(CITATIONS, params)).rows]
        caveats = [dict(r) for r in (await db.execute(CAVEATS, params)).rows]
        if (
            not (citations or caveats)
            and not (await db.execute("SELECT 1 FROM citations WHERE record_table = :table LIMIT 1", params)).rows
        ):
            return None  # a lookup list or a citation itself: nothing cites such rows (asked only then)
        return {"citations": citations, "caveats": caveats}

    return {"evidence": evidence}
