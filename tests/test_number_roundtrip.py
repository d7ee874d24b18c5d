"""Every number the validator accepts reaches every download exactly: the canonical CSV text, the
SQLite REAL or INTEGER, the Parquet double or int64 and the spreadsheet's cell all hold the same
value, and the shortest text of what each output holds is the decimal the CSV says (no rounding
to six decimals, no 17th digit, no underflow to 0). Values are generated across the whole domain
(dpmodel/vocabulary.py: at most 15 significant digits, 0 or a normal double up to Excel's
largest), edges included; one build per example of 200 numbers and 200 integers."""

from __future__ import annotations

import sqlite3
from decimal import Decimal

import openpyxl
import pyarrow.parquet as pq
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from test_names_and_domains import ID, Tiny, field

from dpbuild import build
from dpcheck import validate
from dpmodel import csvfile, vocabulary


def _in_domain(text: str) -> bool:
    size = abs(Decimal(text))
    return size == 0 or Decimal(repr(vocabulary.SMALLEST)) <= size <= Decimal(repr(vocabulary.LARGEST))


# A mantissa of 1 to 15 significant digits, a sign and a power of ten, kept within the domain; the
# edges (the smallest and largest sizes, 15 nines, 0) are drawn often.
mantissas = st.one_of(
    st.integers(1, 10**vocabulary.MAX_DIGITS - 1), st.sampled_from([1, 10**15 - 1, 222507385850721, 999999999999999])
)
numbers = st.one_of(
    st.builds(lambda sign, m, e: f"{sign}{m}e{e}", st.sampled_from(["", "-"]), mantissas, st.integers(-322, 294)),
    st.sampled_from(["0", "-0.0", "9.99999999999999e+307", "2.22507385850721e-308", "0.1", "27.559", "-53.9006"]),
).filter(_in_domain)
integers = st.one_of(
    st.builds(lambda sign, m, e: f"{sign}{m * 10**e}", st.sampled_from(["", "-"]), mantissas, st.integers(0, 4)),
    st.sampled_from(["0", "999999999999999", "-999999999999999", "9000000000000000000", "-9000000000000000000"]),
).filter(lambda text: vocabulary.INT64[0] <= int(text) <= vocabulary.INT64[1])


def _exact(held, text: str) -> bool:
    """`held` (what an output gives back) is the decimal `text` says, to the last digit."""
    return held is not None and Decimal(repr(float(held))) == Decimal(text)


# No shrinking: each try is a build, and the failing assertion already names the row and value.
@settings(
    max_examples=10,
    deadline=None,
    database=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(st.lists(numbers, min_size=200, max_size=200), st.lists(integers, min_size=200, max_size=200))
def test_every_accepted_number_reaches_every_output_exactly(tmp_path_factory, ns, ints):
    rows = [
        {"id": f"r{k:03d}", "n": csvfile.canonical_number(n, "number"), "i": csvfile.canonical_number(i, "integer")}
        for k, (n, i) in enumerate(zip(ns, ints))
    ]
    # Every value of the domain has its canonical text, and that text says the same decimal.
    assert all(r["n"] is not None and Decimal(r["n"]) == Decimal(n) for r, n in zip(rows, ns))
    schema = {"fields": [ID, field("n", "number"), field("i", "integer")], "primaryKey": ["id"]}
    tmp = tmp_path_factory.mktemp("numbers")
    pkg = Tiny(tmp / "p", [("t", schema, rows)])
    assert validate.main([str(pkg.descriptor)]) == 0
    out = tmp / "dist"
    db = build.build(pkg.descriptor, out)

    by_id = {r["id"]: r for r in rows}
    stored = sqlite3.connect(db).execute('SELECT id, n, i FROM "t"').fetchall()
    assert len(stored) == len(rows)
    for key, n, i in stored:
        assert _exact(n, by_id[key]["n"]), ("sqlite", key, n, by_id[key]["n"])
        assert i == int(by_id[key]["i"]), ("sqlite", key, i)
    parquet = pq.read_table(out / "parquet" / "t.parquet").to_pylist()
    for row in parquet:
        assert _exact(row["n"], by_id[row["id"]]["n"]), ("parquet", row)
        assert row["i"] == int(by_id[row["id"]]["i"]), ("parquet", row)
    sheet = openpyxl.load_workbook(out / "tiny.xlsx", read_only=True)["t"]
    cells = list(sheet.iter_rows(min_row=2, values_only=True))
    assert len(cells) == len(rows)
    for key, n, i in cells:
        assert _exact(n, by_id[key]["n"]), ("xlsx", key, n, by_id[key]["n"])
        assert _exact(i, by_id[key]["i"]), ("xlsx", key, i, by_id[key]["i"])


def test_a_value_no_double_holds_is_left_as_written_by_fmt():
    """`make fmt` changes the form of a number, never its value: 27.5590 becomes 27.559, but a
    cell a double would round (17 digits, 1e-400) has no canonical text and is left for the
    validator to refuse."""
    assert csvfile.canonical_number("27.5590", "number") == "27.559"
    assert csvfile.canonical_number("-0", "number") == "0.0"
    assert csvfile.canonical_number("1e-400", "number") is None
    assert csvfile.canonical_number("0.12345678901234567", "number") is None
    assert csvfile.canonical_number("9007199254740993", "number") is None
