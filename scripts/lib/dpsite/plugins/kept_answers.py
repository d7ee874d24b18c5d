"""Answers Datasette 0.65.5 works out again and again from things that never change while the
site runs: the metadata (a file written by the build) and the tables of an immutable database.

- "May this table be seen?" deep-copies the whole metadata, and asks SQLite how the table's name
  is spelt, one query each time: the home page asks about a hundred times, 130 ms in all at this
  package's size.
- The list of tables is read from SQLite again by every page that needs it (a row's page, for its
  evidence and its labels).
- A plugin's settings are merged from the whole metadata on every call, and
  datasette-render-markdown (which datasette-dashboards brings) asks for them for every cell: a
  page of a thousand rows spent 40 ms on it.

Each answer is kept after the first time (a copy is handed out, so no caller can change it for
the next)."""
import copy

from datasette import hookimpl
from datasette.database import Results

MAX_KEPT = 10_000  # answers of each kind; table names come from requests, so the stores are bounded
# The spelling query of Datasette's permission_allowed, word for word: if a release words it
# otherwise, it simply reaches SQLite again (tests/test_kept_answers.py notices).
SPELLING_SQL = "select name from sqlite_master where type in ('table', 'view') and name = ? collate nocase"
ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")  # NOCASE folds ASCII only


@hookimpl
def startup(datasette):
    _keep_table_permissions(datasette)
    _keep_plugin_config(datasette)
    for db in datasette.databases.values():
        if not db.is_mutable and not db.is_memory:
            _keep_spellings(db)
            _keep_table_names(db)


def _keep_table_permissions(datasette) -> None:
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


def _keep_plugin_config(datasette) -> None:
    plugin_config = datasette.plugin_config
    kept: dict[tuple, object] = {}

    def kept_plugin_config(plugin_name, database=None, table=None, fallback=True):
        key = (plugin_name, database, table, fallback)
        if key not in kept:
            if len(kept) >= MAX_KEPT:
                kept.clear()
            kept[key] = plugin_config(plugin_name, database=database, table=table, fallback=fallback)
        return copy.deepcopy(kept[key])

    datasette.plugin_config = kept_plugin_config


def _keep_spellings(db) -> None:
    """Answer the spelling query of an immutable database from its list of tables and views,
    read once; every other query goes to SQLite as before."""
    execute = db.execute
    spellings: dict[str, str] = {}

    async def execute_keeping_spellings(sql, params=None, *args, **kwargs):
        if sql != SPELLING_SQL or not isinstance(params, (list, tuple)) or len(params) != 1 or not isinstance(params[0], str):
            return await execute(sql, params, *args, **kwargs)
        if not spellings:
            names = await execute("select name from sqlite_master where type in ('table', 'view')")
            spellings.update((name.translate(ASCII_LOWER), name) for name, in names.rows)
        found = spellings.get(params[0].translate(ASCII_LOWER))
        return Results([(found,)] if found else [], False, [("name", None, None, None, None, None, None)])

    db.execute = execute_keeping_spellings


def _keep_table_names(db) -> None:
    table_names = db.table_names
    kept: list[str] = []

    async def kept_table_names():
        if not kept:
            kept.extend(await table_names())
        return list(kept)

    db.table_names = kept_table_names
