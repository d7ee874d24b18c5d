"""x-reduced-date (on a field): a date that has the right shape must also exist in the calendar:
no 2023-02-30 or 2023-13. The shape itself is the field's pattern constraint, which the profile
requires of every reduced date."""

from __future__ import annotations

import polars as pl

from dpmodel import dates
from dpmodel.csvfile import Table
from dpmodel.problems import Problem

from ._rows import date_fields, is_date, rows_where

SCOPE = "table"
KEYWORDS: dict = {}
FIELD_KEYWORDS = {
    "x-reduced-date": {
        "type": "boolean",
        "description": "A reduced ISO 8601 date (YYYY, YYYY-MM or YYYY-MM-DD) that must exist in the calendar; "
        "the build derives _precision, _earliest and _latest.",
    }
}
CODES = {
    "date-calendar": (
        "A date must exist in the calendar: no 2023-02-30 or 2023-13.",
        "Correct the date, keeping only the precision the text supports.",
    ),
}


def check(tables: dict[str, Table]) -> list[Problem]:
    problems = []
    for table in tables.values():
        for name in date_fields(table):
            # Empty cells and values of the wrong shape are left to the pattern constraint.
            wrong = [
                v
                for v in table.frame[name].drop_nulls().unique().to_list()
                if dates.PATTERN.match(v) and not is_date(v)
            ]
            for number, row in rows_where(
                table, pl.col(name).is_in(wrong), problems, name, "with dates not in the calendar", code="date-calendar"
            ):
                problems.append(
                    Problem(table.path, number, name, f"{row[name]} is not a calendar date", code="date-calendar")
                )
    return problems
