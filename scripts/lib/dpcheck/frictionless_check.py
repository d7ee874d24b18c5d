"""Run Frictionless on the package and word its findings as the rest of the validator does."""
from __future__ import annotations

import copy
import json
import os
import re
import subprocess
import sys
import threading
import warnings
from dataclasses import dataclass

from dpmodel import messages, vocabulary
from dpmodel.descriptor import Package, Resource, as_list, foreign_keys, primary_key
from dpmodel.problems import Problem

from . import frictionless_metadata


def _constraint_message(field: dict, note: str, cell) -> str:
    """Frictionless's constraint error in the vocabulary's words (its note names the constraint)."""
    name = re.search(r'constraint "(\w+)"', note or "")
    constraint = vocabulary.CONSTRAINTS.get(name.group(1)) if name else None
    if constraint is None:
        return f"{cell!r} breaks the constraint {note}"
    return constraint.message(cell, (field.get("constraints") or {}).get(constraint.name))


def _translate(package: Package, resource_name: str, error) -> Problem:
    resource = package.resources.get(resource_name)
    path = resource.path if resource else package.descriptor_name
    row = getattr(error, "row_number", None)
    kind = error.type
    fields = {f["name"]: f for f in resource.schema["fields"]} if resource and resource.is_table else {}
    if kind == "constraint-error" and error.field_name in fields:
        return Problem(path, row, error.field_name, _constraint_message(fields[error.field_name], error.note, error.cell))
    if kind == "type-error" and error.field_name in fields:
        return Problem(path, row, error.field_name, messages.wrong_type(error.cell, vocabulary.field_type(fields[error.field_name]).expected))
    if kind == "primary-key" and resource:
        first = re.search(r"position \"?(\d+)", error.note or "")
        pk = resource.primary_key
        values = [dict(zip(resource.field_names, error.cells)).get(k) for k in pk]
        return Problem(path, row, pk[0], messages.duplicate_key(pk, values, int(first.group(1)) if first else 0))
    if kind == "foreign-key":
        target = package.resources.get(error.reference_name or resource_name)
        target_name = target.name if target else error.reference_name
        value = error.field_cells[0] if len(error.field_cells) == 1 else "/".join(map(str, error.field_cells))
        return Problem(path, row, ",".join(error.field_names),
                       messages.missing_reference(value, target_name, ",".join(error.reference_field_names)))
    return Problem(path, row, getattr(error, "field_name", None), f"frictionless {kind}: {error.note or error.message}")


def reads_unreadable(package: Package, resource: Resource | None, unreadable: set[str]) -> bool:
    """Whether a table has a foreign key into a file the strict reader refused (`unreadable`, by
    path): Frictionless's errors there are echoes of that file, which it failed to read as a lookup."""
    return resource is not None and resource.is_table and any(
        package.resources[fk.resource].path in unreadable
        for fk in foreign_keys(resource.schema, resource.name) if fk.resource in package.resources)


def _keys_as_lists(schema: dict) -> dict:
    """The schema with primary and foreign keys written as lists: Table Schema 1 allows a single
    field name as a string, which Frictionless 5 (reading the version 2 profile) refuses."""
    schema = dict(schema)
    if "primaryKey" in schema:
        schema["primaryKey"] = primary_key(schema)
    if "foreignKeys" in schema:
        schema["foreignKeys"] = [dict(fk, fields=as_list(fk["fields"]), reference=dict(fk["reference"], fields=as_list(fk["reference"]["fields"])))
                                 for fk in schema["foreignKeys"]]
    return schema


def _inlined(package: Package) -> dict:
    """The descriptor with each Table Schema in place of its path, so Frictionless validates the
    schemas too; the paths themselves were checked when the package was loaded."""
    descriptor = copy.deepcopy(package.descriptor)
    for resource in descriptor.get("resources", []):
        loaded = package.resources.get(resource.get("name"))
        if loaded is not None and loaded.schema is not None:
            resource["schema"] = _keys_as_lists(loaded.schema)
    return descriptor


# The descriptor check on its own, for start_descriptor_check's process: it reads the descriptor,
# already loaded and its schemas inlined, from its standard input and prints the messages as JSON.
# It opens no file and imports Frictionless alone, while the validator loads the descriptor.
_CHILD = """
import json, sys
from dpmodel import hermetic
hermetic.forbid_network()
from dpcheck import frictionless_metadata
print(json.dumps(frictionless_metadata.messages(json.load(sys.stdin))))
"""


# Whether the descriptor check runs in this process instead (the test suite: one import of
# Frictionless for hundreds of validations, rather than a new Python process for each).
IN_PROCESS = False
DESCRIPTOR_CHECK_SECONDS = 120  # every CI step ends in bounded time (SECURITY.md)


@dataclass
class DescriptorCheck:
    process: subprocess.Popen
    pipe: int | None  # the write end of its standard input, until send_descriptor() takes it


def start_descriptor_check() -> DescriptorCheck:
    """Begin the descriptor check in a process of its own (it is pure Python: in a thread it would
    hold the GIL the other checks need); send_descriptor() gives it the package once loaded, and
    descriptor_problems() collects its answer."""
    read_end, write_end = os.pipe()
    try:
        process = subprocess.Popen([sys.executable, "-P", "-c", _CHILD],  # -P: modules from the install only, never the working folder
                                   stdin=read_end, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    except BaseException:
        os.close(write_end)
        raise
    finally:
        os.close(read_end)
    return DescriptorCheck(process, write_end)


def send_descriptor(check: DescriptorCheck, package: Package) -> None:
    """Hand the loaded descriptor to the check, from a thread: the pipe holds 64 KB, and the
    validator goes on reading tables while the check takes in the rest."""
    data, pipe = json.dumps(_inlined(package)).encode(), check.pipe
    check.pipe = None

    def write() -> None:
        try:
            with open(pipe, "wb") as stream:
                stream.write(data)
        except OSError:  # the check died or was stopped: descriptor_problems() says so
            pass
    threading.Thread(target=write, name="descriptor-check-input", daemon=True).start()


def stop(check: DescriptorCheck) -> None:
    """End a descriptor check whose answer is no longer needed (the descriptor did not load)."""
    check.process.kill()
    check.process.communicate()
    if check.pipe is not None:
        os.close(check.pipe)
        check.pipe = None


def descriptor_problems(package: Package, check: DescriptorCheck) -> list[Problem]:
    """The problems the descriptor check found, or why it could not say."""
    if check.pipe is not None:  # never sent: the check must not wait for it
        send_descriptor(check, package)
    process = check.process
    try:
        out, err = process.communicate(timeout=DESCRIPTOR_CHECK_SECONDS)
    except subprocess.TimeoutExpired:
        process.kill()
        process.communicate()
        return [Problem(package.descriptor_name, None, None,
                        f"frictionless could not validate the descriptor within {DESCRIPTOR_CHECK_SECONDS} s")]
    try:
        messages_found = json.loads(out) if process.returncode == 0 else None
    except ValueError:
        messages_found = None
    if not isinstance(messages_found, list):
        last = (err.strip().splitlines() or ["no output"])[-1]
        return [Problem(package.descriptor_name, None, None, f"frictionless could not validate the descriptor ({last})")]
    return [Problem(package.descriptor_name, None, None, message) for message in messages_found]


def check(package: Package, descriptor_path: str, unreadable: set[str] = frozenset(), rows: bool = False) -> list[Problem]:
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
    try:
        from frictionless import validate
    except ImportError as exc:  # pragma: no cover - the environment is broken, not the data
        return [Problem(package.descriptor_name, None, None, f"frictionless is not installed: {exc}")]
    if not rows:
        return [Problem(package.descriptor_name, None, None, message) for message in frictionless_metadata.messages(_inlined(package))]
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            report = validate(descriptor_path)
    except Exception as exc:  # frictionless raises on some malformed input: report it, never a traceback
        return [Problem(package.descriptor_name, None, None, f"frictionless could not validate the package: {exc}")]
    problems = [Problem(package.descriptor_name, None, None, f"frictionless {e.type}: {e.note or e.message}") for e in report.errors]
    for task in report.tasks:
        resource = package.resources.get(task.name)
        if resource is not None and resource.path in unreadable:
            continue
        echoes = reads_unreadable(package, resource, unreadable)
        for error in task.errors:
            if error.type in ("foreign-key", "hash-count"):
                continue  # checked by rules.foreign_keys and rules.source_texts, which also word the fix
            if echoes and getattr(error, "row_number", None) is None:
                continue  # frictionless failing to read the lookup table, not this one
            problems.append(_translate(package, task.name, error))
    return problems
