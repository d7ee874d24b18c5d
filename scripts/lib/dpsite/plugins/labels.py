"""Labels, not codes: a foreign-key cell that Datasette left as a bare value (a row's own page
does not expand foreign keys) shows the referenced row's label, linked to that row, with the
code beside it, as table pages show it. Label columns come from the metadata the build writes
(the schemas' x-datasette label_column); a key without one stays as it is."""

from __future__ import annotations

import markupsafe
from datasette import hookimpl

from dpsite.datasette_internals import escape_sqlite, tilde_encode

# The database is immutable, so what a table's keys point to and what a code is labelled never
# change while the site runs; the label cache is bounded all the same.
_KEYS: dict[tuple[str, str], dict[str, tuple[str, str, str]]] = {}
_LABELS: dict[tuple[str, str, str], str | None] = {}
MAX_LABELS = 10_000


async def _targets(db, table: str) -> dict[str, tuple[str, str, str]]:
    """column -> (other table, other column, its label column), for single-column keys to a
    table with a declared label column; nothing for a view or a query."""
    key = (db.name, table)
    if key not in _KEYS:
        targets = {}
        if table in await db.table_names():
            for fk in await db.foreign_keys_for_table(table):
                label = db.ds.table_metadata(db.name, fk["other_table"]).get("label_column")
                if label:
                    targets[fk["column"]] = (fk["other_table"], fk["other_column"], label)
        _KEYS[key] = targets
    return _KEYS[key]


async def label_of(db, other_table: str, other_column: str, label_column: str, value: str) -> str | None:
    """The label of the row of other_table whose other_column is value (cached), or None."""
    key = (other_table, label_column, value)
    if key not in _LABELS:
        rows = (
            await db.execute(
                f"SELECT {escape_sqlite(label_column)} FROM {escape_sqlite(other_table)} "
                f"WHERE {escape_sqlite(other_column)} = ? LIMIT 1",
                [value],
            )
        ).rows
        if len(_LABELS) >= MAX_LABELS:
            _LABELS.clear()
        _LABELS[key] = rows[0][0] if rows and rows[0][0] not in (None, "") else None
    return _LABELS[key]


@hookimpl
def render_cell(value, column, table, database, datasette):
    # Called for every cell of every page: answered at once, with no query, unless the cell is
    # a bare value in a column known (or not yet known) to be a labelled foreign key.
    if not table or not database or not isinstance(value, str) or value == "":
        return None
    known = _KEYS.get((database, table))
    if known is not None and column not in known:
        return None

    async def labelled():
        db = datasette.get_database(database)
        target = (await _targets(db, table)).get(column)
        if not target:
            return None
        label = await label_of(db, *target, value)
        href = f"{datasette.urls.table(database, target[0])}/{tilde_encode(value)}"
        shown = markupsafe.escape(label if label is not None else value)
        code = markupsafe.Markup(" <em>{}</em>").format(value) if label not in (None, value) else ""
        return markupsafe.Markup('<a href="{}">{}</a>{}').format(href, shown, code)

    return labelled
