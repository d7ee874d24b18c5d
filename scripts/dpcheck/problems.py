"""A problem found in the package, and how problems are reported."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable


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

    def __str__(self) -> str:
        where = self.file if self.row is None else f"{self.file}:{self.row}"
        return f"{where} {self.field}: {self.message}" if self.field else f"{where}: {self.message}"


def _sort_key(problem: Problem):
    return (problem.file, problem.row or 0, problem.field or "", problem.message)


def report(problems: Iterable[Problem]) -> tuple[list[str], str]:
    """Lines grouped by file (a blank line between files) and a one-line summary.

    The same problem found by two tools (frictionless and pandera say the same thing in the same
    words) is reported once.
    """
    unique = sorted(set(problems), key=_sort_key)
    lines: list[str] = []
    previous_file = None
    for problem in unique:
        if previous_file is not None and problem.file != previous_file:
            lines.append("")
        lines.append(str(problem))
        previous_file = problem.file
    files = len({p.file for p in unique})
    if unique:
        summary = f"{len(unique)} problem{'s' if len(unique) != 1 else ''} in {files} file{'s' if files != 1 else ''}"
    else:
        summary = "no problems"
    return lines, summary


def shown(value: object, limit: int = 60) -> str:
    """A cell value quoted for a message, shortened so a 1 MB cell does not flood the report."""
    text = str(value)
    if len(text) > limit:
        text = text[:limit] + f"… ({len(text)} characters)"
    return repr(text)
