"""The workflows that run contributors' code hold least privilege (SECURITY.md)."""

from __future__ import annotations

import importlib
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from conftest import ROOT, git

sys.path.insert(0, str(ROOT / "scripts" / "ci"))  # changed_code.py, a script rather than a module of the package

WORKFLOWS = sorted((Path(__file__).resolve().parent.parent / ".github" / "workflows").glob("*.yml"))


@pytest.mark.parametrize("path", WORKFLOWS, ids=[p.name for p in WORKFLOWS])
def test_a_workflow_reads_only_and_never_runs_fork_code_with_a_token(path):
    text = path.read_text()
    workflow = yaml.safe_load(text)
    events = workflow.get(True) or workflow.get("on")  # YAML 1.1 reads the key `on` as True
    assert "pull_request_target" not in (events if isinstance(events, (dict, list)) else [events])
    code = "\n".join(line.split("#")[0] for line in text.splitlines())  # comments may name what is avoided
    assert "pull_request_target" not in code
    assert workflow["permissions"] == {"contents": "read"}
    for job in workflow["jobs"].values():
        assert job.get("permissions", {"contents": "read"}) == {"contents": "read"}
        assert job.get("timeout-minutes", 0) > 0
        assert "${{ github.head_ref" not in code and "${{ github.event.pull_request" not in code
        for step in job["steps"]:
            if step.get("uses", "").startswith("actions/checkout"):
                assert step.get("with", {}).get("persist-credentials") is False


def test_each_event_runs_one_workflow():
    events = [yaml.safe_load(p.read_text())[True] for p in WORKFLOWS]
    names = [name for e in events for name in (e if isinstance(e, dict) else [e])]
    assert len(names) == len(set(names)), names


# Trusted tooling validates contributions: on a pull request, the base branch's code (checked out
# apart, its environment from its own requirements) validates the pull request's files, and a
# pull request that changes code is flagged for a maintainer's review.

PR = yaml.safe_load((ROOT / ".github" / "workflows" / "pr.yml").read_text())
TRUSTED = PR["jobs"]["trusted"]


def _runs(job) -> list[str]:
    return [step["run"] for step in job["steps"] if "run" in step]


def _step(job, *words) -> dict:
    found = [step for step in job["steps"] if all(word in step.get("run", "") for word in words)]
    assert len(found) == 1, (words, found)
    return found[0]


def test_the_trusted_job_checks_out_the_base_apart_from_the_pull_request():
    checkouts = [step for step in TRUSTED["steps"] if step.get("uses", "").startswith("actions/checkout")]
    assert [step["with"].get("path") for step in checkouts] == ["trusted", "pr"]
    assert checkouts[0]["with"]["ref"] == "${{ github.base_ref }}"
    assert "ref" not in checkouts[1]["with"]  # the pull request's merge commit, with history for the base
    assert checkouts[1]["with"]["fetch-depth"] == 0
    assert TRUSTED["env"]["BASE_REF"] == "${{ github.base_ref }}"


def test_the_trusted_job_validates_the_pull_requests_files_with_the_bases_code():
    assert _step(TRUSTED, "make -C trusted venv")  # the environment from the base's requirements
    validate = _step(TRUSTED, "trusted/scripts/validate.py")["run"]
    assert (
        'trusted/.venv/bin/python trusted/scripts/validate.py pr/datapackage.json --base "origin/$BASE_REF"' in validate
    )
    assert (
        "trusted/.venv/bin/python trusted/scripts/text_coverage.py pr/datapackage.json"
        in _step(TRUSTED, "text_coverage")["run"]
    )
    summary = _step(TRUSTED, "trusted/scripts/diff.py")
    assert "--descriptor pr/datapackage.json --markdown" in summary["run"] and summary["if"] == "always()"
    # The output quoting the pull request's data is not read as workflow commands.
    for run in (validate, _step(TRUSTED, "text_coverage")["run"]):
        assert 'echo "::stop-commands::$token"' in run and run.index("stop-commands") < run.index(
            "trusted/scripts/"
        ) < run.index('echo "::$token::"')
    # The validator's annotations (each value escaped by the base's code) are printed once commands
    # are read again, so the pull request shows each problem on its file and line.
    assert '--annotations "$RUNNER_TEMP/annotations.txt"' in validate
    assert validate.index('echo "::$token::"') < validate.index('cat "$RUNNER_TEMP/annotations.txt"')


def test_the_trusted_job_never_runs_the_pull_requests_code():
    for run in _runs(TRUSTED):
        for word in run.split():
            # Every program is the base's (trusted/...), git, make -C trusted or the shell's own;
            # pr/ appears only as data: a descriptor, or the repository git lists.
            assert not word.startswith(
                ("pr/scripts", "pr/.venv", "pr/.ci", "pr/tests", "./", "scripts/", ".venv/", ".ci/")
            ), run
        assert "cd pr" not in run and "-C pr" not in run and "bash " not in run, run
    assert all("working-directory" not in step for step in TRUSTED["steps"])


def test_a_pull_request_that_changes_code_is_flagged_in_the_job_summary():
    flag = _step(TRUSTED, "trusted/scripts/ci/changed_code.py")
    assert flag["run"] == (
        'trusted/.venv/bin/python trusted/scripts/ci/changed_code.py --repo pr --base "origin/$BASE_REF"'
        ' >> "$GITHUB_STEP_SUMMARY"'
    )
    assert flag["if"] == "always()"


def test_the_pull_requests_own_suite_still_runs_in_a_job_of_its_own():
    tests = PR["jobs"]["tests"]
    assert _runs(tests) == ["bash .ci/run"]
    assert set(PR["jobs"]) == {"trusted", "tests"} and "needs" not in tests


@pytest.mark.parametrize("path", WORKFLOWS, ids=[p.name for p in WORKFLOWS])
def test_no_expression_is_pasted_into_a_script(path):
    """A run: line gets values through the environment only: `${{ … }}` there is text the shell runs."""
    workflow = yaml.safe_load(path.read_text())
    for job in workflow["jobs"].values():
        assert all("${{" not in run for run in _runs(job))


# The classifier of changed paths, and the script around it.

changed_code = importlib.import_module("changed_code")


@pytest.mark.parametrize(
    "path",
    [
        "scripts/validate.py",
        "scripts/lib/dpcheck/rules/foreign_keys.py",
        "tests/conftest.py",
        ".ci/run",
        ".github/workflows/pr.yml",
        "Makefile",
        "requirements.txt",
        "requirements.in",
        "pyproject.toml",
        "schemas/profile/table-schema.json",
        "conftest.py",
        "pytest.ini",
        "sitecustomize.py",
        ".gitattributes",
        "data/x.py",
        "data/sub/x.csv",
        "articles/sub/x.txt",
        "schemas/x.py",
        "new-tool.sh",
        "docs/x.md",
    ],
)
def test_code_is_every_path_that_is_not_data_or_documentation(path):
    assert changed_code.kind(path) == "code"


@pytest.mark.parametrize(
    "path,kind",
    [
        ("datapackage.json", "data"),
        ("data/events.csv", "data"),
        ("schemas/events.json", "data"),
        ("articles/2023-04-putin-meets-li-shangfu.txt", "data"),
        ("articles/coverage_exclusions.csv", "data"),
        ("README.md", "documentation"),
        ("CHANGELOG.md", "documentation"),
        ("CITATION.cff", "documentation"),
    ],
)
def test_data_and_documentation_are_not_code(path, kind):
    assert changed_code.kind(path) == kind


def test_the_summary_flags_code_and_quotes_paths_inertly():
    lines, review = changed_code.summary(
        ["data/events.csv", "scripts/`x` <img src=x onerror=alert(1)> @octocat [a](javascript:b).py"]
    )
    assert review and lines[2].startswith("**Needs a maintainer's review:** this pull request changes 1 file of code")
    assert (
        lines[-1]
        == "- scripts/\\`x\\` &lt;img src=x onerror=alert\\(1\\)&gt; &#64;octocat \\[a\\]\\(javascript:b\\)\\.py"
    )
    assert changed_code.summary(["data/events.csv", "README.md"]) == (
        [
            "## Code changes",
            "",
            "No code changed: 2 files of data and documentation, validated above by the base branch's code.",
        ],
        False,
    )


def test_the_script_lists_a_moved_file_by_its_old_path_too(repo):
    """git's rename detection would show only data/build.py; the summary must also see scripts/ lose a file."""
    (repo.root / "scripts").mkdir()
    (repo.root / "scripts" / "build.py").write_text("print('the build')\n" * 20)
    git(repo, "add", "-A")
    git(repo, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "with code")
    git(repo, "branch", "base")
    git(repo, "mv", "scripts/build.py", "data/build.py")
    git(repo, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "moved")
    result = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "ci" / "changed_code.py"), "--repo", str(repo.root), "--base", "base"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0 and result.stderr == ""
    assert result.stdout.splitlines()[-3:] == ["- data/build\\.py", "- scripts/build\\.py", ""]
    missing = subprocess.run(
        [
            sys.executable,
            str(ROOT / "scripts" / "ci" / "changed_code.py"),
            "--repo",
            str(repo.root),
            "--base",
            "no-such-base",
        ],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert missing.returncode == 1 and "Traceback" not in missing.stderr
    assert missing.stdout.startswith(
        "## Code changes\n\n**Needs a maintainer's review:** the changed files could not be listed"
    )
