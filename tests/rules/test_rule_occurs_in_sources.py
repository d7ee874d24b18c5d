from rule_tables import edited, lines, row_of, tables

from dpcheck.rules import occurs_in_sources

ALIAS = {"actor_id": "afghanistan", "alias": "Afghanistan"}


def test_every_name_form_of_the_package_is_printed_in_an_article():
    assert lines(occurs_in_sources, tables()) == []


def test_a_name_form_no_article_prints_is_refused():
    row = row_of("aliases", **ALIAS)
    assert lines(occurs_in_sources, edited("aliases", ALIAS, alias="Afganistan")) == [
        f"data/aliases.csv:{row} alias [verbatim-unprinted]: 'Afganistan' does not occur as a whole word in any "
        "article text"
    ]


def test_a_name_form_must_be_a_whole_word():
    # "Afghan" is printed only inside "Afghanistan".
    assert len(lines(occurs_in_sources, edited("aliases", ALIAS, alias="Afghan"))) == 1
