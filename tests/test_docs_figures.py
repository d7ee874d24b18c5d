"""Figures the prose quotes from a benchmark are the benchmark's: README.md and the CHANGELOG's
unreleased entry say how much faster the validator is than `frictionless validate` at a million
rows, and that ratio is read here from BENCHMARKS.md's table (the file `make bench` writes), so a
new run that changes it fails this test until the prose follows. SECURITY.md quotes no current
figure: it points at BENCHMARKS-hostile.md."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _million_row_ratio() -> float:
    """frictionless's time over ours at 1,000,000 rows, from BENCHMARKS.md's first table."""
    text = (ROOT / "BENCHMARKS.md").read_text(encoding="utf-8")
    row = re.search(r"^\| 1,000,000 \| ([\d.]+) s, [^|]*\| ([\d.]+) s,", text, re.M)
    assert row, "BENCHMARKS.md has no 1,000,000-row line with both times"
    return float(row[2]) / float(row[1])


def test_the_readme_quotes_the_benchmarks_ratio():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    quoted = re.findall(r"takes (\d+) times as long as the whole validator on a million rows", readme)
    assert quoted == [str(round(_million_row_ratio()))]


def test_the_unreleased_changelog_quotes_the_benchmarks_ratio():
    changelog = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    unreleased = changelog.split("\n## ")[1]
    assert unreleased.startswith("Unreleased")
    quoted = re.findall(r"a million rows ([\d.]+) times faster than `frictionless validate`", unreleased)
    assert quoted == [f"{_million_row_ratio():.1f}"]


def test_security_quotes_no_measurement_of_today():
    """Every figure of the current code in SECURITY.md is in BENCHMARKS-hostile.md, not copied:
    a sentence that says `now` or `after` with a time in seconds is a copy that would drift."""
    security = (ROOT / "SECURITY.md").read_text(encoding="utf-8")
    copies = re.findall(r"(?:now|after)[^.;]*?\b\d+(?:\.\d+)? (?:s|ms|MB|GB)\b", security)
    assert copies == []
