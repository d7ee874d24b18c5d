from rule_tables import edited, lines, row_of, tables

from dpcheck.rules import date_basis

MEMBERSHIP = {"membership_id": "belarus-chair-csto-2023"}


def test_every_date_of_the_package_has_its_basis():
    assert lines(date_basis, tables()) == []


def test_a_date_without_a_basis_is_refused():
    row = row_of("memberships", **MEMBERSHIP)
    assert lines(date_basis, edited("memberships", MEMBERSHIP, date_basis=None)) == [
        f"data/memberships.csv:{row} date_basis [date-basis-missing]: is required when start_date or end_date is "
        "given (stated or inferred)"
    ]


def test_no_date_needs_no_basis():
    assert lines(date_basis, edited("memberships", MEMBERSHIP, date_basis=None, start_date=None, end_date=None)) == []
