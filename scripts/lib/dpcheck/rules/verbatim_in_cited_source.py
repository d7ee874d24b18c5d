"""x-verbatim-in-cited-source (on a field): every value occurs verbatim in a source cited for its
row, through the citations (a statement's quote and its context)."""

from __future__ import annotations

import polars as pl

from dpmodel.csvfile import Table
from dpmodel.problems import Problem

from ._rows import INDEX, citations_of, cited, fields, indexed, key_expr, listed
from ._search import matched_prefix, not_found, present

SCOPE = "text"
KEYWORDS: dict = {}
FIELD_KEYWORDS = {
    "x-verbatim-in-cited-source": {
        "type": "boolean",
        "description": "Every value occurs verbatim in a source cited for its row (through the citations): a "
        "statement's quote and its context.",
    }
}
CODES = {
    "verbatim-quote": (
        "A statement's quote and its context must occur verbatim in an article cited for the statement.",
        "Copy the words again from a cited article file, or cite the article that prints them.",
    ),
}


def check(tables: dict[str, Table], texts: dict[str, str]) -> list[Problem]:
    problems = []
    articles = pl.DataFrame({"source_id": list(texts)}, schema={"source_id": pl.String})
    citations = None
    for table in tables.values():
        for field in fields(table):
            if not field.get("x-verbatim-in-cited-source"):
                continue
            citations = citations_of(tables) if citations is None else citations
            problems += _unfound(table, field["name"], citations, articles, texts)
    return problems


def _unfound(
    table: Table, name: str, citations: pl.DataFrame, articles: pl.DataFrame, texts: dict[str, str]
) -> list[Problem]:
    problems: list[Problem] = []
    quoted = (
        indexed(table)
        .select(INDEX, key_expr(table).alias("record_id"), pl.col(name).alias("_value"))
        .drop_nulls("_value")
        .join(cited(citations, table), on="record_id", how="inner")
        .join(articles, on="source_id", how="inner")
    )
    found = present(quoted, "_value", texts).with_columns(pl.lit(True).alias("_found"))
    unfound = (
        quoted.join(found, on=["source_id", "_value"], how="left")
        .group_by(INDEX)
        .agg(pl.col("_found").fill_null(False).any().alias("found"), pl.first("_value"), pl.col("source_id"))
        .filter(~pl.col("found"))
        .sort(INDEX)
    )
    unfound = listed(
        unfound, problems, table, name, f"whose {name} is not found verbatim in a cited source", code="verbatim-quote"
    )
    for index, _, value, sources in unfound.iter_rows():
        cited_texts = [texts[source] for source in sources]
        problems.append(
            Problem(
                table.path,
                table.row_number(index),
                name,
                not_found(value, max(cited_texts, key=lambda t: matched_prefix(value, t)), "any cited source"),
                code="verbatim-quote",
            )
        )
    return problems
