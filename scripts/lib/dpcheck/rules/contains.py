"""x-contains (on a field): every value holds the named field's value of the same row verbatim (a
quote's context contains the quote)."""

from __future__ import annotations

import polars as pl

from dpmodel.csvfile import Table
from dpmodel.problems import Problem, shown

from ._rows import fields, rows_where

SCOPE = "table"
KEYWORDS: dict = {}
FIELD_KEYWORDS = {
    "x-contains": {
        "type": "string",
        "maxLength": 300,
        "x-names": "field",
        "description": "Every value contains, verbatim, the value of the named field of the same row (a quote's "
        "context contains the quote).",
    }
}
CODES = {
    "verbatim-contains": (
        "A statement's context must contain its quote verbatim.",
        "Make the context include the quote exactly as written, or correct the quote.",
    ),
}


def check(tables: dict[str, Table]) -> list[Problem]:
    problems = []
    for table in tables.values():
        for field in fields(table):
            inner, name = field.get("x-contains"), field["name"]
            if not inner:
                continue
            lacking = (
                pl.col(name).is_not_null()
                & pl.col(inner).is_not_null()
                & ~pl.col(name).str.contains(pl.col(inner), literal=True)
            )
            for number, row in rows_where(
                table, lacking, problems, name, f"that do not contain their {inner}", code="verbatim-contains"
            ):
                problems.append(
                    Problem(
                        table.path,
                        number,
                        name,
                        f"does not contain the {inner} {shown(row[inner])} verbatim",
                        code="verbatim-contains",
                    )
                )
    return problems
