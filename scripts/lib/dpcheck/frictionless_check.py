"""Run Frictionless on the package and word its findings as the rest of the validator does."""

from __future__ import annotations

import copy
import re
import warnings

from dpmodel import messages, vocabulary
from dpmodel.descriptor import Package, Resource, foreign_keys
from dpmodel.problems import Problem

from . import descriptor_check, frictionless_metadata

# Only what Frictionless alone reports. A failure pandera finds too has pandera_check's code (type,
# constraints, repeated keys), a dangling foreign key the rules' (key-dangling), and the descriptor's
# findings and Frictionless failing descriptor_check's: one problem, one code, whoever finds it.
CODES: dict[str, tuple[str, str]] = {
    "frictionless-error": (
        "Frictionless, reading every row (`--frictionless`), found an error of a kind no other "
        "check reports; the message gives its type and note.",
        "Correct the file where the message says, as Frictionless's note describes.",
    ),
    "frictionless-missing": (
        "Frictionless, which checks the descriptor against the Data Package specification, must be installed.",
        "Install the validator's requirements in the environment that runs it.",
    ),
}
# Frictionless's error types reported with another module's code (constraint errors: by the
# constraint the note names, with pandera_check.CHECK_CODES).
_KIND_CODES = {
    "type-error": "value-type",
    "unique-error": "value-unique",
    "primary-key": "key-duplicate",
    "foreign-key": "key-dangling",
}


def _constraint_name(note: str | None) -> str | None:
    name = re.search(r'constraint "(\w+)"', note or "")
    return name.group(1) if name else None


def _code(kind: str, note: str | None) -> str:
    """The code of a Frictionless error: that of the rule pandera or the rules check, or frictionless-error."""
    if kind == "constraint-error":
        # Loaded already when Frictionless reads the rows within the validator (checks.py waits for it first).
        from .pandera_check import CHECK_CODES

        return CHECK_CODES.get(_constraint_name(note), "frictionless-error")
    return _KIND_CODES.get(kind, "frictionless-error")


def _constraint_message(field: dict, note: str, cell) -> str:
    """Frictionless's constraint error in the vocabulary's words (its note names the constraint)."""
    constraint = vocabulary.CONSTRAINTS.get(_constraint_name(note))
    if constraint is None:
        return f"{cell!r} breaks the constraint {note}"
    return constraint.message(cell, (field.get("constraints") or {}).get(constraint.name))


def _translate(package: Package, resource_name: str, error) -> Problem:
    resource = package.resources.get(resource_name)
    path = resource.path if resource else package.descriptor_name
    row = getattr(error, "row_number", None)
    kind = error.type
    code = _code(kind, getattr(error, "note", None))
    fields = {f["name"]: f for f in resource.schema["fields"]} if resource and resource.is_table else {}
    field = fields.get(getattr(error, "field_name", None))
    if kind == "constraint-error" and field:
        return Problem(path, row, error.field_name, _constraint_message(field, error.note, error.cell), code=code)
    if kind == "type-error" and field:
        field_type = vocabulary.field_type(field)
        # Text has no type to fail: Frictionless's type error there is the field's format (uri), as pandera says.
        if field_type.valid is None and vocabulary.field_format(field).passes is not None:
            code = "value-format"
        return Problem(path, row, error.field_name, messages.wrong_type(error.cell, field_type.expected), code=code)
    if kind == "primary-key" and resource:
        first = re.search(r"position \"?(\d+)", error.note or "")
        pk = resource.primary_key
        values = [dict(zip(resource.field_names, error.cells)).get(k) for k in pk]
        return Problem(
            path, row, pk[0], messages.duplicate_key(pk, values, int(first.group(1)) if first else 0), code=code
        )
    if kind == "foreign-key":
        target = package.resources.get(error.reference_name or resource_name)
        target_name = target.name if target else error.reference_name
        value = error.field_cells[0] if len(error.field_cells) == 1 else "/".join(map(str, error.field_cells))
        return Problem(
            path,
            row,
            ",".join(error.field_names),
            messages.missing_reference(value, target_name, ",".join(error.reference_field_names)),
            code=code,
        )
    return Problem(
        path, row, getattr(error, "field_name", None), f"frictionless {kind}: {error.note or error.message}", code=code
    )


def reads_unreadable(package: Package, resource: Resource | None, unreadable: set[str]) -> bool:
    """Whether a table has a foreign key into a file the strict reader refused (`unreadable`, by
    path): Frictionless's errors there are echoes of that file, which it failed to read as a lookup."""
    return (
        resource is not None
        and resource.is_table
        and any(
            package.resources[fk.resource].path in unreadable
            for fk in foreign_keys(resource.schema, resource.name)
            if fk.resource in package.resources
        )
    )


def check(
    package: Package, descriptor_path: str, unreadable: set[str] = frozenset(), rows: bool = False
) -> list[Problem]:
    """Frictionless validation of the descriptor: the package and every resource and Table Schema
    against the Data Package specification (Frictionless's own metadata validation, without
    building an object for each of thousands of article texts). With `rows`, also every row of
    every table, as `frictionless validate` does.

    The rows are not read by default because the generated checks (pandera and the rules) enforce
    every Table Schema constraint Frictionless enforces, vectorised; Frictionless reads rows one
    by one in Python, several times slower than the whole validator (BENCHMARKS.md).
    tests/test_frictionless_parity.py holds the two to the same findings.

    Errors in files the strict reader could not read (`unreadable`, by path) are left out: the
    reader's own line says what is wrong, more precisely. Foreign keys and the texts' hashes are
    left to the rules, which check every one and word the fix.
    """
    return _check(package, descriptor_path, unreadable, rows)


def _check(package: Package, descriptor_path: str, unreadable: set[str], rows: bool) -> list[Problem]:
    try:
        from frictionless import validate
    except ImportError as exc:  # pragma: no cover - the environment is broken, not the data
        return [
            Problem(
                package.descriptor_name,
                None,
                None,
                f"frictionless is not installed: {exc}",
                code="frictionless-missing",
            )
        ]
    if not rows:
        descriptor = copy.deepcopy(descriptor_check.inlined(package))  # Frictionless may change what it is given
        return descriptor_check.descriptor_problems(package, frictionless_metadata.messages(descriptor))
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            report = validate(descriptor_path)
    except Exception as exc:  # frictionless raises on some malformed input: report it, never a traceback
        return [
            Problem(
                package.descriptor_name,
                None,
                None,
                f"frictionless could not validate the package: {exc}",
                code="frictionless-failed",
            )
        ]
    # The package's own errors are the descriptor's, worded as frictionless_metadata words them.
    problems = descriptor_check.descriptor_problems(
        package, [f"frictionless {e.type}: {e.note or e.message}" for e in report.errors]
    )
    for task in report.tasks:
        resource = package.resources.get(task.name)
        if resource is not None and resource.path in unreadable:
            continue
        echoes = reads_unreadable(package, resource, unreadable)
        for error in task.errors:
            if error.type in ("foreign-key", "hash-count"):
                continue  # checked by the rules foreign_keys and texts, which also word the fix
            if echoes and getattr(error, "row_number", None) is None:
                continue  # frictionless failing to read the lookup table, not this one
            problems.append(_translate(package, task.name, error))
    return problems
