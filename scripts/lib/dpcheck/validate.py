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
Steps 3 to 6 are in checks.py; step 2 runs beside them (descriptor_check.py).

Prints one line per problem, `data/events.csv:14 end_date [date-calendar]: 2023-02-30 is not a
calendar date` (the bracket holds the rule's code, listed in CONTRIBUTING.md), grouped by file, then
a one-line summary. With `--annotations FILE` each problem is also written to FILE as a GitHub
error annotation (`::error file=…,line=…,title=<code>::…`), which CI prints outside the log's
stop-commands block so the pull request shows it on the file and line. Exits 1 on any problem, 0
otherwise, 2 on bad usage.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Iterable

from dpcheck import descriptor_check

# Nothing here imports Polars or Frictionless (tests/test_engines.py holds it so): see validate().
from dpmodel import descriptor, hermetic, limits
from dpmodel.problems import Problem, report, sort_key


def validate(
    descriptor_file: Path,
    base: str | None = None,
    frictionless_rows: bool = False,
    limit: limits.Limits = limits.DEFAULT,
) -> tuple[list[Problem], str]:
    """The problems found, and a phrase saying what was checked (with `base`, a git ref, also
    removed IDs without redirect and an unchanged version; with `frictionless_rows`, Frictionless
    also reads every row; `limit`, the largest files accepted)."""
    # Frictionless's descriptor check starts first, in a process of its own, so that it imports
    # Frictionless while this one imports Polars and loads the descriptor; then both cores work.
    in_process = frictionless_rows or descriptor_check.IN_PROCESS
    started = None if in_process else descriptor_check.start()
    package, problems = descriptor.load(descriptor_file, limit)
    if package is None:
        if started is not None:
            descriptor_check.stop(started)
        return problems, "nothing checked"
    if started is not None:
        descriptor_check.send(started, package)
    from dpcheck import checks  # Polars and pandera: only now, after the start above

    found, checked = checks.check(package, str(descriptor_file), base, in_process, frictionless_rows)
    problems += found
    if started is not None:
        problems += descriptor_check.problems(package, started)
    return problems, checked


def escape(text: str, in_property: bool = False) -> str:
    """Text for a GitHub workflow command, escaped as GitHub's documentation says: '%' and line
    breaks everywhere, and also ':' and ',' in a property's value (file=, title=), where they would
    end it."""
    text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    return text.replace(":", "%3A").replace(",", "%2C") if in_property else text


def annotations(problems: Iterable[Problem]) -> list[str]:
    """One `::error` workflow command per problem (each once, in the report's order): GitHub shows
    it on the file and line of the pull request, titled with the rule's code."""
    commands = []
    for problem in sorted(set(problems), key=sort_key):
        where = [f"file={escape(problem.file, True)}"]
        if problem.row is not None:
            where.append(f"line={problem.row}")
        if problem.code:
            where.append(f"title={escape(problem.code, True)}")
        message = f"{problem.field}: {problem.message}" if problem.field else problem.message
        commands.append(f"::error {','.join(where)}::{escape(message)}")
    return commands


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("descriptor", nargs="?", default="datapackage.json", help="path to datapackage.json")
    parser.add_argument(
        "--base",
        metavar="REF",
        help="also compare with this git ref: removed IDs need a redirect, changed data needs a higher version",
    )
    parser.add_argument(
        "--mention-base",
        action="store_true",
        help="say on the OK line that the checks against a git ref were not run (make check without BASE)",
    )
    parser.add_argument(
        "--frictionless",
        action="store_true",
        help="also have Frictionless read every row, as `frictionless validate` does (slow on large packages)",
    )
    parser.add_argument(
        "--annotations",
        metavar="FILE",
        help="also write each problem to FILE as a GitHub error annotation (CI prints it)",
    )
    parser.add_argument(
        "--large",
        action="store_true",
        help="accept files 100 times the usual size limits (benchmarks of generated packages only; CI never does)",
    )
    args = parser.parse_args(argv)
    problems, checked = validate(
        Path(args.descriptor), args.base, args.frictionless, limits.Limits.large() if args.large else limits.DEFAULT
    )
    if args.annotations:  # written whole, empty when all is well, so CI never shows a stale one
        Path(args.annotations).write_text(
            "".join(f"{command}\n" for command in annotations(problems)), encoding="utf-8"
        )
    lines, summary = report(problems)
    for line in lines:
        print(line)
    if problems:
        print(("\n" if lines else "") + f"FAILED: {summary}")
        return 1
    against = f", compared with {args.base}" if args.base else ""
    if not args.base and args.mention_base:
        against = " (IDs and version not compared with a base: make check BASE=origin/main does, as CI does)"
    print(f"OK: {checked} in {args.descriptor}{against}: {summary}")
    for line in drafts_waiting(Path(args.descriptor).parent):
        print(f"note: {line}")
    return 0


def drafts_waiting(root: Path) -> list[str]:
    """The drafts beside the package (make draft) with proposals not reviewed yet: notes, not
    problems (a draft is not part of the package until make accept moves its rows)."""
    from dpcontrib.accept import review_status  # here: only a folder with drafts needs it

    return review_status(root)


if __name__ == "__main__":
    hermetic.forbid_network()
    sys.exit(main())
