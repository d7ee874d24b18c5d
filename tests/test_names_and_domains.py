"""One grammar for names, one value domain per type: what `make check` accepts, the build can
write. Each class of hostile package the probe of issue 23 found (names that break SQL or collide
with what the build creates, keywords naming nothing, numbers and integers beyond what the outputs
hold, reduced dates without their pattern, text beyond a spreadsheet cell, more partition years
than Arrow writes at once) in at least three variants of its own, on a tiny package: each refused
with one located line naming the rule, never a traceback; or, where the build can take it, built."""

from __future__ import annotations

import copy
import json
import re
import sqlite3
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from test_hostile import fails_cleanly

from dpbuild import build, codebook, xlsx
from dpcheck import validate
from dpmodel import csvfile, dates, descriptor, names, vocabulary

ROOT = Path(__file__).resolve().parent.parent
DATE = dates.PATTERN.pattern


class Tiny:
    """A small package in a folder: tables given as (name, schema, rows), each schema in
    schemas/<n>.json and its rows in data/<n>.csv, written in canonical form."""

    def __init__(self, root: Path, tables: list[tuple[str, dict, list[dict]]], version: str = "1.0.0"):
        self.root = root
        (root / "data").mkdir(parents=True)
        (root / "schemas").mkdir()
        resources = []
        for n, (name, schema, rows) in enumerate(tables):
            schema = {"description": f"Table {n}.", **schema}
            (root / "schemas" / f"t{n}.json").write_text(json.dumps(schema), encoding="utf-8")
            resources.append({"name": name, "path": f"data/t{n}.csv", "schema": f"schemas/t{n}.json"})
            (root / "data" / f"t{n}.csv").write_text(render(schema, rows), encoding="utf-8")
        self.descriptor.write_text(
            json.dumps({"name": "tiny", "version": version, "resources": resources}), encoding="utf-8"
        )

    @property
    def descriptor(self) -> Path:
        return self.root / "datapackage.json"


def render(schema: dict, rows: list[dict]) -> str:
    """Rows as the canonical CSV of the schema (numbers in their one form, sorted by key); a field
    with a name no CSV header can hold is still written, for the validator to refuse."""
    fields = [f for f in schema.get("fields", []) if isinstance(f, dict) and isinstance(f.get("name"), str)]
    cells = [csvfile.canonical_cells(fields, {f["name"]: r.get(f["name"]) or None for f in fields}) for r in rows]
    key = (
        [k for k in (schema.get("primaryKey") or []) if isinstance(k, str)]
        if isinstance(schema.get("primaryKey"), list)
        else []
    )
    cells.sort(key=lambda r: tuple(r.get(k) or "" for k in key))
    return csvfile.render([f["name"] for f in fields], [{k: v or "" for k, v in r.items()} for r in cells])


def field(name: str, kind: str = "string", **more) -> dict:
    return {"name": name, "type": kind, **more}


def reduced(name: str, **more) -> dict:
    return {"name": name, "type": "string", "constraints": {"pattern": DATE}, "x-reduced-date": True, **more}


ID = {"name": "id", "type": "string", "constraints": {"required": True}}


def base() -> list[tuple[str, dict, list[dict]]]:
    """Two tables, valid: t (searched, a reduced date, numbers) and u pointing at t."""
    t = {
        "fields": [ID, reduced("day"), field("n", "number"), field("i", "integer"), field("note")],
        "primaryKey": ["id"],
        "x-search": ["note"],
        "x-partition-date": "day",
    }
    u = {
        "fields": [ID, field("t_id", constraints={"required": True}), field("label")],
        "primaryKey": ["id"],
        "foreignKeys": [{"fields": ["t_id"], "reference": {"resource": "t", "fields": ["id"]}}],
    }
    return [
        ("t", t, [{"id": "a", "day": "2023-04", "n": "1.5", "i": "7", "note": "x"}]),
        ("u", u, [{"id": "b", "t_id": "a", "label": "B"}]),
    ]


def changed(change) -> list:
    tables = copy.deepcopy(base())
    change({name: schema for name, schema, _ in tables}, {name: rows for name, _, rows in tables}, tables)
    return tables


def _named(tables, old, new):
    tables[[n for n, _, _ in tables].index(old)] = (new,) + tuple(tables[[n for n, _, _ in tables].index(old)][1:])


def test_the_base_package_validates_and_builds(tmp_path):
    pkg = Tiny(tmp_path / "p", base())
    assert validate.main([str(pkg.descriptor)]) == 0
    db = build.build(pkg.descriptor, tmp_path / "dist")
    assert sqlite3.connect(db).execute('SELECT count(*) FROM "t_fts"').fetchone() == (1,)


# --- each case: (change to the base package, the start of the line the report must have) ----
def _field_name(name):
    return lambda s, r, t: s["t"]["fields"].append(field(name))


GRAMMAR = "^[a-z][a-z0-9_]{0,62}$"
NAME_CASES = {
    "bracket_in_a_field_name": (_field_name("x]y"), f'schemas/t0.json x]y: name "x]y" does not match {GRAMMAR}'),
    "quote_in_a_field_name": (_field_name('a"b'), f'schemas/t0.json a"b: name "a\\"b" does not match {GRAMMAR}'),
    "capital_in_a_field_name": (_field_name("Note"), f'schemas/t0.json Note: name "Note" does not match {GRAMMAR}'),
    "field_name_too_long": (
        _field_name("a" * 64),
        f'schemas/t0.json {"a" * 64}: name "{"a" * 59}… does not match {GRAMMAR}',
    ),
    "table_name_with_a_dash": (
        lambda s, r, t: _named(t, "u", "u-v"),
        'datapackage.json resources[1].name: "u-v" does not match ^[a-z][a-z0-9_]{0,30}$',
    ),
    "table_name_over_a_sheet_name": (
        lambda s, r, t: _named(t, "u", "u" * 32),
        'datapackage.json resources[1].name: "uuuu',
    ),
}
CREATED_COLUMN_CASES = {
    "field_named_like_a_derived_date_column": (
        _field_name("day_earliest"),
        "schemas/t0.json day_earliest: is a name the build creates for the earliest of the reduced date day",
    ),
    "field_named_like_the_precision_column": (
        _field_name("day_precision"),
        "schemas/t0.json day_precision: is a name the build creates for the precision of the reduced date day",
    ),
    "field_named_like_the_partition_column": (
        _field_name("year"),
        "schemas/t0.json year: is a name the build creates for the year the Parquet copy is partitioned by",
    ),
    "field_named_like_all_names": (
        lambda s, r, t: (
            s["u"]["fields"].append(field("all_names")),
            s["u"].update({"x-all-names": {"resource": "t", "key": "id", "name": "note"}}),
        ),
        "schemas/t1.json all_names: is a name the build creates for the name forms x-all-names adds",
    ),
    "field_named_rowid": (
        _field_name("rowid"),
        "schemas/t0.json rowid: is SQLite's row id's name; a column may not have it",
    ),
    "field_named_rank": (
        _field_name("rank"),
        "schemas/t0.json rank: is FTS5's rank column's name; a column may not have it",
    ),
    "search_names_column_named_like_a_field": (
        lambda s, r, t: s["u"].update({"x-search-names": [{"column": "label", "field": "t_id"}]}),
        "schemas/t1.json label: is a name the build creates for a column x-search-names adds",
    ),
}
CREATED_TABLE_CASES = {
    "table_named_like_a_full_text_index": (
        lambda s, r, t: _named(t, "u", "t_fts"),
        'datapackage.json resources[1].name: "t_fts" is a name the build creates for the full-text index of t',
    ),
    "table_named_like_an_fts5_shadow_table": (
        lambda s, r, t: _named(t, "u", "t_fts_docsize"),
        'datapackage.json resources[1].name: "t_fts_docsize" is a name the build creates for the full-text index of t',
    ),
    "table_named_source_texts": (
        lambda s, r, t: _named(t, "u", "source_texts"),
        'datapackage.json resources[1].name: "source_texts" is a name the build creates for the table of article texts',
    ),
    "table_named_like_a_view": (
        lambda s, r, t: _named(t, "u", "events_full"),
        'datapackage.json resources[1].name: "events_full" is a name the build creates for a view',
    ),
    "table_named_like_a_canned_query": (
        lambda s, r, t: _named(t, "u", "who_met_whom"),
        'datapackage.json resources[1].name: "who_met_whom" is a name the build creates for a canned query',
    ),
    "table_named_like_an_index": (
        lambda s, r, t: _named(t, "u", "idx_u_t_id"),
        "datapackage.json resources[1].name: \"idx_u_t_id\" begins with 'idx_'",
    ),
    "table_named_like_sqlite_s_own": (
        lambda s, r, t: _named(t, "u", "sqlite_stat1"),
        "datapackage.json resources[1].name: \"sqlite_stat1\" begins with 'sqlite_'",
    ),
    "table_named_like_a_sheet": (
        lambda s, r, t: _named(t, "u", "columns"),
        'datapackage.json resources[1].name: "columns" is a name the build creates for a sheet of the spreadsheet',
    ),
}
REFERENCE_CASES = {
    "all_names_from_a_missing_table": (
        lambda s, r, t: s["t"].update({"x-all-names": {"resource": "aliases", "key": "id", "name": "x"}}),
        "schemas/t0.json x-all-names: names 'aliases', which is not a table of the package",
    ),
    "all_names_key_missing_in_its_table": (
        lambda s, r, t: s["t"].update({"x-all-names": {"resource": "u", "key": "actor_id", "name": "label"}}),
        "schemas/t0.json x-all-names: names 'actor_id', which is not a field of u",
    ),
    "search_names_through_a_missing_table": (
        lambda s, r, t: s["t"].update(
            {"x-search-names": [{"column": "who", "field": "t_id", "resource": "links", "key": "t_id"}]}
        ),
        "schemas/t0.json x-search-names: names 'links', which is not a table of the package",
    ),
    "search_names_through_a_table_without_its_key": (
        lambda s, r, t: s["t"].update({"x-search-names": [{"column": "who", "field": "t_id", "resource": "u"}]}),
        "schemas/t0.json x-search-names[0]: needs 'key' with 'resource'",
    ),
    "described_by_a_missing_field": (
        lambda s, r, t: s["t"].update(
            {"x-described-by": {"when_field": "note", "when_value": "x", "resource": "u", "field": "who", "rule": "r"}}
        ),
        "schemas/t0.json x-described-by: names 'who', which is not a field of u",
    ),
    "referenced_except_a_missing_table": (
        lambda s, r, t: s["t"].update({"x-referenced": {"by": "facts", "except": ["nowhere"]}}),
        "schemas/t0.json x-referenced: names 'nowhere', which is not a table of the package",
    ),
    "sort_by_a_missing_column": (
        lambda s, r, t: s["t"].update({"x-datasette": {"sort": "day_middle"}}),
        "schemas/t0.json x-datasette: names 'day_middle', which is not a field of the schema nor a column the build adds",
    ),
    "target_kind_field_missing_in_the_target": (
        lambda s, r, t: s["u"]["fields"][1].update(
            {"x-target-kind": {"field": "kind", "values": ["a"], "rule": "is {kind}"}}
        ),
        "schemas/t1.json t_id: x-target-kind names 'kind', which is not a field of t",
    ),
    "foreign_key_to_a_field_that_is_not_the_key": (
        lambda s, r, t: s["u"]["foreignKeys"][0]["reference"].update(fields=["note"]),
        "schemas/t1.json foreignKeys: references t.note, which is not the primary key of t (id)",
    ),
    "foreign_key_between_types": (
        lambda s, r, t: (
            s["u"]["foreignKeys"][0].update(fields=["n"], reference={"resource": "t", "fields": ["id"]}),
            s["u"]["fields"].append(field("n", "integer")),
        ),
        "schemas/t1.json n: is integer, but the field it references, t.id, is string",
    ),
}


def _cell(table, name, value):
    return lambda s, r, t: r[table][0].update({name: value})


ASTRAL_OVER = f"data/t0.csv:2 note: '{chr(0x1F600) * 60}… (16385 characters)' is outside the 32,767 characters"
DOMAIN = {
    "number": "is outside the numbers every download holds exactly",
    "integer": "is outside the integers every download holds exactly",
}
VALUE_CASES = {
    "number_overflowing_a_double": (_cell("t", "n", "1e+309"), f"data/t0.csv:2 n: '1e+309' {DOMAIN['number']}"),
    "negative_number_overflowing_a_double": (
        _cell("t", "n", "-1.8e+308"),
        f"data/t0.csv:2 n: '-1.8e+308' {DOMAIN['number']}",
    ),
    "number_of_four_hundred_digits": (
        _cell("t", "n", "9" * 400 + ".0"),
        f"data/t0.csv:2 n: '{'9' * 60}… (402 characters)' {DOMAIN['number']}",
    ),
    "integer_two_to_the_63": (_cell("t", "i", str(2**63)), f"data/t0.csv:2 i: '{2**63}' {DOMAIN['integer']}"),
    "integer_below_minus_two_to_the_63": (
        _cell("t", "i", str(-(2**63) - 1)),
        f"data/t0.csv:2 i: '{-(2**63) - 1}' {DOMAIN['integer']}",
    ),
    "integer_of_forty_digits": (_cell("t", "i", "1" * 40), f"data/t0.csv:2 i: '{'1' * 40}' {DOMAIN['integer']}"),
    # A spreadsheet keeps 15 significant digits and reads anything nearer 0 than the smallest
    # normal double as 0: a value any download would round is refused, never rounded silently.
    "number_of_sixteen_significant_digits": (
        _cell("t", "n", "0.1234567890123456"),
        f"data/t0.csv:2 n: '0.1234567890123456' {DOMAIN['number']}",
    ),
    "number_of_seventeen_digits_a_double_rounds": (
        _cell("t", "n", "9007199254740993.0"),
        f"data/t0.csv:2 n: '9007199254740993.0' {DOMAIN['number']}",
    ),
    "subnormal_number": (_cell("t", "n", "5e-324"), f"data/t0.csv:2 n: '5e-324' {DOMAIN['number']}"),
    "number_that_underflows_to_zero": (_cell("t", "n", "1e-400"), f"data/t0.csv:2 n: '1e-400' {DOMAIN['number']}"),
    "number_beyond_excel_below_a_double": (_cell("t", "n", "1e+308"), f"data/t0.csv:2 n: '1e+308' {DOMAIN['number']}"),
    "integer_of_sixteen_digits": (
        _cell("t", "i", "1234567890123456"),
        f"data/t0.csv:2 i: '1234567890123456' {DOMAIN['integer']}",
    ),
    "integer_two_to_the_53_plus_one": (
        _cell("t", "i", str(2**53 + 1)),
        f"data/t0.csv:2 i: '{2**53 + 1}' {DOMAIN['integer']}",
    ),
    "text_over_a_spreadsheet_cell": (
        _cell("t", "note", "x" * 32_768),
        "data/t0.csv:2 note: 'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx… (32768 characters)' is outside the 32,767 characters",
    ),
    # Excel counts UTF-16 units, so an emoji is two: 16,385 of them are over a cell, with a
    # maxLength or without one.
    "astral_text_over_a_spreadsheet_cell": (_cell("t", "note", "\U0001f600" * 16_385), ASTRAL_OVER),
    "astral_text_within_its_max_length": (
        lambda s, r, t: (
            s["t"]["fields"][4].update(constraints={"maxLength": 32_767}),
            r["t"][0].update(note="\U0001f600" * 16_385),
        ),
        ASTRAL_OVER,
    ),
    "text_of_a_megabyte": (_cell("u", "label", "y" * 1_000_000), "data/t1.csv:2 label: 'yyyy"),
    "max_length_beyond_a_spreadsheet_cell": (
        lambda s, r, t: s["t"]["fields"][4].update(constraints={"maxLength": 100_000}),
        "schemas/t0.json note: constraints.maxLength is above 32767",
    ),
}
REDUCED_DATE_CASES = {
    "reduced_date_without_its_pattern": (
        lambda s, r, t: (s["t"]["fields"][1].pop("constraints"), r["t"][0].update(day="yesterday")),
        "schemas/t0.json day: needs 'constraints'",
    ),
    "reduced_date_with_a_pattern_of_its_own": (
        lambda s, r, t: s["t"]["fields"][1].update(constraints={"pattern": "[a-z]+"}),
        f'schemas/t0.json day: constraints.pattern must be "{DATE}"',
    ),
    "reduced_date_with_other_constraints_only": (
        lambda s, r, t: s["t"]["fields"][1].update(constraints={"required": True}),
        "schemas/t0.json day: constraints needs 'pattern'",
    ),
    "reduced_date_as_an_integer": (
        lambda s, r, t: s["t"]["fields"][1].update(type="integer"),
        'schemas/t0.json day: type must be "string"',
    ),
}


# Found by a hostile reading after the first round: a search-names column named like SQLite's or
# FTS5's own, more columns than the build joins, a column searched twice.
def _search_names_column(column):
    return lambda s, r, t: s["u"].update(
        {"x-search-names": [{"column": column, "field": "t_id"}], "x-search": ["label", column]}
    )


def _fields(count, make):
    return lambda s, r, t: s["u"]["fields"].extend(make(f"c{n}") for n in range(count))


SEARCH_AND_WIDTH_CASES = {
    "search_names_column_named_rowid": (
        _search_names_column("rowid"),
        "schemas/t1.json rowid: is SQLite's row id's name; a column may not have it",
    ),
    "search_names_column_named_rank": (
        _search_names_column("rank"),
        "schemas/t1.json rank: is FTS5's rank column's name; a column may not have it",
    ),
    "search_names_column_named_oid": (
        _search_names_column("oid"),
        "schemas/t1.json oid: is SQLite's row id's name; a column may not have it",
    ),
    "sixty_five_fields": (
        _fields(62, field),
        "schemas/t1.json fields: 65 fields and 0 columns the build creates make 65; a table holds at most 64",
    ),
    "sixteen_reduced_dates": (
        _fields(16, reduced),
        "schemas/t1.json fields: 19 fields and 48 columns the build creates make 67",
    ),
    "a_column_searched_twice": (
        lambda s, r, t: s["t"].update({"x-search": ["note", "note"]}),
        "schemas/t0.json x-search: ",
    ),
}
CASES = {
    **NAME_CASES,
    **CREATED_COLUMN_CASES,
    **CREATED_TABLE_CASES,
    **REFERENCE_CASES,
    **VALUE_CASES,
    **REDUCED_DATE_CASES,
    **SEARCH_AND_WIDTH_CASES,
}


@pytest.mark.parametrize("case", list(CASES))
def test_a_hostile_package_is_refused_with_a_located_line(tmp_path, case):
    change, expected = CASES[case]
    pkg = Tiny(tmp_path / "p", changed(change))
    fails_cleanly(pkg, expected)


def test_each_class_has_three_variants_of_its_own():
    for cases in (
        NAME_CASES,
        CREATED_COLUMN_CASES,
        CREATED_TABLE_CASES,
        REFERENCE_CASES,
        VALUE_CASES,
        REDUCED_DATE_CASES,
        SEARCH_AND_WIDTH_CASES,
    ):
        assert len(cases) >= 3


# --- what the build takes whole --------------------------------------------------------------
def test_a_thousand_and_more_partition_years_are_written(tmp_path):
    """More years than Arrow writes in one call (1,024): every year gets its partition."""
    years = [f"{y:04d}" for y in range(1000, 2100)]
    tables = changed(lambda s, r, t: r["t"].__setitem__(0, None))
    tables[0] = ("t", tables[0][1], [{"id": f"e{y}", "day": y, "note": "x"} for y in years])
    tables[1] = ("u", tables[1][1], [])
    pkg = Tiny(tmp_path / "p", tables)
    assert validate.main([str(pkg.descriptor)]) == 0
    out = tmp_path / "dist"
    build.build(pkg.descriptor, out, spreadsheet=False)
    written = sorted(p.name for p in (out / "parquet" / "by-year" / "t").iterdir())
    assert written == sorted(f"year={int(y)}" for y in years)
    assert pq.read_table(out / "parquet" / "by-year" / "t" / "year=1500").column("id").to_pylist() == ["e1500"]


def test_numbers_at_the_edges_of_the_domain_reach_every_output(tmp_path):
    import openpyxl

    rows = [
        {"id": "a", "n": "9.99999999999999e+307", "i": "999999999999999"},
        {"id": "b", "n": "-9.99999999999999e+307", "i": "-999999999999999"},
        {"id": "c", "n": "2.22507385850721e-308", "i": "0", "note": "z" * vocabulary.MAX_TEXT},
    ]
    tables = changed(lambda s, r, t: None)
    tables[0] = ("t", tables[0][1], rows)
    tables[1] = ("u", tables[1][1], [])
    pkg = Tiny(tmp_path / "p", tables)
    assert validate.main([str(pkg.descriptor)]) == 0
    out = tmp_path / "dist"
    db = build.build(pkg.descriptor, out)
    assert sqlite3.connect(db).execute('SELECT n, i FROM "t" ORDER BY id').fetchall() == [
        (9.99999999999999e307, 999999999999999),
        (-9.99999999999999e307, -999999999999999),
        (2.22507385850721e-308, 0),
    ]
    sheet = openpyxl.load_workbook(out / "tiny.xlsx")["t"]
    assert len(sheet["E4"].value) == vocabulary.MAX_TEXT


def test_tables_whose_keys_form_a_cycle_are_built(tmp_path):
    def cycle(s, r, t):
        s["t"]["fields"].append(field("u_id"))
        s["t"]["foreignKeys"] = [{"fields": ["u_id"], "reference": {"resource": "u", "fields": ["id"]}}]
        r["t"][0]["u_id"] = "b"

    pkg = Tiny(tmp_path / "p", changed(cycle))
    assert validate.main([str(pkg.descriptor)]) == 0
    db = build.build(pkg.descriptor, tmp_path / "dist")
    assert sqlite3.connect(db).execute("PRAGMA foreign_key_check").fetchall() == []


def test_a_spreadsheet_that_cannot_be_written_fails_the_build_loudly(tmp_path, monkeypatch, capsys):
    """Never a download silently left out with exit 0: one line naming the table, exit 1."""
    monkeypatch.setattr(xlsx, "MAX_ROWS", 0)
    pkg = Tiny(tmp_path / "p", base())
    out = tmp_path / "dist"
    assert build.main([str(pkg.descriptor), "--out", str(out)]) == 1
    printed = capsys.readouterr()
    assert "tiny.xlsx: not written, because Excel cannot hold t: 1 rows, over Excel's 0 per sheet" in printed.out
    assert "Traceback" not in printed.out + printed.err
    assert not (out / "tiny.xlsx").exists()


def test_a_package_without_the_tables_of_the_views_builds_them_empty(tmp_path):
    pkg = Tiny(tmp_path / "p", base())
    db = build.build(pkg.descriptor, tmp_path / "dist")
    conn = sqlite3.connect(db)
    for view in ("events_full", "statements_full", "memberships_named"):
        assert conn.execute(f'SELECT * FROM "{view}"').fetchall() == []


# --- one grammar, written once ---------------------------------------------------------------
def test_the_profile_writes_the_one_name_grammar():
    table_schema = json.loads((ROOT / "schemas" / "profile" / "table-schema.json").read_text())
    data_package = json.loads((ROOT / "schemas" / "profile" / "data-package.json").read_text())
    assert table_schema["$defs"]["field"]["properties"]["name"]["pattern"] == names.FIELD_NAME
    assert table_schema["properties"]["x-search-names"]["items"]["properties"]["column"]["pattern"] == names.FIELD_NAME
    assert data_package["$defs"]["tableName"]["pattern"] == names.TABLE_NAME
    assert table_schema["$defs"]["field"]["then"]["properties"]["constraints"]["properties"]["pattern"]["const"] == DATE
    for bound in ("minLength", "maxLength"):
        assert (
            table_schema["$defs"]["constraints"]["properties"][bound]["maximum"] == vocabulary.MAX_TEXT == xlsx.MAX_CELL
        )
    assert names.MAX_TABLE_NAME == xlsx.MAX_SHEET_NAME


def test_every_name_the_build_creates_is_refused_as_a_table_name(tmp_path):
    """Build a package, list every object in its database, and ask the check about each name:
    the list comes from SQLite, not from the code under test."""
    tables = changed(lambda s, r, t: s["t"].update({"x-all-names": {"resource": "u", "key": "t_id", "name": "label"}}))
    pkg = Tiny(tmp_path / "p", tables)
    db = build.build(pkg.descriptor, tmp_path / "dist")
    made = {name for (name,) in sqlite3.connect(db).execute("SELECT name FROM sqlite_master")} - {"t", "u"}
    schemas = {name: schema for name, schema, _ in tables}
    assert made and all(names.table_name_problem(name, schemas) for name in made), sorted(
        n for n in made if not names.table_name_problem(n, schemas)
    )


def test_every_sql_identifier_in_the_build_is_quoted_by_one_function():
    """No code in dpbuild pastes a name between brackets or quotes (`[{name}]`, `"{name}"`): every
    identifier goes through names.quoted, which takes any name, even one the grammar refuses."""
    pasted_name = re.compile(r"""\[\{[a-z_.]+(\[[^\]]*\])?\}\]|(?<![(\w])\\?"\{[a-z_.]+(\[[^\]]*\])?\}\\?"(?![:\w])""")
    for path in (ROOT / "scripts" / "lib" / "dpbuild").glob("*.py"):
        if path.name in ("queries.py", "metadata.py", "codebook.py"):  # fixed SQL of the real package's tables; no SQL
            continue
        code = [line.split("  #")[0] for line in path.read_text().splitlines()]
        assert [line.strip() for line in code if pasted_name.search(line)] == [], path.name


def test_create_and_insert_take_any_name():
    """What the grammar keeps out, the quoting would still hold: a table and columns named with
    brackets and quotes are created, filled and read back exactly."""
    import pyarrow as pa

    from dpbuild import sqlite as sqlite_out
    from dpbuild.typed import TypedTable

    schema = {
        "fields": [
            {"name": 'a"b', "type": "string"},
            {"name": "c]d", "type": "integer"},
            {"name": "up", "type": "string"},
        ],
        "primaryKey": ['a"b'],
        "foreignKeys": [{"fields": ["up"], "reference": {"resource": "", "fields": ['a"b']}}],
    }
    name = 'x]"y'
    table = TypedTable(
        name, schema, {'a"b': pa.array(["k", "l"]), "c]d": pa.array([1, 2]), "up": pa.array([None, "k"])}
    )
    conn = sqlite3.connect(":memory:")
    conn.execute(sqlite_out.create_sql(table))
    sqlite_out.insert(conn, table)
    assert [r[1] for r in conn.execute(f"PRAGMA table_info({names.quoted(name)})")] == ['a"b', "c]d", "up"]
    assert conn.execute(f"SELECT * FROM {names.quoted(name)} ORDER BY 1").fetchall() == [("k", 1, None), ("l", 2, "k")]


def test_codebook_and_coverage_functions_take_a_tiny_package(tmp_path):
    pkg = Tiny(tmp_path / "p", base())
    package, problems = descriptor.load(pkg.descriptor)
    assert problems == []
    assert "## t" in codebook.codebook(package)


def test_a_name_form_holding_the_all_names_separator_stays_one_form():
    """The name-form table reads each form whole from where it is recorded, not by splitting
    all_names (whose separator ' | ' a name may hold), so no part of a name becomes a name."""
    import pyarrow as pa
    import sqlite_utils

    from dpbuild import sqlite as build_sqlite
    from dpbuild.typed import TypedTable
    from dpmodel.names import fold

    actors = TypedTable(
        "actors",
        {
            "fields": [{"name": "actor_id"}, {"name": "name"}],
            "primaryKey": ["actor_id"],
            "x-datasette": {"label_column": "name"},
            "x-all-names": {"resource": "aliases", "key": "actor_id", "name": "alias"},
        },
        {"actor_id": pa.array(["a"]), "name": pa.array(["Alfa | Beta"])},
    )
    aliases = TypedTable("aliases", {"fields": []}, {"actor_id": pa.array(["a"]), "alias": pa.array(["Àlfa"])})
    db = sqlite_utils.Database(memory=True)
    build_sqlite._name_forms(db, actors, [actors, aliases])
    assert sorted(db.execute("SELECT actor_id, form, folded FROM actors_name_forms").fetchall()) == [
        ("a", "Alfa | Beta", fold("Alfa | Beta")),
        ("a", "Àlfa", "alfa"),
    ]
