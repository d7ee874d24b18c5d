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


def test_an_excerpt_that_differs_only_in_the_kind_of_a_character_names_it():
    row = row_of("citations", **WHERE)
    cases = {
        "l'instabilità in Afghanistan": (2, "' (U+0027 APOSTROPHE)", "’ (U+2019 RIGHT SINGLE QUOTATION MARK)"),
        "l’instabilità\u00a0in Afghanistan": (14, "\u00a0 (U+00A0 NO-BREAK SPACE)", "  (U+0020 SPACE)"),
    }
    for written, (at, mine, theirs) in cases.items():
        assert lines(excerpt, edited("citations", WHERE, excerpt=written)) == [
            f"data/citations.csv:{row} excerpt [verbatim-excerpt]: not found verbatim in articles/{SOURCE}.txt: "
            f"it differs from the text only in the kind of a character: at character {at} the excerpt has {mine} "
            f"where the text has {theirs}"
        ]


def test_a_kind_of_character_and_a_typo_are_both_shown():
    (line,) = lines(excerpt, edited("citations", WHERE, excerpt="l'instabilità in Afganistan"))
    assert "the first 20 characters match (but for the kind of a character: at character 2" in line
    assert "then 'anistan' differs from the text" in line


def test_an_excerpt_in_another_unicode_form_says_so():
    decomposed = "l’instabilita\u0300 in Afghanistan"  # à as a + combining grave accent
    (line,) = lines(excerpt, edited("citations", WHERE, excerpt=decomposed))
    assert line.endswith(
        "only in how accented letters are encoded (Unicode normalisation); copy the passage from the text"
    )
