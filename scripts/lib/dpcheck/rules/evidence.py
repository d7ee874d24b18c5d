"""x-evidence: each row fills at least one group of fields completely (an article and its
excerpt; an external reference's title, publisher and address), and no group only in part. A
group's optional fields (a reference's date, when it gives one) may stay empty, but are never
filled without the rest of their group."""

from __future__ import annotations

import polars as pl

from dpmodel.csvfile import Table
from dpmodel.problems import Problem

from ._rows import field_list, rows_where

SCOPE = "table"
KEYWORDS = {
    "x-evidence": {
        "type": "array",
        "minItems": 1,
        "maxItems": 10,
        "items": {
            "type": "object",
            "required": ["fields"],
            "additionalProperties": False,
            "properties": {"fields": field_list(at_least=1), "optional": field_list(at_least=0)},
        },
        "description": "Groups of fields, each a complete piece of evidence (an article and its verbatim excerpt; "
        "an external reference's title, publisher and address): every row fills at least one group's `fields`, "
        "and no group only in part. A group's `optional` fields (a reference's date) may stay empty, but are "
        "never filled without the group's `fields`.",
    }
}
FIELD_KEYWORDS: dict = {}
CODES = {
    "cite-evidence-missing": (
        "A row that needs evidence must fill at least one group of evidence fields completely "
        "(an article and its excerpt, or an external reference's title, publisher and address).",
        "Fill one of the groups of fields the message lists.",
    ),
    "cite-evidence-partial": (
        "A group of evidence fields must be filled completely or not at all; a field the group may leave "
        "empty (a reference's date) needs the rest of its group.",
        "Fill the other fields of the group, or empty the ones that are filled.",
    ),
}


def check(tables: dict[str, Table]) -> list[Problem]:
    problems = []
    for table in tables.values():
        groups = table.resource.schema.get("x-evidence")
        if not groups:
            continue
        complete = [pl.all_horizontal(pl.col(f).is_not_null() for f in group["fields"]) for group in groups]
        described = " or ".join("(" + ", ".join(group["fields"]) + ")" for group in groups)
        first = groups[0]["fields"][0]
        for number, _ in rows_where(
            table, ~pl.any_horizontal(complete), problems, first, "without evidence", code="cite-evidence-missing"
        ):
            problems.append(
                Problem(
                    table.path,
                    number,
                    first,
                    f"is empty, and so is every other piece of evidence: fill {described}",
                    code="cite-evidence-missing",
                )
            )
        for group in groups:
            members = group["fields"] + group.get("optional", [])
            started = pl.any_horizontal(pl.col(f).is_not_null() for f in members)
            for field in group["fields"]:
                for number, row in rows_where(
                    table,
                    started & pl.col(field).is_null(),
                    problems,
                    field,
                    f"with {', '.join(members)} filled only in part",
                    code="cite-evidence-partial",
                ):
                    given = ", ".join(f for f in members if row[f] is not None)
                    problems.append(
                        Problem(table.path, number, field, f"is required with {given}", code="cite-evidence-partial")
                    )
    return problems
