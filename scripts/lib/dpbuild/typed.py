"""The package's tables as typed columns, with derived columns for reduced dates.

A reduced date (`2023`, `2023-04`, `2023-04-16`) stays a string, exactly as in the CSV, and gains
three derived columns so that users can sort and filter by real dates:
`<field>_precision` (year, month or day), `<field>_earliest` and `<field>_latest` (the first and
last calendar day it can mean).
"""
from __future__ import annotations

from dataclasses import dataclass

import pyarrow as pa

from dpmodel import dates, vocabulary
from dpmodel.csvfile import Table

DERIVED_DATE_COLUMNS = {
    "precision": ("string", "Precision of {field}: year, month or day (derived from its length)."),
    "earliest": ("date", "First calendar day {field} can mean (derived)."),
    "latest": ("date", "Last calendar day {field} can mean (derived)."),
}


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
    return [{"name": f"{field['name']}_{suffix}", "type": kind, "description": desc.format(field=field["name"]),
             "x-derived-from": field["name"]}
            for suffix, (kind, desc) in DERIVED_DATE_COLUMNS.items()]


def typed(table: Table) -> TypedTable:
    """Typed columns in schema order, each reduced date followed by its derived columns."""
    schema = dict(table.resource.schema)
    fields = []
    columns: dict[str, pa.Array] = {}
    for field in table.resource.schema["fields"]:
        values = [row[field["name"]] for row in table.rows]
        cast = vocabulary.field_type(field).cast
        columns[field["name"]] = pa.array([None if v is None else cast(v, field) for v in values], type=arrow_type(field))
        fields.append(field)
        if field.get("x-reduced-date"):
            spans = [dates.span(v) if v else None for v in values]
            columns[f"{field['name']}_precision"] = pa.array([dates.precision(v) if v else None for v in values], pa.string())
            columns[f"{field['name']}_earliest"] = pa.array([s[0] if s else None for s in spans], pa.date32())
            columns[f"{field['name']}_latest"] = pa.array([s[1] if s else None for s in spans], pa.date32())
            fields.extend(derived_fields(field))
    schema["fields"] = fields
    return TypedTable(table.name, schema, columns)
