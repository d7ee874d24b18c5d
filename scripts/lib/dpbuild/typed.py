"""The package's tables as typed columns, with derived columns for reduced dates.

A reduced date (`2023`, `2023-04`, `2023-04-16`) stays a string, exactly as in the CSV, and gains
three derived columns so that users can sort and filter by real dates:
`<field>_precision` (year, month or day), `<field>_earliest` and `<field>_latest` (the first and
last calendar day it can mean).
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl
import pyarrow as pa

from dpmodel import dates, names, vocabulary
from dpmodel.csvfile import Table

# The derived columns' names come from names.date_column, which the validator also reads to refuse
# a field of the same name.
DERIVED_DATE_COLUMNS = dict(
    zip(
        names.DATE_SUFFIXES,
        [
            ("string", "Precision of {field}: year, month or day (derived from its length)."),
            ("date", "First calendar day {field} can mean (derived)."),
            ("date", "Last calendar day {field} can mean (derived)."),
        ],
    )
)


@dataclass
class TypedTable:
    name: str
    schema: dict  # the Table Schema, with the derived fields appended
    columns: dict[str, pa.Array]

    def to_arrow(self) -> pa.Table:
        return pa.table(self.columns)


def arrow_type(field: dict) -> pa.DataType:
    return getattr(pa, vocabulary.field_type(field).arrow)()


def derived_fields(field: dict) -> list[dict]:
    """Table Schema fields for the columns derived from one reduced-date field."""
    return [
        {
            "name": names.date_column(field["name"], suffix),
            "type": kind,
            "description": desc.format(field=field["name"]),
            "x-derived-from": field["name"],
        }
        for suffix, (kind, desc) in DERIVED_DATE_COLUMNS.items()
    ]


def date_columns(cell: pl.Expr, name: str) -> list[pl.Expr]:
    """The three derived columns of a reduced date, computed column-wise: its precision by its
    length, its first day, and its last (a month's last day from the calendar). Each branch is
    parsed leniently (Polars evaluates every branch on every row); typed() then refuses a date
    that gave no day."""
    length = cell.str.len_chars()
    day = lambda text: text.str.to_date("%Y-%m-%d", strict=False)  # noqa: E731
    return [
        length.replace_strict(dates.PRECISION, default=None, return_dtype=pl.String).alias(
            names.date_column(name, "precision")
        ),
        pl.when(length == 4)
        .then(day(cell + "-01-01"))
        .when(length == 7)
        .then(day(cell + "-01"))
        .otherwise(day(cell))
        .alias(names.date_column(name, "earliest")),
        pl.when(length == 4)
        .then(day(cell + "-12-31"))
        .when(length == 7)
        .then(day(cell + "-01").dt.month_end())
        .otherwise(day(cell))
        .alias(names.date_column(name, "latest")),
    ]


def typed(table: Table) -> TypedTable:
    """Typed columns in schema order, each reduced date followed by its derived columns: one
    Polars pass over the table's text frame, no Python object per row."""
    schema = dict(table.resource.schema)
    fields, expressions = [], []
    for field in table.resource.schema["fields"]:
        cell = pl.col(field["name"])
        expressions.append(vocabulary.field_type(field).column(cell, field).alias(field["name"]))
        fields.append(field)
        if field.get("x-reduced-date"):
            expressions += date_columns(cell, field["name"])
            fields.extend(derived_fields(field))
    frame = table.frame.select(expressions)
    for field in fields:
        if field.get("x-derived-from") and field["name"].endswith("_latest"):
            source = field["x-derived-from"]
            unread = table.frame.get_column(source).is_not_null() & frame.get_column(field["name"]).is_null()
            if unread.any():  # the validator refuses such a package first; a caller that skipped it learns here
                raise dates.NotADate(
                    f"{table.name}.{source}: {table.frame.get_column(source).filter(unread)[0]!r} is not a reduced ISO 8601 date"
                )
    # Arrow's plain string type (Polars hands over large strings), so every output keeps its types.
    arrow = frame.to_arrow().cast(pa.schema([(f["name"], arrow_type(f)) for f in fields]))
    schema["fields"] = fields
    return TypedTable(table.name, schema, {name: arrow.column(name).combine_chunks() for name in arrow.column_names})
