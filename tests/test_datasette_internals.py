"""One test per assumption the site makes about Datasette beyond its plugin hooks
(dpsite/datasette_internals.py lists them): an upgrade that breaks one fails the test named after it."""

from __future__ import annotations

import asyncio
import importlib
import inspect

from datasette.app import Datasette
from datasette.database import Database

from dpsite import datasette_internals as internals


def test_every_assumption_has_its_test():
    tests = {name[len("test_") :] for name in globals() if name.startswith("test_")}
    assert set(internals.ASSUMPTIONS) <= tests


def test_table_permission_allows():
    method = Datasette._table_permission_allows
    assert callable(method) and not inspect.iscoroutinefunction(method)
    assert "_table_permission_allows" in inspect.getsource(Datasette)


def test_plugin_config():
    assert not inspect.iscoroutinefunction(Datasette.plugin_config)
    assert internals.signature_of(Datasette.plugin_config)[:5] == [
        "self",
        "plugin_name",
        "database",
        "table",
        "fallback",
    ]


def test_database_methods():
    for name in ("table_names", "primary_keys", "execute"):
        assert inspect.iscoroutinefunction(getattr(Database, name)), name
    assert internals.signature_of(Database.primary_keys) == ["self", "table"]


def test_spelling_sql():
    """If a Datasette release words its query otherwise, nothing breaks, but nothing is kept either."""
    assert internals.SPELLING_SQL in Datasette.permission_allowed.__code__.co_consts


def test_results():
    results = internals.Results([("a",)], False, [("name", None, None, None, None, None, None)])
    assert results.rows == [("a",)] and results.columns == ["name"] and results.truncated is False
    db = Datasette(memory=True).get_database("_memory")
    assert isinstance(asyncio.run(db.execute("select 1 as one")), internals.Results)


def test_default_exception_handler():
    from datasette import plugins

    assert "datasette.handle_exception" in plugins.DEFAULT_PLUGINS  # registered under its module's name
    assert hasattr(importlib.import_module("datasette.handle_exception"), "handle_exception")
    internals.remove_default_exception_handler()  # what plugins/errors.py does when it loads
    assert plugins.pm.get_plugin("datasette.handle_exception") is None


def test_error_classes():
    error = internals.DatasetteError("x", title="T", status=500, message_is_html=False)
    assert (error.status, error.message, error.message_is_html, error.title) == (500, "x", False, "T")
    assert issubclass(internals.NotFound, internals.Base400) and internals.NotFound("y").status == 404


def test_file_download():
    import inspect

    assert list(inspect.signature(internals.AsgiFileDownload).parameters)[:4] == [
        "filepath",
        "filename",
        "content_type",
        "headers",
    ]
    assert inspect.iscoroutinefunction(internals.AsgiFileDownload.asgi_send)


def test_utils():
    assert internals.escape_sqlite("events") == "events" and internals.escape_sqlite("a b") == "[a b]"
    assert internals.tilde_encode("a/b c") == "a~2Fb+c"
    assert internals.tilde_decode("a~2Fb+c") == "a/b c"
    assert internals.path_from_row_pks({"k": "a/b"}, ["k"], False) == "a~2Fb"


def test_expanded_foreign_key():
    from datasette.views import table

    assert table.LINK_WITH_LABEL == internals.EXPANDED_LINK
    source = inspect.getsource(table.display_columns_and_rows)
    assert "elif isinstance(value, dict):" in source and 'label = value["label"]' in source


def test_only_the_methods_listed_may_be_replaced():
    import pytest

    with pytest.raises(ValueError):
        internals.replace_datasette_method(object(), "render_template", lambda f: f)
    with pytest.raises(ValueError):
        internals.replace_database_method(object(), "execute_write", lambda f: f)


def test_the_plugins_import_datasette_internals_only_through_the_adapter():
    from pathlib import Path

    plugins = Path(internals.__file__).parent / "plugins"
    for path in plugins.glob("*.py"):
        text = path.read_text(encoding="utf-8")
        for line in text.splitlines():
            if line.startswith(("from datasette", "import datasette")):
                assert line in (
                    "from datasette import hookimpl",
                    "from datasette import Response, hookimpl",
                    "from datasette import Response",
                    "import datasette as datasette_module",
                ), (path.name, line)
        assert "._table_permission_allows =" not in text and ".plugin_config =" not in text, path.name
