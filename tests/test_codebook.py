"""scripts/codebook.py writes a codebook for every package the loader accepts: whatever the profile
leaves optional may be missing (it is then written as "(no description)" or left out), and the
files it writes are never reached through a symbolic link."""

from __future__ import annotations

import io
import json
import re
import shutil
import subprocess
import sys

import pytest

from conftest import ROOT
from dpbuild import codebook


def run(pkg, *args) -> tuple[int, list[str]]:
    out, old = io.StringIO(), sys.stdout
    sys.stdout = out
    try:
        code = codebook.main(["--descriptor", str(pkg.descriptor), *args])
    finally:
        sys.stdout = old
    return code, out.getvalue().splitlines()


def _edit(file, change) -> None:
    data = json.loads(file.read_text())
    change(data)
    file.write_text(json.dumps(data, indent=2))


@pytest.fixture
def readme_pkg(pkg):
    shutil.copy(ROOT / "README.md", pkg.root / "README.md")
    return pkg


def _no_table_description(pkg):
    _edit(pkg.root / "schemas" / "places.json", lambda schema: schema.pop("description"))


def _bare_fields(pkg):
    def strip(schema):
        for field in schema["fields"]:
            for key in ("title", "description", "type", "constraints", "format"):
                field.pop(key, None)

    _edit(pkg.root / "schemas" / "vocab_bases.json", strip)


def _bare_descriptor(pkg):
    def strip(descriptor):
        for key in ("title", "version", "licenses", "homepage", "keywords", "description", "created"):
            descriptor.pop(key, None)
        descriptor["contributors"] = [{"role": "author"}, {"email": "someone@example.org"}]

    _edit(pkg.descriptor, strip)


def _no_x_keywords(pkg):
    def strip(schema):
        for key in [k for k in schema if k.startswith("x-")]:
            del schema[key]
        for field in schema["fields"]:
            for key in [k for k in field if k.startswith("x-")]:
                del field[key]

    for name in ("sources", "events", "actors"):
        _edit(pkg.root / "schemas" / f"{name}.json", strip)


@pytest.mark.parametrize("strip", [_no_table_description, _bare_fields, _bare_descriptor, _no_x_keywords])
def test_a_missing_optional_property_is_written_as_missing(readme_pkg, strip):
    strip(readme_pkg)
    code, lines = run(readme_pkg)
    assert code == 0, lines
    assert lines and all(line.endswith(": rewritten") for line in lines)
    text = (readme_pkg.root / "CODEBOOK.md").read_text()
    readme = (readme_pkg.root / "README.md").read_text()
    if strip is _no_table_description:
        assert "## places\n\n(no description)\n" in text
        assert "| [`places`](CODEBOOK.md#places) | (no description) | place_id |" in readme
    if strip is _bare_fields:
        assert "| `code` | string |  |  |  |" in text
    if strip is _bare_descriptor:
        cff = (readme_pkg.root / "CITATION.cff").read_text()
        assert 'title: ""' in cff and '  - name: "Anonymous"' in cff
        assert (
            f"> Anonymous (n.d.). *{json.loads(readme_pkg.descriptor.read_text())['name']}*, version unstated [data set]."
            in readme
        )
    assert codebook.main(["--check", "--descriptor", str(readme_pkg.descriptor)]) == 0  # and now up to date


def test_a_package_with_nothing_optional_gets_a_codebook(tmp_path):
    """A one-table package: an inline schema, no descriptions, no table of sources."""
    (tmp_path / "t.csv").write_text("id\na\n")
    descriptor = tmp_path / "datapackage.json"
    descriptor.write_text(
        json.dumps(
            {
                "name": "tiny",
                "resources": [
                    {"name": "things", "path": "t.csv", "schema": {"fields": [{"name": "id"}], "primaryKey": "id"}}
                ],
            }
        )
    )
    command = [sys.executable, str(ROOT / "scripts" / "codebook.py"), "--descriptor", str(descriptor)]
    result = subprocess.run(command, capture_output=True, text=True, timeout=120)
    assert "Traceback" not in result.stdout + result.stderr and result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[0].startswith("README.md: not found")
    assert not (tmp_path / "README.md").exists()
    text = (tmp_path / "CODEBOOK.md").read_text()
    assert (
        "## things\n\n(no description)\n\nFile `t.csv`, schema inline in `datapackage.json`, primary key (id).\n"
        in text
    )
    assert "| `id` | string |  |  |  |" in text
    shutil.copy(ROOT / "README.md", tmp_path / "README.md")  # and with a README, whose sections it fills
    result = subprocess.run(command, capture_output=True, text=True, timeout=120)
    assert "Traceback" not in result.stdout + result.stderr and result.stdout == "README.md: rewritten\n", result.stderr
    readme = (tmp_path / "README.md").read_text()
    assert (
        "<!-- sources:start -->\n| source_id | title | outlet | published |\n|---|---|---|---|\n<!-- sources:end -->"
        in readme
    )
    assert "| `things` | 1 |" in readme and "| [`things`](CODEBOOK.md#things) | (no description) | id |" in readme


def test_a_description_cannot_break_the_table(readme_pkg):
    def hostile(schema):
        schema["fields"][0]["description"] = "one | two\nthree"

    _edit(readme_pkg.root / "schemas" / "vocab_bases.json", hostile)
    run(readme_pkg)
    section = (readme_pkg.root / "CODEBOOK.md").read_text().split("## vocab_bases\n")[1]
    row = next(line for line in section.splitlines() if line.startswith("| `code`"))
    assert row.endswith(" | one \\| two three |") and len(re.split(r"(?<!\\)\|", row)) == 7  # five cells


@pytest.mark.parametrize("name", ["CODEBOOK.md", "README.md", "CITATION.cff"])
def test_a_generated_file_that_is_a_link_is_not_written_through(readme_pkg, tmp_path, name):
    outside = tmp_path / "outside.txt"
    outside.write_text("not the package's\n")
    target = readme_pkg.root / name
    if target.exists():
        target.unlink()
    target.symlink_to(outside)
    code, lines = run(readme_pkg)
    assert outside.read_text() == "not the package's\n"
    if name == "README.md":  # read as missing: nothing to update
        assert code == 0 and lines[0].startswith("README.md: not found")
    else:
        assert (
            code == 1
            and lines[-1]
            == f"{name}: cannot be written: it passes through a symbolic link; "
            "files must be plain files inside the package"
        )
