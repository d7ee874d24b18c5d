"""scripts/diff.py: what a change does to the data, row by row, keyed by primary key."""
from __future__ import annotations

import io
import sys

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
    repo.add("places", {"place_id": "gomel", "name": "Gomel", "country": "BLR", "latitude": "52.43",
                        "longitude": "30.98", "coordinates_basis": "inferred"})
    repo.remove("statement_subjects", statement_id="tan-kefei-joint-patrols-2023-03-30", actor_id="china")
    code, lines = run_diff(repo)
    assert code == 0
    assert "places: 1 added, 0 removed, 1 changed" in lines
    assert "  + gomel: name='Gomel', country='BLR', latitude='52.43', longitude='30.98', coordinates_basis='inferred'" in lines
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
    assert "<img" not in changed and "](" not in changed and "@octocat" not in changed and "`" not in changed.replace("\\`", "")
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
