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

CODES: dict[str, tuple[str, str]] = {
    "value-type": (
        "A cell must hold a value of its column's type: a number, an integer, or true or false, written as "
        "the Table Schema says.",
        "Write the value as the column's type requires, as CODEBOOK.md describes the column.",
    ),
    "value-domain": (
        "A value must be one every download holds exactly: a number with at most "
        f"{vocabulary.MAX_DIGITS} significant digits and within a spreadsheet's range, an integer within "
        f"64 bits, a text of at most {vocabulary.MAX_TEXT:,} characters (a spreadsheet cell's limit).",
        "Round or shorten the value to what the message says the column can hold.",
    ),
    "value-required": (
        "A column the Table Schema marks required must have a value in every row.",
        "Fill in the empty cell.",
    ),
    "value-unique": (
        "A column the Table Schema marks unique must not hold one value in two rows.",
        "Correct one of the two rows, or merge them, so that each value appears once.",
    ),
    "value-pattern": (
        "A cell must match its column's pattern, a regular expression for the whole value.",
        "Write the value in the form the pattern requires, as CODEBOOK.md describes the column.",
    ),
    "value-enum": (
        "A cell must be one of the values its column allows.",
        "Use one of the values the message lists, spelled exactly.",
    ),
    "value-minimum": (
        "A number must not be below its column's minimum.",
        "Correct the value, checking that it is in the unit the column asks for.",
    ),
    "value-maximum": (
        "A number must not be above its column's maximum.",
        "Correct the value, checking that it is in the unit the column asks for.",
    ),
    "value-min-length": (
        "A text must have at least as many characters as its column's minimum length.",
        "Complete the value.",
    ),
    "value-max-length": (
        "A text must have at most as many characters as its column's maximum length.",
        "Shorten the value.",
    ),
    "value-format": (
        "A cell must have its column's format: for the format uri, a whole http(s) address.",
        "Write the value in the column's format, such as a full https:// address.",
    ),
    "key-duplicate": (
        "Two rows of a table must not have the same primary key.",
        "Give each row its own key, or merge the two rows if they describe the same thing.",
    ),
    "value-check-failed": (
        "A check of a table's values could not judge it cell by cell: it could not run, or the "
        "table is not the shape its Table Schema says.",
        "Compare the file's header with its Table Schema; if they agree, report the error, with "
        "its message, to the maintainers.",
    ),
}
# The code of each check schema_for names (pandera's for `required` and `unique`, the vocabulary's
# for the rest). Frictionless names the constraints as the Table Schema does, so frictionless_check
# codes its constraint errors with this too: a failure both engines find is the same problem.
CHECK_CODES = {
    "type": "value-type",
    "domain": "value-domain",
    "format": "value-format",
    "not_nullable": "value-required",
    "required": "value-required",
    "field_uniqueness": "value-unique",
    "unique": "value-unique",
    "pattern": "value-pattern",
    "enum": "value-enum",
    "minimum": "value-minimum",
    "maximum": "value-maximum",
    "minLength": "value-min-length",
    "maxLength": "value-max-length",
}


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
        pandera.polars.DataFrameSchema(
            {"x": pandera.polars.Column(pl.String, checks=[pandera.polars.Check.str_length(1)])}
        ).validate(pl.DataFrame({"x": []}, schema={"x": pl.String}))
    finally:
        sys.meta_path.remove(finder)
    return pandera.polars


pa = _pandera_polars()


def _check(name: str, passes) -> pa.Check:
    """A check named after the Table Schema rule it enforces; empty cells are left to `required`."""
    return pa.Check(
        lambda data: data.lazyframe.select(pl.col(data.key).is_null() | passes(pl.col(data.key))), name=name
    )


def _rules(field: dict) -> list[tuple[str, object]]:
    """The vocabulary's rules for one field's cells, each a name and a function from the column's
    expression to where it passes: its type, each constraint that judges a cell, its format."""
    kind, form = vocabulary.field_type(field), vocabulary.field_format(field)
    rules = [("type", lambda cell: kind.valid(cell, field))] if kind.valid else []
    if kind.domain:  # judged on cells of the type only: a cell that is not a number is told so, once
        valid = (lambda cell: kind.valid(cell, field)) if kind.valid else (lambda cell: pl.lit(True))
        rules.append(("domain", lambda cell: ~valid(cell) | kind.domain(cell, field)))
    rules += [
        (c.name, lambda cell, c=c, value=value: c.passes(cell, value))
        for c, value in vocabulary.constraints(field)
        if c.passes is not None
    ]
    if form.passes is not None:
        rules.append(("format", form.passes))
    return rules


def _checks(field: dict) -> list[pa.Check]:
    return [_check(name, passes) for name, passes in _rules(field)]


def schema_for(table_schema: dict) -> pa.DataFrameSchema:
    """The pandera schema that enforces a Table Schema's types and constraints on one table."""
    columns = {
        field["name"]: pa.Column(
            pl.String,
            checks=_checks(field),
            nullable=not vocabulary.is_required(field),
            required=True,
            unique=_unique(field, table_schema),
        )
        for field in table_schema["fields"]
    }
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
    columns = {
        field["name"]: pa.Column(pl.String, nullable=True, required=True, unique=_unique(field, table_schema))
        for field in table_schema["fields"]
    }
    passes = [rule for field in table_schema["fields"] for rule in _passes(field)]
    cells = (
        [pa.Check(lambda data: data.lazyframe.select(pl.all_horizontal(passes)), name="cells", n_failure_cases=1)]
        if passes
        else []
    )
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


def _code(fields: dict[str, dict], pk: list[str], column: str | None, check: str) -> str:
    """The code of a failure of this check on this column: a repeated primary key is a key's."""
    if check == "multiple_fields_uniqueness":
        return "key-duplicate"
    if check == "field_uniqueness" and not _unique_column(fields, pk, column):
        return "key-duplicate"
    return CHECK_CODES.get(check, "value-check-failed")


def _unique_column(fields: dict[str, dict], pk: list[str], column: str | None) -> bool:
    """Whether pandera checks this column's uniqueness as the column's own, not as the primary key."""
    return column in fields and vocabulary.is_unique(fields[column]) and pk != [column]


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
        problems.append(
            Problem(
                table.path,
                None,
                case["column"],
                f"the check {case['check']} failed as a whole: {case['failure_case']}",
                code="value-check-failed",
            )
        )
    located = failures.filter(pl.col("index").is_not_null())
    # At most MAX_LISTED failures of each check on each column, and a line counting the rest.
    counted = located.group_by("column", "check", maintain_order=True).len()
    for column, check_name, n in counted.filter(pl.col("len") > MAX_LISTED).iter_rows():
        problems.append(
            Problem(
                table.path,
                None,
                column,
                f"… and {n - MAX_LISTED:,} more rows failing the check {check_name} "
                f"(the first {MAX_LISTED:,} are listed)",
                count=n - MAX_LISTED,
                code=_code(fields, pk, column, check_name),
            )
        )
    located = located.filter(pl.int_range(pl.len()).over("column", "check") < MAX_LISTED)
    for case in located.iter_rows(named=True):
        index, column, check_name = case["index"], case["column"], case["check"]
        number, row = table.row_number(index), table.frame.row(index, named=True)
        if check_name == "field_uniqueness" and _unique_column(fields, pk, column):
            first = first_row([column], (row[column],))
            if first != number:
                problems.append(
                    Problem(
                        table.path, number, column, messages.duplicate_value(row[column], first), code="value-unique"
                    )
                )
        elif check_name in ("field_uniqueness", "multiple_fields_uniqueness"):
            key = tuple(row[k] for k in pk)
            if column not in (None, pk[0]) or first_row(pk, key) == number:
                continue  # one line per repeated row: not for the first, nor for each key column
            message = messages.duplicate_key(pk, list(key), first_row(pk, key))
            problems.append(Problem(table.path, number, pk[0], message, code="key-duplicate"))
        elif column in fields:
            problems.append(
                Problem(
                    table.path,
                    number,
                    column,
                    _message(fields[column], check_name, row[column]),
                    code=CHECK_CODES.get(check_name, "value-check-failed"),
                )
            )
    return problems
