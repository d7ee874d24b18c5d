"""Evidence where the fact is: a row's page lists the citations behind it (excerpt, article,
date, and the outlet the article credits) and its caveats, read from the citations and caveats
tables by the row's key (composite keys joined with '/', as the citations store them), by the SQL
in dpsite/site_sql.py."""

from datasette import hookimpl

from dpsite import site_sql


@hookimpl
def extra_template_vars(view_name, request, datasette, database, table):
    if view_name != "row" or not database or not table:
        return {}

    async def evidence():
        db = datasette.get_database(database)
        names = set(await db.table_names())
        if not site_sql.EVIDENCE_TABLES <= names:
            return None
        record_id = "/".join(request.url_vars["pks"].split(","))
        params = {"table": table, "id": record_id}
        citations = [dict(r) for r in (await db.execute(site_sql.CITATIONS, params)).rows]
        caveats = [dict(r) for r in (await db.execute(site_sql.CAVEATS, params)).rows]
        if not (citations or caveats) and not (await db.execute(site_sql.CITES_TABLE, params)).rows:
            return None  # a lookup list or a citation itself: nothing cites such rows (asked only then)
        return {"citations": citations, "caveats": caveats}

    return {"evidence": evidence}
