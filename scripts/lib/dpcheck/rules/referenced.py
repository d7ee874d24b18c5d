"""x-referenced: every row takes part in some fact (another table's foreign key points at it) or
is at least cited (an actor an article names only in passing). A row about the row itself does
not count: one from a table in `except` (its aliases), or one whose own primary key is the
reference (its organisations row)."""

from __future__ import annotations

import polars as pl

from dpmodel.csvfile import Table
from dpmodel.descriptor import foreign_keys as schema_foreign_keys
from dpmodel.problems import Problem, shown

from ._rows import citations_of, cited, rows_where

SCOPE = "package"
KEYWORDS = {
    "x-referenced": {
        "type": "object",
        "required": ["by"],
        "additionalProperties": False,
        "description": "Every row is pointed at by some other table's foreign key (not one that is that table's "
        "own primary key, and not from the tables in `except`), or is cited: an actor takes part in some fact or "
        "is at least cited where an article names it. `by` names those facts in the message.",
        "properties": {
            "except": {
                "type": "array",
                "maxItems": 100,
                "items": {"type": "string", "maxLength": 300},
                "x-names": "table",
            },
            "by": {"type": "string", "maxLength": 300},
        },
    }
}
FIELD_KEYWORDS: dict = {}
CODES = {
    "row-unreferenced": (
        "Every actor takes part in some fact or is at least cited where an article names it.",
        "Use the row in a fact or cite where an article names it, or delete it.",
    ),
}


def check(tables: dict[str, Table]) -> list[Problem]:
    problems = []
    citations = None
    for table in tables.values():
        spec = table.resource.schema.get("x-referenced")
        if not spec:
            continue
        citations = citations_of(tables) if citations is None else citations
        key = table.resource.primary_key[0]
        used = [cited(citations, table)["record_id"]]
        for other in tables.values():
            if other.name == table.name or other.name in spec.get("except", []):
                continue
            for fk in schema_foreign_keys(other.resource.schema, other.name):
                if fk.resource == table.name and fk.fields != other.resource.primary_key:
                    used.append(other.frame[fk.fields[0]])
        used_ids = pl.concat(used).drop_nulls().unique()
        unused = list(
            rows_where(
                table,
                ~pl.col(key).is_in(used_ids.implode()),
                problems,
                key,
                "referenced by nothing",
                code="row-unreferenced",
            )
        )
        problems += [
            Problem(
                table.path,
                number,
                key,
                f"{shown(row[key])} is not referenced by any {spec['by']}, nor cited where an article names it",
                code="row-unreferenced",
            )
            for number, row in unused
        ]
    return problems
