#!/usr/bin/env python3
"""Measure validation, build and serving at scale: `python scripts/bench.py [--sizes 10000,100000,1000000]`.

For each size N, on a synthetic package (scripts/synth.py), in one run on this machine:
- our full validation (scripts/validate.py: every check) against its peer, `frictionless
  validate`, and the floor, pyarrow reading the same CSVs with no checks: wall time (the median
  of --repeat runs of each, the three run in turn) and peak RSS;
- the build (Parquet, SQLite with indexes and FTS, metadata) against its peer,
  `sqlite-utils insert --csv` of the same files with no indexes: wall time and output size;
- Datasette on loopback under a bounded load: p50/p95 latency and errors for a table page with a
  facet, a full-text search and each canned query;
- each page of the project's site against bare `datasette -i` on the same database (a canned
  query against the same SQL through ?sql=), one request at a time with the two asked in turn,
  and each under 32 concurrent loopback clients: throughput, p50 and p95;
- `make serve` with an unchanged dist/: seconds until the home page answers;
- with --before REF, the site as it was at that git ref (its own build of its own package)
  under the same 32 concurrent clients.
Sizes above --peers-up-to (default 1,000,000; e.g. --sizes 1000000,10000000) measure our
validation and build only. Prints a table, checks the targets as ratios, and writes BENCHMARKS.md
with the machine's description.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import signal
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack, closing, contextmanager
from pathlib import Path

from dpbuild.queries import CANNED_QUERIES, RENAMED_VIEWS
from dpmodel import REPOSITORY
from dpsite import serve

ROOT = REPOSITORY
SCRIPTS = ROOT / "scripts"  # the command lines

PYTHON = sys.executable
BIN = Path(PYTHON).parent
# Runs a command and reports its wall time and peak RSS (of that command alone).
MEASURE = (
    "import resource, subprocess, sys, time; t = time.perf_counter(); "
    "r = subprocess.run(sys.argv[2:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=float(sys.argv[1])); "
    "print(time.perf_counter() - t, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024, r.returncode)"
)
PYARROW_FLOOR = (
    "import sys, json, pyarrow.csv as c, pyarrow as pa; d = json.load(open(sys.argv[1])); "
    "[c.read_csv(r['path'], convert_options=c.ConvertOptions(column_types={}, strings_can_be_null=False), "
    "read_options=c.ReadOptions(use_threads=True)) for r in d['resources'] if 'schema' in r]"
)
# Generated packages may exceed CI's size limits (SECURITY.md) at 10M rows: the benchmark lifts them.
BUILD = (
    "import sys; from dpbuild import build; from dpmodel.limits import Limits; from pathlib import Path; "
    "build.build(Path(sys.argv[1]), Path(sys.argv[2]), Limits.large(), spreadsheet=False)"
)
ENGINES = "import polars, dpcheck.pandera_check, frictionless"  # pandera as the validator loads it (without pandas)
TIMEOUT = 3600


def measure(cmd: list[str], cwd: Path | None = None) -> dict:
    try:
        out = subprocess.run(
            [PYTHON, "-c", MEASURE, str(TIMEOUT), *cmd], cwd=cwd, capture_output=True, text=True, timeout=TIMEOUT + 60
        )
        seconds, rss, code = out.stdout.split()
        return {"seconds": float(seconds), "rss": int(rss), "exit": int(code)}
    except (subprocess.TimeoutExpired, ValueError):
        return {"seconds": float("nan"), "rss": 0, "exit": -1}


def median_of(runs: int, cmd: list[str], cwd: Path | None = None) -> dict:
    """The run of median wall time among `runs` runs after one untimed run (a busy moment on a
    shared machine skews one run, not the median), with the highest peak RSS and exit code seen."""
    return medians_in_turn(runs, {"only": (cmd, cwd)})["only"]


def medians_in_turn(runs: int, commands: dict[str, tuple[list[str], Path | None]]) -> dict[str, dict]:
    """median_of for several commands (by label: the command and its folder), run in turn, one of
    each per round: a slow spell of a shared machine then falls on all of them alike, so their
    ratios hold even when the absolute times drift."""
    for cmd, cwd in commands.values():
        measure(cmd, cwd)  # untimed: every timed run then reads the same warm files and compiled modules
    results = {label: [] for label in commands}
    for _ in range(runs):
        for label, (cmd, cwd) in commands.items():
            results[label].append(measure(cmd, cwd))
    return {label: _median(found) for label, found in results.items()}


def _median(results: list[dict]) -> dict:
    results = sorted(results, key=lambda r: r["seconds"])
    middle = dict(results[len(results) // 2])
    middle["rss"] = max(r["rss"] for r in results)
    middle["exit"] = max(results, key=lambda r: abs(r["exit"]))["exit"]
    middle["runs"] = [r["seconds"] for r in results]
    return middle


def folder_bytes(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def load(dist: Path, requests_per_endpoint: int) -> dict:
    """Bounded sequential load on loopback; latency percentiles and error count per endpoint."""
    name = json.loads((dist / "datapackage.json").read_text())["name"]
    with serving(lambda port: serve.command(dist, port=port)) as base:
        endpoints = {
            "table+facet": f"/{name}/events?_facet=event_type",
            "search": f"/{name}/statements?_search=cooperazione",
        }
        for query, spec in CANNED_QUERIES.items():
            endpoints[query] = f"/{name}/{query}?" + urllib.parse.urlencode(spec["params"])
        results = {}
        for label, path in endpoints.items():
            answers = [timed_get(base + path, timeout=30) for _ in range(requests_per_endpoint)]
            times = sorted(seconds for seconds, _ in answers)
            results[label] = {
                "p50_ms": 1000 * statistics.median(times),
                "p95_ms": 1000 * times[int(0.95 * (len(times) - 1))],
                "errors": sum(not ok for _, ok in answers),
            }
        return results


class socket_port:
    def __enter__(self):
        import socket

        self.s = socket.socket()
        self.s.bind(("127.0.0.1", 0))
        return self.s.getsockname()[1]

    def __exit__(self, *exc):
        self.s.close()


def run_size(n: int, work: Path, requests: int, repeat: int, peers: bool = True) -> dict:
    package = work / f"synth-{n}"
    subprocess.run(
        [PYTHON, str(SCRIPTS / "synth.py"), "--rows", str(n), "--seed", "1", "--out", str(package)],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    os.sync()  # the new files written back now, not during the timed runs
    descriptor = package / "datapackage.json"
    tables = [r for r in json.loads(descriptor.read_text())["resources"] if "schema" in r]
    row = {"n": n, "csv_bytes": sum((package / r["path"]).stat().st_size for r in tables), "peers": peers}
    validations = {
        "ours": ([PYTHON, str(SCRIPTS / "validate.py"), str(descriptor), "--large"], None),
        "floor": ([PYTHON, "-c", PYARROW_FLOOR, "datapackage.json"], package),
    }
    if peers:
        validations["frictionless"] = ([str(BIN / "frictionless"), "validate", "datapackage.json"], package)
    row.update(medians_in_turn(repeat, validations))
    dist = work / f"dist-{n}"
    row["build"] = measure([PYTHON, "-c", BUILD, str(descriptor), str(dist)])
    row["build_bytes"] = folder_bytes(dist)
    if not peers:
        shutil.rmtree(package, ignore_errors=True)
        shutil.rmtree(dist, ignore_errors=True)
        return row
    peer_db = work / f"peer-{n}.db"
    start = time.perf_counter()
    for r in tables:
        subprocess.run(
            [str(BIN / "sqlite-utils"), "insert", str(peer_db), r["name"], str(package / r["path"]), "--csv"],
            check=True,
            stdout=subprocess.DEVNULL,
        )
    row["peer_build"] = {"seconds": time.perf_counter() - start}
    row["peer_bytes"] = peer_db.stat().st_size
    row["load"] = load(dist, requests)
    row["site"] = site_against_bare(dist, requests)
    return row


BARE_SETTINGS = ["--setting", "sql_time_limit_ms", "1000"]  # the same time limit; nothing else of ours


def bare_command(dist: Path, port: int) -> list[str]:
    """Datasette as installed, on the same immutable database: no metadata, plugins folder or templates."""
    name = json.loads((dist / "datapackage.json").read_text())["name"]
    return [
        str(BIN / "datasette"),
        "serve",
        "-i",
        str(dist / f"{name}.db"),
        "--inspect-file",
        str(dist / "inspect.json"),
        "-h",
        "127.0.0.1",
        "-p",
        str(port),
        *BARE_SETTINGS,
    ]


def started(command: list[str], port: int) -> subprocess.Popen:
    server = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while True:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/-/versions.json", timeout=2).read()
            return server
        except OSError:
            if time.monotonic() > deadline or server.poll() is not None:
                server.kill()
                raise RuntimeError(f"{command[0]} did not start") from None
            time.sleep(0.2)


@contextmanager
def serving(command_for_port):
    """A server started from command_for_port(port) on a free loopback port, until the block ends:
    its base URL."""
    with socket_port() as port:
        pass
    server = started(command_for_port(port), port)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.terminate()
        server.wait(timeout=10)


def page_pairs(dist: Path) -> dict[str, tuple[str, str]]:
    """Each page of the site, with the page bare Datasette serves for the same data: a canned
    query becomes the same SQL through ?sql= (bare Datasette has no canned queries)."""
    name = json.loads((dist / "datapackage.json").read_text())["name"]
    with closing(sqlite3.connect(f"file:{dist / (name + '.db')}?mode=ro", uri=True)) as conn:
        event = conn.execute("SELECT event_id FROM events ORDER BY event_id LIMIT 1").fetchone()[0]
    db = f"/{name}"
    same = {
        "home": "/",
        "database": db,
        "table": f"{db}/events",
        "table+facet": f"{db}/events?_facet=event_type",
        "search": f"{db}/statements?_search=cooperazione",
        "row": f"{db}/events/{urllib.parse.quote(event)}",
        "view": f"{db}/events_full",
        "table.json": f"{db}/events.json",
        "table.csv": f"{db}/events.csv",
    }
    pairs = {label: (path, path) for label, path in same.items()}
    for query, spec in CANNED_QUERIES.items():
        params = urllib.parse.urlencode(spec["params"])
        pairs[query] = (
            f"{db}/{query}?{params}",
            f"{db}?" + urllib.parse.urlencode({"sql": spec["sql"].strip(), **spec["params"]}),
        )
    return pairs


def timed_get(url: str, timeout: float = 60) -> tuple[float, bool]:
    start = time.perf_counter()
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            response.read()
            ok = response.status == 200
    except (urllib.error.URLError, OSError):
        ok = False
    return time.perf_counter() - start, ok


def in_turn(urls: dict[str, str], requests: int) -> dict[str, float]:
    """Median seconds of each url (by side), one request at a time, the sides asked in turn, after
    two rounds to warm up: a busy moment of the machine falls on every side alike."""
    times: dict[str, list[float]] = {side: [] for side in urls}
    for round_ in range(requests + 2):
        for side, url in urls.items():
            seconds = timed_get(url)[0]
            if round_ >= 2:
                times[side].append(seconds)
    return {side: statistics.median(values) for side, values in times.items()}


def concurrent(base: str, paths: list[str], clients: int = 32, rounds: int = 1) -> dict:
    """`clients` loopback clients at once, each asking for every page `rounds` times."""
    urls = [base + p for p in paths] * rounds
    start = time.perf_counter()
    with ThreadPoolExecutor(max_workers=clients) as pool:
        results = list(pool.map(timed_get, urls * clients))
    wall = time.perf_counter() - start
    times = sorted(t for t, _ in results)
    return {
        "rps": len(results) / wall,
        "p50_ms": 1000 * statistics.median(times),
        "p95_ms": 1000 * times[int(0.95 * (len(times) - 1))],
        "errors": sum(not ok for _, ok in results),
    }


def site_against_bare(dist: Path, requests: int) -> dict:
    """Each page of the project's site and of bare Datasette, both serving, asked in turn (in_turn);
    then each under 32 concurrent clients while the other is idle."""
    pairs = page_pairs(dist)
    with ExitStack() as stack:
        bases = {
            "ours": stack.enter_context(serving(lambda port: serve.command(dist, port=port))),
            "bare": stack.enter_context(serving(lambda port: bare_command(dist, port))),
        }
        result = {
            "pages": {
                label: in_turn({"ours": bases["ours"] + mine, "bare": bases["bare"] + theirs}, requests)
                for label, (mine, theirs) in pairs.items()
            }
        }
        for index, side in enumerate(("ours", "bare")):
            result[f"{side}_concurrent"] = concurrent(bases[side], [pair[index] for pair in pairs.values()])
        return result


def before_concurrent(ref: str, n: int, work: Path) -> dict:
    """The site as it was at git ref `ref`, under the same 32 clients and the same pages: its own
    checkout (a git worktree), its own synthetic package of n rows, built and served by its own
    scripts (synth.py, build.py, serve.py, whose command lines have not changed)."""
    tree, package, dist = work / "before", work / "before-synth", work / "before-dist"
    subprocess.run(
        ["git", "-C", str(ROOT), "worktree", "add", "--detach", "--force", str(tree), ref],
        check=True,
        capture_output=True,
    )
    try:
        scripts = tree / "scripts"
        subprocess.run(
            [PYTHON, str(scripts / "synth.py"), "--rows", str(n), "--seed", "1", "--out", str(package)],
            check=True,
            stdout=subprocess.DEVNULL,
        )
        subprocess.run(
            [PYTHON, str(scripts / "build.py"), str(package / "datapackage.json"), "--out", str(dist)],
            check=True,
            stdout=subprocess.DEVNULL,
        )
        former = {new: old for old, new in RENAMED_VIEWS.items()}  # a view renamed since is asked for by its name then
        paths = [pair[0] for pair in page_pairs(dist).values()]
        paths = [
            next((p.replace(f"/{new}", f"/{old}") for new, old in former.items() if f"/{new}" in p), p) for p in paths
        ]
        with serving(
            lambda port: [PYTHON, str(scripts / "serve.py"), "--dist", str(dist), "--port", str(port)]
        ) as base:
            unanswered = sum(not timed_get(base + p)[1] for p in paths)
            return {**concurrent(base, paths), "ref": ref, "pages_not_answered_alone": unanswered}
    finally:
        subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force", str(tree)], capture_output=True)


def serve_start(repeat: int) -> float:
    """Seconds from `make serve` (dist/ up to date, .venv warm) until the home page answers; median."""
    subprocess.run(["make", "-s", "build"], cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
    times = []
    for _ in range(repeat):
        with socket_port() as port:
            pass
        start = time.perf_counter()
        server = subprocess.Popen(
            ["make", "-s", "serve", f"PORT={port}"],
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        try:
            while timed_get(f"http://127.0.0.1:{port}/")[1] is False:
                if time.perf_counter() - start > 60:
                    break
                time.sleep(0.05)
            times.append(time.perf_counter() - start)
        finally:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=10)
    return statistics.median(times)


def machine() -> str:
    cpu = (
        next(
            (
                line.split(":", 1)[1].strip()
                for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")
            ),
            platform.processor(),
        )
        if Path("/proc/cpuinfo").exists()
        else platform.processor()
    )
    memory = (
        next(
            (
                int(line.split()[1]) // 1024 // 1024
                for line in Path("/proc/meminfo").read_text().splitlines()
                if line.startswith("MemTotal")
            ),
            0,
        )
        if Path("/proc/meminfo").exists()
        else 0
    )
    return f"{cpu}, {os.cpu_count()} cores, {memory} GiB RAM, {platform.system()} {platform.release()}, Python {platform.python_version()}"


def report(rows: list[dict], engines: dict, start_seconds: float | None, before: dict | None = None) -> list[str]:
    mb = lambda b: f"{b / 1e6:,.0f} MB"  # noqa: E731
    peered = [r for r in rows if r["peers"]]
    lines = [
        "| rows | ours: time, peak RSS | frictionless | pyarrow floor | build (ours): time, peak RSS | sqlite-utils peer | build output |",
        "|---:|---|---|---|---|---|---|",
    ]
    for r in rows:
        fr = f"{r['frictionless']['seconds']:.1f} s, {mb(r['frictionless']['rss'])}" if r["peers"] else "not run"
        peer = f"{r['peer_build']['seconds']:.1f} s" if r["peers"] else "not run"
        size = f"{mb(r['build_bytes'])}" + (f" (peer {mb(r['peer_bytes'])})" if r["peers"] else "")
        lines.append(
            f"| {r['n']:,} | {r['ours']['seconds']:.1f} s, {mb(r['ours']['rss'])} | {fr} | {r['floor']['seconds']:.2f} s | "
            f"{r['build']['seconds']:.1f} s, {mb(r['build']['rss'])} | {peer} | {size} |"
        )
    lines += ["", "Datasette under load (sequential requests on loopback): p50 / p95 ms, errors", ""]
    endpoints = list(peered[0]["load"])
    lines += ["| rows | " + " | ".join(endpoints) + " |", "|---:|" + "---|" * len(endpoints)]
    for r in peered:
        lines.append(
            f"| {r['n']:,} | "
            + " | ".join(f"{v['p50_ms']:.0f} / {v['p95_ms']:.0f}, {v['errors']}" for v in r["load"].values())
            + " |"
        )
    big, mid = peered[-1], (peered[-2] if len(peered) > 1 else peered[-1])
    site = big["site"]
    lines += [
        "",
        f"The project's site against bare `datasette -i` on the same database, {big['n']:,} rows: median ms of one "
        "request at a time, the two asked in turn (a canned query against its SQL through ?sql=)",
        "",
        "| page | ours | bare | ratio |",
        "|---|---:|---:|---:|",
    ]
    ratios = {}
    for label, sides in site["pages"].items():
        ratios[label] = sides["ours"] / sides["bare"]
        lines.append(f"| {label} | {1000 * sides['ours']:.0f} | {1000 * sides['bare']:.0f} | {ratios[label]:.2f} |")
    lines += [
        "",
        "Both under 32 concurrent loopback clients, every page above in turn (an error is a request not "
        "answered within the client's 60 s):",
        "",
        "| site | requests/s | p50 ms | p95 ms | errors |",
        "|---|---:|---:|---:|---:|",
    ]
    for side in ("ours", "bare"):
        c = site[f"{side}_concurrent"]
        lines.append(f"| {side} | {c['rps']:.1f} | {c['p50_ms']:.0f} | {c['p95_ms']:.0f} | {c['errors']} |")
    if before:
        lines.append(
            f"| ours before, at {before['ref']} (its own build of its own {big['n']:,}-row package) | {before['rps']:.1f} | "
            f"{before['p50_ms']:.0f} | {before['p95_ms']:.0f} | {before['errors']} |"
        )
        if before["pages_not_answered_alone"]:
            lines.append(
                f"\n{before['pages_not_answered_alone']} of the pages did not answer at {before['ref']} even alone."
            )
    reading = max(0.0, big["floor"]["seconds"] - engines["floor_start"])
    checks_after_reading = big["ours"]["seconds"] - engines["seconds"] - reading
    marginal_ours = big["ours"]["seconds"] - mid["ours"]["seconds"]
    marginal_fr = big["frictionless"]["seconds"] - mid["frictionless"]["seconds"]
    checks = [
        (
            "validation at least 15x faster than frictionless (x)",
            big["frictionless"]["seconds"] / big["ours"]["seconds"],
            ">=",
            15,
        ),
        (
            "checks after reading (ours - imports - reading) over the pyarrow floor (x)",
            checks_after_reading / big["floor"]["seconds"],
            "<=",
            1,
        ),
        ("peak RSS of validation (GB)", big["ours"]["rss"] / 1e9, "<=", 1.0),
        (
            "build time over the sqlite-utils peer (x)",
            big["build"]["seconds"] / big["peer_build"]["seconds"],
            "<=",
            0.25,
        ),
        ("slowest page of the site over bare Datasette (x)", max(ratios.values()), "<=", 1.2),
        # Under 32 clients at once a single Datasette process queues requests past the clients'
        # 60 s timeout, bare or ours alike: those are reported in the table above, not judged here.
        ("errors under sequential load", sum(v["errors"] for r in peered for v in r["load"].values()), "==", 0),
        (
            "synthetic packages the validator or frictionless refused",
            sum(r["ours"]["exit"] != 0 for r in rows) + sum(r["frictionless"]["exit"] != 0 for r in peered),
            "==",
            0,
        ),
    ]
    if start_seconds is not None:
        checks.append(("`make serve` with dist/ unchanged, until the home page answers (s)", start_seconds, "<=", 3))
    for small, large in zip(rows, rows[1:]):
        if large["n"] >= 10 * small["n"] and small["n"] >= 1_000_000:
            for step in ("ours", "build"):
                checks.append(
                    (
                        f"{'validation' if step == 'ours' else 'build'} time at {large['n']:,} rows over {small['n']:,} (x)",
                        large[step]["seconds"] / small[step]["seconds"],
                        "<=",
                        10.5 * large["n"] / (10 * small["n"]),
                    )
                )
    compare = {">=": lambda a, b: a >= b, "<=": lambda a, b: a <= b, "<": lambda a, b: a < b, "==": lambda a, b: a == b}
    lines += [
        "",
        f"Targets, at {big['n']:,} rows unless named:",
        "",
        "| target | measured | wanted | met |",
        "|---|---:|---|---|",
    ]
    for label, value, op, limit in checks:
        met = compare[op](value, limit)
        lines.append(f"| {label} | {value:.2f} | {op} {limit:g} | {'yes' if met else '**no**'} |")
    lines += [
        "",
        f"Marginal cost from {mid['n']:,} to {big['n']:,} rows: ours {marginal_ours:.2f} s, frictionless "
        f"{marginal_fr:.2f} s, a ratio of {marginal_fr / marginal_ours if marginal_ours > 0 else float('inf'):.1f}x.",
    ]
    lines += [
        "",
        f"Fixed cost: starting Python and importing the engines the validator is built on (Polars, pandera "
        f"without pandas, Frictionless) takes {engines['seconds']:.2f} s (median of {len(engines['runs'])} runs); reading "
        f"the files takes the floor {reading:.2f} s more, so {engines['seconds'] + reading:.2f} s pass before any check, "
        f"and the checks take {checks_after_reading:.2f} s after that. At {big['n']:,} rows the first target allows "
        f"{big['frictionless']['seconds'] / 15:.2f} s for the whole validation.",
    ]
    return lines


DRAFT_HEADING = "## Drafting an article from its text"  # dpcontrib/evaluate.py's section of BENCHMARKS.md


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="10000,100000,1000000")
    parser.add_argument(
        "--peers-up-to",
        type=int,
        default=1_000_000,
        help="the largest size at which the peers (frictionless, sqlite-utils) and the site are measured too",
    )
    parser.add_argument("--requests", type=int, default=50, help="requests per endpoint in the load test")
    parser.add_argument("--write", default="BENCHMARKS.md", help="where to write the report ('' to skip)")
    parser.add_argument(
        "--repeat",
        type=int,
        default=3,
        help="runs of our validation, the floor and frictionless (in turn); the median of each is reported",
    )
    parser.add_argument(
        "--before",
        metavar="REF",
        help="also the site as it was at this git ref (its own build, at the largest size "
        "the site is measured at) under the same concurrent load",
    )
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",")]
    if not any(n <= args.peers_up_to for n in sizes):
        parser.error("at least one size must be at most --peers-up-to")
    engines = median_of(args.repeat, [PYTHON, "-c", ENGINES])
    engines["floor_start"] = median_of(args.repeat, [PYTHON, "-c", "import sys, json, pyarrow.csv, pyarrow"])["seconds"]
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for n in sizes:
            print(f"measuring {n:,} rows …", flush=True)
            rows.append(run_size(n, Path(tmp), args.requests, args.repeat, peers=n <= args.peers_up_to))
        before = (
            before_concurrent(args.before, max(n for n in sizes if n <= args.peers_up_to), Path(tmp))
            if args.before
            else None
        )
    start_seconds = serve_start(args.repeat)
    lines = report(rows, engines, start_seconds, before)
    print("\n".join(lines))
    if args.write:
        text = [
            "# Benchmarks",
            "",
            f"Machine: {machine()}.",
            "",
            f"Measured by `make bench` (scripts/bench.py, sizes {args.sizes}, peers and the site up to {args.peers_up_to:,} rows, "
            f"{args.requests} requests per endpoint (the two sites asked in turn), median of {args.repeat} runs after an untimed one for "
            f"our validation, the floor and frictionless (run in turn), one for "
            f"the build and its peer{', and the site as it was at ' + args.before if args.before else ''}) on "
            f"{time.strftime('%Y-%m-%d')}. Synthetic packages from scripts/synth.py, seed 1.",
            "",
        ] + lines
        target = ROOT / args.write
        # The drafting table (make draft-eval, dpcontrib/evaluate.py) is another command's: kept as it is.
        kept = ""
        if target.exists():
            old = target.read_text(encoding="utf-8")
            start = old.find(DRAFT_HEADING)
            kept = "\n" + old[start:].rstrip("\n") if start >= 0 else ""
        target.write_text("\n".join(text) + "\n" + kept + ("\n" if kept else ""), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
