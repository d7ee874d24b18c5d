"""Stable IDs and versions, checked against a git base ref (as CI does for a pull request)."""
from __future__ import annotations

import json

from conftest import problems

EVENT = "putin-li-shangfu-meeting-2023-04-16"


def validate_against_base(pkg):
    return pkg.validate("--base", "HEAD")


def _rename_place(pkg, old="minsk", new="minsk-city"):
    pkg.set("places", {"place_id": old}, "place_id", new)
    for table in ("events",):
        fields, rows = pkg.read(table)
        for row in rows:
            if row["place_id"] == old:
                row["place_id"] = new
        pkg.write(table, fields, rows)


def test_an_unchanged_package_passes_against_its_base(repo):
    assert validate_against_base(repo)[0] == 0


def test_changed_data_needs_a_higher_version(repo):
    repo.set("actors", {"actor_id": "tan-kefei"}, "description", "Spokesperson of China's defence ministry.")
    code, lines = validate_against_base(repo)
    assert code == 1
    v = repo.version
    assert problems(lines) == [f"datapackage.json version: is {v}, not higher than {v} at HEAD, but data/actors.csv "
                               "changed: raise it (PATCH for corrections, MINOR for additions, MAJOR for removed or "
                               "renamed tables and columns) and add a CHANGELOG.md entry"]
    repo.raise_version()
    assert validate_against_base(repo)[0] == 0


def test_a_removed_id_needs_a_redirect(repo):
    number = repo.row_number("places", place_id="minsk")
    _rename_place(repo)
    repo.raise_version()
    code, lines = validate_against_base(repo)
    assert code == 1
    assert problems(lines) == [f"data/places.csv place_id: 'minsk' (row {number} at HEAD) was removed without a redirect: "
                               "add record_table=places, old_id=minsk, new_id=<its replacement> to data/redirects.csv"]
    repo.add("redirects", {"record_table": "places", "old_id": "minsk", "new_id": "minsk-city", "reason": "renamed"})
    assert validate_against_base(repo)[0] == 0


def test_a_redirect_must_point_to_an_existing_id(pkg):
    number = pkg.add("redirects", {"record_table": "places", "old_id": "minsk-old", "new_id": "minsk-new", "reason": "typo"})
    code, lines = pkg.validate()
    assert problems(lines) == [f"data/redirects.csv:{number} new_id: 'minsk-new' not found in places.place_id"]


def test_a_redirect_is_only_for_an_id_that_is_gone(pkg):
    number = pkg.add("redirects", {"record_table": "places", "old_id": "minsk", "new_id": "moscow", "reason": "wrong"})
    code, lines = pkg.validate()
    assert problems(lines) == [f"data/redirects.csv:{number} old_id: 'minsk' still exists in places; only a removed ID needs a redirect"]


def test_the_version_must_be_semver(pkg):
    descriptor = json.loads(pkg.descriptor.read_text())
    descriptor["version"] = "1.0"
    pkg.descriptor.write_text(json.dumps(descriptor))
    code, lines = pkg.validate()
    assert problems(lines) == ["datapackage.json version: '1.0' is not a SemVer version (MAJOR.MINOR.PATCH, e.g. 1.2.0)"]


def test_an_unknown_base_ref_is_a_line_not_a_traceback(repo):
    code, lines = repo.validate("--base", "no-such-branch")
    assert code == 1
    assert lines[0].startswith("datapackage.json: cannot compare with base ref 'no-such-branch': ")


def test_a_raised_version_needs_a_changelog_entry(repo):
    repo.set("places", {"place_id": "minsk"}, "name_it", "Minsk (capitale)")
    descriptor = json.loads(repo.descriptor.read_text())
    descriptor["version"] = "9.9.9"
    repo.descriptor.write_text(json.dumps(descriptor))
    code, lines = validate_against_base(repo)
    assert problems(lines) == ["CHANGELOG.md: has no entry for version 9.9.9: add a heading '## 9.9.9 (YYYY-MM-DD)' and what changed"]
