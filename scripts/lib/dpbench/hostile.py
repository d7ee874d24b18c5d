#!/usr/bin/env python3
"""Measure the promises of SECURITY.md under attack: `python scripts/bench_hostile.py [--out FILE]`.

1. Serving: the real package's site on loopback; an ordinary JSON request measured alone, then
   with three worst-case SQL requests kept in flight (huge values, huge results, a query that
   runs to the time limit); its p50/p95, the server's peak RSS, and any 5xx.
2. CI steps on hostile packages: each of validate (make check), frictionless (make frictionless:
   only after the validator passes), build (make build) and coverage (make coverage) timed on
   packages made to be expensive: the largest synthetic package within the size limits, a
   table of tiny rows filling a whole table's limit, deep JSON, an explosive pattern.

Prints the figures as Markdown (written to --out, default BENCHMARKS-hostile.md).
"""
from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

from dpmodel import REPOSITORY
from dpsite import serve

ROOT = REPOSITORY
SCRIPTS = ROOT / "scripts"  # the command lines
PYTHON = sys.executable
BIN = Path(PYTHON).parent


WORST = ["select hex(randomblob(490000000))", "select length(printf('%.*c', 1000000000, 'x'))",
         "with recursive c(x) as (select 1 union all select x + 1 from c limit 1000) select randomblob(900000) from c",
         "with recursive c(x) as (select 1 union all select x + 1 from c) select count(*) from c"]
STEP_LIMIT = 60


def _get(url: str) -> tuple[int, float]:
    start = time.perf_counter()
    try:
        with urllib.request.urlopen(url, timeout=60) as response:
            response.read()
            status = response.status
    except urllib.error.HTTPError as exc:
        status = exc.code
    except OSError:
        status = -1
    return status, time.perf_counter() - start


def _rss(pid: int) -> tuple[int, int]:
    fields = dict(line.split(":", 1) for line in Path(f"/proc/{pid}/status").read_text().splitlines() if ":" in line)
    return int(fields["VmRSS"].split()[0]) * 1024, int(fields["VmHWM"].split()[0]) * 1024


def serving(dist: Path, requests: int = 60) -> dict:
    import socket
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = subprocess.Popen(serve.command(dist, port=port), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    name = json.loads((dist / "datapackage.json").read_text())["name"]
    try:
        deadline = time.monotonic() + 60
        while _get(base + "/-/versions.json")[0] != 200:
            if time.monotonic() > deadline:
                raise RuntimeError("datasette did not start")
            time.sleep(0.3)
        ordinary = f"{base}/{name}/events.json"
        alone = [_get(ordinary) for _ in range(requests)]
        stop, attack_statuses = threading.Event(), []

        def attacker(offset: int):
            i = offset
            while not stop.is_set():
                sql = WORST[i % len(WORST)]
                attack_statuses.append(_get(f"{base}/{name}.json?" + urllib.parse.urlencode({"sql": sql}))[0])
                i += 1

        threads = [threading.Thread(target=attacker, args=(k,)) for k in range(3)]
        for t in threads:
            t.start()
        time.sleep(1.0)
        peak = 0
        under_attack = []
        for _ in range(requests):
            under_attack.append(_get(ordinary))
            peak = max(peak, _rss(server.pid)[0])
        stop.set()
        for t in threads:
            t.join()
        peak = max(peak, _rss(server.pid)[1])
    finally:
        server.terminate()
        server.wait(timeout=10)

    def summary(results):
        times = sorted(t for _, t in results)
        return {"p50_ms": 1000 * statistics.median(times), "p95_ms": 1000 * times[int(0.95 * (len(times) - 1))],
                "errors": sum(s != 200 for s, _ in results)}
    return {"alone": summary(alone), "attack": summary(under_attack), "peak_rss": peak,
            "attack_requests": len(attack_statuses), "attack_5xx": sum(s >= 500 or s < 0 for s in attack_statuses),
            "attack_statuses": sorted(set(attack_statuses))}


def _timed(cmd: list[str], cwd: Path) -> dict:
    start = time.perf_counter()
    try:
        code = subprocess.run(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=STEP_LIMIT * 3).returncode
    except subprocess.TimeoutExpired:
        code = "timeout"
    return {"seconds": time.perf_counter() - start, "exit": code}


def ci_steps(package: Path, work: Path) -> dict:
    """Each CI step as the Makefile runs it, on one package (frictionless only after check passes)."""
    descriptor = str(package / "datapackage.json")
    steps = {"check": _timed([PYTHON, str(SCRIPTS / "validate.py"), descriptor], package)}
    if steps["check"]["exit"] == 0:
        steps["frictionless"] = _timed(["timeout", "120", str(BIN / "frictionless"), "validate", "datapackage.json"], package)
    else:
        steps["frictionless"] = {"seconds": 0.0, "exit": "not run (check failed)"}
    steps["build"] = _timed([PYTHON, str(SCRIPTS / "build.py"), descriptor, "--out", str(work / f"dist-{package.name}")], package)
    steps["coverage"] = _timed([PYTHON, str(SCRIPTS / "text_coverage.py"), descriptor, "--min", "0"], package)
    return steps


def _copy(work: Path, name: str) -> Path:
    target = work / name
    target.mkdir()
    for part in ("datapackage.json", "data", "schemas", "articles", "CHANGELOG.md"):
        source = ROOT / part
        (shutil.copytree if source.is_dir() else shutil.copy)(source, target / part)
    return target


def _fill(table: Path, line) -> None:
    """Append line(0), line(1), … to a CSV until it is just under the 32 MiB a table may be."""
    with open(table, "a", encoding="utf-8") as f:
        i = 0
        while f.tell() < 31 * 1024 * 1024:
            f.write(line(i))
            i += 1


def hostile_packages(work: Path) -> dict[str, Path]:
    packages = {}
    largest = work / "largest-valid"
    subprocess.run([PYTHON, str(SCRIPTS / "synth.py"), "--rows", "550000", "--seed", "1", "--out", str(largest)], check=True,
                   stdout=subprocess.DEVNULL)
    packages["largest valid package within the limits (550k synthetic rows, about 60 MiB of tables)"] = largest
    tiny = _copy(work, "tiny-rows")
    _fill(tiny / "data" / "aliases.csv", lambda i: f"zz-{i:07d},a{i},it\n")
    packages["a table filled to its 32 MiB limit with 1.7M tiny rows, none valid"] = tiny
    searched = _copy(work, "excerpt-search")
    source = "2023-04-putin-meets-li-shangfu"
    article = searched / "articles" / f"{source}.txt"
    article.write_text((article.read_text(encoding="utf-8") + "\n") * (250 * 1024 // len(article.read_bytes())), encoding="utf-8")
    _fill(searched / "data" / "citations.csv", lambda i: f"events,putin-li-shangfu-meeting-2023-04-16,{source},Excerpt {i:09d}\n")
    packages["31 MiB of short excerpts, each searched for in a 250 KiB article"] = searched
    deep = _copy(work, "deep-json")
    (deep / "schemas" / "places.json").write_text('{"fields": ' + "[" * 100_000 + "]" * 100_000 + "}")
    packages["a schema nested 100,000 deep"] = deep
    explosive = _copy(work, "explosive-pattern")
    schema = json.loads((explosive / "schemas" / "places.json").read_text())
    next(f for f in schema["fields"] if f["name"] == "name")["constraints"]["pattern"] = "(a+)+$"
    (explosive / "schemas" / "places.json").write_text(json.dumps(schema))
    lines = (explosive / "data" / "places.csv").read_text().splitlines()
    lines[1] = lines[1].replace("Batken", "a" * 40 + "!", 1)
    (explosive / "data" / "places.csv").write_text("\n".join(lines) + "\n")
    packages["a pattern (a+)+$ with a 41-character cell"] = explosive
    return packages


def report(serve_figures: dict, steps: dict[str, dict]) -> list[str]:
    a, b = serve_figures["alone"], serve_figures["attack"]
    lines = ["# Hostile input, measured", "",
             f"Measured by `make bench-hostile` (scripts/bench_hostile.py) on {time.strftime('%Y-%m-%d')}; targets from SECURITY.md.", "",
             "## Serving with three worst-case SQL requests in flight", "",
             "| ordinary request `/…/events.json` | p50 ms | p95 ms | errors |", "|---|---:|---:|---:|",
             f"| alone | {a['p50_ms']:.0f} | {a['p95_ms']:.0f} | {a['errors']} |",
             f"| with 3 worst-case requests in flight | {b['p50_ms']:.0f} | {b['p95_ms']:.0f} | {b['errors']} |", "",
             f"Server peak RSS: {serve_figures['peak_rss'] / 1e6:.0f} MB (target < 500 MB). Worst-case requests sent: "
             f"{serve_figures['attack_requests']}, answered with statuses {serve_figures['attack_statuses']}, of which 5xx: "
             f"{serve_figures['attack_5xx']}. Target: p95 < 500 ms under attack, no 5xx.", "",
             f"## CI steps on hostile packages (target: each within {STEP_LIMIT} s)", "",
             "| package | check | frictionless | build | coverage |", "|---|---|---|---|---|"]
    longest = 0.0
    for name, figures in steps.items():
        cells = []
        for step in ("check", "frictionless", "build", "coverage"):
            f = figures[step]
            longest = max(longest, f["seconds"])
            cells.append(f"{f['seconds']:.1f} s (exit {f['exit']})")
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    lines += ["", f"Longest step: {longest:.1f} s ({'within' if longest <= STEP_LIMIT else 'over'} the {STEP_LIMIT} s bound)."]
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", default=str(ROOT / "BENCHMARKS-hostile.md"))
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        dist = work / "dist-real"
        subprocess.run([PYTHON, str(SCRIPTS / "build.py"), str(ROOT / "datapackage.json"), "--out", str(dist)], check=True,
                       stdout=subprocess.DEVNULL)
        serve_figures = serving(dist)
        print(serve_figures, flush=True)
        steps = {name: ci_steps(package, work) for name, package in hostile_packages(work).items()}
    lines = report(serve_figures, steps)
    print("\n".join(lines))
    Path(args.out).write_text("\n".join(lines) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
