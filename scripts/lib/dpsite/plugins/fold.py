"""The SQL function fold(text): a name as the canned queries match it, whole, with case, accents
and typographic marks ignored (dpmodel.names.fold, which the build used for the name-form tables'
folded column, so a parameter and a stored form fold alike)."""

from __future__ import annotations

from datasette import hookimpl

from dpmodel.names import fold


@hookimpl
def prepare_connection(conn):
    conn.create_function("fold", 1, fold, deterministic=True)
