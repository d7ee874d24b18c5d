"""Each engine on its own: pandera and frictionless both catch a constraint failure, in the same
words, so the report can show it once; the dates module; fmt."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from dpcheck import descriptor_check, frictionless_check, pandera_check
from dpmodel import REPOSITORY, csvfile, dates, descriptor

MEETING = "putin-li-shangfu-meeting-2023-04-16"


def _break_places(pkg) -> int:
    return pkg.set("places", {"place_id": "moscow"}, "latitude", "95.5")


def test_pandera_alone_reports_constraint_failures(pkg):
    number = _break_places(pkg)
    pkg.set("places", {"place_id": "moscow-kremlin"}, "coordinates_basis", "")
    pkg.set("places", {"place_id": "moscow-kremlin"}, "country", "ru")
    package, _ = descriptor.load(pkg.descriptor)
    table, read_problems = csvfile.read(package.resources["places"])
    assert read_problems == []
    found = sorted(str(p) for p in pandera_check.check(table))
    kremlin = pkg.row_number("places", place_id="moscow-kremlin")
    assert found == sorted(
        [
            f"data/places.csv:{number} latitude [value-maximum]: '95.5' is above the maximum 90",
            f"data/places.csv:{kremlin} coordinates_basis [value-required]: is required but empty",
            f"data/places.csv:{kremlin} country [value-pattern]: 'ru' does not match the pattern ^[A-Z]{{3}}$",
        ]
    )


def test_frictionless_alone_reports_the_same_words(pkg):
    number = _break_places(pkg)
    package, _ = descriptor.load(pkg.descriptor)
    found = [str(p) for p in frictionless_check.check(package, str(pkg.descriptor), rows=True)]
    assert found == [
        f"data/places.csv:{number} latitude [value-maximum]: '95.5' is above the maximum 90"
    ]  # pandera's code too


def test_frictionless_checks_the_descriptor_without_reading_rows_by_default(pkg):
    _break_places(pkg)
    _unnamed_licence(pkg)
    package, _ = descriptor.load(pkg.descriptor)
    found = [str(p) for p in frictionless_check.check(package, str(pkg.descriptor))]
    assert len(found) == 1 and found[0].startswith(
        "datapackage.json [frictionless-descriptor]: frictionless package-error:"
    ), found
    assert "license" in found[0]


def test_pandera_schema_is_generated_from_the_table_schema():
    schema = pandera_check.schema_for(
        {
            "fields": [
                {"name": "code", "type": "string", "constraints": {"required": True, "pattern": "^[a-z]+$"}},
                {"name": "share", "type": "number", "constraints": {"minimum": 0}},
            ],
            "primaryKey": ["code"],
        }
    )
    assert list(schema.columns) == ["code", "share"]
    assert schema.columns["code"].nullable is False
    assert [c.name for c in schema.columns["code"].checks] == ["domain", "pattern"]
    assert [c.name for c in schema.columns["share"].checks] == ["type", "domain", "minimum"]
    assert schema.unique == ["code"]


# Cells that break some rule of most fields: types, patterns, ranges, lengths, formats, codes.
_ODD_CELLS = [
    None,
    "",
    "x",
    "-1",
    "1.5",
    "1e999",
    "NaN",
    "2023-02-30",
    "2023-13",
    "99999999999999999999",
    "ZZ",
    "A" * 300,
    "true",
    "http://",
    "sha256:00",
    " padded ",
]
_UNIQUENESS = ["field_uniqueness", "multiple_fields_uniqueness"]


def test_the_fast_schema_fails_exactly_where_the_detailed_one_does():
    """check() runs fast_schema_for and asks schema_for only when it fails, so the fast schema
    must miss nothing. On every table of the package, with each field given each odd cell in a row
    of its own, its one check of the cells fails on exactly the rows where schema_for's checks do
    (uniqueness aside: both schemas ask pandera for the same)."""
    import polars as pl

    package, _ = descriptor.load(REPOSITORY / "datapackage.json")
    failing_rows = 0
    for resource in package.tables():
        table, _ = csvfile.read(resource)
        schema, fast = resource.schema, pandera_check.fast_schema_for(resource.schema)
        assert fast.validate(table.frame, lazy=True) is not None  # the package itself passes
        detailed = pandera_check.schema_for(schema)
        assert fast.unique == detailed.unique
        assert {n: c.unique for n, c in fast.columns.items()} == {n: c.unique for n, c in detailed.columns.items()}
        first = table.frame.row(0, named=True)
        rows = [first] + [{**first, field: cell} for field in table.frame.columns for cell in _ODD_CELLS]
        frame = pl.DataFrame(rows, schema={c: pl.String for c in table.frame.columns}, orient="row")
        try:
            detailed.validate(frame, lazy=True)
            expected = set()
        except pandera_check.pa.errors.SchemaErrors as exc:
            cases = exc.failure_cases.filter(~pl.col("check").is_in(_UNIQUENESS))
            assert cases["index"].null_count() == 0, cases
            expected = set(cases["index"].to_list())
        passed = fast.checks[0](frame.lazy()).check_output.collect().to_series()
        assert {i for i, ok in enumerate(passed) if not ok} == expected, resource.name
        failing_rows += len(expected)
    assert failing_rows > 500  # the odd cells do break rules, of most tables


def test_both_tools_report_a_duplicate_key_once(pkg):
    fields, rows = pkg.read("places")
    rows.insert(1, dict(rows[0]))
    first = rows[0]["place_id"]
    pkg.write("places", fields, rows)
    code, lines = pkg.validate()
    assert [line for line in lines if "duplicate primary key" in line] == [
        f"data/places.csv:3 place_id: duplicate primary key (place_id={first}) already used at row 2"
    ]


@pytest.mark.parametrize(
    "value, first, last, precision",
    [
        ("2023", "2023-01-01", "2023-12-31", "year"),
        ("2024-02", "2024-02-01", "2024-02-29", "month"),
        ("2023-02", "2023-02-01", "2023-02-28", "month"),
        ("2023-04-16", "2023-04-16", "2023-04-16", "day"),
    ],
)
def test_reduced_dates_cover_a_span(value, first, last, precision):
    assert (dates.earliest(value).isoformat(), dates.latest(value).isoformat()) == (first, last)
    assert dates.precision(value) == precision


@pytest.mark.parametrize("value", ["2023-02-29", "2023-13", "2023-00", "2023-04-31", "0000", "2023-4-1", "23-04"])
def test_impossible_dates_are_refused(value):
    with pytest.raises(dates.NotADate):
        dates.span(value)


def test_fmt_sorts_and_is_idempotent(pkg):
    from dpmodel import fmt

    fields, rows = pkg.read("places")
    pkg.write("places", fields, list(reversed(rows)))
    assert fmt.main(["--check", str(pkg.descriptor)]) == 1
    assert fmt.main([str(pkg.descriptor)]) == 0
    first = {p.name: p.read_bytes() for p in (pkg.root / "data").iterdir()}
    assert fmt.main(["--check", str(pkg.descriptor)]) == 0
    assert fmt.main([str(pkg.descriptor)]) == 0
    assert {p.name: p.read_bytes() for p in (pkg.root / "data").iterdir()} == first
    assert pkg.validate()[0] == 0


def test_fmt_changes_no_value(pkg):
    from dpmodel import fmt

    before = {t: sorted(map(lambda r: tuple(r.items()), pkg.read(t)[1])) for t in ("places", "citations", "statements")}
    pkg.write("places", *(lambda f, r: (f, list(reversed(r))))(*pkg.read("places")))
    fmt.main([str(pkg.descriptor)])
    after = {t: sorted(map(lambda r: tuple(r.items()), pkg.read(t)[1])) for t in ("places", "citations", "statements")}
    assert after == before


def test_fmt_puts_columns_in_the_schemas_order(pkg):
    from dpmodel import fmt

    original = (pkg.root / "data" / "places.csv").read_bytes()
    fields, rows = pkg.read("places")
    pkg.write("places", list(reversed(fields)), rows)
    assert fmt.main([str(pkg.descriptor)]) == 0
    assert (pkg.root / "data" / "places.csv").read_bytes() == original
    fields, rows = pkg.read("places")
    pkg.write("places", [*fields[:-1], "extra"], [{**r, "extra": r[fields[-1]]} for r in rows])
    assert fmt.main([str(pkg.descriptor)]) == 1  # another set of columns is not reordered: it is reported


def test_codebook_and_readme_are_generated_from_the_schemas():
    from dpbuild import codebook

    assert codebook.main(["--check"]) == 0, "run make codebook"


def _unnamed_licence(pkg) -> None:
    descriptor_json = json.loads(pkg.descriptor.read_text())
    descriptor_json["licenses"] = [{"title": "no name and no path"}]
    pkg.descriptor.write_text(json.dumps(descriptor_json))


def test_the_validator_runs_the_descriptor_check_in_a_process_of_its_own(pkg):
    _unnamed_licence(pkg)
    code, lines = pkg.validate()
    assert code == 1
    # (pkg.validate takes the codes out of its lines; the codes of both are the same, frictionless-descriptor)
    assert [line for line in lines if line.startswith("datapackage.json:")] == [
        next(
            str(p).replace(" [frictionless-descriptor]", "")
            for p in frictionless_check.check(descriptor.load(pkg.descriptor)[0], str(pkg.descriptor))
        )
    ]


def test_a_descriptor_check_that_dies_is_a_problem_not_a_pass(pkg, monkeypatch):
    monkeypatch.setattr(descriptor_check, "IN_PROCESS", False)
    monkeypatch.setattr(descriptor_check, "_CHILD", "import sys; sys.exit('killed')")
    code, lines = pkg.validate()
    assert code == 1
    assert "datapackage.json: frictionless could not validate the descriptor (killed)" in lines


def test_the_validator_starts_the_descriptor_check_before_it_imports_polars():
    """The descriptor check's process imports Frictionless while the validator imports Polars
    and loads the descriptor: neither waits for the other's imports (BENCHMARKS.md)."""
    script = (
        "import sys; from dpcheck import validate; from dpmodel import REPOSITORY, descriptor; "
        "print([m for m in ('polars', 'pandera', 'frictionless', 'jsonschema') if m in sys.modules]); "
        "descriptor.load(REPOSITORY / 'datapackage.json'); print('jsonschema' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    # jsonschema (a tenth of a second) only words a profile's errors: a valid descriptor never needs it.
    assert out.stdout.splitlines() == ["[]", "False"], out.stderr


def test_pandera_is_loaded_without_pandas_or_hypothesis_which_stay_importable():
    """pandera's Polars API is loaded as in an install without them (a second of every
    validation); the rest of a program can still import them."""
    script = (
        "import sys; from dpcheck import pandera_check; "
        "print([m for m in ('pandas', 'hypothesis') if m in sys.modules]); "
        "import pandas, hypothesis; print(pandas.__name__, hypothesis.__name__)"
    )
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    assert out.stdout.splitlines() == ["[]", "pandas hypothesis"], out.stderr


def test_a_check_that_cannot_run_is_reported_not_passed(pkg):
    """pandera reports a check that raised as a failure with no row; it must reach the report."""
    package, _ = descriptor.load(pkg.descriptor)
    table, _ = csvfile.read(package.resources["places"])
    field = next(f for f in table.resource.schema["fields"] if f["name"] == "place_id")
    field["constraints"]["pattern"] = "^(?!x)[a-z-]+$"  # look-around: Polars cannot run it
    found = [str(p) for p in pandera_check.check(table)]
    assert len(found) == 1 and found[0].startswith(
        "data/places.csv place_id [value-check-failed]: the check pattern failed as a whole: ComputeError"
    ), found


def test_text_without_characters_from_u0300_on_is_nfc_without_decoding():
    """The canonical reader skips the NFC pass for text whose characters are all below U+0300:
    each of them is unchanged by NFC and a starter, and no two of them compose."""
    import unicodedata

    below = [chr(c) for c in range(0x300)]
    assert all(unicodedata.combining(c) == 0 and unicodedata.normalize("NFC", c) == c for c in below)
    assert all(unicodedata.normalize("NFC", a + b) == a + b for a in below for b in below)
    assert csvfile._nfc("Mosca, città\n".encode()) is True
    assert csvfile._nfc("l’Europa\n".encode()) is True  # U+2019: decoded and found NFC
    assert csvfile._nfc("Mosca\u0301\n".encode()) is False  # a combining accent NFC would compose


def test_the_order_check_agrees_with_sorting_by_the_key():
    """csvfile._key_order (one pass over adjacent rows) against Python sorting the rows by
    sort_key, on random two-column keys with empty cells, ties and characters beyond ASCII: in
    order, and strictly so exactly when no key repeats (which spares pandera hashing the keys)."""
    import random

    import polars as pl

    rng = random.Random(7)
    alphabet = [None, "", "a", "b", "ab", "é", "z", "\U0001f600", "a,b"]
    strict = 0
    for _ in range(400):
        rows = [(rng.choice(alphabet), rng.choice(alphabet)) for _ in range(rng.randint(2, 6))]
        if rng.random() < 0.5:
            rows.sort(key=lambda r: tuple(c or "" for c in r))
        frame = pl.DataFrame(rows, schema={"k1": pl.String, "k2": pl.String}, orient="row")
        for key in (["k1", "k2"], ["k1"]):
            keys = [tuple(c or "" for c in r[: len(key)]) for r in rows]  # as sort_key reads them
            in_order, distinct = keys == sorted(keys), len(set(keys)) == len(keys)
            assert csvfile._key_order(frame, key) == (in_order, in_order and distinct), (key, rows)
            strict += in_order and distinct
    assert strict > 50  # both answers are exercised
