"""Every number and integer field (no keyword: the field's type): one text per number, so that
CSV, SQLite and Parquet agree cell for cell. A number is written as Python's shortest round-trip
form (repr of the float: 27.559, not 27.5590; 0.0, never -0), an integer without sign or leading
zeros beyond `-`. `make fmt` writes them so."""

from __future__ import annotations

import polars as pl

from dpmodel.csvfile import Table, canonical_number
from dpmodel.problems import Problem, shown

from ._rows import fields, rows_where

SCOPE = "table"
KEYWORDS: dict = {}
FIELD_KEYWORDS: dict = {}
CODES = {
    "number-canonical": (
        "A number must be written in its one canonical form (27.559, not 27.5590; 0.0, never -0; "
        "no leading zeros), so that CSV, SQLite and Parquet agree.",
        "Run make fmt, which writes every number in its canonical form.",
    ),
}


def check(tables: dict[str, Table]) -> list[Problem]:
    problems = []
    for table in tables.values():
        for field in fields(table):
            kind = field.get("type", "string")
            if kind not in ("number", "integer"):
                continue
            name = field["name"]
            wrong = {}
            for value in table.frame[name].drop_nulls().unique().to_list():
                fixed = canonical_number(value, kind)
                if fixed is not None and fixed != value:
                    wrong[value] = fixed
            for number, row in rows_where(
                table, pl.col(name).is_in(list(wrong)), problems, name, "not in canonical form", code="number-canonical"
            ):
                problems.append(
                    Problem(
                        table.path,
                        number,
                        name,
                        f"{shown(row[name])} is not in canonical form: write {wrong[row[name]]} "
                        "(one text per number, so CSV, SQLite and Parquet agree; make fmt does it)",
                        code="number-canonical",
                    )
                )
    return problems
