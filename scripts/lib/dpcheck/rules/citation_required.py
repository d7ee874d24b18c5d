"""x-citation-required: every row of the table is a fact and has at least one citation."""

from __future__ import annotations

import polars as pl

from dpmodel.csvfile import Table
from dpmodel.problems import KEY_SHOWN, Problem, shown

from ._rows import INDEX, citations_of, cited, indexed, key_expr, listed, misspelled_keys

SCOPE = "package"
KEYWORDS = {
    "x-citation-required": {
        "type": "boolean",
        "description": "Every row is a fact: it needs at least one row in a table with x-record-reference citing it.",
    }
}
FIELD_KEYWORDS: dict = {}
CODES = {
    "cite-missing": (
        "Every row of a table that needs citations (events, event_participants, memberships, "
        "statements) has at least one citation.",
        "Add a row to citations with the record_table and record_id the message gives, "
        "and an excerpt that supports the row.",
    ),
}


def check(tables: dict[str, Table]) -> list[Problem]:
    citations = citations_of(tables)
    misspelt = misspelled_keys(tables)  # reported by foreign_keys; not to be cited as they are
    problems = []
    for table in tables.values():
        if not table.resource.schema.get("x-citation-required"):
            continue
        key_name = "/".join(table.resource.primary_key)
        keys = indexed(table).select(INDEX, key_expr(table).alias("record_id"))
        if table.name in misspelt:
            keys = keys.filter(~pl.col("record_id").is_in(list(misspelt[table.name])))
        uncited = listed(
            keys.join(cited(citations, table), on="record_id", how="anti").sort(INDEX),
            problems,
            table,
            key_name,
            "without a citation",
            code="cite-missing",
        )
        for index, key in uncited.iter_rows():
            problems.append(
                Problem(
                    table.path,
                    table.row_number(index),
                    key_name,
                    f"{shown(key, KEY_SHOWN)} has no citation: add a row to citations with record_table={table.name}, record_id={key}",
                    code="cite-missing",
                )
            )
    return problems
