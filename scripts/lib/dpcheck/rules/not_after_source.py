"""x-not-after-source: a row cannot be dated after a source citing it was published (the table
of sources says which of its fields is the date, with x-published-date), unless its `unless`
field points, through its foreign key, to a lookup row whose `flag` is true (an event with status
planned or proposed)."""

from __future__ import annotations

import polars as pl

from dpmodel.csvfile import Table
from dpmodel.problems import Problem

from ._rows import INDEX, alternatives, citations_of, cited, flagged, indexed, key_expr, listed, spans

SCOPE = "package"
KEYWORDS = {
    "x-not-after-source": {
        "type": "object",
        "required": ["date"],
        "additionalProperties": False,
        "description": "A row may not be dated (its `date` field) after a source citing it was published, unless "
        "the lookup row its `unless` field points to (through that field's foreign key) has the boolean `flag` true.",
        "properties": {
            "date": {"type": "string", "x-names": "reduced"},
            "unless": {
                "type": "object",
                "required": ["field", "flag"],
                "additionalProperties": False,
                "properties": {
                    "field": {"type": "string", "x-names": "field"},
                    "flag": {"type": "string", "x-names": {"field_in_key": "field", "flag": True}},
                },
            },
        },
    },
    "x-published-date": {
        "type": "string",
        "x-names": "field",
        "description": "On the table of sources (the rows an excerpt's x-excerpt-of field points at): the field "
        "holding each source's publication date.",
    },
}
FIELD_KEYWORDS: dict = {}
CODES = {
    "date-after-source": (
        "A fact cannot be dated after an article citing it was published, unless it is planned or proposed.",
        "Check the date against the article; for an event only planned or proposed, set its status so.",
    ),
}


def check(tables: dict[str, Table]) -> list[Problem]:
    sources = next((t for t in tables.values() if t.resource.schema.get("x-published-date")), None)
    if sources is None:
        return []
    date_of = sources.resource.schema["x-published-date"]
    published = sources.frame.select(
        pl.col(sources.resource.primary_key[0]).alias("source_id"), pl.col(date_of).alias("published_date")
    ).join(
        spans(sources.frame[date_of]).select(
            pl.col("value").alias("published_date"), pl.col("latest").alias("published_by")
        ),
        on="published_date",
        how="inner",
    )
    citations = citations_of(tables)
    problems = []
    for table in tables.values():
        spec = table.resource.schema.get("x-not-after-source")
        if not spec:
            continue
        date_field = spec["date"]
        rows = indexed(table).select(INDEX, key_expr(table).alias("record_id"), date_field)
        allowed = ""
        if spec.get("unless"):
            field = spec["unless"]["field"]
            codes = flagged(tables, table, field, spec["unless"]["flag"])
            rows = rows.filter(~table.frame[field].is_in(codes).fill_null(False))
            singular = table.name[:-1] if table.name.endswith("s") else table.name
            allowed = f"; only {'an' if singular[:1] in 'aeiou' else 'a'} {singular} with {field} {alternatives(codes)} may be"
        late = (
            rows.join(
                spans(table.frame[date_field]).select(pl.col("value").alias(date_field), "earliest"),
                on=date_field,
                how="inner",
            )
            .join(cited(citations, table), on="record_id", how="inner")
            .join(published, on="source_id", how="inner")
            .filter(pl.col("earliest") > pl.col("published_by"))
            .sort(INDEX, maintain_order=True)
        )
        late = listed(
            late, problems, table, date_field, "dated after their source was published", code="date-after-source"
        )
        for row in late.iter_rows(named=True):
            problems.append(
                Problem(
                    table.path,
                    table.row_number(row[INDEX]),
                    date_field,
                    f"{row[date_field]} is after {row['source_id']} was published ({row['published_date']}){allowed}",
                    code="date-after-source",
                )
            )
    return problems
