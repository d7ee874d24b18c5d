"""x-required-when: fields a row must fill when the lookup row its `field` points to has the boolean
`flag` true (a caveat of a kind that rests on the public record names its external reference)."""

from __future__ import annotations

import polars as pl

from dpmodel.csvfile import Table
from dpmodel.problems import Problem, shown

from ._rows import alternatives, field_list, flagged, rows_where

SCOPE = "package"
KEYWORDS = {
    "x-required-when": {
        "type": "object",
        "required": ["fields", "field", "flag", "because"],
        "additionalProperties": False,
        "description": "Every row whose `field` points (through that field's foreign key) to a lookup row with the "
        "boolean `flag` true fills all of `fields`; `because` completes the message ('kind background_only "
        "rests on the public record').",
        "properties": {
            "fields": field_list(at_least=1),
            "field": {"type": "string", "maxLength": 300, "x-names": "field"},
            "flag": {"type": "string", "maxLength": 300, "x-names": {"field_in_key": "field", "flag": True}},
            "because": {"type": "string", "minLength": 1, "maxLength": 300},
        },
    }
}
FIELD_KEYWORDS: dict = {}
CODES = {
    "cite-reference-missing": (
        "A caveat of a kind that rests on the public record (rests_on_record in vocab_caveat_kinds: "
        "background_only, attribution, contradicted_by_record) names its external reference.",
        "Fill the reference's title, publisher and address (and its date, when it gives one); if the caveat "
        "rests on the article's text alone, choose the kind that says so.",
    ),
}


def check(tables: dict[str, Table]) -> list[Problem]:
    problems = []
    for table in tables.values():
        spec = table.resource.schema.get("x-required-when")
        if not spec:
            continue
        codes = flagged(tables, table, spec["field"], spec["flag"])
        needs = table.frame[spec["field"]].is_in(codes).fill_null(False)
        listed = ", ".join(spec["fields"])
        for name in spec["fields"]:
            for number, row in rows_where(
                table,
                needs & pl.col(name).is_null(),
                problems,
                name,
                f"with {spec['field']} {alternatives(codes)} and no {name}",
                code="cite-reference-missing",
            ):
                problems.append(
                    Problem(
                        table.path,
                        number,
                        name,
                        f"is empty, but {spec['field']} {shown(row[spec['field']])} {spec['because']}: fill {listed}",
                        code="cite-reference-missing",
                    )
                )
    return problems
