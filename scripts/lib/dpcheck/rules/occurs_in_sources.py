"""x-occurs-in-sources (on a field): every value occurs as a whole word in some article text (an
actor's name forms; an upstream source's title, credit, date or address as printed)."""

from __future__ import annotations

import polars as pl

from dpmodel.csvfile import Table
from dpmodel.problems import Problem, shown

from ._rows import fields, rows_where
from ._search import occurring

SCOPE = "text"
KEYWORDS: dict = {}
FIELD_KEYWORDS = {
    "x-occurs-in-sources": {
        "type": "boolean",
        "description": "Every value must occur in some article text as a whole word (an actor's name forms).",
    }
}
CODES = {
    "verbatim-unprinted": (
        "A value recorded as printed (an alias; an upstream source's title, credit, date or "
        "address) must occur as a whole word in some article text.",
        "Copy the value exactly as an article prints it, as a whole word, or delete it.",
    ),
}


def check(tables: dict[str, Table], texts: dict[str, str]) -> list[Problem]:
    checked = [(table, f["name"]) for table in tables.values() for f in fields(table) if f.get("x-occurs-in-sources")]
    # Every such field's values searched for together: one pass over the texts, not one per field.
    printed = occurring(
        {value for table, field in checked for value in table.frame[field].drop_nulls().unique().to_list()},
        texts.values(),
    )
    problems: list[Problem] = []
    for table, field in checked:
        for number, row in rows_where(
            table,
            pl.col(field).is_not_null() & ~pl.col(field).is_in(list(printed)),
            problems,
            field,
            "that occur in no article text",
            code="verbatim-unprinted",
        ):
            problems.append(
                Problem(
                    table.path,
                    number,
                    field,
                    f"{shown(row[field])} does not occur as a whole word in any article text",
                    code="verbatim-unprinted",
                )
            )
    return problems
