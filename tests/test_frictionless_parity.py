"""The validator without Frictionless's row pass finds everything that pass finds.

By default the validator has Frictionless check the descriptor only, and enforces the Table
Schemas itself (pandera and the rules, on Polars): `frictionless validate` reads rows one by one
in Python, several times slower than the whole validator. That is safe only while every error
Frictionless finds in a broken package is also found without it, at the same file and row. Here
every hostile case and every dangling foreign key is put to both.
"""
from __future__ import annotations

import warnings

import pytest
from frictionless import validate as frictionless_validate

import test_hostile
from dpcheck import validate
from dpmodel import csvfile, descriptor
from dpcheck import frictionless_check, pandera_check


def frictionless_findings(pkg) -> set[tuple[str, int | None]]:
    """(file, row) of each error `frictionless validate` reports; row None for a file-level error.

    A file the validator's reader refuses (bad encoding, header, ragged or split rows) is refused
    whole, so Frictionless's row errors in it, and its dangling keys into it from other tables,
    are echoes of that one problem and are left out."""
    package, _ = descriptor.load(pkg.descriptor)
    unreadable = {r.path for r in package.tables() if csvfile.read(r)[1]}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        report = frictionless_validate(str(pkg.descriptor))
    found = set()
    for task in report.tasks:
        path = package.resources[task.name].path if task.name in package.resources else package.descriptor_name
        if path in unreadable:
            continue
        echoes = frictionless_check.reads_unreadable(package, package.resources.get(task.name), unreadable)
        found |= {(path, getattr(error, "row_number", None)) for error in task.errors
                  if not (echoes and (error.type == "foreign-key" or getattr(error, "row_number", None) is None))}
    return found | {(package.descriptor_name, None) for _ in report.errors}


def our_findings(pkg) -> set[tuple[str, int | None]]:
    problems, _ = validate.validate(pkg.descriptor)
    return {(p.file, p.row) for p in problems}


def assert_parity(pkg) -> None:
    ours = our_findings(pkg)
    files = {file for file, _ in ours}
    missed = sorted((file, row) for file, row in frictionless_findings(pkg)
                    if (file, row) not in ours and not (row is None and file in files))
    assert not missed, f"frictionless found errors the validator missed: {missed}; the validator found {sorted(ours)[:20]}"


def _descriptor_loads(case) -> bool:
    return case not in (test_hostile.malformed_descriptor_json, test_hostile.descriptor_not_an_object,
                        test_hostile.duplicate_resource_name, test_hostile.path_with_parent_directory,
                        test_hostile.absolute_path, test_hostile.url_path, test_hostile.symlinked_file,
                        test_hostile.missing_data_file, test_hostile.missing_schema_file, test_hostile.malformed_schema_json,
                        test_hostile.pattern_the_checks_cannot_run, test_hostile.target_kind_without_a_foreign_key,
                        test_hostile.described_by_an_unknown_field)


# Cases whose package Frictionless cannot even open are covered by test_hostile; the rest are here.
# Issue 10's cases are left out: their descriptors are refused before Frictionless may see them
# (remote references it would fetch, patterns it would backtrack on, sizes), or they break rules
# Frictionless does not have (cycles, invisible characters, canonical numbers).
# Issues 11 and 12 add rules Frictionless has no counterpart for (actor kinds, evidence, caveats'
# record references, quote contexts); only the one case of a Table Schema format is put to it.
RULES_ONLY = [c for c in test_hostile.ISSUE_11_CASES + test_hostile.ISSUE_12_CASES if c is not test_hostile.caveat_reference_not_http]
CASES = [c for c in test_hostile.CASES if _descriptor_loads(c) and c not in test_hostile.ISSUE_10_CASES + RULES_ONLY]


@pytest.mark.parametrize("case", CASES, ids=[c.__name__ for c in CASES])
def test_every_hostile_case_frictionless_catches_is_caught_without_it(pkg, case):
    case(pkg)
    assert_parity(pkg)


def test_every_dangling_foreign_key_frictionless_catches_is_caught_without_it(pkg):
    test_hostile.break_every_foreign_key(pkg)
    assert_parity(pkg)


def test_the_parity_check_can_fail(pkg, monkeypatch):
    """With the pandera pass switched off, an out-of-range number is found by Frictionless alone."""
    pkg.set("places", {"place_id": "moscow"}, "latitude", "95.5")
    monkeypatch.setattr(pandera_check, "check", lambda table: [])
    with pytest.raises(AssertionError, match="frictionless found errors the validator missed"):
        assert_parity(pkg)
