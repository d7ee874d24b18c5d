"""x-target-kind (on a field): the field points, through its foreign key, only at rows of the
given kinds: a membership is in an organisation or a state; an organisations row describes an
organisation."""

from __future__ import annotations

import polars as pl

from dpmodel import messages
from dpmodel.csvfile import Table
from dpmodel.descriptor import foreign_key_of
from dpmodel.problems import Problem, shown

from ._rows import INDEX, fields, indexed, listed

SCOPE = "package"
KEYWORDS: dict = {}
FIELD_KEYWORDS = {
    "x-target-kind": {
        "type": "object",
        "required": ["field", "values", "rule"],
        "additionalProperties": False,
        "description": "The row this field's foreign key points to must have `field` (a column of that table) in "
        "`values` (a membership is in an organisation or a state); `rule` is the message after the failing value, "
        "with {kind} standing for the target's value.",
        "properties": {
            "field": {"type": "string", "maxLength": 300, "x-names": {"field_in_key": "../name"}},
            "values": {"type": "array", "minItems": 1, "maxItems": 100, "items": {"type": "string", "maxLength": 300}},
            "rule": {"type": "string", "maxLength": 300},
        },
    }
}
# A target field that is not there is reported with dpmodel.descriptor's code schema-reference.
CODES = {
    "row-target-kind": (
        "A reference must point at a row of the right kind: a membership is in an organisation or "
        "a state, and an organisations row describes an organisation.",
        "Point the reference at a row of the kind the message names, or correct that row's kind.",
    ),
}


def check(tables: dict[str, Table]) -> list[Problem]:
    problems = []
    for table in tables.values():
        for field in fields(table):
            spec, name = field.get("x-target-kind"), field["name"]
            fk = foreign_key_of(table.resource.schema, table.name, name) if spec else None
            target = tables.get(fk.resource) if fk else None
            if target is None:
                continue
            if spec["field"] not in target.frame.columns:
                problems.append(
                    Problem(
                        table.resource.schema_path or table.path,
                        None,
                        name,
                        f"x-target-kind names {spec['field']!r}, which is not a field of {fk.resource}",
                        code="schema-reference",
                    )
                )
                continue
            kinds = target.frame.select(
                pl.col(fk.ref_fields[0]).alias("_target"), pl.col(spec["field"]).alias("_kind")
            ).unique("_target", keep="last")
            pointed = indexed(table).select(INDEX, name).join(kinds, left_on=name, right_on="_target", how="inner")
            wrong = listed(
                pointed.filter(~pl.col("_kind").is_in(spec["values"])).sort(INDEX),
                problems,
                table,
                name,
                f"pointing at a {fk.resource} row whose {spec['field']} is not one of {', '.join(spec['values'])}",
                code="row-target-kind",
            )
            for index, value, kind in wrong.select(INDEX, name, "_kind").iter_rows():
                problems.append(
                    Problem(
                        table.path,
                        table.row_number(index),
                        name,
                        f"{shown(value)} {messages.fill(spec['rule'], kind=kind)}",
                        code="row-target-kind",
                    )
                )
    return problems
