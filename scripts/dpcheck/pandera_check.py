"""Translate Table Schemas into pandera DataFrameSchemas and run them lazily.

Our own small translator, not pandera.io.from_frictionless_schema: that one breaks on
frictionless 5 and ignores our reduced dates and foreign keys. Every column is validated as
text (how the CSV stores it); types are checks, so one bad number is one failure, not a crash.
"""
from __future__ import annotations

import re
import warnings

import pandas as pd
import pandera.pandas as pa

from . import messages
from .csvfile import Table
from .problems import Problem

URI = re.compile(r"^https?://[^\s]+$")


def _numbers(series: pd.Series) -> pd.Series:
    return pd.to_numeric(series, errors="coerce")


def _type_check(field: dict) -> pa.Check | None:
    kind = field.get("type", "string")
    if kind == "number":
        return pa.Check(lambda s: _numbers(s).notna(), name="type")
    if kind == "integer":
        return pa.Check(lambda s: s.str.fullmatch(r"[+-]?[0-9]+"), name="type")
    if kind == "boolean":
        values = field.get("trueValues", ["true"]) + field.get("falseValues", ["false"])
        return pa.Check(lambda s: s.isin(values), name="type")
    return None


def _constraint_checks(field: dict) -> list[pa.Check]:
    c = field.get("constraints") or {}
    checks = []
    if "pattern" in c:
        regex = re.compile(c["pattern"])
        checks.append(pa.Check(lambda s: s.map(lambda v: bool(regex.fullmatch(v))), name="pattern"))
    if "enum" in c:
        options = [str(o) for o in c["enum"]]
        checks.append(pa.Check(lambda s: s.isin(options), name="enum"))
    # A value that is not a number fails the type check; bounds only judge real numbers.
    if "minimum" in c:
        checks.append(pa.Check(lambda s: ~(_numbers(s) < c["minimum"]), name="minimum"))
    if "maximum" in c:
        checks.append(pa.Check(lambda s: ~(_numbers(s) > c["maximum"]), name="maximum"))
    if "minLength" in c:
        checks.append(pa.Check(lambda s: s.str.len() >= c["minLength"], name="minLength"))
    if "maxLength" in c:
        checks.append(pa.Check(lambda s: s.str.len() <= c["maxLength"], name="maxLength"))
    if field.get("format") == "uri":
        checks.append(pa.Check(lambda s: s.map(lambda v: bool(URI.match(v))), name="format"))
    return checks


def schema_for(table_schema: dict) -> pa.DataFrameSchema:
    """The pandera schema that enforces a Table Schema's types and constraints on one table."""
    columns = {}
    for field in table_schema["fields"]:
        checks = [c for c in [_type_check(field), *_constraint_checks(field)] if c is not None]
        required = bool((field.get("constraints") or {}).get("required"))
        columns[field["name"]] = pa.Column(object, checks=checks, nullable=not required, required=True)
    pk = table_schema.get("primaryKey", [])
    pk = [pk] if isinstance(pk, str) else list(pk)
    return pa.DataFrameSchema(columns, strict=True, ordered=True, unique=pk, report_duplicates="exclude_first")


def _message(field: dict, check: str, value) -> str:
    c = field.get("constraints") or {}
    if check == "not_nullable":
        return messages.REQUIRED
    if check == "type":
        return messages.wrong_type(value, field.get("type"))
    if check == "pattern":
        return messages.pattern(value, c["pattern"])
    if check == "enum":
        return messages.enum(value, c["enum"])
    if check == "minimum":
        return messages.minimum(value, c["minimum"])
    if check == "maximum":
        return messages.maximum(value, c["maximum"])
    if check == "minLength":
        return messages.min_length(value, c["minLength"])
    if check == "maxLength":
        return messages.max_length(value, c["maxLength"])
    if check == "format":
        return messages.uri(value)
    return f"{value!r} fails the check {check}"


def _first_rows(table: Table) -> dict[tuple, int]:
    """The row where each primary key value first appears."""
    first: dict[tuple, int] = {}
    for number, row in table.numbered():
        first.setdefault(tuple(row[k] for k in table.resource.primary_key), number)
    return first


def check(table: Table) -> list[Problem]:
    """Every type and constraint failure of one table, all at once (lazy validation)."""
    fields = {f["name"]: f for f in table.resource.schema["fields"]}
    frame = pd.DataFrame([[row[name] for name in fields] for row in table.rows], columns=list(fields), dtype=object)
    problems = []
    first_rows = None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            schema_for(table.resource.schema).validate(frame, lazy=True)
    except pa.errors.SchemaErrors as exc:
        for case in exc.failure_cases.itertuples(index=False):
            if pd.isna(case.index):
                continue
            index = int(case.index)
            number, row = table.row_numbers[index], table.rows[index]
            if str(case.check) in ("field_uniqueness", "multiple_fields_uniqueness"):
                pk = table.resource.primary_key
                if case.column != pk[0]:
                    continue  # pandera reports each key column; one line per duplicate row is enough
                first_rows = first_rows or _first_rows(table)
                key = tuple(row[k] for k in pk)
                problems.append(Problem(table.path, number, pk[0], messages.duplicate_key(pk, list(key), first_rows[key])))
            elif case.column in fields:
                problems.append(Problem(table.path, number, case.column, _message(fields[case.column], str(case.check), row[case.column])))
    return problems
