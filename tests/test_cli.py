"""The command line as CI and contributors meet it: exit codes, the report's form, no tracebacks."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def run(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "validate.py"), *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_real_package_passes_from_the_default_path():
    result = run()
    assert result.returncode == 0, result.stdout + result.stderr
    resources = json.loads((ROOT / "datapackage.json").read_text())["resources"]
    tables = sum(1 for r in resources if "schema" in r)
    assert result.stdout.startswith(f"OK: {tables} tables, ")
    assert result.stdout.rstrip().endswith(f"{len(resources) - tables} article texts in datapackage.json: no problems")
    assert result.stderr == ""


def test_frictionless_alone_accepts_the_package():
    result = subprocess.run(
        [str(Path(sys.executable).parent / "frictionless"), "validate", "datapackage.json"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout


def test_with_frictionless_rows_the_same_problem_is_reported_once(pkg):
    number = pkg.set("places", {"place_id": "moscow"}, "latitude", "95.5")
    result = run(str(pkg.descriptor), "--frictionless")
    assert result.returncode == 1
    assert result.stdout.splitlines() == [
        f"data/places.csv:{number} latitude [value-maximum]: '95.5' is above the maximum 90",
        "",
        "FAILED: 1 problem in 1 file",
    ]


def test_a_broken_package_exits_1_with_lines_then_a_summary(pkg):
    pkg.set("places", {"place_id": "moscow"}, "country", "RUX")
    pkg.set("places", {"place_id": "moscow-kremlin"}, "latitude", "north")
    result = run(str(pkg.descriptor))
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert lines[-1] == "FAILED: 2 problems in 1 file"
    assert all(line.startswith("data/places.csv:") for line in lines[:-2])
    assert "Traceback" not in result.stdout + result.stderr


@pytest.mark.parametrize(
    "content", [b"", b"\xff\xfe\x00garbage", b"[1, 2, 3]", b'{"resources": "data/x.csv"}', b"null"]
)
def test_garbage_descriptors_get_a_line_not_a_traceback(tmp_path, content):
    descriptor = tmp_path / "datapackage.json"
    descriptor.write_bytes(content)
    result = run(str(descriptor))
    assert result.returncode == 1
    assert result.stdout.startswith("datapackage.json"), result.stdout
    assert "Traceback" not in result.stdout + result.stderr


def test_a_missing_descriptor_gets_a_line(tmp_path):
    result = run(str(tmp_path / "nowhere" / "datapackage.json"))
    assert result.returncode == 1
    assert result.stdout.startswith("datapackage.json [descriptor-not-found]: descriptor not found at ")
    assert "Traceback" not in result.stderr


def test_make_check_runs_the_checks_against_a_base_when_given_one():
    """`make check BASE=<ref>` runs the version and stable-ID checks CI runs on a pull request;
    without BASE the OK line says they were not run (make -n: the commands, not their run)."""

    def command(*args: str) -> str:
        shown = subprocess.run(["make", "-n", "check", *args], cwd=ROOT, capture_output=True, text=True, timeout=60)
        return next(line for line in shown.stdout.splitlines() if "scripts/validate.py" in line)

    assert command("BASE=origin/main").endswith("validate.py datapackage.json --base origin/main")
    assert command().endswith("validate.py datapackage.json --mention-base")
    result = run("--mention-base")
    assert result.returncode == 0 and "make check BASE=origin/main does, as CI does" in result.stdout
