#!/usr/bin/env python3
"""What the working tree changes in the data, row by row: `python scripts/diff.py [BASE_REF] [--markdown]`.

For every table, against the package at BASE_REF (default HEAD): rows added, rows removed, and
rows changed field by field, keyed by primary key (composite keys joined with '/'). The diff
itself is csv-diff's; this script only feeds it each table keyed the package's way and prints
the result for a reviewer (--markdown for a pull request's job summary). Changed article texts
and schemas are listed too. Exits 0 (whether or not anything changed), 1 if the base cannot be read.
"""
from __future__ import annotations

import argparse
import csv
import io
import sys
from pathlib import Path

import csv_diff


from dpmodel import descriptor, hermetic

from dpcheck import history


def keyed(text: str | None, primary_key: list[str]) -> dict[str, dict]:
    if text is None:
        return {}
    return {descriptor.KEY_SEPARATOR.join(row[k] for k in primary_key): row for row in csv.DictReader(io.StringIO(text))}


def table_diff(package, resource, ref: str) -> dict:
    before = history.file_at(package.root, ref, resource.path)
    now = resource.file.read_text(encoding="utf-8")
    previous, current = keyed(before, resource.primary_key), keyed(now, resource.primary_key)
    if not previous or not current:  # csv-diff needs rows on both sides to learn the columns
        return {"added": list(current.values()), "removed": list(previous.values()), "changed": [],
                "columns_added": [], "columns_removed": []}
    return csv_diff.compare(previous, current)


MARKDOWN_SPECIAL = "\\`*_{}[]()#+-.!|~"


def markdown_text(text: str) -> str:
    """Text from the data made inert in a job summary: no HTML, no link, no image, no mention,
    no formatting. A pull request's cells are quoted there, and the summary is rendered."""
    text = "".join("\\" + ch if ch in MARKDOWN_SPECIAL else ch for ch in text.replace("&", "&amp;"))
    text = text.replace("<", "&lt;").replace(">", "&gt;").replace("@", "&#64;")
    return " ".join(text.split())  # no line breaks: one change, one line


def _cell(value: str) -> str:
    value = value if len(value) <= 80 else value[:80] + "…"
    return repr(value)


def render(name: str, primary_key: list[str], diff: dict, markdown: bool) -> list[str]:
    lines = _render(name, primary_key, diff, markdown)
    if not markdown or not lines:
        return lines
    return [lines[0]] + [f"- {markdown_text(line[2:])}" for line in lines[1:]]


def _render(name: str, primary_key: list[str], diff: dict, markdown: bool) -> list[str]:
    added, removed, changed = diff["added"], diff["removed"], diff["changed"]
    if not (added or removed or changed or diff["columns_added"] or diff["columns_removed"]):
        return []
    head = f"{name}: {len(added)} added, {len(removed)} removed, {len(changed)} changed"
    lines = [f"### {markdown_text(head)}" if markdown else head]
    bullet = "- " if markdown else "  "
    key_of = lambda row: descriptor.KEY_SEPARATOR.join(row[k] for k in primary_key)  # noqa: E731
    for column in diff["columns_added"]:
        lines.append(f"{bullet}column added: {column}")
    for column in diff["columns_removed"]:
        lines.append(f"{bullet}column removed: {column}")
    for row in added:
        others = ", ".join(f"{k}={_cell(v)}" for k, v in row.items() if v and k not in primary_key)
        lines.append(f"{bullet}+ {key_of(row)}" + (f": {others}" if others else ""))
    for row in removed:
        lines.append(f"{bullet}- {key_of(row)}")
    for change in changed:
        fields = "; ".join(f"{field}: {_cell(old)} → {_cell(new)}" for field, (old, new) in change["changes"].items())
        lines.append(f"{bullet}~ {change['key']}: {fields}")
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("base", nargs="?", default="HEAD", help="git ref to compare with (default HEAD)")
    parser.add_argument("--descriptor", default="datapackage.json")
    parser.add_argument("--markdown", action="store_true", help="Markdown, e.g. for a GitHub job summary")
    args = parser.parse_args(argv)
    package, problems = descriptor.load(Path(args.descriptor))
    if package is None:
        for problem in problems:
            print(problem)
        return 1
    try:
        history.verify_ref(package.root, args.base)
    except history.GitError as exc:
        print(f"cannot compare with base ref {args.base!r}: {exc}")
        return 1
    lines = [f"## Data changes against {args.base}" if args.markdown else f"Data changes against {args.base}", ""]
    found = False
    for resource in package.tables():
        block = render(resource.name, resource.primary_key, table_diff(package, resource, args.base), args.markdown)
        if block:
            found = True
            lines += block + [""]
    for resource in package.resources.values():
        if resource.is_table:
            continue
        before = history.file_at(package.root, args.base, resource.path)
        if before != resource.file.read_text(encoding="utf-8"):
            found = True
            line = f"{resource.path}: {'added' if before is None else 'text changed'}"
            lines.append(f"- {markdown_text(line)}" if args.markdown else line)
    if not found:
        lines.append("No data changes.")
    print("\n".join(lines).rstrip())
    return 0


if __name__ == "__main__":
    hermetic.forbid_network()
    sys.exit(main())
