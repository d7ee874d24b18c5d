from rule_tables import edited, lines, row_of, tables

from dpcheck.rules import codelist


def test_every_code_of_the_package_exists():
    assert lines(codelist, tables()) == []


def test_a_well_formed_country_code_that_does_not_exist_is_refused():
    row = row_of("actors", actor_id="afghanistan")
    assert lines(codelist, edited("actors", {"actor_id": "afghanistan"}, country="XKX")) == [
        f"data/actors.csv:{row} country [code-unknown]: 'XKX' is not an ISO 3166-1 alpha-3 country code"
    ]
