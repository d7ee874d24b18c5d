"""The wording of each rule's message, shared by every check that enforces the rule.

Frictionless and pandera both check the Table Schema constraints; when they word a failure the
same way here, the report shows it once.
"""

from __future__ import annotations

import difflib
import re

from .problems import KEY_SHOWN, shown

REQUIRED = "is required but empty"


def fill(template: str, **values: object) -> str:
    """A message a schema declares (x-target-kind.rule) with each `{name}` given here replaced by
    its value as plain text, in one pass. Never str.format or a template engine: a schema's text
    is data, and `{kind:>1000000000}` or `{0.__class__}` must stay what they say, not pad a string
    to a gigabyte or reach into an object. Braces that name nothing given are left as written,
    and a value is never searched again for placeholders."""
    if not values:
        return template
    names = "|".join(re.escape(name) for name in values)
    return re.sub(r"\{(" + names + r")\}", lambda m: str(values[m.group(1)]), template)


def pattern(value: str, regex: str) -> str:
    return f"{shown(value)} does not match the pattern {regex}"


def enum(value: str, options: list) -> str:
    return f"{shown(value)} is not one of: {', '.join(map(str, options))}"


def wrong_type(value: str, expected: str) -> str:
    """`expected` completes "is not …": the vocabulary's phrase for the field's type."""
    return f"{shown(value)} is not {expected}"


def minimum(value: str, limit) -> str:
    return f"{shown(value)} is below the minimum {limit}"


def maximum(value: str, limit) -> str:
    return f"{shown(value)} is above the maximum {limit}"


def min_length(value: str, limit) -> str:
    return f"{shown(value)} is shorter than {limit} characters"


def max_length(value: str, limit) -> str:
    return f"{shown(value)} is longer than {limit} characters"


def uri(value: str) -> str:
    return f"{shown(value)} is not an http(s) address"


def duplicate_key(fields: list[str], values: list, first_row: int) -> str:
    key = ", ".join(f"{f}={v}" for f, v in zip(fields, values))
    return f"duplicate primary key ({key}) already used at row {first_row}"


def duplicate_value(value, first_row: int) -> str:
    return f"{shown(value)} is already used at row {first_row}; the column is unique"


def missing_reference(value, table: str, field: str, known=()) -> str:
    """Not found, with the closest existing value when one is close (a typo). Composite keys get
    no suggestion: their shared first part would make any sibling look close."""
    close = [] if "/" in str(value) else difflib.get_close_matches(str(value), list(known), n=1, cutoff=0.8)
    hint = f" (did you mean {close[0]!r}?)" if close else ""
    return f"{shown(value, KEY_SHOWN)} not found in {table}.{field}{hint}"
