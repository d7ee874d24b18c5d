"""Every part of Datasette the site relies on beyond its documented plugin hooks, in one place.

The plugins import Datasette's internals only from here, and change its objects only through the
functions below; each assumption is listed in ASSUMPTIONS and checked against the installed
Datasette by tests/test_datasette_internals.py, so an upgrade names the one that broke instead of
failing somewhere in a page. MAINTAINING.md ("Moving to Datasette 1.x") says what to expect.
"""

from __future__ import annotations

import inspect

from datasette.app import Datasette
from datasette.database import Database, Results
from datasette.plugins import pm
from datasette.utils import escape_sqlite, path_from_row_pks, tilde_decode, tilde_encode
from datasette.utils.asgi import AsgiFileDownload, Base400, NotFound
from datasette.views.base import DatasetteError

__all__ = [
    "ASSUMPTIONS",
    "AsgiFileDownload",
    "Base400",
    "DatasetteError",
    "NotFound",
    "Results",
    "EXPANDED_LINK",
    "SPELLING_SQL",
    "escape_sqlite",
    "path_from_row_pks",
    "remove_default_exception_handler",
    "replace_database_method",
    "replace_datasette_method",
    "tilde_decode",
    "tilde_encode",
]

# The query Datasette 0.65's permission check runs to learn how a table's name is spelt, word for
# word (plugins/kept_answers.py answers it from memory).
SPELLING_SQL = "select name from sqlite_master where type in ('table', 'view') and name = ? collate nocase"

# What the site assumes, one line each: the test of each is named after its key.
ASSUMPTIONS = {
    "table_permission_allows": "Datasette._table_permission_allows(...) is a plain method the permission check calls",
    "plugin_config": "Datasette.plugin_config(plugin_name, database=None, table=None, fallback=True) is a plain method",
    "database_methods": "Database.table_names() and Database.primary_keys(table) are coroutine methods, execute() too",
    "spelling_sql": "the permission check spells a table's name with SPELLING_SQL, word for word",
    "results": "Results(rows, truncated, description) is what Database.execute returns",
    "default_exception_handler": "Datasette registers its own handle_exception plugin as 'datasette.handle_exception'",
    "error_classes": "DatasetteError has status, message, message_is_html and title; Base400 (NotFound) has status",
    "file_download": "AsgiFileDownload(filepath, filename=, content_type=) is a response a route may return",
    "utils": "escape_sqlite, tilde_encode, tilde_decode and path_from_row_pks quote, encode and join as in 0.65",
    "expanded_foreign_key": "render_cell sees an expanded foreign key as {'value', 'label'}, which Datasette "
    "draws as EXPANDED_LINK (plugins/headlines.py draws the same link with its language)",
}

# How Datasette 0.65 draws a foreign key expanded to its label (views/table.py, LINK_WITH_LABEL).
EXPANDED_LINK = '<a href="{base_url}{database}/{table}/{link_id}">{label}</a>&nbsp;<em>{id}</em>'


def replace_datasette_method(datasette: Datasette, name: str, wrap) -> None:
    """datasette.<name> replaced by wrap(the method as it was), for this instance only."""
    if name not in ("_table_permission_allows", "plugin_config"):
        raise ValueError(f"{name} is not a method the site is known to wrap (see ASSUMPTIONS)")
    setattr(datasette, name, wrap(getattr(datasette, name)))


def replace_database_method(db: Database, name: str, wrap) -> None:
    """db.<name> replaced by wrap(the method as it was), for this database only."""
    if name not in ("table_names", "primary_keys", "execute"):
        raise ValueError(f"{name} is not a method the site is known to wrap (see ASSUMPTIONS)")
    setattr(db, name, wrap(getattr(db, name)))


def remove_default_exception_handler() -> None:
    """Unregister Datasette's own handle_exception (plugins/errors.py answers every error itself:
    Datasette's prints a traceback per error and answers 500 to some client errors)."""
    default = pm.get_plugin("datasette.handle_exception")
    if default is not None:
        pm.unregister(default)


def signature_of(function) -> list[str]:
    """The parameter names of a function (for the tests of the assumptions)."""
    return list(inspect.signature(function).parameters)
