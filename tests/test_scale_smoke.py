"""A small-N run of the scale pipeline: synthetic package, full validation, build, index use.
(The figures themselves come from `make bench`, never from a test.)"""
from __future__ import annotations

import json
import sqlite3

from dpbuild import build
from dpbench import synth
from test_query_plans import full_scans
from dpbuild.queries import CANNED_QUERIES


def test_synthetic_package_validates_builds_and_uses_indexes(tmp_path, capsys):
    out = tmp_path / "synth"
    rows = synth.write(out, 3000, seed=7)
    assert rows >= 3000
    from dpcheck import validate
    problems, checked = validate.validate(out / "datapackage.json")
    assert problems == [], [str(p) for p in problems[:5]]
    dist = tmp_path / "dist"
    build.build(out / "datapackage.json", dist)
    name = json.loads((out / "datapackage.json").read_text())["name"]
    conn = sqlite3.connect(dist / f"{name}.db")
    assert conn.execute("SELECT count(*) FROM citations").fetchone()[0] > 900  # about a third of the fact rows
    for query in CANNED_QUERIES.values():
        assert full_scans(conn, query["sql"], query["params"]) == []


def test_synthesis_is_deterministic(tmp_path):
    synth.write(tmp_path / "a", 1500, seed=3)
    synth.write(tmp_path / "b", 1500, seed=3)
    a = {p.relative_to(tmp_path / "a"): p.read_bytes() for p in (tmp_path / "a").rglob("*") if p.is_file()}
    b = {p.relative_to(tmp_path / "b"): p.read_bytes() for p in (tmp_path / "b").rglob("*") if p.is_file()}
    assert a == b
