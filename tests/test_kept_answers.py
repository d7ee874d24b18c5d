"""The site keeps the answers Datasette would otherwise work out on every request from things that
never change while it runs (dpsite/plugins/kept_answers.py)."""

from __future__ import annotations

import asyncio

from datasette.database import Results

from dpsite.plugins import kept_answers


class CountingDatabase:
    """Stands in for an immutable Datasette database with a table and a view."""

    def __init__(self):
        self.asked: list[str] = []

    async def execute(self, sql, params=None, *args, **kwargs):
        self.asked.append(sql)
        return Results([("Events",), ("events_full",)], False, [("name",)])

    async def table_names(self):
        self.asked.append("table_names")
        return ["Events"]

    async def primary_keys(self, table):
        self.asked.append(f"primary_keys {table}")
        return ["event_id"] if table == "Events" else []


def test_a_tables_spelling_is_read_once_and_answered_as_sqlite_would():
    db = CountingDatabase()
    db.execute = kept_answers._keeping_spellings(db.execute)

    def spelling(name):
        return asyncio.run(db.execute(kept_answers.SPELLING_SQL, [name])).rows

    assert spelling("EVENTS") == [("Events",)]  # NOCASE folds ASCII
    assert spelling("events_FULL") == [("events_full",)]
    assert spelling("Évents") == []  # and nothing else
    assert spelling("nothing") == []
    assert len(db.asked) == 1  # the names were read once
    asyncio.run(db.execute("select 1", []))
    assert db.asked[-1] == "select 1"  # every other query still reaches SQLite


def test_the_list_of_tables_is_read_once_and_handed_out_as_a_copy():
    db = CountingDatabase()
    db.table_names = kept_answers._kept_async(db.table_names)
    first = asyncio.run(db.table_names())
    first.append("changed")
    assert asyncio.run(db.table_names()) == ["Events"]
    assert db.asked == ["table_names"]


def test_a_tables_primary_key_is_read_once_and_handed_out_as_a_copy():
    db = CountingDatabase()
    db.primary_keys = kept_answers._kept_async(db.primary_keys)
    first = asyncio.run(db.primary_keys("Events"))
    first.append("changed")
    assert asyncio.run(db.primary_keys("Events")) == ["event_id"]
    assert asyncio.run(db.primary_keys("nothing")) == []
    assert db.asked == ["primary_keys Events", "primary_keys nothing"]


def test_plugin_settings_are_handed_out_as_copies(site):
    first = site.ds.plugin_config("datasette-cluster-map")
    assert first, "the build configures the map"
    first["latitude_column"] = "changed"
    assert (
        site.ds.plugin_config("datasette-cluster-map") == site.ds.metadata("plugins")["datasette-cluster-map"] != first
    )
