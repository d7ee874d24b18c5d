"""x-codelist (on a field): an ISO code must exist in its code list (pycountry, langcodes), not
just look right."""

from __future__ import annotations

import polars as pl

from dpmodel import vocabulary
from dpmodel.csvfile import Table
from dpmodel.problems import Problem, shown

from ._rows import fields, rows_where

SCOPE = "table"
KEYWORDS: dict = {}
FIELD_KEYWORDS = {
    "x-codelist": {
        "enum": sorted(vocabulary.CODELISTS),
        "description": "Values must be real codes of this list, not just well-formed.",
    }
}
CODES = {
    "code-unknown": (
        "An ISO code (a country, a language) must exist in its code list, not just look right.",
        "Use the existing ISO 3166-1 alpha-3 or BCP 47 code for the country or language.",
    ),
}


def check(tables: dict[str, Table]) -> list[Problem]:
    problems = []
    for table in tables.values():
        for field in fields(table):
            if not field.get("x-codelist"):
                continue
            codelist, name = vocabulary.CODELISTS[field["x-codelist"]], field["name"]
            unknown = [v for v in table.frame[name].drop_nulls().unique().to_list() if not codelist.known(v)]
            for number, row in rows_where(
                table, pl.col(name).is_in(unknown), problems, name, f"that are not {codelist.what}", code="code-unknown"
            ):
                problems.append(
                    Problem(table.path, number, name, f"{shown(row[name])} is not {codelist.what}", code="code-unknown")
                )
    return problems
