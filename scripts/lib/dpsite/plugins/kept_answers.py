"""Answers Datasette 0.65.5 works out again and again from things that never change while the
site runs: the metadata (a file written by the build) and the tables of an immutable database.

- "May this table be seen?" deep-copies the whole metadata, and asks SQLite how the table's name
  is spelt, one query each time: the home page asks about a hundred times, 130 ms in all at this
  package's size.
- The list of tables, and a table's primary key, are read from SQLite again by every page that
  needs them (a row's page, for its evidence and its labels; an empty canned-query answer, to
  check the row it was asked about).
- A plugin's settings are merged from the whole metadata on every call, and
  datasette-render-markdown (which datasette-dashboards brings) asks for them for every cell: a
  page of a thousand rows spent 40 ms on it.

Each answer is kept after the first time (a copy is handed out, so no caller can change it for
the next)."""

import copy

from datasette import hookimpl

from dpsite.datasette_internals import SPELLING_SQL, Results, replace_database_method, replace_datasette_method

MAX_KEPT = 10_000  # answers of each kind; table names come from requests, so the stores are bounded
# SPELLING_SQL is Datasette's own permission query, word for word: if a release words it otherwise,
# it simply reaches SQLite again (tests/test_kept_answers.py and test_datasette_internals.py notice).
ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")  # NOCASE folds ASCII only


@hookimpl
def startup(datasette):
    replace_datasette_method(datasette, "_table_permission_allows", _kept)
    replace_datasette_method(datasette, "plugin_config", _kept)
    for db in datasette.databases.values():
        if not db.is_mutable and not db.is_memory:
            replace_database_method(db, "execute", _keeping_spellings)
            replace_database_method(db, "table_names", _kept_async)
            replace_database_method(db, "primary_keys", _kept_async)


def _kept(function):
    """function, each answer kept by its arguments (at most MAX_KEPT) and handed out as a copy."""
    kept: dict[tuple, object] = {}

    def kept_function(*args, **kwargs):
        key = (args, tuple(sorted(kwargs.items())))
        if key not in kept:
            if len(kept) >= MAX_KEPT:
                kept.clear()
            kept[key] = function(*args, **kwargs)
        return copy.deepcopy(kept[key])

    return kept_function


def _kept_async(function):
    """_kept for a coroutine function: each awaited answer kept by its arguments."""
    kept: dict[tuple, object] = {}

    async def kept_function(*args, **kwargs):
        key = (args, tuple(sorted(kwargs.items())))
        if key not in kept:
            if len(kept) >= MAX_KEPT:
                kept.clear()
            kept[key] = await function(*args, **kwargs)
        return copy.deepcopy(kept[key])

    return kept_function


def _keeping_spellings(execute):
    """An immutable database's execute that answers the spelling query from its list of tables and
    views, read once; every other query goes to SQLite as before."""
    spellings: dict[str, str] = {}

    async def execute_keeping_spellings(sql, params=None, *args, **kwargs):
        if (
            sql != SPELLING_SQL
            or not isinstance(params, (list, tuple))
            or len(params) != 1
            or not isinstance(params[0], str)
        ):
            return await execute(sql, params, *args, **kwargs)
        if not spellings:
            names = await execute("select name from sqlite_master where type in ('table', 'view')")
            spellings.update((name.translate(ASCII_LOWER), name) for (name,) in names.rows)
        found = spellings.get(params[0].translate(ASCII_LOWER))
        return Results([(found,)] if found else [], False, [("name", None, None, None, None, None, None)])

    return execute_keeping_spellings
