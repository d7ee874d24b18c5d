#!/usr/bin/env python3
"""Validate the data package: `python scripts/validate.py [DESCRIPTOR]` (default ./datapackage.json).

Runs, in order:
1. the descriptor and its Table Schemas, with every path kept inside the package;
2. Frictionless validation of the descriptor against the Data Package specification (with
   --frictionless, also of every row, as `frictionless validate` does: several times slower than
   everything else together, and finding nothing the next steps miss);
3. a read of each CSV: a canonical file is parsed by Polars and proven exact by writing it back;
   any other goes to a strict reader that names what is wrong (BOM, CR, encoding, header, ragged
   rows, order, quoting, NFC);
4. pandera schemas generated from schemas/*.json, run on Polars (types and constraints, all
   failures at once);
5. the rules neither tool expresses (foreign keys, dates, citations, verbatim excerpts, hashes,
   ISO codes, …), as Polars joins and masks;
6. with --base REF (a git ref, e.g. the base of a pull request): IDs removed without a redirect in
   data/redirects.csv, and data changed without a higher version in datapackage.json.

Prints one line per problem, `data/events.csv:14 end_date: 2023-02-30 is not a calendar date`,
grouped by file, then a one-line summary. Exits 1 on any problem, 0 otherwise, 2 on bad usage.
"""
from __future__ import annotations

import argparse
import importlib
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path


from dpmodel import csvfile, descriptor, hermetic, limits

from dpcheck import frictionless_check, history, rules
from dpmodel.problems import Problem, report

def _run(rule, *args) -> list[Problem]:
    """A rule that fails unexpectedly is reported as a problem, never as a traceback."""
    try:
        return rule(*args)
    except Exception as exc:  # noqa: BLE001
        return [Problem("scripts/validate.py", None, None,
                        f"the rule {rule.__name__} could not run ({type(exc).__name__}: {exc}); "
                        "check that the schemas still have the columns it needs")]


def validate(descriptor_file: Path, base: str | None = None, frictionless_rows: bool = False,
             limit: limits.Limits = limits.DEFAULT) -> tuple[list[Problem], str]:
    """The problems found, and a phrase saying what was checked (with `base`, a git ref, also
    removed IDs without redirect and an unchanged version; with `frictionless_rows`, Frictionless
    also reads every row; `limit`, the largest files accepted)."""
    # Two cores are kept busy. Frictionless's descriptor check, pure Python, runs in a process of
    # its own, started first (it imports Frictionless while this process loads the descriptor); Polars
    # releases the GIL while it reads, joins and scans, so pandera's import (half a second, without
    # pandas: see pandera_check) and its checks run beside it in threads.
    in_process = frictionless_rows or frictionless_check.IN_PROCESS
    descriptor_check = None if in_process else frictionless_check.start_descriptor_check()
    package, problems = descriptor.load(descriptor_file, limit)
    if package is None:
        if descriptor_check is not None:
            frictionless_check.stop(descriptor_check)
        return problems, "nothing checked"
    if descriptor_check is not None:
        frictionless_check.send_descriptor(descriptor_check, package)
    problems += history.version_format(package)
    with ThreadPoolExecutor(max_workers=3) as pool:
        engine = pool.submit(importlib.import_module, "dpcheck.pandera_check")
        tables, unreadable, read_problems = _read_tables(package)
        problems += read_problems
        schema_checks = pool.submit(_schema_checks, engine, tables)
        # The article texts are read and hashed (I/O and hashlib, both without the GIL) beside the rules.
        texts = None if unreadable else pool.submit(_run_texts, package, tables)
        problems += _rules(package, tables, unreadable, texts, base)
        problems += schema_checks.result()
        if descriptor_check is not None:
            problems += frictionless_check.descriptor_problems(package, descriptor_check)
        else:
            problems += _run(frictionless_check.check, package, str(descriptor_file), unreadable, frictionless_rows)
    texts = len(package.resources) - len(package.tables())
    checked = f"{len(tables)} tables, {sum(t.frame.height for t in tables.values())} rows, {texts} article texts"
    return problems, checked


def _schema_checks(engine, tables: dict[str, csvfile.Table]) -> list[Problem]:
    """pandera's checks of every table, once its module (`engine`, a future) has been imported."""
    try:
        pandera_check = engine.result()
    except Exception as exc:  # noqa: BLE001 - the environment is broken, not the data
        return [Problem("scripts/validate.py", None, None, f"pandera could not be loaded ({type(exc).__name__}: {exc})")]
    return [problem for table in tables.values() for problem in _run(pandera_check.check, table)]


def _rules(package, tables: dict[str, csvfile.Table], unreadable: set[str], texts, base: str | None) -> list[Problem]:
    """The rules on each table, then, if every file could be read, those across tables and the
    article texts (`texts`, a future of _run_texts)."""
    problems = [problem for rule in rules.PER_TABLE_RULES for problem in _run(rule, tables)]
    # Rules across tables would only echo a broken file as false dangling keys or missing citations.
    if unreadable:
        return problems
    for rule in rules.CROSS_TABLE_RULES:
        problems += _run(rule, tables)
    texts, text_problems = texts.result()
    problems += text_problems + _run(rules.verbatim, package, tables, texts)
    for table in tables.values():
        problems += _run(csvfile.canonical_problems, table)
    if base:
        problems += _run(history.check, package, tables, base)
    return problems


def _read_tables(package) -> tuple[dict[str, csvfile.Table], set[str], list[Problem]]:
    """Every table that could be read (by name), the paths of files with read problems, and those problems."""
    tables, unreadable, problems = {}, set(), []
    for resource in package.tables():
        table, read_problems = csvfile.read(resource)
        problems += read_problems
        if table is None or read_problems:
            unreadable.add(resource.path)
        if table is not None:
            tables[resource.name] = table
    return tables, unreadable, problems


def _run_texts(package, tables):
    try:
        return rules.source_texts(package, tables)
    except Exception as exc:  # noqa: BLE001
        return {}, [Problem("scripts/validate.py", None, None, f"the article texts could not be checked ({exc})")]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("descriptor", nargs="?", default="datapackage.json", help="path to datapackage.json")
    parser.add_argument("--base", metavar="REF", help="also compare with this git ref: removed IDs need a redirect, "
                                                       "changed data needs a higher version")
    parser.add_argument("--frictionless", action="store_true",
                        help="also have Frictionless read every row, as `frictionless validate` does (slow on large packages)")
    parser.add_argument("--large", action="store_true",
                        help="accept files 100 times the usual size limits (benchmarks of generated packages only; CI never does)")
    args = parser.parse_args(argv)
    problems, checked = validate(Path(args.descriptor), args.base, args.frictionless, limits.Limits.large() if args.large else limits.DEFAULT)
    lines, summary = report(problems)
    for line in lines:
        print(line)
    if problems:
        print(("\n" if lines else "") + f"FAILED: {summary}")
        return 1
    against = f", compared with {args.base}" if args.base else ""
    print(f"OK: {checked} in {args.descriptor}{against}: {summary}")
    return 0


if __name__ == "__main__":
    hermetic.forbid_network()
    sys.exit(main())
