"""The build: deterministic, lossless, with keys, indexes and search, refusing invalid input."""

from __future__ import annotations

import csv
import hashlib
import json
import sqlite3
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from dpbuild import build
from dpmodel import descriptor, vocabulary

ROOT = Path(__file__).resolve().parent.parent
NAME = json.loads((ROOT / "datapackage.json").read_text())["name"]


def _csv_tables():
    package, _ = descriptor.load(ROOT / "datapackage.json")
    for resource in package.tables():
        with open(resource.file, encoding="utf-8", newline="") as f:
            yield resource, list(csv.DictReader(f))


def _typed(value: str, field: dict):
    """A CSV cell as the value it stands for, worked out here independently of the build: empty is
    None, numbers are numbers, booleans are the schema's true values."""
    if value == "":
        return None
    kind = field.get("type", "string")
    if kind == "number":
        return float(value)
    if kind == "integer":
        return int(value)
    if kind == "boolean":
        return value in vocabulary.true_values(field)
    return value


def test_two_builds_are_identical(dist, tmp_path):
    build.build(ROOT / "datapackage.json", tmp_path)
    first = {p.relative_to(dist): p.read_bytes() for p in dist.rglob("*") if p.is_file()}
    second = {p.relative_to(tmp_path): p.read_bytes() for p in tmp_path.rglob("*") if p.is_file()}
    assert first.keys() == second.keys()
    assert [name for name in first if first[name] != second[name]] == []


def test_the_inspect_file_is_what_datasette_inspect_writes(dist, tmp_path):
    import subprocess
    import sys

    subprocess.run(
        [
            str(Path(sys.executable).parent / "datasette"),
            "inspect",
            f"{NAME}.db",
            "--inspect-file",
            str(tmp_path / "i.json"),
        ],
        cwd=dist,
        check=True,
        timeout=120,
    )
    assert (tmp_path / "i.json").read_bytes() == (dist / "inspect.json").read_bytes()


def test_parquet_round_trip_equals_the_csvs(dist):
    for resource, rows in _csv_tables():
        table = pq.read_table(dist / "parquet" / f"{resource.name}.parquet").to_pylist()
        fields = resource.schema["fields"]
        expected = [{f["name"]: _typed(row[f["name"]], f) for f in fields} for row in rows]
        assert [{f["name"]: r[f["name"]] for f in fields} for r in table] == expected, resource.name


def test_sqlite_round_trip_equals_the_csvs(dist):
    conn = sqlite3.connect(dist / f"{NAME}.db")
    conn.row_factory = sqlite3.Row
    for resource, rows in _csv_tables():
        fields = resource.schema["fields"]
        names = ", ".join(f'"{f["name"]}"' for f in fields)
        found = [dict(r) for r in conn.execute(f'SELECT {names} FROM "{resource.name}" ORDER BY rowid')]
        expected = [{f["name"]: _typed(row[f["name"]], f) for f in fields} for row in rows]
        assert found == expected, resource.name


def test_reduced_dates_gain_precision_and_span(dist):
    events = {r["event_id"]: r for r in pq.read_table(dist / "parquet" / "events.parquet").to_pylist()}
    summit = events["csto-summit-minsk-2023-11-23"]
    assert (summit["start_date"], summit["start_date_precision"]) == ("2023-11-23", "day")
    month = events["putin-xi-meeting-2023-03"]
    assert (month["start_date_precision"], str(month["start_date_earliest"]), str(month["start_date_latest"])) == (
        "month",
        "2023-03-01",
        "2023-03-31",
    )


def test_foreign_keys_hold_and_every_one_is_indexed(dist):
    conn = sqlite3.connect(dist / f"{NAME}.db")
    assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
    tables = [
        r[0]
        for r in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE '%_fts%' AND name NOT LIKE 'sqlite_%'"
        )
    ]
    unindexed = []
    for table in tables:
        leading = set()
        for index in conn.execute(f'PRAGMA index_list("{table}")').fetchall():
            leading.add(conn.execute(f'PRAGMA index_info("{index[1]}")').fetchall()[0][2])
        for fk in conn.execute(f'PRAGMA foreign_key_list("{table}")').fetchall():
            if fk[3] not in leading:
                unindexed.append(f"{table}.{fk[3]}")
    assert unindexed == []


def test_full_text_search_in_italian_english_and_misspelt_names(dist):
    conn = sqlite3.connect(dist / f"{NAME}.db")

    def search(table, term):
        return [r[0] for r in conn.execute(f"SELECT rowid FROM {table}_fts WHERE {table}_fts MATCH ?", [term])]

    assert search("statements", "disintegrazione") == search("statements", "disintegration") != []
    xi = conn.execute("SELECT rowid FROM actors WHERE actor_id = 'xi-jinping'").fetchone()[0]
    assert search("actors", '"Xi Jinoping"') == [xi]
    assert search("events", "Batken") != []


def test_each_full_text_index_holds_its_table_exactly_once(dist):
    """FTS5's integrity check of each index against its table (each is created empty and
    filled once its table's rows are in): a row missing, changed or indexed twice fails it."""
    conn = sqlite3.connect(dist / f"{NAME}.db")
    indexes = [
        r[0]
        for r in conn.execute(
            "SELECT name FROM sqlite_master WHERE sql LIKE 'CREATE VIRTUAL TABLE%USING FTS5%' COLLATE NOCASE"
        )
    ]
    assert set(indexes) >= {"statements_fts", "events_fts", "actors_fts"}
    for index in indexes:
        conn.execute(
            f"INSERT INTO [{index}]([{index}], rank) VALUES ('integrity-check', 1)"
        )  # raises if it does not hold
        assert conn.execute(f"SELECT count(*) FROM [{index}]").fetchone()[0] > 0, index


def test_the_trigram_index_of_names_answers_like_as_the_actors_table_does(dist):
    """The site asks the index whether any name contains what a visitor typed; it must say what
    `all_names LIKE` on the table says (ASCII case folded, other letters not, % and _ wildcards)."""
    from dpbuild.sqlite import names_index

    conn = sqlite3.connect(dist / f"{NAME}.db")
    index = names_index("actors")
    assert (
        conn.execute(f"SELECT count(*) FROM [{index}]").fetchone()
        == conn.execute("SELECT count(*) FROM actors").fetchone()
    )
    for typed in (
        "lukashenko",
        "LAVROV",
        "Xi Jinoping",
        "ina",
        "xi",
        "%",
        "_",
        "a_b",
        "szijjártó",
        "SZIJJÁRTÓ",
        "comunità",
        "nobody9",
    ):
        on_table = conn.execute(
            "SELECT count(*) FROM actors WHERE all_names LIKE '%' || ? || '%'", (typed,)
        ).fetchone()[0]
        on_index = conn.execute(
            f"SELECT count(*) FROM [{index}] WHERE all_names LIKE '%' || ? || '%'", (typed,)
        ).fetchone()[0]
        assert on_index == on_table, typed


def test_the_parquet_descriptor_lists_every_file_with_its_hash(dist):
    described = json.loads((dist / "datapackage.json").read_text())
    files = sorted(p.name for p in (dist / "parquet").glob("*.parquet"))
    assert sorted(Path(r["path"]).name for r in described["resources"]) == files
    for resource in described["resources"]:
        data = (dist / resource["path"]).read_bytes()
        assert resource["hash"] == "sha256:" + hashlib.sha256(data).hexdigest()


def test_build_refuses_a_package_that_does_not_validate(pkg, tmp_path, capsys):
    pkg.set("places", {"place_id": "minsk"}, "latitude", "ninety")
    out = tmp_path / "out"
    assert build.main([str(pkg.descriptor), "--out", str(out)]) == 1
    assert "does not validate" in capsys.readouterr().out
    assert not out.exists()


def test_dated_tables_are_also_partitioned_by_year(dist):
    import pyarrow.dataset as ds

    events = ds.dataset(dist / "parquet" / "by-year" / "events", format="parquet", partitioning="hive")
    assert events.count_rows() == pq.read_table(dist / "parquet" / "events.parquet").num_rows
    assert (dist / "parquet" / "by-year" / "events" / "year=2023").is_dir()
    in_2023 = events.to_table(filter=ds.field("year") == 2023).column("start_date").to_pylist()
    assert in_2023 and all(d.startswith("2023") for d in in_2023)


def _text(value, kind: str) -> str | None:
    """A typed value as the CSV writes it: numbers in canonical form, booleans as true/false."""
    if value is None:
        return None
    if kind == "boolean":
        return "true" if value else "false"
    if kind == "number":
        return repr(float(value))
    return str(value)


def test_csv_sqlite_parquet_and_the_spreadsheet_agree_as_text_cell_for_cell(dist):
    import openpyxl

    workbook = openpyxl.load_workbook(dist / f"{NAME}.xlsx", read_only=True)
    conn = sqlite3.connect(dist / f"{NAME}.db")
    for resource, rows in _csv_tables():
        fields = resource.schema["fields"]
        names = [f["name"] for f in fields]
        pk = resource.primary_key
        order = ", ".join(pk)
        in_sqlite = conn.execute(f"SELECT {', '.join(names)} FROM {resource.name} ORDER BY {order}").fetchall()
        in_parquet = pq.read_table(dist / "parquet" / f"{resource.name}.parquet", columns=names).to_pylist()
        csv_cells = [[row[n] or None for n in names] for row in sorted(rows, key=lambda r: [r[k] for k in pk])]
        kinds = [f.get("type", "string") for f in fields]
        assert [[_text(v, k) for v, k in zip(row, kinds)] for row in in_sqlite] == csv_cells, resource.name
        parquet_rows = sorted(in_parquet, key=lambda r: [r[k] for k in pk])
        assert [[_text(r[n], k) for n, k in zip(names, kinds)] for r in parquet_rows] == csv_cells, resource.name
        sheet = list(workbook[resource.name].iter_rows(values_only=True))
        assert list(sheet[0]) == names, resource.name
        sheet_rows = sorted(sheet[1:], key=lambda r: [r[names.index(k)] for k in pk])
        assert [[_text(v, k) for v, k in zip(row, kinds)] for row in sheet_rows] == csv_cells, resource.name
    assert workbook.sheetnames[:2] == ["About", "Columns"]


def test_the_spreadsheet_keeps_text_as_text_and_refuses_to_cut(tmp_path):
    """A cell that looks like a formula stays text; a value Excel cannot hold whole stops the
    spreadsheet with a message naming the table, row and column."""
    import openpyxl
    import pyarrow as pa

    from dpbuild import xlsx
    from dpbuild.typed import TypedTable

    schema = {"fields": [{"name": "id", "type": "string"}, {"name": "note", "type": "string"}]}
    formula = TypedTable("t", schema, {"id": pa.array(["a"]), "note": pa.array(['=HYPERLINK("http://x","y")'])})
    xlsx.write([formula], {"title": "T"}, tmp_path / "t.xlsx")
    cell = openpyxl.load_workbook(tmp_path / "t.xlsx")["t"]["B2"]
    assert (cell.data_type, cell.value) == ("s", '=HYPERLINK("http://x","y")')
    huge = TypedTable("t", schema, {"id": pa.array(["a", "b"]), "note": pa.array(["ok", "x" * 40_000])})
    with pytest.raises(xlsx.TooBigForExcel, match="t row 2, column note: 40,000 characters"):
        xlsx.write([huge], {"title": "T"}, tmp_path / "u.xlsx")


def test_the_parquet_descriptor_passes_frictionless(dist):
    from frictionless import validate

    report = validate(str(dist / "datapackage.json"))
    assert report.valid, [(t.name, [e.message for e in t.errors][:2]) for t in report.tasks if not t.valid][:3]


def test_an_output_path_outside_out_is_refused(tmp_path):
    from dpbuild import outputs

    out = tmp_path / "out"
    out.mkdir()
    assert outputs.inside(out, "parquet", "events.parquet") == (out / "parquet" / "events.parquet").resolve()
    (out / "parquet").symlink_to(tmp_path)  # a link inside --out that leads out of it
    for parts in (("..", "x.db"), ("/etc", "passwd"), ("parquet", "events.parquet"), ("a", "..", "..", "b")):
        with pytest.raises(outputs.OutsideOutput):
            outputs.inside(out, *parts)


def test_a_package_named_to_escape_out_writes_nothing_outside(pkg, tmp_path, capsys):
    descriptor = json.loads(pkg.descriptor.read_text())
    descriptor["name"] = "../../escaped"
    descriptor["resources"][0]["name"] = "../escaped-table"
    pkg.descriptor.write_text(json.dumps(descriptor))
    out = tmp_path / "deep" / "out"
    before = sorted(p.name for p in tmp_path.rglob("*"))
    assert build.main([str(pkg.descriptor), "--out", str(out)]) == 1
    assert sorted(p.name for p in tmp_path.rglob("*")) == before


def test_rows_reach_sqlite_exactly_whatever_they_hold(monkeypatch):
    """The JSON batches carry every value back exactly: quotes, backslashes, control characters,
    non-BMP text, empty and missing cells, booleans, extreme numbers, dates, across batches."""
    import datetime

    import pyarrow as pa

    from dpbuild import sqlite as sqlite_out
    from dpbuild.typed import TypedTable

    monkeypatch.setattr(sqlite_out, "BATCH_ROWS", 2)  # three batches of five rows
    texts = ['a "quoted" \\ back', "line\nbreak\ttab\x01", "emoji 𝄞 é ✓", "", None]
    numbers = [5e-324, 1.7976931348623157e308, -0.0, 0.1 + 0.2, None]
    schema = {
        "fields": [
            {"name": "id", "type": "integer"},
            {"name": "text", "type": "string"},
            {"name": "n", "type": "number"},
            {"name": "flag", "type": "boolean"},
            {"name": "day", "type": "date"},
        ],
        "primaryKey": ["id"],
    }
    table = TypedTable(
        "t",
        schema,
        {
            "id": pa.array([1, 2, 3, 4, 5], pa.int64()),
            "text": pa.array(texts, pa.string()),
            "n": pa.array(numbers, pa.float64()),
            "flag": pa.array([True, False, None, True, False]),
            "day": pa.array([datetime.date(2023, 4, 16)] * 4 + [None], pa.date32()),
        },
    )
    conn = sqlite3.connect(":memory:")
    conn.execute(sqlite_out.create_sql(table))
    sqlite_out.insert(conn, table)
    assert conn.execute("SELECT * FROM t ORDER BY id").fetchall() == [
        (i + 1, texts[i], numbers[i], [1, 0, None, 1, 0][i], "2023-04-16" if i < 4 else None) for i in range(5)
    ]
    assert [type(v) for v in conn.execute("SELECT n FROM t WHERE id = 3").fetchone()] == [float]


def test_a_value_xlsxwriter_would_cut_stops_the_spreadsheet(tmp_path, monkeypatch):
    """XlsxWriter cuts a string over its limit and says so only by a return code: with the
    project's own length check out of the way, that code alone still stops the spreadsheet."""
    import pyarrow as pa

    from dpbuild import xlsx
    from dpbuild.typed import TypedTable

    monkeypatch.setattr(xlsx, "MAX_CELL", 10**9)
    schema = {"fields": [{"name": "id", "type": "string"}, {"name": "note", "type": "string"}]}
    huge = TypedTable("t", schema, {"id": pa.array(["a"]), "note": pa.array(["x" * 40_000])})
    with pytest.raises(
        xlsx.TooBigForExcel,
        match=r"t row 1, column note: the spreadsheet cannot hold this value as it is \(XlsxWriter code -2\)",
    ):
        xlsx.write([huge], {"title": "T"}, tmp_path / "u.xlsx")
