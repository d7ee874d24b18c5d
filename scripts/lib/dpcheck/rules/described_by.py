"""x-described-by: each row of the given kind has its row in the describing table (an
organisation actor has its organisations row)."""

from __future__ import annotations

import polars as pl

from dpmodel.csvfile import Table
from dpmodel.problems import Problem, shown

from ._rows import rows_where

SCOPE = "package"
KEYWORDS = {
    "x-described-by": {
        "type": "object",
        "required": ["when_field", "when_value", "resource", "field", "rule"],
        "additionalProperties": False,
        "description": "Every row whose `when_field` is `when_value` has a row in `resource` whose `field` is its "
        "primary key (an organisation actor has an organisations row); `rule` is the message after the row's key.",
        "properties": {
            "when_field": {"type": "string", "maxLength": 300, "x-names": "field"},
            "when_value": {"type": "string", "maxLength": 300},
            "resource": {"type": "string", "maxLength": 300, "x-names": "table"},
            "field": {"type": "string", "maxLength": 300, "x-names": {"field_in_table": "resource"}},
            "rule": {"type": "string", "maxLength": 300},
        },
    }
}
FIELD_KEYWORDS: dict = {}
CODES = {
    "row-undescribed": (
        "A row of a given kind must have its row in the describing table: an actor of kind "
        "organisation needs its row in organisations.",
        "Add the row the message names to the describing table.",
    ),
}


def check(tables: dict[str, Table]) -> list[Problem]:
    problems = []
    for table in tables.values():
        spec = table.resource.schema.get("x-described-by")
        describing = tables.get(spec["resource"]) if spec else None
        if describing is None:
            continue
        key = table.resource.primary_key[0]
        undescribed = (pl.col(spec["when_field"]) == spec["when_value"]) & ~pl.col(key).is_in(
            describing.frame[spec["field"]].implode()
        )
        for number, row in rows_where(
            table, undescribed, problems, key, f"without a row in {spec['resource']}", code="row-undescribed"
        ):
            problems.append(
                Problem(table.path, number, key, f"{shown(row[key])} {spec['rule']}", code="row-undescribed")
            )
    return problems
