"""Checks against the package as it was at a git ref (the base of a pull request):

- stable IDs: an ID (single-column primary key) that existed at the base may disappear only if
  data/redirects.csv maps it to its replacement, so no one's link or join breaks silently;
- versioning (the Data Package versioning recipe, SemVer): when the data, schemas, article texts
  or descriptor changed, datapackage.json's version must be higher than at the base.
"""

from __future__ import annotations

import csv
import io
import json
import re
import subprocess
from functools import lru_cache
from pathlib import Path
from typing import Iterator

from dpmodel import safe_open
from dpmodel.csvfile import Table
from dpmodel.descriptor import Package, safe_path
from dpmodel.problems import Problem, shown

CODES: dict[str, tuple[str, str]] = {
    "version-format": (
        "datapackage.json's version must be a SemVer version, MAJOR.MINOR.PATCH.",
        "Write the version as three numbers joined by dots, such as 1.2.0.",
    ),
    "version-not-raised": (
        "When the data, schemas, article texts or descriptor change, datapackage.json's version "
        "must be higher than at the base ref.",
        "Raise the version (PATCH for corrections, MINOR for additions, MAJOR for removals or "
        "renames) and add a CHANGELOG.md entry.",
    ),
    "version-changelog": (
        "When the version is raised, CHANGELOG.md must have a heading for the new version.",
        "Add a heading `## <version> (YYYY-MM-DD)` to CHANGELOG.md and list what changed.",
    ),
    "history-removed-id": (
        "An ID that existed at the base ref may disappear only if data/redirects.csv maps it to its replacement.",
        "Add a row for the removed ID and its replacement to data/redirects.csv.",
    ),
    "history-base-ref": (
        "The git ref given with `--base` must name a commit of the repository.",
        "Pass `--base` a ref the repository has, such as `origin/main`, fetching it first if needed.",
    ),
}

SEMVER = re.compile(r"^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?$")


class GitError(Exception):
    pass


class Unreadable(Exception):
    """A CSV that cannot be read row by row; the message says on which line and why."""


def _git_bytes(root: Path, *args: str) -> bytes:
    # Bytes, not text: a file at the base may be anything, invalid UTF-8 included.
    try:
        result = subprocess.run(["git", *args], cwd=root, capture_output=True, timeout=60)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise GitError(str(exc)) from None
    if result.returncode != 0:
        raise GitError(result.stderr.decode("utf-8", "replace").strip() or f"git {' '.join(args)} failed")
    return result.stdout


def _git(root: Path, *args: str) -> str:
    return _git_bytes(root, *args).decode("utf-8", "replace")


@lru_cache(maxsize=None)
def _prefix(root: Path) -> str:
    """Where the package sits inside its git repository (asked once, not once per file)."""
    return _git(root, "rev-parse", "--show-prefix").strip()


def file_bytes_at(root: Path, ref: str, path: str) -> bytes | None:
    """A file's bytes at ref, or None if it did not exist there."""
    try:
        return _git_bytes(root, "show", f"{ref}:{_prefix(root)}{path}")
    except GitError:
        return None


def file_at(root: Path, ref: str, path: str) -> str | None:
    """A file's text at ref (bytes that are not UTF-8 replaced), or None if it did not exist there."""
    data = file_bytes_at(root, ref, path)
    return None if data is None else data.decode("utf-8", "replace")


def csv_records(data: bytes) -> Iterator[tuple[int, list[str]]]:
    """Every record of a CSV file with the line it starts on: the header first (line 1), then each
    row, blank lines skipped. Whatever is not UTF-8 CSV with a header and rows as long as the
    header raises Unreadable naming the line, so that no caller meets a malformed file unprepared
    (the one reader of files as they were at a base, and of the diff's both sides)."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]  # a BOM is the validator's to report, not a reason to compare nothing
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise Unreadable(f"line {line} is not valid UTF-8 (byte 0x{data[exc.start : exc.start + 1].hex()})") from None
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    header: list[str] | None = None
    start = 1
    try:
        for record in reader:
            line, start = start, reader.line_num + 1
            if not record:
                continue
            if header is None:
                header = record
                twice = sorted({name for name in header if header.count(name) > 1})
                if twice:
                    raise Unreadable(f"line {line}: the header names {shown(twice[0])} twice")
            elif len(record) != len(header):
                raise Unreadable(f"line {line} has {len(record)} cells but the header has {len(header)}")
            yield line, record
    except csv.Error as exc:  # an unclosed quote, a cell over csv's size limit, ...
        raise Unreadable(f"line {reader.line_num} is not well-formed CSV: {exc}") from None
    if header is None:
        raise Unreadable("is empty (no header)")


def _version_key(version: str) -> tuple[int, int, int]:
    return tuple(int(n) for n in SEMVER.match(version).groups()[:3])


def version_format(package: Package) -> list[Problem]:
    version = package.descriptor.get("version")
    if not isinstance(version, str) or not SEMVER.match(version):
        return [
            Problem(
                package.descriptor_name,
                None,
                "version",
                f"{shown(version)} is not a SemVer version (MAJOR.MINOR.PATCH, e.g. 1.2.0)",
                code="version-format",
            )
        ]
    return []


def verify_ref(root: Path, ref: str) -> None:
    """GitError unless ref names a commit of the repository holding root."""
    _git(root, "rev-parse", "--verify", f"{ref}^{{commit}}")


def check(package: Package, tables: dict[str, Table], ref: str) -> list[Problem]:
    try:
        verify_ref(package.root, ref)
    except GitError as exc:
        return [
            Problem(
                package.descriptor_name,
                None,
                None,
                f"cannot compare with base ref {ref!r}: {exc}",
                code="history-base-ref",
            )
        ]
    problems = _removed_ids(package, tables, ref) + _version_bumped(package, ref)
    return problems


def _removed_ids(package: Package, tables: dict[str, Table], ref: str) -> list[Problem]:
    redirected = set()
    for table in tables.values():
        spec = table.resource.schema.get("x-redirects")
        if spec:
            redirected |= {(r[spec["table_field"]], r[spec["old_field"]]) for r in table.rows}
    problems = []
    for table in tables.values():
        pk = table.resource.primary_key
        if len(pk) != 1 or table.resource.schema.get("x-redirects"):
            continue
        before = file_bytes_at(package.root, ref, table.path)
        if before is None:
            continue
        now = {row[pk[0]] for row in table.rows}
        records = csv_records(before)
        try:
            _, header = next(records)
            if pk[0] not in header:
                continue  # the key column was renamed: a new contract, not removed IDs
            column = header.index(pk[0])
            for number, cells in records:
                old = cells[column]
                if old and old not in now and (table.name, old) not in redirected:
                    problems.append(
                        Problem(
                            table.path,
                            None,
                            pk[0],
                            f"{shown(old)} (row {number} at {ref}) was removed without a redirect: add "
                            f"record_table={table.name}, old_id={old}, new_id=<its replacement> to data/redirects.csv",
                            code="history-removed-id",
                        )
                    )
        except Unreadable:
            continue  # a base that cannot be read is not the contribution's to fix: its own CI judged it
    return problems


def _changed_files(package: Package, ref: str) -> list[str]:
    paths = (
        [package.descriptor_name]
        + [r.path for r in package.resources.values()]
        + [r.schema_path for r in package.tables() if r.schema_path]
    )
    changed = []
    for path in paths:
        before = file_at(package.root, ref, path)
        try:  # as the loader found it: inside the package, through no link, bounded
            now = safe_open.read(package.root, path, package.limits.table_bytes).decode("utf-8", "replace")
        except safe_open.Refused:  # gone or replaced since it was loaded: changed
            changed.append(path)
            continue
        if path == package.descriptor_name and before is not None:
            try:  # the version itself is not a change of the data
                strip = lambda text: {k: v for k, v in json.loads(text).items() if k != "version"}  # noqa: E731
                if strip(before) == strip(now):
                    continue
            except (ValueError, AttributeError, RecursionError):  # the base's descriptor may be anything
                pass
        if before != now:
            changed.append(path)
    return changed


CHANGELOG_BYTES = 4 * 1024 * 1024


def _changelog(root: Path) -> str:
    """CHANGELOG.md's text, or "" if it is not a plain file inside the package (a symbolic link is
    not followed) or cannot be read; bounded, and bytes that are not UTF-8 replaced."""
    file, why = safe_path(root, "CHANGELOG.md")
    if why:
        return ""
    try:
        with open(file, "rb") as f:
            return f.read(CHANGELOG_BYTES).decode("utf-8", "replace")
    except OSError:
        return ""


def _version_bumped(package: Package, ref: str) -> list[Problem]:
    now = package.descriptor.get("version")
    before_text = file_at(package.root, ref, package.descriptor_name)
    if before_text is None or version_format(package):
        return []
    try:
        before = json.loads(before_text)
    except (ValueError, RecursionError):  # the base's descriptor may be anything
        return []
    before = before.get("version") if isinstance(before, dict) else None
    if not isinstance(before, str) or not SEMVER.match(before):
        return []
    changed = _changed_files(package, ref)
    if _version_key(now) > _version_key(before):
        headings = _changelog(package.root).splitlines()
        if not any(re.match(rf"^##\s+v?{re.escape(now)}\b", line) for line in headings):
            return [
                Problem(
                    "CHANGELOG.md",
                    None,
                    None,
                    f"has no entry for version {now}: add a heading '## {now} (YYYY-MM-DD)' and what changed",
                    code="version-changelog",
                )
            ]
        return []
    if changed:
        more = f" and {len(changed) - 3} more" if len(changed) > 3 else ""
        return [
            Problem(
                package.descriptor_name,
                None,
                "version",
                f"is {now}, not higher than {before} at {ref}, but {', '.join(changed[:3])}{more} changed: "
                "raise it (PATCH for corrections, MINOR for additions, MAJOR for removed or renamed "
                "tables and columns) and add a CHANGELOG.md entry",
                code="version-not-raised",
            )
        ]
    return []
