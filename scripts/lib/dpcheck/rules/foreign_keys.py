"""foreignKeys: every foreign key of every schema, self-references included, names an existing
row; empty cells are not references."""

from __future__ import annotations

import polars as pl

from dpmodel import messages
from dpmodel.csvfile import Table
from dpmodel.descriptor import KEY_SEPARATOR
from dpmodel.descriptor import foreign_keys as schema_foreign_keys
from dpmodel.problems import Problem

from ._rows import INDEX, MAX_SUGGESTED_FROM, indexed, listed

SCOPE = "package"
KEYWORDS = {
    "foreignKeys": {
        "type": "array",
        "maxItems": 100,
        "items": {
            "type": "object",
            "required": ["fields", "reference"],
            "additionalProperties": False,
            "properties": {
                "fields": {"$ref": "#/$defs/fieldNames", "x-names": "field"},
                "reference": {
                    "type": "object",
                    "required": ["fields"],
                    "additionalProperties": False,
                    "properties": {
                        "resource": {"type": "string", "maxLength": 200, "x-names": "table"},
                        "fields": {"$ref": "#/$defs/fieldNames", "x-names": {"field_in_table": "resource"}},
                    },
                },
            },
        },
    }
}
FIELD_KEYWORDS: dict = {}
CODES = {
    "key-dangling": (
        "An ID that refers to another row must name an existing row of the table it refers to.",
        "Correct the ID (the message suggests the nearest one), or add the row it names.",
    ),
}


def check(tables: dict[str, Table]) -> list[Problem]:
    problems = []
    for table in tables.values():
        for fk in schema_foreign_keys(table.resource.schema, table.name):
            fields, ref_fields = fk.fields, fk.ref_fields
            target = tables.get(fk.resource)
            if target is None:
                continue  # the target table could not be read; its own problems say why
            known = target.frame.select(pl.col(r).alias(f) for f, r in zip(fields, ref_fields))
            # First only whether a value is missing (an anti join keeps no index, sorts nothing and
            # needs no distinct keys: half the work); which rows, only if one is.
            if table.frame.select(fields).drop_nulls(fields).join(known, on=fields, how="anti").height == 0:
                continue
            known = known.drop_nulls().unique()
            values = indexed(table).select(INDEX, *fields).drop_nulls(fields)
            missing = values.join(known, on=fields, how="anti").sort(INDEX)
            missing = listed(
                missing,
                problems,
                table,
                ",".join(fields),
                f"whose {','.join(fields)} is not in {target.name}",
                code="key-dangling",
            )
            # A suggestion compares the value with every known key: only for short lists of keys.
            suggestions = (
                [KEY_SEPARATOR.join(k) for k in known.iter_rows()] if known.height <= MAX_SUGGESTED_FROM else []
            )
            for index, *value in missing.iter_rows():
                problems.append(
                    Problem(
                        table.path,
                        table.row_number(index),
                        ",".join(fields),
                        messages.missing_reference(
                            KEY_SEPARATOR.join(value), target.name, ",".join(ref_fields), suggestions
                        ),
                        code="key-dangling",
                    )
                )
    return problems
