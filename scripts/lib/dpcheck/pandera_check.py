"""Translate Table Schemas into pandera DataFrameSchemas and run them lazily, on Polars.

Our own small translator, not pandera.io.from_frictionless_schema: that one breaks on
frictionless 5 and ignores our reduced dates and foreign keys. Every column is validated as
text (how the CSV stores it); types are checks, so one bad number is one failure, not a crash.
Each check is one Polars expression, so a million rows cost a few vectorised passes. A table is
first validated by fast_schema_for, all its cell checks as one: pandera runs three Polars queries
for each check of each column, which on most tables cost more than the data. Only a table that
fails is validated again by schema_for, whose checks name each failure.
"""
from __future__ import annotations

import importlib.abc
import os
import sys
import warnings

import polars as pl

from dpmodel import messages, vocabulary
from dpmodel.csvfile import Table
from dpmodel.descriptor import primary_key
from dpmodel.problems import MAX_LISTED, Problem


# Optional companions of pandera that its Polars API never uses: the pandas engine, and the
# data synthesis strategies (hypothesis). Together they take a second to load.
_UNUSED = ("pandas", "hypothesis")


class _Hidden(importlib.abc.MetaPathFinder):
    """Answers every import of the _UNUSED modules as an install without them would."""

    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in _UNUSED:
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)
        return None


def _pandera_polars():
    """pandera.polars, loaded as in an install without pandas or hypothesis, which pandera
    supports: otherwise `import pandera`, and again its first check, load both, a second of
    every validation. Only pandera's own loading is affected; if either is already loaded (a
    test session), pandera simply finds it."""
    if any(name in sys.modules for name in ("pandera", *_UNUSED)):
        import pandera.polars
        return pandera.polars
    # numpy (which pandera imports) does no linear algebra here: without this, OpenBLAS starts a
    # thread per core that spins for nothing beside the checks.
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    finder = _Hidden()
    sys.meta_path.insert(0, finder)
    try:
        import pandera.polars
        # The first check loads the rest of pandera (its backends look for pandas once more, to
        # route pandas frames, and keep the answer): an empty frame makes it happen now.
        pandera.polars.DataFrameSchema({"x": pandera.polars.Column(pl.String, checks=[pandera.polars.Check.str_length(1)])}) \
            .validate(pl.DataFrame({"x": []}, schema={"x": pl.String}))
    finally:
        sys.meta_path.remove(finder)
    return pandera.polars


pa = _pandera_polars()


def _check(name: str, passes) -> pa.Check:
    """A check named after the Table Schema rule it enforces; empty cells are left to `required`."""
    return pa.Check(lambda data: data.lazyframe.select(pl.col(data.key).is_null() | passes(pl.col(data.key))), name=name)


def _rules(field: dict) -> list[tuple[str, object]]:
    """The vocabulary's rules for one field's cells, each a name and a function from the column's
    expression to where it passes: its type, each constraint that judges a cell, its format."""
    kind, form = vocabulary.field_type(field), vocabulary.field_format(field)
    rules = [("type", lambda cell: kind.valid(cell, field))] if kind.valid else []
    if kind.domain:  # judged on cells of the type only: a cell that is not a number is told so, once
        valid = (lambda cell: kind.valid(cell, field)) if kind.valid else (lambda cell: pl.lit(True))
        rules.append(("domain", lambda cell: ~valid(cell) | kind.domain(cell, field)))
    rules += [(c.name, lambda cell, c=c, value=value: c.passes(cell, value))
              for c, value in vocabulary.constraints(field) if c.passes is not None]
    if form.passes is not None:
        rules.append(("format", form.passes))
    return rules


def _checks(field: dict) -> list[pa.Check]:
    return [_check(name, passes) for name, passes in _rules(field)]


def schema_for(table_schema: dict) -> pa.DataFrameSchema:
    """The pandera schema that enforces a Table Schema's types and constraints on one table."""
    columns = {field["name"]: pa.Column(pl.String, checks=_checks(field), nullable=not vocabulary.is_required(field),
                                        required=True, unique=_unique(field, table_schema))
               for field in table_schema["fields"]}
    return pa.DataFrameSchema(columns, strict=True, ordered=True, unique=primary_key(table_schema) or None)


def _unique(field: dict, table_schema: dict) -> bool:
    """Whether pandera checks the column's uniqueness: a unique column that is the whole primary
    key is already checked as the key."""
    return vocabulary.is_unique(field) and primary_key(table_schema) != [field["name"]]


def _passes(field: dict) -> list[pl.Expr]:
    """Where a cell of this field passes each of its checks in schema_for, `required` included."""
    cell = pl.col(field["name"])
    passes = [cell.is_null() | rule(cell) for _, rule in _rules(field)]
    if vocabulary.is_required(field):
        passes.append(cell.is_not_null())
    return passes


def fast_schema_for(table_schema: dict, key_unique: bool = False) -> pa.DataFrameSchema:
    """The schema of schema_for with every cell check and `required` folded into one check of the
    whole table: it passes exactly when schema_for's does (a null check result passes both, as
    pandera ignores it), in a few Polars passes instead of three for each check of each column,
    which on small tables cost far more than the data. It cannot say which check failed; check()
    then asks schema_for. With `key_unique` (Table.key_unique: the reader found the keys in strict
    order), the primary key's uniqueness is known and not hashed again."""
    columns = {field["name"]: pa.Column(pl.String, nullable=True, required=True, unique=_unique(field, table_schema))
               for field in table_schema["fields"]}
    passes = [rule for field in table_schema["fields"] for rule in _passes(field)]
    cells = [pa.Check(lambda data: data.lazyframe.select(pl.all_horizontal(passes)), name="cells", n_failure_cases=1)] if passes else []
    unique = None if key_unique else primary_key(table_schema) or None
    return pa.DataFrameSchema(columns, checks=cells, strict=True, ordered=True, unique=unique)


def _message(field: dict, check: str, value) -> str:
    if check == "not_nullable":
        return messages.REQUIRED
    if check == "type":
        return messages.wrong_type(value, vocabulary.field_type(field).expected)
    if check == "domain":
        return vocabulary.outside_domain(value, field)
    if check == "format":
        return vocabulary.field_format(field).message(value)
    if check in vocabulary.CONSTRAINTS:
        return vocabulary.CONSTRAINTS[check].message(value, field["constraints"][check])
    return f"{value!r} fails the check {check}"


def _first_rows(table: Table, columns: list[str]) -> dict[tuple, int]:
    """The row where each value of these columns (the primary key, or one unique column) first appears."""
    first: dict[tuple, int] = {}
    for index, key in enumerate(table.frame.select(columns).iter_rows()):
        first.setdefault(key, table.row_number(index))
    return first


def check(table: Table) -> list[Problem]:
    """Every type and constraint failure of one table, all at once (lazy validation); nothing
    more than fast_schema_for's run when there is none."""
    fields = {f["name"]: f for f in table.resource.schema["fields"]}
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            fast_schema_for(table.resource.schema, table.key_unique).validate(table.frame, lazy=True)
        return []
    except Exception:  # noqa: BLE001 - whatever failed, the detailed schema names it
        pass
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            schema_for(table.resource.schema).validate(table.frame, lazy=True)
    except pa.errors.SchemaErrors as exc:
        failures = exc.failure_cases
    else:
        return []
    problems = []
    pk = table.resource.primary_key
    first_rows: dict[tuple, dict[tuple, int]] = {}  # by columns, computed once each

    def first_row(columns: list[str], key: tuple) -> int:
        if tuple(columns) not in first_rows:
            first_rows[tuple(columns)] = _first_rows(table, columns)
        return first_rows[tuple(columns)][key]

    for case in failures.filter(pl.col("index").is_null()).iter_rows(named=True):
        # Not about a row: a check that could not run, or the frame's shape. Never dropped.
        problems.append(Problem(table.path, None, case["column"], f"the check {case['check']} failed as a whole: {case['failure_case']}"))
    located = failures.filter(pl.col("index").is_not_null())
    # At most MAX_LISTED failures of each check on each column, and a line counting the rest.
    counted = located.group_by("column", "check", maintain_order=True).len()
    for column, check_name, n in counted.filter(pl.col("len") > MAX_LISTED).iter_rows():
        problems.append(Problem(table.path, None, column, f"… and {n - MAX_LISTED:,} more rows failing the check {check_name} "
                                                          f"(the first {MAX_LISTED:,} are listed)", count=n - MAX_LISTED))
    located = located.filter(pl.int_range(pl.len()).over("column", "check") < MAX_LISTED)
    for case in located.iter_rows(named=True):
        index = case["index"]
        number, row = table.row_number(index), table.frame.row(index, named=True)
        if case["check"] == "field_uniqueness" and case["column"] in fields and vocabulary.is_unique(fields[case["column"]]) \
                and pk != [case["column"]]:
            name = case["column"]
            first = first_row([name], (row[name],))
            if first != number:
                problems.append(Problem(table.path, number, name, messages.duplicate_value(row[name], first)))
        elif case["check"] in ("field_uniqueness", "multiple_fields_uniqueness"):
            key = tuple(row[k] for k in pk)
            if case["column"] not in (None, pk[0]) or first_row(pk, key) == number:
                continue  # one line per repeated row: not for the first, nor for each key column
            problems.append(Problem(table.path, number, pk[0], messages.duplicate_key(pk, list(key), first_row(pk, key))))
        elif case["column"] in fields:
            problems.append(Problem(table.path, number, case["column"], _message(fields[case["column"]], case["check"], row[case["column"]])))
    return problems
