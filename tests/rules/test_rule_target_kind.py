from rule_tables import edited, lines, row_of, tables

from dpcheck.rules import target_kind

MEMBERSHIP = {"membership_id": "armenia-member-csto"}


def test_every_membership_of_the_package_is_in_an_organisation_or_a_state():
    assert lines(target_kind, tables()) == []


def test_a_membership_in_a_person_is_refused():
    row = row_of("memberships", **MEMBERSHIP)
    assert lines(target_kind, edited("memberships", MEMBERSHIP, organisation_id="alexander-lukashenko")) == [
        f"data/memberships.csv:{row} organisation_id [row-target-kind]: 'alexander-lukashenko' is a person; "
        "a membership must be in an organisation or a state"
    ]
