"""An oversized cell never breaks a page.

sqlite_limits.py caps every SQL value at MAX_VALUE_BYTES so that a visitor's SQL cannot build a
huge one; but SQLite applies that cap to stored values too, so one cell over it made its table's
HTML, JSON and CSV pages (and its row's) a permanent 400. Here, on every connection after
sqlite_limits.py has set its caps:

- if the database stores a row longer than that cap (measured once per database file when the
  site starts, on a connection of its own), the cap becomes the larger of one query's whole answer
  (MAX_RESULT_BYTES) and twice that row, never above READ_CEILING: SQLite applies the cap to the
  records it sorts and the rows a view joins as well, so the stored row must fit with room; and a
  visitor's SQL can still build no value longer than one answer may be. The real package's
  longest row is far below the cap, so nothing changes for it;
- on HTML pages a text longer than SHOWN characters is shown cut, with its length and a link to
  the row's JSON, which holds the whole value (a query's or a view's cell points to the page's
  own JSON and CSV links instead). JSON and CSV answers keep every value whole.

SHOWN is above the longest text the real package holds (an article, about 30 KB), so no page
of it changes.

And a cell of the articles' own words is marked with its language (lang="it") wherever a table,
a row or a query shows it, so a screen reader reads it in Italian: the build lists those columns
and the articles' languages in the metadata's "verbatim" entry (dpbuild/languages.py, from the
schemas' keywords); templates/_table.html and query.html ask `text_lang`, row.html and
article.html `source_lang` and `title_lang`.
"""

from __future__ import annotations

import asyncio
import functools
import sqlite3
import threading
from urllib.parse import quote

import markupsafe
from datasette import hookimpl

from dpsite.datasette_internals import escape_sqlite, path_from_row_pks
from dpsite.plugins.sqlite_limits import MAX_RESULT_BYTES

SHOWN = 100_000  # characters of one cell on an HTML page
READ_CEILING = 64 * 1024 * 1024  # the validator's limit on all CSVs together: no stored value is longer
_lock = threading.Lock()


@functools.lru_cache(maxsize=16)
def longest_row(path: str) -> int:
    """Bytes of the longest record stored in the database at path (a row's values together)."""
    conn = sqlite3.connect(f"file:{quote(path)}?mode=ro&immutable=1", uri=True)
    try:
        try:  # SQLite's own page statistics: every record's size, without decoding any value
            return conn.execute("SELECT max(mx_payload) FROM dbstat WHERE aggregate = TRUE").fetchone()[0] or 0
        except sqlite3.OperationalError:  # an SQLite built without dbstat: add up each row's values
            return _longest_by_values(conn)
    finally:
        conn.close()


def _longest_by_values(conn) -> int:
    longest = 0
    tables = conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND coalesce(sql, '') NOT LIKE 'CREATE VIRTUAL%'"
    ).fetchall()
    for (table,) in tables:
        columns = [row[1] for row in conn.execute(f"PRAGMA table_info({escape_sqlite(table)})")]
        if columns:
            size = " + ".join(f"coalesce(length(CAST({escape_sqlite(c)} AS BLOB)), 0)" for c in columns)
            found = conn.execute(f"SELECT max({size}) FROM {escape_sqlite(table)}").fetchone()[0]
            longest = max(longest, found or 0)
    return longest


@hookimpl
def startup(datasette):
    # Measured before the site answers (about a second per 500 MB), not in its first request.
    async def measure():
        for db in datasette.databases.values():
            if db.path:
                await asyncio.to_thread(_measured, db.path)

    return measure


def _measured(path: str) -> int:
    with _lock:  # one measurement per file, whichever thread asks first
        return longest_row(path)


@hookimpl(trylast=True)  # after sqlite_limits.py has set the caps
def prepare_connection(conn, database, datasette):
    db = datasette.databases.get(database)  # not there for Datasette's own scratch connections
    if db is None or not db.path:
        return
    longest = _measured(db.path)
    if longest >= conn.getlimit(sqlite3.SQLITE_LIMIT_LENGTH):
        conn.setlimit(sqlite3.SQLITE_LIMIT_LENGTH, min(max(MAX_RESULT_BYTES, 2 * longest), READ_CEILING))


def _cut(value: str, href: str | None) -> markupsafe.Markup:
    note = f"… (the first {SHOWN:,} of {len(value):,} characters"
    if href:
        return markupsafe.Markup('{}<span class="dp-cut">{}: <a href="{}">the whole value</a>)</span>').format(
            value[:SHOWN], note, href
        )
    return markupsafe.Markup(
        '{}<span class="dp-cut">{}; the whole value is in this page\'s JSON and CSV)</span>'
    ).format(value[:SHOWN], note)


@hookimpl(tryfirst=True)  # before any plugin that would draw the whole value
def render_cell(row, value, column, table, database, datasette):
    if not isinstance(value, str) or len(value) <= SHOWN:
        return None
    if not table or not database:
        return _cut(value, None)

    async def cut():
        db = datasette.get_database(database)
        if table in await db.view_names():
            return _cut(value, None)
        pks = await db.primary_keys(table)
        keys = pks or ["rowid"]
        if any(k not in row.keys() for k in keys):
            return _cut(value, None)
        return _cut(value, datasette.urls.row(database, table, path_from_row_pks(row, pks, not pks), format="json"))

    return cut


@hookimpl
def extra_template_vars(datasette):
    verbatim = datasette.metadata("verbatim") or {}
    columns = {table: set(names) for table, names in (verbatim.get("columns") or {}).items()}
    anywhere = set().union(*columns.values()) if columns else set()
    shared = verbatim.get("language")
    languages = verbatim.get("languages") or {}

    headlines = verbatim.get("headlines") or {}
    by_text, by_source = headlines.get("by_text") or {}, headlines.get("by_source") or {}

    def text_lang(column, table=None, value=None) -> str | None:
        """The language of a column of the articles' own words when every article shares it (a
        view's or a query's columns are known by their names alone); in the sources table's
        headline column, the language of the article whose printed headline the cell holds."""
        if table == headlines.get("table") and column == headlines.get("column"):
            return by_text.get(value) if isinstance(value, str) else None
        return shared if column in columns.get(table, anywhere) else None

    def source_lang(source_id) -> str | None:
        """The language of one article's words."""
        return languages.get(source_id) or None

    def title_lang(source_id) -> str | None:
        """The language of one article's printed headline (none for a title the editors supplied)."""
        return by_source.get(source_id) or None

    return {"text_lang": text_lang, "source_lang": source_lang, "title_lang": title_lang}
