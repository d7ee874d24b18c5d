"""Property: what `make check` accepts, `make build`, `make coverage` and `make codebook` take.

Hypothesis writes thousands of tiny packages within the profile's shape (1 to 3 tables, up to 5
rows), with names at the grammar's edges (reserved names, names the build derives, the longest
allowed and one more), numbers and integers at the edges of their domains, reduced dates with and
without their pattern, and keywords naming tables and fields that do not exist. For each: the
validator either refuses it, every line located (a file, and no rule that crashed), or accepts
it, and then the build (SQLite, Parquet and the spreadsheet), the coverage measure and the
codebook all complete, in this process."""

from __future__ import annotations

import os
import random
import shutil
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_names_and_domains import DATE, Tiny

from dpbuild import build, codebook
from dpcheck import frictionless_check, text_coverage, validate
from dpmodel import descriptor

TABLE_NAMES = [
    "t",
    "u",
    "v",
    "a" * 31,
    "a" * 32,
    "t_fts",
    "u_fts_data",
    "t_all_names_fts",
    "source_texts",
    "events_full",
    "timeline",
    "who_met_whom",
    "idx_t_x",
    "sqlite_t",
    "about",
    "Columns",
    "x-y",
    "events",
]
FIELD_NAMES = [
    "d",
    "n",
    "i",
    "b",
    "s",
    "k",
    "d_earliest",
    "d_precision",
    "year",
    "all_names",
    "rowid",
    "rank",
    "text",
    "x]y",
    'q"q',
    "a" * 63,
    "a" * 64,
    "Label",
    "t_fts",
]
TYPES = ["string", "number", "integer", "boolean"]
VALUES = {
    # The first three of each are ordinary; the rest are the edges.
    "string": ["", "x", "a,b", "x]y", '"', "line\nbreak", "è", "z" * 300],
    "number": ["1.0", "", "0.0", "1e+308", "1.7976931348623157e+308", "1.8e+308", "-1e+309", "5e-324", "nan", "abc"],
    "integer": ["0", "", "-7", str(2**63 - 1), str(2**63), str(-(2**63)), str(-(2**63) - 1), "1.0"],
    "boolean": ["true", "false", "", "yes"],
    "date": ["2023", "2023-02", "2023-02-28", "2023-02-30", "0000", "1000", "9999-12-31", "yesterday", ""],
}


EDGE = 0.12  # how often a name or keyword is drawn from the hostile end of its list


def table_spec(rng: random.Random, others: list[str]) -> tuple[str, dict, list[dict]]:
    """A table's (name, schema, rows): an `id` key, up to four more fields, some keywords."""
    pick = rng.choice
    edge = lambda: rng.random() < EDGE  # noqa: E731
    name = pick(TABLE_NAMES if edge() else TABLE_NAMES[:3])
    fields = [{"name": "id", "type": "string", "constraints": {"required": True}}]
    for _ in range(rng.randint(0, 4)):
        kind = pick(TYPES + ["date"])
        f = {"name": pick(FIELD_NAMES if edge() else FIELD_NAMES[:6]), "type": "string" if kind == "date" else kind}
        if kind == "date":
            f["x-reduced-date"] = True
            pattern = pick([None, "[0-9a-z-]+"]) if edge() else DATE
            if pattern:
                f["constraints"] = {"pattern": pattern}
        elif kind == "string" and rng.random() < 0.3:
            f["constraints"] = {"maxLength": pick([1, 300, 32_767, 32_768])}
        fields.append(f)
    schema = {"fields": fields, "primaryKey": ["id"]}
    named = [f["name"] for f in fields]
    reduced = [f["name"] for f in fields if f.get("x-reduced-date")]
    if rng.random() < 0.4:
        schema["x-search"] = [pick(named + ["all_names", "missing"] if edge() else named)]
    if rng.random() < 0.4 and (reduced or edge()):
        schema["x-partition-date"] = pick(reduced + ["missing"] if edge() else reduced) if reduced else pick(named)
    if rng.random() < 0.3:
        columns = named + [f"{r}_{s}" for r in reduced for s in ("earliest", "latest")]
        schema["x-datasette"] = {
            "sort": pick(columns + ["missing_earliest"] if edge() else columns),
            "label_column": pick(named),
        }
    if others and rng.random() < 0.5:
        target = pick(others + ["nowhere"] if edge() else others)
        own = pick(named[1:]) if len(named) > 1 else "id"
        schema["foreignKeys"] = [
            {"fields": [own], "reference": {"resource": target, "fields": [pick(["d", "missing"]) if edge() else "id"]}}
        ]
        if rng.random() < 0.4:
            schema["x-search-names"] = [
                {"column": pick(["all_names", named[-1], "x]y"]) if edge() else "who", "field": own}
            ]
    if others and rng.random() < 0.3:
        schema["x-all-names"] = {
            "resource": pick(others + ["nowhere"] if edge() else others),
            "key": pick(["d", "missing"]) if edge() else "id",
            "name": "id",
        }
    if others and rng.random() < 0.2:
        schema["x-referenced"] = {"by": "facts", "except": [pick(others + ["nowhere"] if edge() else others)]}
    if edge():  # a field named like a column the build adds (written out here, not asked of the code under test)
        created = [f"{r}_{suffix}" for r in reduced for suffix in ("precision", "earliest", "latest")]
        created += ["year"] * ("x-partition-date" in schema) + ["all_names"] * ("x-all-names" in schema)
        created += [spec["column"] for spec in schema.get("x-search-names", [])]
        if created:
            fields.append({"name": pick(created), "type": "string"})
    rows = []
    for r in range(rng.randint(0, 5)):
        row = {"id": f"r{r}"}
        for f in fields[1:]:
            kind = "date" if f.get("x-reduced-date") else f["type"]
            row[f["name"]] = pick(VALUES[kind] if edge() else VALUES[kind][:3])
        rows.append(row)
    if schema.get("foreignKeys"):  # keys that exist, sometimes one that does not
        own = schema["foreignKeys"][0]["fields"][0]
        for row in rows:
            row[own] = pick(["gone"]) if edge() else "r0"
    return name, schema, rows


def package_spec(seed: int) -> list:
    """1 to 3 tables from one seed: drawing each choice through hypothesis would cost more than
    validating the package, and the seed alone reproduces a failing example."""
    rng = random.Random(seed)
    tables: list = []
    for _ in range(rng.randint(1, 3)):
        tables.append(table_spec(rng, [name for name, _, _ in tables]))
    return tables


# Each example writes a package and, when accepted, its build (about twenty files and folders):
# in memory where the system has a tmpfs (Linux's /dev/shm), where a file costs no journal and no
# disk, and each example's folder is removed as soon as it is judged. The filesystem is no part of
# the property; elsewhere the examples are written under pytest's tmp_path.
SHM = Path("/dev/shm")


def scratch_root(tmp_path: Path) -> Path:
    return SHM if SHM.is_dir() and os.access(SHM, os.W_OK) else tmp_path


def test_whatever_the_validator_accepts_builds(tmp_path, monkeypatch):
    # Frictionless's descriptor check only ever adds refusals; without it more packages reach the
    # build, a stronger property, at a third of the time (it reads each descriptor in Python).
    monkeypatch.setattr(frictionless_check, "_check", lambda *args: [])
    seen = {"refused": 0, "built": 0}
    root = Path(tempfile.mkdtemp(prefix="accepted-builds-", dir=scratch_root(tmp_path))).resolve()

    @settings(
        max_examples=2000,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(st.integers(0, 2**32))
    def check(seed):
        folder = Path(tempfile.mkdtemp(dir=root))
        try:
            judge(seed, folder)
        finally:
            shutil.rmtree(folder)

    def judge(seed: int, folder: Path) -> None:
        tables = package_spec(seed)
        pkg = Tiny(folder / "p", tables)
        problems, _ = validate.validate(pkg.descriptor)
        if problems:
            # Located: a file of the package, never the validator's own "rule could not run".
            assert all(p.file and p.message and not p.file.startswith("scripts/") for p in problems), (seed, problems)
            seen["refused"] += 1
            return
        build.build(pkg.descriptor, folder / "dist")
        package, _ = descriptor.load(pkg.descriptor)
        for section in (
            codebook.codebook,
            codebook.tables_section,
            codebook.counts_section,
            codebook.cite_section,
            codebook.citation_cff,
        ):
            assert section(package)
        try:
            text_coverage.measure(pkg.descriptor)
        except text_coverage.BadInput as exc:  # refused with a located line: here, the package has no sources table
            assert str(exc).startswith(str(pkg.descriptor)), exc
        seen["built"] += 1

    try:
        check()
    finally:
        shutil.rmtree(root)
    # Neither side is vacuous: many packages are refused, and many are built.
    assert seen["built"] > 300 and seen["refused"] > 600, seen
