"""Datasette's escape_fts SQL function, which its search runs every query through, replaced by
dpsite.fts.escape_fts: every word quoted and required (joined by an explicit AND, so any input is
valid FTS5), long words widened to their stem (see there)."""

from datasette import hookimpl

from dpsite.fts import escape_fts


@hookimpl(trylast=True)  # after Datasette's own prepare_connection, so this escape_fts is the one used
def prepare_connection(conn):
    conn.create_function("escape_fts", 1, escape_fts, deterministic=True)
