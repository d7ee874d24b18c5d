"""Datasette 0.65.5 answers "may this table be seen?" by deep-copying the whole metadata for every
table on every page (the home page asks it about a hundred times, about 100 ms in all at this
package's size). The site's metadata never changes while it runs (it is a file written by the
build, and the database is immutable), so each table's answer is kept after the first time."""
from datasette import hookimpl

MAX_KEPT = 10_000  # (database, table) pairs; names come from requests, so the store is bounded


@hookimpl
def startup(datasette):
    original = datasette._table_permission_allows
    kept: dict[tuple, list] = {}

    def allows(database, table):
        key = (database, table)
        if key not in kept:
            if len(kept) >= MAX_KEPT:
                kept.clear()
            kept[key] = original(database, table)
        return list(kept[key])  # a copy: callers get a list of their own, as before

    datasette._table_permission_allows = allows
