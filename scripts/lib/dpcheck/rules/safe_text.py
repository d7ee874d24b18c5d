"""Every cell (no keyword: every table, every field): nothing a spreadsheet would run as a
formula, no control characters (tab, CR, NUL…), no invisible characters, no leading or trailing
whitespace."""

from __future__ import annotations

import unicodedata

import polars as pl

from dpmodel.characters import FORMULA_START, INVISIBLE
from dpmodel.csvfile import Table
from dpmodel.problems import Problem

from ._rows import fields, rows_where

SCOPE = "table"
KEYWORDS: dict = {}
FIELD_KEYWORDS: dict = {}
CODES = {
    "text-formula": (
        "A text cell must not start with =, +, - or @, which spreadsheets run as a formula.",
        "Reword the start of the cell.",
    ),
    "text-control": (
        "A cell must not contain a control character (a tab, a line break, NUL and the like).",
        "Delete the control character, or replace a tab or line break with a space.",
    ),
    "text-invisible": (
        "A cell must not contain an invisible character that hides or reorders text (a zero-width "
        "character, a bidirectional control, the line or paragraph separator).",
        "Delete it; such characters often come with text copied from a web page.",
    ),
    "text-whitespace": ("A cell must not start or end with a space.", "Remove the leading or trailing whitespace."),
    "text-unsafe": (
        "More rows than are listed hold unsafe text: a formula-like start, a control or invisible "
        "character, or leading or trailing whitespace.",
        "Fix the rows listed, then validate again to see the rest.",
    ),
}

_INVISIBLE_CLASS = "".join(f"\\x{{{ord(c):04X}}}" for c in INVISIBLE)
UNSAFE_ANYWHERE = rf"[\x00-\x1F\x7F-\x9F{_INVISIBLE_CLASS}]|^\s|\s$"  # controls (Cc), invisibles, outer spaces
UNSAFE_TEXT = rf"^[=+\-@]|{UNSAFE_ANYWHERE}"


def text_problems(value: str, is_text: bool) -> list[tuple[str, str]]:
    """What is unsafe in one cell (see FORMULA_START and INVISIBLE), as (code, message)."""
    found = []
    if is_text and value.startswith(FORMULA_START):
        found.append(("text-formula", f"starts with {value[0]!r}, which spreadsheets run as a formula"))
    control = next((ch for ch in value if unicodedata.category(ch) == "Cc"), None)
    if control is not None:
        found.append(("text-control", f"contains the control character U+{ord(control):04X}"))
    hidden = next((ch for ch in value if ch in INVISIBLE), None)
    if hidden is not None:
        found.append(
            ("text-invisible", f"contains {INVISIBLE[hidden]} U+{ord(hidden):04X}, which hides or reorders text")
        )
    if value[:1].isspace() and control is None:
        found.append(("text-whitespace", "starts with a space; remove leading whitespace"))
    if value[-1:].isspace() and control is None:
        found.append(("text-whitespace", "ends with a space; remove trailing whitespace"))
    return found


def check(tables: dict[str, Table]) -> list[Problem]:
    problems = []
    for table in tables.values():
        if not table.frame.columns:
            continue
        text = {f["name"] for f in fields(table) if f.get("type", "string") == "string"}
        unsafe = pl.any_horizontal(
            pl.col(c).str.contains(UNSAFE_TEXT if c in text else UNSAFE_ANYWHERE).fill_null(False)
            for c in table.frame.columns
        )
        for number, row in rows_where(table, unsafe, problems, None, "with unsafe text", code="text-unsafe"):
            for name, value in row.items():
                if value is not None:
                    problems += [
                        Problem(table.path, number, name, what, code=code)
                        for code, what in text_problems(value, name in text)
                    ]
    return problems
