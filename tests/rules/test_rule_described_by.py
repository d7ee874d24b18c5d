from rule_tables import lines, removed, row_of, tables

from dpcheck.rules import described_by


def test_every_organisation_actor_has_its_organisations_row():
    assert lines(described_by, tables()) == []


def test_an_organisation_without_its_row_is_refused():
    broken = removed("organisations", {"organisation_id": "brics"})
    assert lines(described_by, broken) == [
        f"data/actors.csv:{row_of('actors', actor_id='brics')} actor_id [row-undescribed]: "
        "'brics' is an organisation but has no row in organisations"
    ]
