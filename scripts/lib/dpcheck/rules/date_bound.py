"""x-date-bound: a row gives its date, or, when the text gives none, the bound the text does give
(by default the publication date of the article reporting it); never both, never neither."""

from __future__ import annotations

import polars as pl

from dpmodel.csvfile import Table
from dpmodel.problems import Problem

from ._rows import rows_where

SCOPE = "table"
KEYWORDS = {
    "x-date-bound": {
        "type": "object",
        "required": ["date", "bound"],
        "additionalProperties": False,
        "description": "Each row fills exactly one of `date` (the date the text gives) and `bound` (when the text "
        "gives none: the latest the row can be, as the text bounds it): a happening with no stated date is still "
        "recorded, and says what is known of its date.",
        "properties": {
            "date": {"type": "string", "x-names": "reduced"},
            "bound": {"type": "string", "x-names": "reduced"},
        },
    }
}
FIELD_KEYWORDS: dict = {}
CODES = {
    "date-or-bound": (
        "A row gives its date or, when the text gives none, the bound the text gives (not_after): one of the two, "
        "not both.",
        "Fill the date the text gives; if it gives none, empty the date and fill not_after with the article's "
        "publication date or the tighter bound the text states.",
    ),
}


def check(tables: dict[str, Table]) -> list[Problem]:
    problems = []
    for table in tables.values():
        spec = table.resource.schema.get("x-date-bound")
        if not spec:
            continue
        date, bound = spec["date"], spec["bound"]
        for condition, field, message in (
            (
                pl.col(date).is_null() & pl.col(bound).is_null(),
                date,
                f"is empty, and so is {bound}: give the date, or the bound the text gives",
            ),
            (
                pl.col(date).is_not_null() & pl.col(bound).is_not_null(),
                bound,
                f"is only for a row without a {date}: empty it",
            ),
        ):
            for number, _ in rows_where(table, condition, problems, field, message, code="date-or-bound"):
                problems.append(Problem(table.path, number, field, message, code="date-or-bound"))
    return problems
