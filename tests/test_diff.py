"""scripts/diff.py: what a change does to the data, row by row, keyed by primary key."""

from __future__ import annotations

import io
import json
import subprocess
import sys

import pytest

from conftest import ROOT, git
from dpcheck import diff


def run_diff(pkg, *args) -> tuple[int, list[str]]:
    out, old = io.StringIO(), sys.stdout
    sys.stdout = out
    try:
        code = diff.main(["HEAD", "--descriptor", str(pkg.descriptor), *args])
    finally:
        sys.stdout = old
    return code, out.getvalue().splitlines()


def test_no_change_says_so(repo):
    assert run_diff(repo) == (0, ["Data changes against HEAD", "", "No data changes."])


def test_added_removed_and_changed_rows_are_listed_by_key(repo):
    repo.set("places", {"place_id": "minsk"}, "name_it", "Minsk (capitale)")
    repo.add(
        "places",
        {
            "place_id": "gomel",
            "name": "Gomel",
            "country": "BLR",
            "latitude": "52.43",
            "longitude": "30.98",
            "coordinates_basis": "inferred",
        },
    )
    repo.remove("statement_subjects", statement_id="tan-kefei-joint-patrols-2023-03-30", actor_id="china")
    code, lines = run_diff(repo)
    assert code == 0
    assert "places: 1 added, 0 removed, 1 changed" in lines
    assert (
        "  + gomel: name='Gomel', country='BLR', latitude='52.43', longitude='30.98', coordinates_basis='inferred'"
        in lines
    )
    assert "  ~ minsk: name_it: '' → 'Minsk (capitale)'" in lines
    assert "statement_subjects: 0 added, 1 removed, 0 changed" in lines
    assert "  - tan-kefei-joint-patrols-2023-03-30/china" in lines


def test_markdown_for_a_job_summary(repo):
    repo.set("places", {"place_id": "minsk"}, "name_it", "Minsk (capitale)")
    code, lines = run_diff(repo, "--markdown")
    assert lines[0] == "## Data changes against HEAD"
    assert "### places: 0 added, 0 removed, 1 changed" in lines
    assert "- \\~ minsk: name\\_it: '' → 'Minsk \\(capitale\\)'" in lines


def test_the_job_summary_quotes_hostile_cells_inertly(repo):
    hostile = "<img src=x onerror=alert(1)> [click](javascript:alert(1)) @octocat ![i](http://x/y.png) `code` **b**"
    repo.set("places", {"place_id": "minsk"}, "name_it", hostile)
    code, lines = run_diff(repo, "--markdown")
    changed = next(line for line in lines if "minsk" in line)
    assert (
        "<img" not in changed
        and "](" not in changed
        and "@octocat" not in changed
        and "`" not in changed.replace("\\`", "")
    )
    assert "&lt;img src=x onerror=alert\\(1\\)&gt;" in changed and "&#64;octocat" in changed


def test_a_changed_article_text_is_listed(repo):
    article = repo.root / "articles" / "2023-04-putin-meets-li-shangfu.txt"
    article.write_text(article.read_text() + "\n")
    assert "articles/2023-04-putin-meets-li-shangfu.txt: text changed" in run_diff(repo)[1]


def test_an_unknown_ref_is_a_line_not_a_traceback(repo):
    out, old = io.StringIO(), sys.stdout
    sys.stdout = out
    try:
        code = diff.main(["no-such-ref", "--descriptor", str(repo.descriptor)])
    finally:
        sys.stdout = old
    assert code == 1
    assert out.getvalue().startswith("cannot compare with base ref 'no-such-ref'")


# Malformed input: whatever the pull request holds, the summary (which runs even when the checks
# fail) says which file cannot be compared and why, in one line, and never prints a traceback.

SCRIPT = ROOT / "scripts" / "diff.py"


def run_cli(pkg, *args) -> tuple[int, list[str]]:
    """scripts/diff.py as CI runs it, in its own process; a traceback anywhere fails the test."""
    result = subprocess.run(
        [sys.executable, str(SCRIPT), *args, "--descriptor", str(pkg.descriptor)],
        cwd=pkg.root,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert "Traceback" not in result.stdout + result.stderr, result.stderr[-2000:]
    assert result.stderr == ""
    return result.returncode, result.stdout.splitlines()


def _break_tables(pkg) -> None:
    """Several classes of malformed table at once (one process checks them all)."""
    places = pkg.path("places").read_bytes()
    pkg.path("places").write_bytes(places.replace(b"Pechino", b"Pech\xffino"))  # line 3: not UTF-8
    actors = pkg.path("actors").read_text().split("\n")
    actors[2] += ",one cell too many"  # line 3: ragged
    pkg.path("actors").write_text("\n".join(actors))
    pkg.path("sources").write_text(pkg.path("sources").read_text() + '"an unclosed quote,\n')
    pkg.path("vocab_bases").write_text(
        pkg.path("vocab_bases").read_text() + "<img src=x onerror=alert(1)>,a,b\n<img src=x onerror=alert(1)>,c,d\n"
    )  # a key twice
    pkg.path("statement_subjects").write_bytes(b"")  # no header at all
    schema_file = pkg.root / "schemas" / "caveats.json"  # the key column renamed in schema and data
    schema_file.write_text(schema_file.read_text().replace('"caveat_id"', '"note_id"'))
    pkg.path("caveats").write_text(pkg.path("caveats").read_text().replace("caveat_id,", "note_id,", 1))
    article = pkg.root / "articles" / "2023-04-putin-meets-li-shangfu.txt"
    article.write_bytes(article.read_bytes() + b"\xff\xfe")  # a text that is not UTF-8 is still compared
    descriptor = json.loads(pkg.descriptor.read_text())  # a resource removed
    descriptor["resources"] = [r for r in descriptor["resources"] if r["name"] != "article-2022-12-putin-xi-video-call"]
    pkg.descriptor.write_text(json.dumps(descriptor, indent=2))


TABLES_BROKEN = [
    "data/places.csv: cannot be compared: in the working tree, line 3 is not valid UTF-8 (byte 0xff)",
    "data/actors.csv: cannot be compared: in the working tree, line 3 has 8 cells but the header has 7",
    "data/sources.csv: cannot be compared: in the working tree, line 7 is not well-formed CSV: unexpected end of data",
    "data/vocab_bases.csv: cannot be compared: in the working tree, line 5: the key '<img src=x onerror=alert(1)>' is there twice",
    "data/statement_subjects.csv: cannot be compared: in the working tree, is empty (no header)",
    "data/caveats.csv: cannot be compared: at HEAD: no column note_id of the primary key (note_id)",
    "articles/2023-04-putin-meets-li-shangfu.txt: text changed",
    "schemas/caveats.json: text changed",
    "articles/2022-12-putin-xi-video-call.txt: removed (resource article-2022-12-putin-xi-video-call)",
]


def test_malformed_tables_are_one_line_each_in_the_job_summary(repo):
    _break_tables(repo)
    code, lines = run_cli(repo, "HEAD", "--markdown")
    assert code == 0
    for line in TABLES_BROKEN:
        assert f"- {diff.markdown_text(line)}" in lines
    assert not [line for line in lines if "<img" in line]
    # The plain form, for a terminal, says the same unescaped.
    code, plain = run_diff(repo)
    assert code == 0 and set(TABLES_BROKEN) <= set(plain)


def test_malformed_tables_at_the_base_are_one_line_each(repo):
    _break_tables(repo)
    (repo.root / "datapackage.json").write_text("[not json")
    git(repo, "add", "-A")
    git(repo, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "broken base")
    git(repo, "checkout", "-q", "HEAD~1", "--", ".")  # the working tree as it was: readable
    code, lines = run_cli(repo, "HEAD")
    assert code == 0
    for line in [
        "data/places.csv: cannot be compared: at HEAD, line 3 is not valid UTF-8 (byte 0xff)",
        "data/actors.csv: cannot be compared: at HEAD, line 3 has 8 cells but the header has 7",
        "data/statement_subjects.csv: cannot be compared: at HEAD, is empty (no header)",
        "datapackage.json: cannot be compared: at HEAD, it is not JSON",
    ]:
        assert line in lines


def _not_json(pkg):
    pkg.descriptor.write_text('{"name": "x", "resources": [')


def _file_missing(pkg):
    pkg.path("places").unlink()


def _no_primary_key(pkg):
    schema_file = pkg.root / "schemas" / "redirects.json"
    schema = json.loads(schema_file.read_text())
    del schema["primaryKey"]
    schema_file.write_text(json.dumps(schema))


@pytest.mark.parametrize("breaks", [_not_json, _file_missing, _no_primary_key])
def test_a_package_that_does_not_load_is_a_summary_not_a_traceback(repo, breaks):
    breaks(repo)
    code, lines = run_cli(repo, "HEAD", "--markdown")
    assert code == 1
    assert lines[0] == "## Data changes against HEAD"
    assert lines[2].startswith("- cannot be compared: ") and len(lines) > 2


@pytest.mark.parametrize("ref", ["no-such-ref", "<img src=x onerror=alert(1)>", "HEAD~5"])
def test_a_base_that_does_not_exist_is_an_inert_line(repo, ref):
    code, lines = run_cli(repo, ref, "--markdown")
    assert code == 1
    assert len(lines) == 1 and lines[0].startswith(f"- cannot compare with base ref {diff.markdown_text(repr(ref))}: ")
    assert "<img" not in lines[0]


def test_a_long_change_list_is_cut_in_the_job_summary(repo):
    fields, rows = repo.read("vocab_bases")
    rows += [{"code": f"code{i:04}", "label": "L", "definition": "D"} for i in range(300)]
    repo.write("vocab_bases", fields, sorted(rows, key=lambda r: r["code"]))
    code, lines = run_diff(repo, "--markdown")
    block = [line for line in lines if "code0" in line]
    assert len(block) == diff.MARKDOWN_LINES
    assert "- … and 200 more changes to vocab\\_bases" in lines
    assert len(run_diff(repo)[1]) > 300  # a terminal gets every line


def test_a_column_added_and_a_cell_changed_are_both_listed(repo):
    fields, rows = repo.read("vocab_bases")
    rows[0]["label"] = "Inferred (changed)"
    repo.write("vocab_bases", fields + ["note"], [dict(row, note="") for row in rows])
    code, lines = run_diff(repo)
    assert lines[2:5] == [
        "vocab_bases: 0 added, 0 removed, 1 changed",
        "  column added: note",
        "  ~ inferred: label: 'Inferred' → 'Inferred (changed)'",
    ]


def test_a_renamed_column_is_listed_even_when_no_cell_changed(repo):
    text = repo.path("vocab_bases").read_text()
    repo.path("vocab_bases").write_text(text.replace("code,label,definition", "code,label,meaning", 1))
    code, lines = run_diff(repo)
    assert lines[2:5] == [
        "vocab_bases: 0 added, 0 removed, 0 changed",
        "  column added: meaning",
        "  column removed: definition",
    ]


def test_blank_lines_are_no_change(repo):
    repo.path("vocab_bases").write_text(repo.path("vocab_bases").read_text() + "\n\n")
    assert run_diff(repo) == (0, ["Data changes against HEAD", "", "No data changes."])


def test_the_job_summary_stays_within_its_budget(repo, monkeypatch):
    monkeypatch.setattr(diff, "SUMMARY_BYTES", 300)
    repo.set("places", {"place_id": "minsk"}, "name_it", "Minsk (capitale)")
    for table in ("actors", "sources", "events"):
        fields, rows = repo.read(table)
        repo.write(table, fields, rows[1:])
    code, lines = run_diff(repo, "--markdown")
    assert code == 0 and len("\n".join(lines[:-1]).encode()) <= 300
    assert lines[-1].startswith("- … and ") and lines[-1].endswith(" more lines: `make diff` lists every change")
