"""IDs as links with their labels where Datasette shows them bare: in canned-query results and
views, a column holding a table's primary key (event_id, statement_id …) links to that row, its
label beside the ID; anywhere, a record reference (a caveat's or citation's record_table and
record_id) links to the row it names, composite keys included. What is a key and what refers to
what come from the metadata the build writes (dpbuild/metadata.py: row_links), from the schemas."""

from __future__ import annotations

import markupsafe
from datasette import hookimpl

from dpsite.datasette_internals import path_from_row_pks
from dpsite.plugins.labels import label_of

KEY_SEPARATOR = "/"


def _cell(row, column: str):
    """A row's value in a column, for the row objects table and query pages pass (sqlite3.Row)."""
    try:
        return row[column] if column in row.keys() else None
    except (AttributeError, IndexError, KeyError, TypeError):
        return None


async def _link(datasette, database: str, target: str, key_columns: list[str], value: str):
    """The link to the row of `target` whose key is `value` (parts joined by '/'), with its label."""
    parts = value.split(KEY_SEPARATOR) if len(key_columns) > 1 else [value]
    if len(parts) != len(key_columns):
        return None
    href = datasette.urls.row(database, target, path_from_row_pks(dict(zip(key_columns, parts)), key_columns, False))
    meta = datasette.table_metadata(database, target)
    shown = None
    if meta.get("label_column") and len(key_columns) == 1:
        shown = await label_of(datasette.get_database(database), target, key_columns[0], meta["label_column"], value)
    if shown in (None, value):
        return markupsafe.Markup('<a href="{}">{}</a>').format(href, value)
    return markupsafe.Markup('<a href="{}">{}</a> <em>{}</em>').format(href, shown, value)


@hookimpl
def render_cell(row, value, column, table, database, datasette):
    if not database or not isinstance(value, str) or value == "":
        return None
    links = datasette.metadata("row_links") or {}
    keys, records = links.get("keys", {}), links.get("records", {})
    if column in records:  # a record reference: the table is named in the same row
        target = _cell(row, records[column])
        if isinstance(target, str) and target in links.get("tables", {}):
            return _link(datasette, database, target, links["tables"][target], value)
        return None
    # A bare key in a query's or a view's results (a table's own foreign keys are labels.py's).
    if column in keys and (table is None or table in links.get("views", [])):
        return _link(datasette, database, keys[column], [column], value)
    return None
