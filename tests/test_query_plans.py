"""Every canned query, view and foreign-key lookup uses an index: EXPLAIN QUERY PLAN shows no
plain scan of a fact table (a property of the SQL and the indexes, not a timing)."""

from __future__ import annotations

import json
import re
import sqlite3
from pathlib import Path

import pytest

from dpbuild.queries import CANNED_QUERIES, VIEWS
from dpmodel.names import fold

ROOT = Path(__file__).resolve().parent.parent
NAME = json.loads((ROOT / "datapackage.json").read_text())["name"]
FACT_TABLES = {
    "events",
    "event_participants",
    "statements",
    "statement_subjects",
    "memberships",
    "citations",
    "aliases",
}
VIEW_KEYS = {"events_full": "event_id", "statements_full": "statement_id", "memberships_named": "membership_id"}


@pytest.fixture(scope="module")
def db(dist):
    conn = sqlite3.connect(dist / f"{NAME}.db")
    conn.create_function("fold", 1, fold, deterministic=True)  # the site's SQL function (plugins/fold.py)
    yield conn
    conn.close()


def _aliases(sql: str) -> dict[str, str]:
    """alias -> table for every FROM/JOIN in the SQL (a table is its own alias too)."""
    found = {}
    for table, alias in re.findall(
        r"(?:FROM|JOIN)\s+(\w+)(?:\s+(?!ON\b|WHERE\b|JOIN\b|LEFT\b|ORDER\b|GROUP\b)(\w+))?", sql, re.I
    ):
        found[table] = table
        if alias:
            found[alias] = table
    return found


def full_scans(conn, sql: str, params=()) -> list[str]:
    aliases = _aliases(sql + " " + " ".join(v["sql"] for v in VIEWS.values()))
    scans = []
    for row in conn.execute("EXPLAIN QUERY PLAN " + sql, params):
        match = re.match(r"SCAN (\w+)$", row[3])  # "SCAN x USING INDEX …" and subqueries are fine
        if match and aliases.get(match.group(1), match.group(1)) in FACT_TABLES:
            scans.append(row[3])
    return scans


@pytest.mark.parametrize("name", list(CANNED_QUERIES))
def test_canned_queries_use_indexes(db, name):
    query = CANNED_QUERIES[name]
    assert full_scans(db, query["sql"], query["params"]) == []


@pytest.mark.parametrize("view", list(VIEWS))
def test_views_looked_up_by_key_use_indexes(db, view):
    assert full_scans(db, f"SELECT * FROM {view} WHERE {VIEW_KEYS[view]} = ?", ("x",)) == []


def _foreign_keys():
    for path in sorted((ROOT / "schemas").glob("*.json")):
        for fk in json.loads(path.read_text()).get("foreignKeys", []):
            field = fk["fields"][0] if isinstance(fk["fields"], list) else fk["fields"]
            yield pytest.param(path.stem, field, id=f"{path.stem}.{field}")


@pytest.mark.parametrize("table, field", list(_foreign_keys()))
def test_foreign_key_lookups_use_indexes(db, table, field):
    plan = [r[3] for r in db.execute(f'EXPLAIN QUERY PLAN SELECT * FROM "{table}" WHERE "{field}" = ?', ("x",))]
    assert all(line.startswith("SEARCH") for line in plan), plan


def test_the_check_notices_a_full_scan(db):
    assert full_scans(db, "SELECT * FROM statements s WHERE s.quote LIKE '%x%'") == ["SCAN s"]
