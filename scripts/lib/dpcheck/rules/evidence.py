"""x-evidence: each row fills at least one group of fields completely (an article and its
excerpt; an external reference's title, publisher, date and address), and no group only in part."""

from __future__ import annotations

import polars as pl

from dpmodel.csvfile import Table
from dpmodel.problems import Problem

from ._rows import rows_where

SCOPE = "table"
KEYWORDS = {
    "x-evidence": {
        "type": "array",
        "minItems": 1,
        "maxItems": 10,
        "items": {
            "type": "array",
            "minItems": 1,
            "maxItems": 20,
            "items": {"type": "string", "maxLength": 300},
            "x-names": "field",
        },
        "description": "Groups of fields, each a complete piece of evidence (an article and its verbatim excerpt; "
        "an external reference's title, publisher, date and address): every row fills at least one group, and no "
        "group only in part.",
    }
}
FIELD_KEYWORDS: dict = {}
CODES = {
    "cite-evidence-missing": (
        "A row that needs evidence must fill at least one group of evidence fields completely "
        "(an article and its excerpt, or a complete external reference).",
        "Fill one of the groups of fields the message lists.",
    ),
    "cite-evidence-partial": (
        "A group of evidence fields must be filled completely or not at all.",
        "Fill the other fields of the group, or empty the ones that are filled.",
    ),
}


def check(tables: dict[str, Table]) -> list[Problem]:
    problems = []
    for table in tables.values():
        groups = table.resource.schema.get("x-evidence")
        if not groups:
            continue
        filled = [pl.all_horizontal(pl.col(f).is_not_null() for f in group) for group in groups]
        described = " or ".join("(" + ", ".join(group) + ")" for group in groups)
        for number, _ in rows_where(
            table, ~pl.any_horizontal(filled), problems, groups[0][0], "without evidence", code="cite-evidence-missing"
        ):
            problems.append(
                Problem(
                    table.path,
                    number,
                    groups[0][0],
                    f"is empty, and so is every other piece of evidence: fill {described}",
                    code="cite-evidence-missing",
                )
            )
        for group in groups:
            for field in group:
                partly = pl.any_horizontal(pl.col(f).is_not_null() for f in group) & pl.col(field).is_null()
                for number, _ in rows_where(
                    table,
                    partly,
                    problems,
                    field,
                    f"with {', '.join(group)} filled only in part",
                    code="cite-evidence-partial",
                ):
                    problems.append(
                        Problem(
                            table.path,
                            number,
                            field,
                            f"is required with {', '.join(g for g in group if g != field)}",
                            code="cite-evidence-partial",
                        )
                    )
    return problems
