from rule_tables import edited, lines, row_of, tables

from dpcheck.rules import excerpt

SOURCE = "2023-12-csto-belarus-chairmanship"
WHERE = {"record_table": "actors", "record_id": "afghanistan", "source_id": SOURCE}


def test_every_excerpt_of_the_package_is_in_its_article():
    assert lines(excerpt, tables()) == []


def test_an_excerpt_not_in_its_article_shows_where_it_stops_matching():
    row = row_of("citations", **WHERE)
    broken = edited("citations", WHERE, excerpt="l’instabilità in Afganistan")
    assert lines(excerpt, broken) == [
        f"data/citations.csv:{row} excerpt [verbatim-excerpt]: not found verbatim in articles/{SOURCE}.txt: "
        "the first 20 characters match, then 'anistan' differs from the text, which has 'hanistan, la pressione sanzion'"
    ]
