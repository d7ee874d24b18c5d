"""The cells make add-article and make accept are about to write, held first to the rules the
validator holds every cell to (dpcheck.rules.safe_text, the column's pattern and length), so that
a tool never writes what make check would refuse and a contributor hears about it where the value
came from, before anything is written."""

from __future__ import annotations

import re

from dpcheck.rules.safe_text import text_problems


def problems(fields: list[dict], row: dict) -> list[tuple[str, str, str]]:
    """(field, code, message) for every cell of `row` the package would refuse."""
    found = []
    for field in fields:
        name, value = field["name"], row.get(field["name"])
        if value is None or value == "":
            continue
        value = str(value)
        found += [
            (name, code, message) for code, message in text_problems(value, field.get("type", "string") == "string")
        ]
        constraints = field.get("constraints", {})
        if (most := constraints.get("maxLength")) is not None and len(value) > most:
            found.append((name, "value-max-length", f"is {len(value):,} characters; at most {most:,} are allowed"))
        elif (pattern := constraints.get("pattern")) and not re.fullmatch(pattern, value):
            found.append((name, "value-pattern", f"{value[:80]!r} does not match the pattern {pattern}"))
    return found
