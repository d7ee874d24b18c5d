"""x-date-within: a row's date falls within the dates of the row it belongs to (a statement made
at an event is dated within the event's days). Reduced dates are the days they span: a date is
refused only when none of its days can fall within the other row's, so 2023-11 at an event of
2023-11-23 passes and 2023-12 does not."""

from __future__ import annotations

import polars as pl

from dpmodel.csvfile import Table
from dpmodel.descriptor import foreign_key_of
from dpmodel.problems import Problem

from ._rows import INDEX, indexed, listed, spans

SCOPE = "package"
KEYWORDS = {
    "x-date-within": {
        "type": "object",
        "required": ["date", "key"],
        "additionalProperties": False,
        "description": "The reduced date `date` of each row falls within the dates (x-date-range) of the row that "
        "its field `key` points to through its foreign key: a statement made at an event is dated within the "
        "event's days.",
        "properties": {
            "date": {"type": "string", "x-names": "reduced"},
            "key": {"type": "string", "x-names": "field"},
        },
    }
}
FIELD_KEYWORDS: dict = {}
CODES = {
    "date-outside-range": (
        "A row's date must fall within the dates of the row it belongs to: a statement made at an "
        "event is dated within the event's days.",
        "Correct the date, or the row it points to (a statement made at another event, or at none).",
    ),
}


def check(tables: dict[str, Table]) -> list[Problem]:
    problems = []
    for table in tables.values():
        spec = table.resource.schema.get("x-date-within")
        fk = foreign_key_of(table.resource.schema, table.name, spec["key"]) if spec else None
        target = tables.get(fk.resource) if fk else None
        if target is None or "x-date-range" not in target.resource.schema:
            continue  # the key leads nowhere readable, or to rows without dates: nothing to compare
        date, key = spec["date"], spec["key"]
        start, end = target.resource.schema["x-date-range"]
        bounds = _bounds(target, fk.ref_fields[0], start, end)
        own = spans(table.frame[date]).select(pl.col("value").alias(date), "earliest", "latest")
        outside = (
            indexed(table)
            .select(INDEX, date, key)
            .join(own, on=date, how="inner")
            .join(bounds, left_on=key, right_on="_target", how="inner")
            .filter((pl.col("latest") < pl.col("_first")) | (pl.col("earliest") > pl.col("_last")))
            .sort(INDEX)
        )
        outside = listed(
            outside, problems, table, date, f"dated outside their {fk.resource} row", code="date-outside-range"
        )
        for row in outside.iter_rows(named=True):
            dates = row["_start"] if row["_end"] in (None, row["_start"]) else f"{row['_start']} to {row['_end']}"
            problems.append(
                Problem(
                    table.path,
                    table.row_number(row[INDEX]),
                    date,
                    f"{row[date]} is outside the dates of {fk.resource} {row[key]!r} ({dates})",
                    code="date-outside-range",
                )
            )
    return problems


def _bounds(target: Table, key: str, start: str, end: str) -> pl.DataFrame:
    """Each target row's first and last possible day (its end, or its start when it has no end)."""
    days = spans(pl.concat([target.frame[start], target.frame[end]]))
    return (
        target.frame.select(pl.col(key).alias("_target"), pl.col(start).alias("_start"), pl.col(end).alias("_end"))
        .join(days.select(pl.col("value").alias("_start"), pl.col("earliest").alias("_first")), on="_start")
        .with_columns(pl.coalesce("_end", "_start").alias("_until"))
        .join(days.select(pl.col("value").alias("_until"), pl.col("latest").alias("_last")), on="_until")
    )
