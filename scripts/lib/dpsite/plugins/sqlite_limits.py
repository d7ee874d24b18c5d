"""Bound what one SQL query can cost, on every connection Datasette opens.

Datasette's time limit interrupts a query between virtual-machine steps, but one step (one call
of randomblob, printf, replace, group_concat) can build a value of any size; and its row cap
bounds rows, not bytes. So each connection gets SQLite's own limits, and the rows a query
returns are counted in bytes as Datasette fetches them:

- no single value longer than MAX_VALUE_BYTES (`select hex(randomblob(490000000))` is refused
  at once with "string or blob too big", not after 24 s and 6 GB);
- at most MAX_COLUMNS columns, short LIKE patterns, shallow expressions, no ATTACH;
- at most MAX_RESULT_BYTES of cell data per query (1,000 rows of 1 MB would otherwise be a GB);
- SQLite's own heap capped process-wide at HEAP_LIMIT_BYTES (sorts spill to disk);
- printf() and format() refuse a width or precision beyond MAX_VALUE_BYTES: SQLite 3.40 keeps
  looping over `printf('%.*c', 1000000000, 'x')` for 8 s after the value has hit its limit, in
  one step no time limit can interrupt. Within the bound, SQLite's own printf answers.

The values admit every page of the site with room to spare (the largest cell, an article text,
is about 20 KB). SECURITY.md lists them.
"""

import re
import sqlite3
import threading
import weakref

from datasette import hookimpl

MAX_VALUE_BYTES = 1_000_000
MAX_RESULT_BYTES = 16_000_000
MAX_COLUMNS = 100
HEAP_LIMIT_BYTES = 256 * 1024 * 1024
LIMITS = {
    sqlite3.SQLITE_LIMIT_LENGTH: MAX_VALUE_BYTES,
    sqlite3.SQLITE_LIMIT_SQL_LENGTH: 100_000,
    sqlite3.SQLITE_LIMIT_COLUMN: MAX_COLUMNS,
    sqlite3.SQLITE_LIMIT_EXPR_DEPTH: 100,
    sqlite3.SQLITE_LIMIT_COMPOUND_SELECT: 50,
    sqlite3.SQLITE_LIMIT_VDBE_OP: 1_000_000,
    sqlite3.SQLITE_LIMIT_FUNCTION_ARG: 32,
    sqlite3.SQLITE_LIMIT_ATTACHED: 0,
    sqlite3.SQLITE_LIMIT_LIKE_PATTERN_LENGTH: 200,
    sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER: 100,
    sqlite3.SQLITE_LIMIT_TRIGGER_DEPTH: 1,
}


class ResultTooLarge(sqlite3.OperationalError):
    """Raised while fetching rows: Datasette reports it like any SQL error, as a 400."""


def _cell_bytes(value) -> int:
    if isinstance(value, (str, bytes)):
        return len(value) + 16
    return 16


def _budgeted(row_factory):
    """row_factory, counting the bytes of each query's rows; the count starts again with each cursor."""
    state = threading.local()

    def factory(cursor, row):
        current = getattr(state, "cursor", None)
        if current is None or current() is not cursor:
            state.cursor, state.spent = weakref.ref(cursor), 0
        state.spent += sum(_cell_bytes(value) for value in row)
        if state.spent > MAX_RESULT_BYTES:
            raise ResultTooLarge(
                f"the result is larger than {MAX_RESULT_BYTES:,} bytes; ask for fewer rows or shorter values"
            )
        return row_factory(cursor, row)

    return factory


# A conversion's flags, width and precision: %-10.3f, %*c, %.*s
SPEC = re.compile(r"%[-+ 0#,!]*(\*|\d+)?(?:\.(\*|\d+))?")


# What the bounded printf answers when a width or precision is over the bound: a value one byte
# over the length limit, so that SQLite itself refuses it with "string or blob too big", as it
# does every other oversized value (an exception raised here would reach the visitor only as
# "user-defined function raised exception").
TOO_BIG = "x" * (MAX_VALUE_BYTES + 1)


def _bounded_printf(conn_limits: dict):
    """printf/format that refuse a width or precision over MAX_VALUE_BYTES, then let SQLite's own
    printf (on a private in-memory connection with the same limits) do the formatting."""
    local = threading.local()

    def printf(fmt, *args):
        if not isinstance(fmt, str):
            return None if fmt is None else str(fmt)
        specs = SPEC.findall(fmt)
        if any(n.isdigit() and int(n) > MAX_VALUE_BYTES for spec in specs for n in spec):
            return TOO_BIG
        if any("*" in spec for spec in specs) and any(isinstance(a, int) and abs(a) > MAX_VALUE_BYTES for a in args):
            return TOO_BIG
        helper = getattr(local, "conn", None)
        if helper is None:
            helper = local.conn = sqlite3.connect(":memory:", check_same_thread=False)
            for limit, value in conn_limits.items():
                helper.setlimit(limit, value)
        placeholders = ", ".join("?" * (len(args) + 1))
        return helper.execute(f"select printf({placeholders})", (fmt, *args)).fetchone()[0]

    return printf


@hookimpl
def prepare_connection(conn):
    for limit, value in LIMITS.items():
        conn.setlimit(limit, value)
    conn.execute(f"PRAGMA hard_heap_limit={HEAP_LIMIT_BYTES}")
    printf = _bounded_printf(LIMITS)
    for name in ("printf", "format"):
        conn.create_function(name, -1, printf, deterministic=True)
    conn.row_factory = _budgeted(conn.row_factory or (lambda cursor, row: row))
