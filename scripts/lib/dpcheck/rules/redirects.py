"""x-redirects: a redirect points from an ID that no longer exists to one that does."""

from __future__ import annotations

from dpmodel import messages
from dpmodel.csvfile import Table
from dpmodel.problems import Problem, shown

from ._rows import key_expr

SCOPE = "package"
KEYWORDS = {
    "x-redirects": {
        "type": "object",
        "required": ["table_field", "old_field", "new_field"],
        "additionalProperties": False,
        "description": "Rows map a removed ID (old_field) of the table named in table_field to its "
        "replacement (new_field).",
        "properties": {
            "table_field": {"type": "string", "x-names": "field"},
            "old_field": {"type": "string", "x-names": "field"},
            "new_field": {"type": "string", "x-names": "field"},
        },
    }
}
FIELD_KEYWORDS: dict = {}
CODES = {
    "key-redirect-exists": (
        "A redirect's old ID must no longer exist: only a removed or renamed ID needs a redirect.",
        "Delete the redirect, or finish removing or renaming the old ID.",
    ),
    "key-redirect-dangling": (
        "A redirect's new ID must name an existing row of its table.",
        "Correct new_id to the ID that replaced the old one.",
    ),
}


def check(tables: dict[str, Table]) -> list[Problem]:
    problems = []
    keys: dict[str, set[str]] = {}
    for table in tables.values():
        spec = table.resource.schema.get("x-redirects")
        if not spec:
            continue
        for number, row in table.numbered():
            target = tables.get(row[spec["table_field"]] or "")
            if target is None:
                continue  # an unknown table name is reported by the field's enum constraint
            if target.name not in keys:
                keys[target.name] = set(target.frame.select(key_expr(target)).to_series().to_list())
            pk = "/".join(target.resource.primary_key)
            if row[spec["old_field"]] in keys[target.name]:
                problems.append(
                    Problem(
                        table.path,
                        number,
                        spec["old_field"],
                        f"{shown(row[spec['old_field']])} still exists in {target.name}; only a removed ID needs a redirect",
                        code="key-redirect-exists",
                    )
                )
            if row[spec["new_field"]] and row[spec["new_field"]] not in keys[target.name]:
                problems.append(
                    Problem(
                        table.path,
                        number,
                        spec["new_field"],
                        messages.missing_reference(row[spec["new_field"]], target.name, pk),
                        code="key-redirect-dangling",
                    )
                )
    return problems
