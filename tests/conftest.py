"""Fixtures: a fresh copy of the real package per test, and small helpers to break it on purpose."""
from __future__ import annotations

import csv
import io
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))

import validate  # noqa: E402
from dpcheck import csvfile  # noqa: E402


class PackageCopy:
    """A writable copy of the package in a temporary folder."""

    def __init__(self, root: Path):
        self.root = root
        root.mkdir(parents=True)
        for name in ("datapackage.json", "data", "schemas", "articles", "CHANGELOG.md"):
            source = ROOT / name
            if source.is_dir():
                shutil.copytree(source, root / name)
            else:
                shutil.copy(source, root / name)

    @property
    def descriptor(self) -> Path:
        return self.root / "datapackage.json"

    def path(self, table: str) -> Path:
        return self.root / "data" / f"{table}.csv"

    def read(self, table: str) -> tuple[list[str], list[dict]]:
        with open(self.path(table), encoding="utf-8", newline="") as f:
            reader = csv.DictReader(f)
            return reader.fieldnames, list(reader)

    def write(self, table: str, fields: list[str], rows: list[dict]) -> None:
        """Write rows exactly as given: minimal quoting and LF, but in this order and not normalised."""
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(fields)
        writer.writerows([[row.get(f, "") for f in fields] for row in rows])
        self.path(table).write_text(out.getvalue(), encoding="utf-8")

    def primary_key(self, table: str) -> list[str]:
        return json.loads((self.root / "schemas" / f"{table}.json").read_text())["primaryKey"]

    def _write_sorted(self, table: str, fields: list[str], rows: list[dict], changed: dict) -> int:
        pk = self.primary_key(table)
        rows.sort(key=lambda r: tuple(r[k] for k in pk))
        self.write(table, fields, rows)
        return next(i for i, r in enumerate(rows, start=2) if r is changed)

    def row_number(self, table: str, **key) -> int:
        """The file row (header = 1) of the row matching key."""
        _, rows = self.read(table)
        for i, row in enumerate(rows, start=2):
            if all(row[k] == v for k, v in key.items()):
                return i
        raise KeyError(f"no row {key} in {table}")

    def set(self, table: str, key: dict, field: str, value: str) -> int:
        """Change one cell of the row matching key, keeping the file sorted; returns its file row."""
        fields, rows = self.read(table)
        changed = rows[self.row_number(table, **key) - 2]
        changed[field] = value
        return self._write_sorted(table, fields, rows, changed)

    def add(self, table: str, row: dict) -> int:
        """Add a row (missing fields empty), keeping the file sorted; returns its file row."""
        fields, rows = self.read(table)
        added = {f: row.get(f, "") for f in fields}
        rows.append(added)
        return self._write_sorted(table, fields, rows, added)

    def remove(self, table: str, **key) -> None:
        fields, rows = self.read(table)
        self.write(table, fields, [r for r in rows if not all(r[k] == v for k, v in key.items())])

    @property
    def version(self) -> str:
        return json.loads(self.descriptor.read_text())["version"]

    def raise_version(self) -> str:
        """Raise the PATCH part of the version, as a correction would; returns the new version."""
        major, minor, patch = (int(n) for n in self.version.split("-")[0].split("+")[0].split("."))
        descriptor = json.loads(self.descriptor.read_text())
        descriptor["version"] = f"{major}.{minor}.{patch + 1}"
        self.descriptor.write_text(json.dumps(descriptor, indent=2, ensure_ascii=False) + "\n")
        changelog = self.root / "CHANGELOG.md"
        changelog.write_text(changelog.read_text() + f"\n## {descriptor['version']}\n\n- A test change.\n")
        return descriptor["version"]

    def validate(self, *options: str) -> tuple[int, list[str]]:
        """Exit code and printed lines of scripts/validate.py on this copy (options such as --base REF)."""
        out = io.StringIO()
        old = sys.stdout
        sys.stdout = out
        try:
            code = validate.main([str(self.descriptor), *options])
        finally:
            sys.stdout = old
        return code, out.getvalue().splitlines()


@pytest.fixture
def pkg(tmp_path) -> PackageCopy:
    return PackageCopy(tmp_path / "package")


def problems(lines: list[str]) -> list[str]:
    """The problem lines of a report, without blank lines and the summary."""
    return [line for line in lines if line and not line.startswith(("FAILED:", "OK:"))]


def git(pkg, *args):
    """Run git in the package copy."""
    subprocess.run(["git", *args], cwd=pkg.root, check=True, capture_output=True)


@pytest.fixture
def repo(pkg):
    """The package copy as a git repository whose first commit is the base."""
    git(pkg, "init", "-q")
    git(pkg, "add", "-A")
    git(pkg, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "base")
    return pkg
