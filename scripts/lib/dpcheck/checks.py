"""The checks of a loaded package's files, on Polars: each CSV read, pandera, the rules, the
article texts, and with a base ref the history. validate.py runs them once the descriptor has
loaded and Frictionless's descriptor check has started (this module imports Polars and pandera,
which that check's process must not wait for)."""

from __future__ import annotations

import importlib
from concurrent.futures import ThreadPoolExecutor

from dpcheck import frictionless_check, history, rules
from dpcheck.rules import texts as article_texts
from dpmodel import csvfile
from dpmodel.descriptor import Package
from dpmodel.problems import Problem

# The validator itself failing, not the data: reported as problems so that CI fails and says why.
CODES: dict[str, tuple[str, str]] = {
    "internal-rule-failed": (
        "A rule of the validator stopped with an error instead of judging the package.",
        "Check that the schemas still have the columns the rule needs; otherwise report the "
        "error, with its message, to the maintainers.",
    ),
    "internal-pandera-missing": (
        "pandera, which checks every cell against its Table Schema, could not be loaded.",
        "Install the validator's requirements in the environment that runs it.",
    ),
    "internal-texts-failed": (
        "The check of the article texts (their hashes, and the excerpts quoted from them) stopped with an error.",
        "Report the error, with its message, to the maintainers.",
    ),
}


def run(rule, *args) -> list[Problem]:
    """A rule that fails unexpectedly is reported as a problem, never as a traceback. `rule` is a
    rule module (its check is run) or a function."""
    name = rules.name_of(rule) if hasattr(rule, "check") else rule.__name__
    try:
        return (rule.check if hasattr(rule, "check") else rule)(*args)
    except MemoryError:  # the step's limit (os_limits), not the rule's fault: the entry point says so in one line
        raise
    except Exception as exc:  # noqa: BLE001
        return [
            Problem(
                "scripts/validate.py",
                None,
                None,
                f"the rule {name} could not run ({type(exc).__name__}: {exc}); "
                "check that the schemas still have the columns it needs",
                code="internal-rule-failed",
            )
        ]


def check(
    package: Package, descriptor_path: str, base: str | None, frictionless_here: bool, frictionless_rows: bool
) -> tuple[list[Problem], str]:
    """The problems in the package's files, and a phrase saying what was checked. With
    `frictionless_here`, also Frictionless's check of the descriptor (with `frictionless_rows`, of
    every row too), in this process."""
    # Two cores are kept busy: Polars releases the GIL while it reads, joins and scans, so
    # pandera's import (half a second, without pandas: see pandera_check) and the article texts'
    # reading run beside the tables' reading, and pandera's checks, and the texts' checks with
    # the verbatim rule, beside the other rules, in threads.
    problems = history.version_format(package)
    with ThreadPoolExecutor(max_workers=3) as pool:
        engine = pool.submit(importlib.import_module, "dpcheck.pandera_check")
        texts_read = pool.submit(article_texts.read_texts, package)
        tables, unreadable, read_problems = _read_tables(package)
        problems += read_problems
        schema_checks = pool.submit(_schema_checks, engine, tables)
        # With a file unread, the texts wait like the rules across tables: they would only echo it.
        texts = None if unreadable else pool.submit(_texts, package, tables, texts_read)
        problems += _rules(tables, unreadable, base, package)
        if texts is not None:
            problems += texts.result()
        problems += schema_checks.result()
        if frictionless_here:
            problems += run(frictionless_check.check, package, descriptor_path, unreadable, frictionless_rows)
    checked = (
        f"{len(tables)} tables, {sum(t.frame.height for t in tables.values())} rows, "
        f"{len(package.resources) - len(package.tables())} article texts"
    )
    return problems, checked


def _schema_checks(engine, tables: dict[str, csvfile.Table]) -> list[Problem]:
    """pandera's checks of every table, once its module (`engine`, a future) has been imported."""
    try:
        pandera_check = engine.result()
    except Exception as exc:  # noqa: BLE001 - the environment is broken, not the data
        return [
            Problem(
                "scripts/validate.py",
                None,
                None,
                f"pandera could not be loaded ({type(exc).__name__}: {exc})",
                code="internal-pandera-missing",
            )
        ]
    return [problem for table in tables.values() for problem in run(pandera_check.check, table)]


def _rules(tables: dict[str, csvfile.Table], unreadable: set[str], base: str | None, package: Package) -> list[Problem]:
    """The rules on each table, then, if every file could be read, those across tables (a broken
    file would only show up there as false dangling keys or missing citations)."""
    problems = [problem for rule in rules.of_scope("table") for problem in run(rule, tables)]
    if unreadable:
        return problems
    for rule in rules.of_scope("package"):
        problems += run(rule, tables)
    for table in tables.values():
        problems += run(csvfile.canonical_problems, table)
    if base:
        problems += run(history.check, package, tables, base)
    return problems


def _texts(package: Package, tables: dict[str, csvfile.Table], texts_read) -> list[Problem]:
    """The article texts (`texts_read`, a future of read_texts) against their hashes (the rule of
    scope "texts"), then every excerpt, quote and name against them (the rules of scope "text":
    the searches are mostly Polars and Aho-Corasick)."""
    try:
        texts, problems = article_texts.check(package, tables, texts_read.result())
    except MemoryError:
        raise
    except Exception as exc:  # noqa: BLE001
        return [
            Problem(
                "scripts/validate.py",
                None,
                None,
                f"the article texts could not be checked ({exc})",
                code="internal-texts-failed",
            )
        ]
    return problems + [problem for rule in rules.of_scope("text") for problem in run(rule, tables, texts)]


def _read_tables(package: Package) -> tuple[dict[str, csvfile.Table], set[str], list[Problem]]:
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
