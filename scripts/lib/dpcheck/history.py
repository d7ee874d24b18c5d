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

from dpmodel.csvfile import Table
from dpmodel.descriptor import Package
from dpmodel.problems import Problem, shown

SEMVER = re.compile(r"^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?$")


class GitError(Exception):
    pass


def _git(root: Path, *args: str) -> str:
    try:
        result = subprocess.run(["git", *args], cwd=root, capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise GitError(str(exc)) from None
    if result.returncode != 0:
        raise GitError(result.stderr.strip() or f"git {' '.join(args)} failed")
    return result.stdout


@lru_cache(maxsize=None)
def _prefix(root: Path) -> str:
    """Where the package sits inside its git repository (asked once, not once per file)."""
    return _git(root, "rev-parse", "--show-prefix").strip()


def file_at(root: Path, ref: str, path: str) -> str | None:
    """A file's text at ref, or None if it did not exist there."""
    try:
        return _git(root, "show", f"{ref}:{_prefix(root)}{path}")
    except GitError:
        return None


def _version_key(version: str) -> tuple[int, int, int]:
    return tuple(int(n) for n in SEMVER.match(version).groups()[:3])


def version_format(package: Package) -> list[Problem]:
    version = package.descriptor.get("version")
    if not isinstance(version, str) or not SEMVER.match(version):
        return [Problem(package.descriptor_name, None, "version",
                        f"{shown(version)} is not a SemVer version (MAJOR.MINOR.PATCH, e.g. 1.2.0)")]
    return []


def verify_ref(root: Path, ref: str) -> None:
    """GitError unless ref names a commit of the repository holding root."""
    _git(root, "rev-parse", "--verify", f"{ref}^{{commit}}")


def check(package: Package, tables: dict[str, Table], ref: str) -> list[Problem]:
    try:
        verify_ref(package.root, ref)
    except GitError as exc:
        return [Problem(package.descriptor_name, None, None, f"cannot compare with base ref {ref!r}: {exc}")]
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
        before = file_at(package.root, ref, table.path)
        if before is None:
            continue
        now = {row[pk[0]] for row in table.rows}
        for number, row in enumerate(csv.DictReader(io.StringIO(before)), start=2):
            old = row.get(pk[0])
            if old and old not in now and (table.name, old) not in redirected:
                problems.append(Problem(table.path, None, pk[0],
                                        f"{shown(old)} (row {number} at {ref}) was removed without a redirect: add "
                                        f"record_table={table.name}, old_id={old}, new_id=<its replacement> to data/redirects.csv"))
    return problems


def _changed_files(package: Package, ref: str) -> list[str]:
    paths = [package.descriptor_name] + [r.path for r in package.resources.values()] + \
            [r.schema_path for r in package.tables() if r.schema_path]
    changed = []
    for path in paths:
        before = file_at(package.root, ref, path)
        now = (package.root / path).read_text(encoding="utf-8", errors="replace")
        if path == package.descriptor_name and before is not None:
            try:  # the version itself is not a change of the data
                strip = lambda text: {k: v for k, v in json.loads(text).items() if k != "version"}  # noqa: E731
                if strip(before) == strip(now):
                    continue
            except (ValueError, AttributeError):
                pass
        if before != now:
            changed.append(path)
    return changed


def _version_bumped(package: Package, ref: str) -> list[Problem]:
    now = package.descriptor.get("version")
    before_text = file_at(package.root, ref, package.descriptor_name)
    if before_text is None or version_format(package):
        return []
    try:
        before = json.loads(before_text).get("version")
    except ValueError:
        return []
    if not isinstance(before, str) or not SEMVER.match(before):
        return []
    changed = _changed_files(package, ref)
    if _version_key(now) > _version_key(before):
        changelog = package.root / "CHANGELOG.md"
        headings = changelog.read_text(encoding="utf-8").splitlines() if changelog.exists() else []
        if not any(re.match(rf"^##\s+v?{re.escape(now)}\b", line) for line in headings):
            return [Problem("CHANGELOG.md", None, None,
                            f"has no entry for version {now}: add a heading '## {now} (YYYY-MM-DD)' and what changed")]
        return []
    if changed:
        more = f" and {len(changed) - 3} more" if len(changed) > 3 else ""
        return [Problem(package.descriptor_name, None, "version",
                        f"is {now}, not higher than {before} at {ref}, but {', '.join(changed[:3])}{more} changed: "
                        "raise it (PATCH for corrections, MINOR for additions, MAJOR for removed or renamed "
                        "tables and columns) and add a CHANGELOG.md entry")]
    return []
