"""x-record-reference: a polymorphic key (a citation's record_table and record_id) names an
existing row of the table it names."""

from __future__ import annotations

import polars as pl

from dpmodel import messages
from dpmodel.csvfile import Table
from dpmodel.problems import Problem

from ._rows import INDEX, MAX_SUGGESTED_FROM, indexed, key_expr, listed, misspelled_keys

SCOPE = "package"
KEYWORDS = {
    "x-record-reference": {
        "type": "object",
        "required": ["table_field", "id_field"],
        "additionalProperties": False,
        "description": "A polymorphic key: table_field names a table, id_field the primary key of a row in it "
        "(composite keys joined by key_separator). With role citation (the default) the rows are citations: "
        "the evidence for facts, counted by x-citation-required; with role note they are notes about rows "
        "(caveats) and cite nothing.",
        "properties": {
            "table_field": {"type": "string", "x-names": "field"},
            "id_field": {"type": "string", "x-names": "field"},
            "key_separator": {"const": "/"},
            "role": {"enum": ["citation", "note"]},
        },
    }
}
FIELD_KEYWORDS: dict = {}
CODES = {
    "key-record-dangling": (
        "A record_id must name an existing row of the table its record_table names.",
        "Correct record_id or record_table, or add the row it names.",
    ),
}


def check(tables: dict[str, Table]) -> list[Problem]:
    problems = []
    misspelt = None
    for table in tables.values():
        spec = table.resource.schema.get("x-record-reference")
        if not spec:
            continue
        named, record = spec["table_field"], spec["id_field"]
        references = indexed(table).select(INDEX, named, record).drop_nulls()
        # An unknown table name is reported by the field's enum constraint, not here.
        for name in sorted(set(references[named].unique().to_list()) & set(tables)):
            target = tables[name]
            keys = target.frame.select(key_expr(target).alias(record))
            if misspelt is None:
                misspelt = misspelled_keys(tables)
            # A reference to the key a misspelt row should have is right: the row's line says so.
            corrected = [k for k in misspelt.get(name, {}).values() if k]
            if corrected:
                keys = pl.concat([keys, pl.DataFrame({record: corrected}, schema=keys.schema)])
            missing = listed(
                references.filter(pl.col(named) == name).join(keys, on=record, how="anti").sort(INDEX),
                problems,
                table,
                record,
                f"whose {record} is not in {name}",
                code="key-record-dangling",
            )
            known = keys[record].to_list() if keys.height <= MAX_SUGGESTED_FROM else []
            for index, _, value in missing.iter_rows():
                problems.append(
                    Problem(
                        table.path,
                        table.row_number(index),
                        record,
                        messages.missing_reference(value, name, "/".join(target.resource.primary_key), known),
                        code="key-record-dangling",
                    )
                )
    return problems
