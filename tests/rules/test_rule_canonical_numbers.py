from rule_tables import edited, lines, row_of, tables

from dpcheck.rules import canonical_numbers


def test_the_package_writes_every_number_canonically():
    assert lines(canonical_numbers, tables()) == []


def test_a_number_with_a_trailing_zero_is_refused_with_its_canonical_form():
    row = row_of("places", place_id="beijing")
    assert lines(canonical_numbers, edited("places", {"place_id": "beijing"}, latitude="39.90420")) == [
        f"data/places.csv:{row} latitude [number-canonical]: '39.90420' is not in canonical form: write 39.9042 "
        "(one text per number, so CSV, SQLite and Parquet agree; make fmt does it)"
    ]


def test_a_number_that_would_change_value_is_left_to_the_domain_check():
    # 17 significant digits: no canonical text keeps the value, so pandera's domain rule reports it.
    assert lines(canonical_numbers, edited("places", {"place_id": "beijing"}, latitude="39.904200000000001")) == []
