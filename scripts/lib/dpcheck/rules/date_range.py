"""x-date-range: a row's end date is not before its start date."""

from __future__ import annotations

import polars as pl

from dpmodel.csvfile import Table
from dpmodel.problems import Problem

from ._rows import INDEX, indexed, listed, spans

SCOPE = "table"
KEYWORDS = {
    "x-date-range": {
        "type": "array",
        "prefixItems": [{"type": "string"}, {"type": "string"}],
        "minItems": 2,
        "maxItems": 2,
        "x-names": "reduced",
        "description": "[start, end]: two reduced-date fields; the end may not be before the start.",
    }
}
FIELD_KEYWORDS: dict = {}
CODES = {
    "date-range": ("An end date must not be before its start date.", "Correct the start or the end date."),
}


def check(tables: dict[str, Table]) -> list[Problem]:
    problems = []
    for table in tables.values():
        if "x-date-range" not in table.resource.schema:
            continue
        start, end = table.resource.schema["x-date-range"]
        known = spans(pl.concat([table.frame[start], table.frame[end]]))
        pairs = (
            indexed(table)
            .select(INDEX, start, end)
            .join(known.select(pl.col("value").alias(start), pl.col("earliest")), on=start, how="inner")
            .join(known.select(pl.col("value").alias(end), pl.col("latest")), on=end, how="inner")
        )
        reversed_ = listed(
            pairs.filter(pl.col("latest") < pl.col("earliest")).sort(INDEX),
            problems,
            table,
            end,
            f"ending before {start}",
            code="date-range",
        )
        for index, first, last, *_ in reversed_.iter_rows():
            problems.append(
                Problem(
                    table.path, table.row_number(index), end, f"{last} is before {start} {first}", code="date-range"
                )
            )
    return problems
