"""The real package's tables, read once, and copies with a few cells changed, on which each rule's
tests run that rule alone: a test sees its own rule's lines and nothing else, so a new rule never
changes another rule's test, and each case takes milliseconds.

    broken = edited("events", {"event_id": MEETING}, end_date="2023-04-01")
    assert lines(date_range, broken) == ["data/events.csv:14 end_date [date-range]: …"]

Changes are made to the Polars frames in memory (the files are never touched); a row keeps its
place, so its file row number is the one the real file gives it.
"""

from __future__ import annotations

import copy
from functools import lru_cache

import polars as pl

from dpcheck.rules import texts as article_texts
from dpmodel import REPOSITORY, csvfile, descriptor
from dpmodel.csvfile import Table


@lru_cache(maxsize=1)
def package() -> descriptor.Package:
    loaded, problems = descriptor.load(REPOSITORY / "datapackage.json")
    assert loaded is not None, problems
    return loaded


@lru_cache(maxsize=1)
def _tables() -> dict[str, Table]:
    tables = {}
    for resource in package().tables():
        table, problems = csvfile.read(resource)
        assert table is not None and not problems, problems
        tables[resource.name] = table
    return tables


def tables() -> dict[str, Table]:
    """The package's tables as they are (shared: do not change them in place; use edited)."""
    return dict(_tables())


@lru_cache(maxsize=1)
def texts() -> dict[str, str]:
    """The article texts by source, as the texts rule reads them."""
    found, problems = article_texts.check(package(), _tables())
    assert not problems, problems
    return found


def _replaced(base: dict[str, Table], name: str, frame: pl.DataFrame, schema: dict | None = None) -> dict[str, Table]:
    resource = base[name].resource
    if schema is not None:
        resource = copy.copy(resource)
        resource.schema = schema
    return {**base, name: Table(resource, frame)}


def edited(name: str, where: dict, base: dict[str, Table] | None = None, **values: str | None) -> dict[str, Table]:
    """The tables with `values` (field=value; None empties the cell) set in every row of table
    `name` whose fields equal `where`; at least one row must match."""
    base = base or tables()
    frame = base[name].frame
    match = pl.all_horizontal(pl.col(field) == value for field, value in where.items())
    assert frame.filter(match).height, f"no row of {name} has {where}"
    changed = frame.with_columns(
        pl.when(match).then(pl.lit(value, pl.String)).otherwise(pl.col(field)).alias(field)
        for field, value in values.items()
    )
    return _replaced(base, name, changed)


def appended(name: str, row: dict, base: dict[str, Table] | None = None) -> dict[str, Table]:
    """The tables with `row` (fields not given are empty) added at the end of table `name`."""
    base = base or tables()
    frame = base[name].frame
    extra = pl.DataFrame({c: [row.get(c)] for c in frame.columns}, schema=frame.schema)
    return _replaced(base, name, pl.concat([frame, extra]))


def removed(name: str, where: dict, base: dict[str, Table] | None = None) -> dict[str, Table]:
    """The tables without the rows of table `name` whose fields equal `where`; at least one must match."""
    base = base or tables()
    frame = base[name].frame
    match = pl.all_horizontal(pl.col(field) == value for field, value in where.items())
    assert frame.filter(match).height, f"no row of {name} has {where}"
    return _replaced(base, name, frame.filter(~match))


def reschemed(name: str, change, base: dict[str, Table] | None = None) -> dict[str, Table]:
    """The tables with table `name`'s schema changed by `change(schema)` (on a copy)."""
    base = base or tables()
    schema = copy.deepcopy(base[name].resource.schema)
    change(schema)
    return _replaced(base, name, base[name].frame, schema)


def row_of(name: str, **where: str) -> int:
    """The file row number of the first row of table `name` whose fields equal `where`."""
    frame = _tables()[name].frame.with_row_index("_i")
    found = frame.filter(pl.all_horizontal(pl.col(f) == v for f, v in where.items()))
    assert found.height, f"no row of {name} has {where}"
    return found["_i"][0] + 2


def lines(rule, tables_: dict[str, Table], with_texts: dict[str, str] | None = None) -> list[str]:
    """The rule's report on the tables, one line a problem as the validator prints it, in order."""
    if rule.SCOPE == "text":
        found = rule.check(tables_, texts() if with_texts is None else with_texts)
    else:
        found = rule.check(tables_)
    return [str(problem) for problem in found]
