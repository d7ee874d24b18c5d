#!/usr/bin/env python3
"""What the working tree changes in the data, row by row: `python scripts/diff.py [BASE_REF] [--markdown]`.

For every table, against the package at BASE_REF (default HEAD): rows added, rows removed, and
rows changed field by field, keyed by primary key (composite keys joined with '/'). The diff
itself is csv-diff's; this script only feeds it each table keyed the package's way and prints
the result for a reviewer (--markdown for a pull request's job summary). Changed article texts
and schemas are listed too. A file that cannot be compared (not UTF-8, not CSV, no key column,
a key twice) is one line of the summary saying where and why, in place of its changes: the summary
runs even when the checks fail, so it never stops at a traceback. Exits 0 (whether or not anything
changed), 1 if the base or the package cannot be read at all.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from pathlib import Path

import csv_diff

from dpcheck import history
from dpcheck.history import Unreadable
from dpmodel import descriptor, hermetic, safe_open


class Uncomparable(Exception):
    """A file this diff cannot compare; the message says why (and where). Shown as a line of the
    summary in place of the file's changes: the summary runs even when the checks fail."""


def _rows(
    data: bytes | None, key: list[str], side: str, wanted: set[str] | None = None
) -> tuple[list[str], dict[str, object]]:
    """A table's header and its rows by primary key (composite keys joined with '/'): each row as
    a fingerprint of its cells, or with `wanted`, only those rows, as dicts. Two passes instead of
    every row as a dict on both sides: a table of a million rows fits in little memory.
    Uncomparable if the file cannot be read (history.csv_records names the line), lacks a key
    column or repeats a key (rows would be lost in the comparison)."""
    if data is None:
        return [], {}
    if not key:
        raise Uncomparable("the table has no primary key to match rows by")
    records = history.csv_records(data)
    try:
        _, header = next(records)
        missing = [k for k in key if k not in header]
        if missing:
            raise Uncomparable(f"{side}: no column {', '.join(missing)} of the primary key ({', '.join(key)})")
        at = [header.index(k) for k in key]
        rows: dict[str, object] = {}
        for line, cells in records:
            name = descriptor.KEY_SEPARATOR.join(cells[i] for i in at)
            if wanted is not None:
                if name in wanted:
                    rows[name] = dict(zip(header, cells))
            elif name in rows:
                raise Uncomparable(f"{side}, line {line}: the key {name[:80]!r} is there twice")
            else:  # JSON: an unambiguous encoding of the cells, so no two different rows share a print
                rows[name] = hashlib.blake2b(json.dumps(cells, ensure_ascii=False).encode(), digest_size=16).digest()
        return header, rows
    except Unreadable as exc:
        raise Uncomparable(f"{side}, {exc}") from None


def _read(file: Path, path: str, limit: int) -> bytes:
    """A file of the working tree as the checks read it: inside the package, through no link,
    within its size limit."""
    try:
        return safe_open.read_at(file, path, limit)
    except safe_open.Refused as exc:
        raise Uncomparable(f"cannot be read: it {exc}") from None


def table_diff(package, resource, ref: str) -> dict:
    """csv-diff's answer for one table against ref, fed only the rows that differ; Uncomparable
    if either side cannot be read as a keyed table."""
    before, now = (
        history.file_bytes_at(package.root, ref, resource.path),
        _read(resource.file, resource.path, package.limits.table_bytes),
    )
    key, then, here = resource.primary_key, f"at {ref}", "in the working tree"
    (old_header, old), (new_header, new) = _rows(before, key, then), _rows(now, key, here)
    if old_header != new_header:
        differing = old.keys() | new.keys()
    else:
        differing = {k for k, fingerprint in new.items() if old.get(k) != fingerprint} | (old.keys() - new.keys())
    del old, new
    previous, current = _rows(before, key, then, differing)[1], _rows(now, key, here, differing)[1]
    if not previous or not current:  # csv-diff needs rows on both sides to learn the columns
        return {
            "added": list(current.values()),
            "removed": list(previous.values()),
            "changed": [],
            "columns_added": [],
            "columns_removed": [],
        }
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
    """A table's block: a heading, then one line per column or row changed (none if nothing changed)."""
    block = _block(name, primary_key, diff)
    if not block:
        return []
    head, items = block[0], block[1:]
    if markdown:
        if len(items) > MARKDOWN_LINES:
            items = items[:MARKDOWN_LINES] + [f"… and {len(items) - MARKDOWN_LINES:,} more changes to {name}"]
        return [f"### {markdown_text(head)}"] + [_bullet(item, True) for item in items]
    return [head] + [f"  {_clip(item)}" for item in items]


# Longest line a change is shown in (a key may be a megabyte long); and lines per table in a job
# summary: GitHub refuses a summary over 1 MiB, and a reviewer reads the first hundred changes.
LINE_CHARACTERS = 1000
MARKDOWN_LINES = 100


def _clip(line: str) -> str:
    return line if len(line) <= LINE_CHARACTERS else line[:LINE_CHARACTERS] + "…"


def _bullet(line: str, markdown: bool) -> str:
    """A line of the summary that is not a heading: for a job summary, a bullet of inert text."""
    return f"- {markdown_text(_clip(line))}" if markdown else _clip(line)


def _block(name: str, primary_key: list[str], diff: dict) -> list[str]:
    added, removed, changed = diff["added"], diff["removed"], diff["changed"]
    if not (added or removed or changed or diff["columns_added"] or diff["columns_removed"]):
        return []
    lines = [f"{name}: {len(added)} added, {len(removed)} removed, {len(changed)} changed"]
    key_of = lambda row: descriptor.KEY_SEPARATOR.join(row[k] for k in primary_key)  # noqa: E731
    lines += [f"column added: {column}" for column in diff["columns_added"]]
    lines += [f"column removed: {column}" for column in diff["columns_removed"]]
    for row in added:
        others = ", ".join(f"{k}={_cell(v)}" for k, v in row.items() if v and k not in primary_key)
        lines.append(f"+ {key_of(row)}" + (f": {others}" if others else ""))
    lines += [f"- {key_of(row)}" for row in removed]
    for change in changed:
        fields = "; ".join(f"{field}: {_cell(old)} → {_cell(new)}" for field, (old, new) in change["changes"].items())
        lines.append(f"~ {change['key']}: {fields}")
    return lines


def _removed_resources(package, ref: str) -> list[str]:
    """Files the descriptor at ref listed that it no longer lists (whatever shape the base had)."""
    try:
        before = json.loads(history.file_bytes_at(package.root, ref, package.descriptor_name) or b"{}")
    except (ValueError, RecursionError):
        return [f"{package.descriptor_name}: cannot be compared: at {ref}, it is not JSON"]
    listed = before.get("resources") if isinstance(before, dict) else None
    paths = {r.get("path"): r.get("name") for r in listed if isinstance(r, dict)} if isinstance(listed, list) else {}
    now = {r.path for r in package.resources.values()}
    return [
        f"{path}: removed (resource {name})"
        for path, name in paths.items()
        if isinstance(path, str) and path not in now
    ]


def _file_changed(package, path: str, file: Path, limit: int, ref: str) -> str | None:
    """Whether an article text or a schema changed, compared byte for byte."""
    before = history.file_bytes_at(package.root, ref, path)
    if before == _read(file, path, limit):
        return None
    return f"{path}: {'added' if before is None else 'text changed'}"


def changes(package, ref: str, markdown: bool) -> list[str]:
    """The summary after its heading: each table's block, then texts and files removed. A file
    that cannot be compared is one line saying why, in place of its changes."""
    lines: list[str] = []
    for resource in package.tables():
        try:
            block = render(resource.name, resource.primary_key, table_diff(package, resource, ref), markdown)
        except Uncomparable as exc:
            block = [_bullet(f"{resource.path}: cannot be compared: {exc}", markdown)]
        lines += block + [""] if block else []
    limits = package.limits
    files = [(r.path, r.file, limits.text_bytes) for r in package.resources.values() if not r.is_table]
    files += [
        (r.schema_path, package.root / r.schema_path, limits.schema_bytes) for r in package.tables() if r.schema_path
    ]
    for path, file, limit in files:
        try:
            line = _file_changed(package, path, file, limit, ref)
        except Uncomparable as exc:
            line = f"{path}: cannot be compared: {exc}"
        lines += [_bullet(line, markdown)] if line else []
    return lines + [_bullet(line, markdown) for line in _removed_resources(package, ref)]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("base", nargs="?", default="HEAD", help="git ref to compare with (default HEAD)")
    parser.add_argument("--descriptor", default="datapackage.json")
    parser.add_argument("--markdown", action="store_true", help="Markdown, e.g. for a GitHub job summary")
    args = parser.parse_args(argv)
    title = f"Data changes against {args.base}"
    head = [f"## {markdown_text(title)}" if args.markdown else title, ""]
    package, problems = descriptor.load(Path(args.descriptor))
    if package is None:  # nothing can be compared; the validator's lines say why
        print("\n".join(head + [_bullet(f"cannot be compared: {problem}", args.markdown) for problem in problems]))
        return 1
    try:
        history.verify_ref(package.root, args.base)
        lines = changes(package, args.base, args.markdown)
    except history.GitError as exc:
        print(_bullet(f"cannot compare with base ref {args.base!r}: {exc}", args.markdown))
        return 1
    lines = head + (lines or ["No data changes."])
    print("\n".join(_within_budget(lines) if args.markdown else lines).rstrip())
    return 0


# GitHub refuses a job summary over 1 MiB; the code-change summary and headings share it.
SUMMARY_BYTES = 512 * 1024


def _within_budget(lines: list[str]) -> list[str]:
    """The summary's first lines up to SUMMARY_BYTES, and a line saying how many more there are."""
    total = 0
    for n, line in enumerate(lines):
        total += len(line.encode("utf-8")) + 1
        if total > SUMMARY_BYTES:
            return lines[:n] + [f"- … and {len(lines) - n:,} more lines: `make diff` lists every change"]
    return lines


if __name__ == "__main__":
    hermetic.forbid_network()
    sys.exit(main())
