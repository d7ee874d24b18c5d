"""x-excerpt-of (on a field): every value occurs verbatim in the text of the source that the
named field of its row points at (a citation's or a caveat's excerpt, in its source_id's article)."""

from __future__ import annotations

import polars as pl

from dpmodel.csvfile import Table
from dpmodel.problems import Problem

from . import texts as article_texts
from ._rows import INDEX, fields, indexed, listed
from ._search import not_found, present

SCOPE = "text"
KEYWORDS: dict = {}
FIELD_KEYWORDS = {
    "x-excerpt-of": {
        "type": "string",
        "maxLength": 300,
        "x-names": "field",
        "description": "The field of the same row naming the source (a row of the table with x-texts) whose text "
        "holds every value of this one verbatim, character for character (a citation's excerpt).",
    }
}
CODES = {
    "verbatim-excerpt": (
        "An excerpt must occur verbatim in its source's article text, character for character.",
        "Copy the excerpt again from the article file, from the point the message shows.",
    ),
}


def check(tables: dict[str, Table], texts: dict[str, str]) -> list[Problem]:
    problems = []
    text_paths = article_texts.paths(tables)
    articles = pl.DataFrame(
        {"source_id": list(texts), "_text": list(texts.values())}, schema={"source_id": pl.String, "_text": pl.String}
    )
    for table in tables.values():
        for field in fields(table):
            if not field.get("x-excerpt-of"):
                continue
            name, source = field["name"], field["x-excerpt-of"]
            # Each distinct excerpt searched for once in its own source's text, all of a text's
            # excerpts in one pass (excerpts repeat: one passage supports several rows).
            excerpts = (
                indexed(table)
                .select(INDEX, pl.col(source).alias("source_id"), pl.col(name).alias("_excerpt"))
                .drop_nulls()
            )
            absent = (
                excerpts.select("source_id", "_excerpt")
                .unique()
                .join(articles, on="source_id", how="inner")
                .join(present(excerpts, "_excerpt", texts), on=["source_id", "_excerpt"], how="anti")
            )
            missing = listed(
                excerpts.join(absent, on=["source_id", "_excerpt"], how="inner").sort(INDEX),
                problems,
                table,
                name,
                f"whose {name} is not found verbatim in its source",
                code="verbatim-excerpt",
            )
            for index, source_key, excerpt, text in missing.iter_rows():
                problems.append(
                    Problem(
                        table.path,
                        table.row_number(index),
                        name,
                        not_found(excerpt, text, text_paths[source_key]),
                        code="verbatim-excerpt",
                    )
                )
    return problems
