"""The site's error handler (plugins/errors.py) answers each class of exception a visitor can cause
with its own status and words; anything else is counted as unexpected (and fails the test that
caused it: conftest.no_unclassified_error)."""

from __future__ import annotations

import sqlite3
from types import SimpleNamespace

import pytest

from dpsite.datasette_internals import DatasetteError, NotFound


def _errors():
    import importlib.util

    from dpsite.serve import SITE

    spec = importlib.util.spec_from_file_location("errors_under_test", SITE / "plugins" / "errors.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


ERRORS = _errors()
GET = SimpleNamespace(path="/db/events", args={})


@pytest.mark.parametrize(
    "exception, request_, status, words",
    [
        (NotFound("Table not found: x"), GET, 404, "Table not found: x"),
        (DatasetteError("Cannot sort table by x", status=500), GET, 400, "Cannot sort table by x"),
        (DatasetteError("Forbidden", status=403), GET, 403, "Forbidden"),
        (sqlite3.OperationalError("no such column: y"), GET, 400, "This query cannot be answered: no such column: y"),
        (MemoryError("too much"), GET, 400, "This query cannot be answered"),
        (ValueError("invalid literal for int()"), GET, 400, "A parameter has the wrong form"),
        (KeyError("columns"), SimpleNamespace(path="/db.csv", args={}), 400, "A database's CSV needs a query"),
    ],
    ids=["client-error", "datasette-error-500", "datasette-error-403", "sql", "memory", "value", "csv-without-sql"],
)
def test_each_known_class_has_its_status_and_words(exception, request_, status, words):
    before = list(ERRORS.UNEXPECTED)
    got, message, _ = ERRORS._status_and_message(exception, request_)
    assert got == status and str(message).startswith(words)
    assert ERRORS.UNEXPECTED == before  # a known class is not counted


def test_an_unknown_class_is_answered_400_and_counted():
    before = len(ERRORS.UNEXPECTED)
    got, message, _ = ERRORS._status_and_message(ZeroDivisionError("x"), GET)
    assert (got, message) == (400, "This request cannot be answered (ZeroDivisionError).")
    assert ERRORS.UNEXPECTED[before:] == ["ZeroDivisionError"]
    del ERRORS.UNEXPECTED[before:]
