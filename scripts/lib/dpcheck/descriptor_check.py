"""Frictionless's validation of the descriptor, in a process of its own.

The check is pure Python: in a thread it would hold the GIL the other checks need. The validator
starts it before anything else, even before it imports Polars, so that this process imports
Frictionless while the validator imports its engines and loads the descriptor; the loaded
descriptor then reaches it on its standard input. This module imports neither Polars nor
Frictionless, so importing it costs the validator nothing before the start.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from dataclasses import dataclass

from dpmodel.descriptor import Package, as_list, primary_key
from dpmodel.problems import Problem

SECONDS = 120  # the descriptor check's limit: every CI step ends in bounded time (SECURITY.md)

# Frictionless's check of the descriptor, in a process of its own (here) or in the validator's (by
# frictionless_check): both word its findings with descriptor_problems, so one finding has one code.
CODES: dict[str, tuple[str, str]] = {
    "frictionless-descriptor": (
        "The descriptor, its resources and their Table Schemas must follow the Data Package "
        "specification, as Frictionless checks it.",
        "Correct the property the message names, in datapackage.json or in the table's schema under schemas/.",
    ),
    "frictionless-failed": (
        "Frictionless could not finish validating the package or its descriptor.",
        "Correct what the message names if it is in the package; otherwise report the error, "
        "with its message, to the maintainers.",
    ),
    "frictionless-timeout": (
        f"Frictionless must validate the descriptor within {SECONDS} seconds.",
        "Shrink any unusually large or deeply nested part of datapackage.json; otherwise report "
        "the error to the maintainers.",
    ),
}
# What frictionless_metadata.messages says when Frictionless itself failed, not the descriptor.
_FAILED = "frictionless could not validate the descriptor"


def descriptor_problems(package: Package, messages: list[str]) -> list[Problem]:
    """Frictionless's findings about the descriptor (frictionless_metadata.messages), as problems."""
    return [
        Problem(
            package.descriptor_name,
            None,
            None,
            message,
            code="frictionless-failed" if message.startswith(_FAILED) else "frictionless-descriptor",
        )
        for message in messages
    ]


def _keys_as_lists(schema: dict) -> dict:
    """The schema with primary and foreign keys written as lists: Table Schema 1 allows a single
    field name as a string, which Frictionless 5 (reading the version 2 profile) refuses."""
    schema = dict(schema)
    if "primaryKey" in schema:
        schema["primaryKey"] = primary_key(schema)
    if "foreignKeys" in schema:
        schema["foreignKeys"] = [
            dict(
                fk,
                fields=as_list(fk["fields"]),
                reference=dict(fk["reference"], fields=as_list(fk["reference"]["fields"])),
            )
            for fk in schema["foreignKeys"]
        ]
    return schema


def inlined(package: Package) -> dict:
    """The descriptor with each Table Schema in place of its path, so Frictionless validates the
    schemas too; the paths themselves were checked when the package was loaded. It shares the
    rest with package.descriptor (a copy of thousands of resources would cost the validator's
    critical path): serialise or deep-copy it before anything may change it."""
    resources = []
    for resource in package.descriptor.get("resources", []):
        loaded = package.resources.get(resource.get("name"))
        if loaded is not None and loaded.schema is not None:
            resource = {**resource, "schema": _keys_as_lists(loaded.schema)}
        resources.append(resource)
    return {**package.descriptor, "resources": resources}


# The descriptor check on its own, for start()'s process: it reads the descriptor,
# already loaded and its schemas inlined, from its standard input and prints the messages as JSON.
# It opens no file and imports Frictionless alone, before the descriptor arrives: while the
# validator imports Polars and loads the descriptor.
_CHILD = """
import json, sys
from dpmodel import hermetic
hermetic.forbid_network()
from dpcheck import frictionless_metadata
import frictionless  # now, while the validator loads the descriptor, not once it has arrived
print(json.dumps(frictionless_metadata.messages(json.load(sys.stdin))))
"""


# Whether the descriptor check runs in this process instead (the test suite: one import of
# Frictionless for hundreds of validations, rather than a new Python process for each).
IN_PROCESS = False


@dataclass
class DescriptorCheck:
    process: subprocess.Popen
    pipe: int | None  # the write end of its standard input, until send() takes it


def start() -> DescriptorCheck:
    """Begin the descriptor check; send() gives it the package once loaded, and problems()
    collects its answer."""
    read_end, write_end = os.pipe()
    try:
        process = subprocess.Popen(
            [sys.executable, "-P", "-c", _CHILD],  # -P: modules from the install only, never the working folder
            stdin=read_end,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
    except BaseException:
        os.close(write_end)
        raise
    finally:
        os.close(read_end)
    return DescriptorCheck(process, write_end)


def send(check: DescriptorCheck, package: Package) -> None:
    """Hand the loaded descriptor to the check, from a thread: the pipe holds 64 KB, and the
    validator goes on reading tables while the check takes in the rest."""
    descriptor, pipe = inlined(package), check.pipe
    check.pipe = None

    def write() -> None:
        try:
            with open(pipe, "wb") as stream:
                stream.write(json.dumps(descriptor).encode())
        except OSError:  # the check died or was stopped: problems() says so
            pass

    threading.Thread(target=write, name="descriptor-check-input", daemon=True).start()


def stop(check: DescriptorCheck) -> None:
    """End a descriptor check whose answer is no longer needed (the descriptor did not load)."""
    check.process.kill()
    check.process.communicate()
    if check.pipe is not None:
        os.close(check.pipe)
        check.pipe = None


def problems(package: Package, check: DescriptorCheck) -> list[Problem]:
    """The problems the descriptor check found, or why it could not say."""
    return _problems(package, check)


def _problems(package: Package, check: DescriptorCheck) -> list[Problem]:
    if check.pipe is not None:  # never sent: the check must not wait for it
        send(check, package)
    process = check.process
    try:
        out, err = process.communicate(timeout=SECONDS)
    except subprocess.TimeoutExpired:
        process.kill()
        process.communicate()
        return [
            Problem(
                package.descriptor_name,
                None,
                None,
                f"frictionless could not validate the descriptor within {SECONDS} s",
                code="frictionless-timeout",
            )
        ]
    try:
        messages_found = json.loads(out) if process.returncode == 0 else None
    except ValueError:
        messages_found = None
    if not isinstance(messages_found, list):
        last = (err.strip().splitlines() or ["no output"])[-1]
        return [
            Problem(
                package.descriptor_name,
                None,
                None,
                f"frictionless could not validate the descriptor ({last})",
                code="frictionless-failed",
            )
        ]
    return descriptor_problems(package, messages_found)
