"""Stable IDs and versions, checked against a git base ref (as CI does for a pull request)."""

from __future__ import annotations

import json
import os
import threading

import pytest

from conftest import git, problems

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
    assert problems(lines) == [
        f"datapackage.json version: is {v}, not higher than {v} at HEAD, but data/actors.csv "
        "changed: raise it (PATCH for corrections, MINOR for additions, MAJOR for removed or "
        "renamed tables and columns) and add a CHANGELOG.md entry"
    ]
    repo.raise_version()
    assert validate_against_base(repo)[0] == 0


def test_a_removed_id_needs_a_redirect(repo):
    number = repo.row_number("places", place_id="minsk")
    _rename_place(repo)
    repo.raise_version()
    code, lines = validate_against_base(repo)
    assert code == 1
    assert problems(lines) == [
        f"data/places.csv place_id: 'minsk' (row {number} at HEAD) was removed without a redirect: "
        "add record_table=places, old_id=minsk, new_id=<its replacement> to data/redirects.csv"
    ]
    repo.add("redirects", {"record_table": "places", "old_id": "minsk", "new_id": "minsk-city", "reason": "renamed"})
    assert validate_against_base(repo)[0] == 0


def test_a_redirect_must_point_to_an_existing_id(pkg):
    number = pkg.add(
        "redirects", {"record_table": "places", "old_id": "minsk-old", "new_id": "minsk-new", "reason": "typo"}
    )
    code, lines = pkg.validate()
    assert problems(lines) == [f"data/redirects.csv:{number} new_id: 'minsk-new' not found in places.place_id"]


def test_a_redirect_is_only_for_an_id_that_is_gone(pkg):
    number = pkg.add("redirects", {"record_table": "places", "old_id": "minsk", "new_id": "moscow", "reason": "wrong"})
    code, lines = pkg.validate()
    assert problems(lines) == [
        f"data/redirects.csv:{number} old_id: 'minsk' still exists in places; only a removed ID needs a redirect"
    ]


def test_the_version_must_be_semver(pkg):
    descriptor = json.loads(pkg.descriptor.read_text())
    descriptor["version"] = "1.0"
    pkg.descriptor.write_text(json.dumps(descriptor))
    code, lines = pkg.validate()
    assert problems(lines) == [
        "datapackage.json version: '1.0' is not a SemVer version (MAJOR.MINOR.PATCH, e.g. 1.2.0)"
    ]


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
    assert problems(lines) == [
        "CHANGELOG.md: has no entry for version 9.9.9: add a heading '## 9.9.9 (YYYY-MM-DD)' and what changed"
    ]


# Whatever the base holds, the comparison with it ends in a verdict, never in "could not run":
# a base is not the contribution's to fix, and its own CI judged it.


def _commit(pkg, message="base"):
    git(pkg, "add", "-A")
    git(pkg, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", message)


def _base_table_not_utf8(pkg):
    pkg.path("places").write_bytes(pkg.path("places").read_bytes().replace(b"Pechino", b"Pech\xffino"))


def _base_table_ragged(pkg):
    pkg.path("places").write_text(pkg.path("places").read_text() + "one,cell,short\n")


def _base_descriptor_a_list(pkg):
    pkg.descriptor.write_text("[1, 2]")


def _base_descriptor_deep(pkg):
    pkg.descriptor.write_text("[" * 100_000)


@pytest.mark.parametrize(
    "breaks", [_base_table_not_utf8, _base_table_ragged, _base_descriptor_a_list, _base_descriptor_deep]
)
def test_a_malformed_base_is_compared_without_failing(repo, breaks):
    good = {path: path.read_bytes() for path in (repo.descriptor, repo.path("places"))}
    breaks(repo)
    _commit(repo, "a broken base")
    for path, data in good.items():
        path.write_bytes(data)
    repo.set("places", {"place_id": "minsk"}, "name_it", "Minsk (capitale)")
    repo.raise_version()
    code, lines = validate_against_base(repo)
    assert code == 0, lines


def test_a_changelog_that_is_not_utf8_is_still_read(repo):
    repo.set("places", {"place_id": "minsk"}, "name_it", "Minsk (capitale)")
    repo.raise_version()
    changelog = repo.root / "CHANGELOG.md"
    changelog.write_bytes(b"\xff\xfe" + changelog.read_bytes())
    code, lines = validate_against_base(repo)
    assert code == 0, lines


def _write_quietly(fifo, text):
    try:
        fifo.write_text(text)
    except OSError:  # a reader that opened the FIFO only to refuse it has gone
        pass


@pytest.mark.parametrize("kind", ["symlink", "fifo", "folder"])
def test_a_changelog_that_is_not_a_plain_file_is_not_followed(repo, tmp_path, kind):
    repo.set("places", {"place_id": "minsk"}, "name_it", "Minsk (capitale)")
    version = repo.raise_version()
    changelog = repo.root / "CHANGELOG.md"
    outside = tmp_path / "elsewhere.md"
    outside.write_text(changelog.read_text())  # the entry exists, but outside the package
    changelog.unlink()
    if kind == "symlink":
        changelog.symlink_to(outside)
    elif kind == "fifo":
        # Reading a FIFO waits for a writer forever. This writer answers a reader that should not
        # be there with the entry (so a check that reads it fails here instead of hanging), and
        # is released afterwards by a reader of our own.
        os.mkfifo(changelog)
        writer = threading.Thread(target=_write_quietly, args=(changelog, f"## {version}\n"), daemon=True)
        writer.start()
    else:
        changelog.mkdir()
    code, lines = validate_against_base(repo)
    if kind == "fifo":
        released = os.open(changelog, os.O_RDONLY | os.O_NONBLOCK)
        writer.join(10)
        os.close(released)
    assert problems(lines) == [
        f"CHANGELOG.md: has no entry for version {version}: add a heading '## {version} (YYYY-MM-DD)' and what changed"
    ]
