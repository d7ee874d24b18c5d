"""Limits the operating system enforces on every command-line step (dpmodel/os_limits.py), the row
and cell limits counted before parsing (dpmodel/limits.py), and schema messages filled in
literally (dpmodel/messages.fill): work that no contribution can make unbounded."""

from __future__ import annotations

import ast
import json
import os
import resource
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import problems
from dpmodel import limits, messages, os_limits

ROOT = Path(__file__).resolve().parent.parent
SCRIPTS = ROOT / "scripts"
PYTHON = sys.executable
STEPS = ["validate", "build", "text_coverage", "fmt", "diff", "codebook", "synth"]
BENCHES = ["bench", "bench_hostile"]


def _env(**extra) -> dict:
    env = {k: v for k, v in os.environ.items() if k != os_limits.OFF}
    return {**env, **extra}


# --- every entry point sets the limits ----------------------------------------------------

# Runs a script's module code as `python scripts/X.py --help` would, then prints the limits
# the process was left with: the entry point set them, whatever its main() then did.
_LIMITS_AFTER = (
    "import resource, runpy, sys\n"
    "sys.argv = [sys.argv[1], '--help']\n"
    "try:\n    runpy.run_path(sys.argv[0], run_name='__main__')\n"
    "except SystemExit:\n    pass\n"
    "print(resource.getrlimit(resource.RLIMIT_AS)[0], resource.getrlimit(resource.RLIMIT_CPU)[0])"
)


def _limits_after(scripts: list[str], **env) -> dict[str, tuple[int, int]]:
    """Each script's limits, all started at once (each is its own Python process)."""
    started = {
        name: subprocess.Popen(
            [PYTHON, "-c", _LIMITS_AFTER, str(SCRIPTS / f"{name}.py")],
            env=_env(**env),
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
        )
        for name in scripts
    }
    found = {}
    for name, process in started.items():
        out, _ = process.communicate(timeout=120)
        found[name] = tuple(int(n) for n in out.split()[-2:])
    return found


def _calls(script: Path) -> list[str]:
    """The module-level statements of an entry point, as source lines, in order."""
    return [ast.unparse(node) for node in ast.parse(script.read_text()).body]


@pytest.mark.parametrize("name", STEPS + BENCHES)
def test_every_entry_point_sets_the_limits_before_importing_its_step_and_runs_it_through_them(name):
    calls = _calls(SCRIPTS / f"{name}.py")
    first_step_import = next(
        i for i, line in enumerate(calls) if line.startswith("from dp") and "os_limits" not in line
    )
    assert "os_limits.apply()" in calls[:first_step_import], calls  # before Polars is imported: thread pools
    assert calls[-1] == "sys.exit(os_limits.run(main))"
    opted_out = "os.environ.setdefault(os_limits.OFF, 'off')" in calls
    assert opted_out == (name in BENCHES)


def test_a_step_runs_under_the_limits_and_a_benchmark_without():
    found = _limits_after(["validate", "bench"])
    assert found["validate"] == (os_limits.MEMORY_BYTES, os_limits.CPU_SECONDS)
    assert found["bench"] == (resource.RLIM_INFINITY, resource.RLIM_INFINITY)  # and so the steps it starts


def test_dp_limits_off_leaves_the_process_unlimited():
    assert _limits_after(["validate"], DP_LIMITS="off")["validate"] == (resource.RLIM_INFINITY, resource.RLIM_INFINITY)


def _child(code: str, **env) -> subprocess.CompletedProcess:
    return subprocess.run([PYTHON, "-c", code], env=_env(**env), capture_output=True, text=True, timeout=60)


def test_running_out_of_memory_ends_with_one_line():
    done = _child(
        "import sys\nfrom dpmodel import os_limits\nos_limits.apply()\n"
        "sys.exit(os_limits.run(lambda: len(bytearray(3 * 1024 ** 3))))"
    )
    assert done.returncode == 1
    assert done.stdout == os_limits.MEMORY_MESSAGE + "\n"
    assert "Traceback" not in done.stderr


def test_a_reader_gone_away_ends_the_step_without_a_traceback():
    """`make check | head -1`: the pipe closes while the step still prints."""
    read, write = os.pipe()
    os.close(read)  # the reader is gone before the first line
    code = (
        "import sys\nfrom dpmodel import os_limits\n"
        "def talk():\n    for _ in range(100_000):\n        print('a line of the report')\n    return 0\n"
        "sys.exit(os_limits.run(talk))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], stdout=write, stderr=subprocess.PIPE, text=True, timeout=60,
        env={**os.environ, "PYTHONPATH": str(ROOT / "scripts" / "lib")},
    )  # fmt: skip
    os.close(write)
    assert done.returncode == 1 and "Traceback" not in done.stderr and "BrokenPipe" not in done.stderr, done.stderr


def test_running_out_of_cpu_time_ends_with_one_line():
    """The soft CPU limit lowered to 1 s: SIGXCPU arrives and is answered with one line, exit 1."""
    done = _child(
        "import sys\nfrom dpmodel import os_limits\nos_limits.CPU_SECONDS = 1\nos_limits.apply()\n"
        "def spin():\n    while True:\n        pass\n"
        "sys.exit(os_limits.run(spin))"
    )
    assert done.returncode == 1
    assert done.stdout == os_limits.CPU_MESSAGE + "\n"
    assert "Traceback" not in done.stderr


def test_a_limit_already_lower_is_kept():
    """A container's or a shell's lower limit stays: the entry point only ever lowers."""
    done = _child(
        "import resource\nresource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))\n"
        "from dpmodel import os_limits\nos_limits.apply()\nprint(resource.getrlimit(resource.RLIMIT_AS))"
    )
    assert done.stdout.strip() == f"({1 << 30}, {1 << 30})"


# --- rows and cells, counted before parsing ------------------------------------------------


def _fill(pkg, table: str, line: str, n: int) -> Path:
    file = pkg.path(table)
    header = file.read_text().split("\n")[0]
    file.write_text(header + "\n" + line * n)
    return file


@pytest.mark.parametrize("line, rows", [(",,\n", 1001), ("\n", 1001), ('"",,\n', 1001)])
def test_a_table_with_more_rows_than_the_limit_is_refused_before_parsing(pkg, line, rows):
    """Empty rows, blank lines and quoted empties: each counted as the line it is."""
    _fill(pkg, "vocab_actor_kinds", line, rows)
    small = limits.Limits(table_rows=1000)
    from dpcheck import validate

    found, _ = validate.validate(pkg.descriptor, limit=small)
    assert [str(p) for p in found] == [
        f"data/vocab_actor_kinds.csv [csv-too-many-rows]: has {rows:,} lines after the header; a table may have "
        "at most 1,000 rows (SECURITY.md: bounded CI steps)"
    ]


def test_a_table_with_more_cells_than_the_limit_is_refused_before_parsing(pkg):
    _fill(pkg, "vocab_actor_kinds", "a,b,c\n", 4000)  # 3 fields
    from dpcheck import validate

    found, _ = validate.validate(pkg.descriptor, limit=limits.Limits(table_cells=10_000))
    assert [str(p) for p in found] == [
        "data/vocab_actor_kinds.csv [csv-too-many-cells]: has 4,000 rows of 3 fields, 12,000 cells; a table may have "
        "at most 10,000 (SECURITY.md: bounded CI steps)"
    ]


def test_the_default_limits_refuse_the_probe_s_ten_million_empty_rows(pkg):
    """The probe's 30 MiB of `,,` (144 s and 13.3 GB before the limit): one line, from the count alone."""
    _fill(pkg, "vocab_actor_kinds", ",,\n", 10 * 1024 * 1024)
    code, lines = pkg.validate()
    assert code == 1
    assert problems(lines) == [
        "data/vocab_actor_kinds.csv: has 10,485,760 lines after the header; a table may have at most "
        f"{limits.DEFAULT.table_rows:,} rows (SECURITY.md: bounded CI steps)"
    ]


# --- schema messages are text, not templates ----------------------------------------------


@pytest.mark.parametrize(
    "template, shown",
    [
        ("is a {kind}", "is a state"),
        ("{kind:>1000000000}", "{kind:>1000000000}"),  # a format spec: 1 GB of padding under str.format
        (
            "{0.__class__} {kind!r} {kind}",
            "{0.__class__} {kind!r} state",
        ),  # attribute access, conversions: shown as written
        (
            "{{kind}} %s %(kind)s $kind",
            "{state} %s %(kind)s $kind",
        ),  # no escaping rule either: braces around a placeholder stay
    ],
)
def test_fill_replaces_named_placeholders_as_plain_text(template, shown):
    assert messages.fill(template, kind="state") == shown


def test_fill_never_substitutes_into_a_value():
    assert messages.fill("{a} {b}", a="{b}", b="x") == "{b} x"


def test_a_schema_rule_written_as_a_format_string_is_shown_literally(pkg):
    schema_file = pkg.root / "schemas" / "organisations.json"
    schema = json.loads(schema_file.read_text())
    field = next(f for f in schema["fields"] if "x-target-kind" in f)
    field["x-target-kind"]["rule"] = "{kind:>1000000000} {0.__class__} is a {kind}"
    schema_file.write_text(json.dumps(schema, indent=2) + "\n")
    number = pkg.add("organisations", {"organisation_id": "china", "classification": "intergovernmental_organisation"})
    code, lines = pkg.validate()
    assert code == 1
    assert (
        f"data/organisations.csv:{number} organisation_id: 'china' {{kind:>1000000000}} {{0.__class__}} is a state"
        in problems(lines)
    )
