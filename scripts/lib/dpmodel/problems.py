"""A problem found in the package, and how problems are reported."""

from __future__ import annotations

import re
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from typing import Iterable

from .characters import INVISIBLE_CLASS


@dataclass(frozen=True, order=True)
class Problem:
    """One problem: where it is (file, row, field) and what rule it breaks (message).

    `row` counts physical rows of the file with the header as row 1, as spreadsheets and
    frictionless do, so `data/events.csv:14` is the 14th line of the file.
    """

    file: str
    row: int | None = None
    field: str | None = None
    message: str = ""
    count: int = dataclass_field(
        default=1, compare=False
    )  # > 1: one line standing for that many rows (see rules.MAX_LISTED)
    # The rule broken, a stable code listed with its meaning and fix in CONTRIBUTING.md (dpmodel/codes.py
    # gathers them): `data/events.csv:14 end_date [date-calendar]: …`, selectable and countable by rule.
    code: str = ""

    def __str__(self) -> str:
        where = self.file if self.row is None else f"{self.file}:{self.row}"
        if self.field:
            where += f" {self.field}"
        line = f"{where} [{self.code}]: {self.message}" if self.code else f"{where}: {self.message}"
        return one_line(line)


# Characters that end a line for some reader (str.splitlines, a terminal, a log), hide as control
# codes, or hide or reorder what a terminal shows (every character no cell may hold): a name or
# value quoted from the data, or a message a schema supplies, may hold any of them.
_LINE_BREAKING = re.compile("[\x00-\x1f\x7f\x85" + INVISIBLE_CLASS + "]")


def one_line(text: str) -> str:
    """text with every control, line-breaking or invisible character written as its escape (\\x0b,
    \\n, \\u2028, \\u202e): whatever a message quotes, one problem is one line of the report, shown
    as it is stored."""
    return _LINE_BREAKING.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), text)


def sort_key(problem: Problem):
    return (problem.file, problem.row or 0, problem.field or "", problem.message, problem.code)


SHOWN_PER_FILE = 100
# A check lists at most this many rows per file and field, and one line counts the rest: a message
# per row of a 3-million-row file (each with a suggestion) would take minutes, and CI steps must
# end in bounded time (SECURITY.md). The report shows SHOWN_PER_FILE lines per file anyway.
MAX_LISTED = 1000


def report(problems: Iterable[Problem]) -> tuple[list[str], str]:
    """Lines grouped by file (a blank line between files) and a one-line summary.

    The same problem found by two tools (frictionless and pandera say the same thing in the same
    words) is reported once. At most SHOWN_PER_FILE lines are shown per file, so a broken
    100,000-row file gives a readable report; the summary counts every problem.
    """
    unique = sorted(set(problems), key=sort_key)
    total = sum(p.count for p in unique)
    by_file: dict[str, list[Problem]] = {}
    for problem in unique:
        by_file.setdefault(problem.file, []).append(problem)
    lines: list[str] = []
    for file, found in by_file.items():
        if lines:
            lines.append("")
        lines.extend(str(p) for p in found[:SHOWN_PER_FILE])
        if len(found) > SHOWN_PER_FILE:
            lines.append(one_line(f"{file}: … and {len(found) - SHOWN_PER_FILE:,} more problems in this file"))
    files = len(by_file)
    if unique:
        summary = f"{total:,} problem{'s' if total != 1 else ''} in {files} file{'s' if files != 1 else ''}"
    else:
        summary = "no problems"
    return lines, summary


# An ID is quoted whole (IDs are at most a few hundred characters by the schemas' maxLength), so
# that no cut hides where a misspelt ID differs from the one meant; other values are cut at 60.
KEY_SHOWN = 1000


def shown(value: object, limit: int = 60) -> str:
    """A cell value quoted for a message, shortened so a 1 MB cell does not flood the report."""
    text = str(value)
    if len(text) > limit:
        text = text[:limit] + f"… ({len(text)} characters)"
    return repr(text)
