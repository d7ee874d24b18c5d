"""The words of a proposed ID (dpcontrib/ids.py), shared by make add-article, draft and accept."""

import re

from dpcontrib import ids
from hypothesis import given
from hypothesis import strategies as st

ID = re.compile(r"[a-z0-9]+(-[a-z0-9]+)*")


def test_an_id_takes_words_without_accents_and_breaks_at_an_apostrophe():
    assert ids.slug("Problemi dell’esito: la Città di Minsk", most_words=5) == "problemi-dell-esito-la-citta"
    assert ids.slug("l'OTSC e l’ODKB", skip={"e"}) == "l-otsc-l-odkb"


def test_an_id_cut_short_never_ends_in_a_hyphen():
    assert ids.slug("abc def", most_chars=4) == "abc"


@given(st.text(max_size=200), st.integers(min_value=1, max_value=10), st.integers(min_value=1, max_value=100))
def test_whatever_the_text_the_words_fit_an_id_column_or_are_empty(text, most_words, most_chars):
    found = ids.slug(text, most_words=most_words, most_chars=most_chars)
    assert found == "" or (ID.fullmatch(found) and len(found) <= most_chars)
