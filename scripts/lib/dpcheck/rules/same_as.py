"""x-same-as (on a field): the field names another row of its own table standing for the same
thing (a statement re-reporting an utterance another statement reports first), and that row is the
first: its own field is empty. So every group has one first row, and counting
coalesce(field, key) counts each thing once."""

from __future__ import annotations

import polars as pl

from dpmodel.csvfile import Table
from dpmodel.problems import Problem, shown

from ._rows import fields, rows_where

SCOPE = "table"
KEYWORDS: dict = {}
FIELD_KEYWORDS = {
    "x-same-as": {
        "type": "boolean",
        "description": "The field names (through its foreign key to its own table) the first row standing for the "
        "same thing: one utterance reported twice is two statements, the later naming the first. The named row's "
        "own field is empty, so the rows of one thing are counted once as coalesce(field, primary key).",
    }
}
CODES = {
    "same-as-chain": (
        "A row names the first report of the same thing directly: the row it names must not itself name another.",
        "Name the first report (the row whose same_utterance_as is empty) instead.",
    ),
}


def check(tables: dict[str, Table]) -> list[Problem]:
    problems = []
    for table in tables.values():
        for field in fields(table):
            if not field.get("x-same-as"):
                continue
            name, key = field["name"], table.resource.primary_key[0]
            later = table.frame.filter(pl.col(name).is_not_null())[key]
            for number, row in rows_where(
                table,
                pl.col(name).is_in(later.implode()),
                problems,
                name,
                "naming a row that names another",
                code="same-as-chain",
            ):
                problems.append(
                    Problem(
                        table.path,
                        number,
                        name,
                        f"{shown(row[name])} itself names another row in {name}; name the first one instead",
                        code="same-as-chain",
                    )
                )
    return problems
