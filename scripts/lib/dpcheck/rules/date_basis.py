"""x-date-basis: wherever a row gives a date, it says whether the date is stated in the text or
inferred."""

from __future__ import annotations

import polars as pl

from dpmodel.csvfile import Table
from dpmodel.problems import Problem

from ._rows import rows_where

SCOPE = "table"
KEYWORDS = {
    "x-date-basis": {
        "type": "object",
        "required": ["field", "dates"],
        "additionalProperties": False,
        "description": "field says how the dates were found (stated or inferred); it is required wherever one of "
        "dates is given.",
        "properties": {
            "field": {"type": "string", "x-names": "field"},
            "dates": {"type": "array", "minItems": 1, "maxItems": 10, "items": {"type": "string"}, "x-names": "field"},
        },
    }
}
FIELD_KEYWORDS: dict = {}
CODES = {
    "date-basis-missing": (
        "A row that gives a date must say whether the date is stated in the text or inferred.",
        "Fill the basis field with stated or inferred.",
    ),
}


def check(tables: dict[str, Table]) -> list[Problem]:
    problems = []
    for table in tables.values():
        basis = table.resource.schema.get("x-date-basis")
        if not basis:
            continue
        undated = pl.col(basis["field"]).is_null() & pl.any_horizontal(pl.col(d).is_not_null() for d in basis["dates"])
        for number, _ in rows_where(
            table, undated, problems, basis["field"], "dated without a basis", code="date-basis-missing"
        ):
            problems.append(
                Problem(
                    table.path,
                    number,
                    basis["field"],
                    f"is required when {' or '.join(basis['dates'])} is given (stated or inferred)",
                    code="date-basis-missing",
                )
            )
    return problems
