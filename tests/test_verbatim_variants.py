"""The verbatim check is exact: an excerpt that differs from its article only in letter case, in
the kind of apostrophe, by a non-breaking space or in Unicode normalization is refused, at its
own row. Each of these is what text pasted from a web page or typed by hand looks like, and
each would pass a check made lenient (case-folded, normalised or whitespace-collapsed)."""

from __future__ import annotations

import unicodedata

import pytest

KEY = {"record_table": "actors", "record_id": "csto-secretariat", "source_id": "2023-12-csto-belarus-chairmanship"}
EXCERPT = "aumentare la capacità analitica dello stesso Segretariato dell’Organizzazione"

VARIANTS = {
    "letter_case": EXCERPT.replace("Segretariato", "segretariato"),
    "straight_apostrophe": EXCERPT.replace("’", "'"),
    "non_breaking_space": EXCERPT.replace("la capacità", "la\u00a0capacità"),
    "decomposed_accent": unicodedata.normalize("NFD", EXCERPT),
}


def test_the_excerpt_is_in_the_package_as_the_variants_start_from(pkg):
    _, rows = pkg.read("citations")
    assert any(r["excerpt"] == EXCERPT and all(r[k] == v for k, v in KEY.items()) for r in rows)
    code, lines = pkg.validate()
    assert code == 0, lines[-5:]


@pytest.mark.parametrize("variant", VARIANTS, ids=list(VARIANTS))
def test_an_excerpt_differing_only_in_kind_is_refused_at_its_row(pkg, variant):
    number = pkg.set("citations", {**KEY, "excerpt": EXCERPT}, "excerpt", VARIANTS[variant])
    code, lines = pkg.validate()
    assert code == 1
    at_row = [line for line in lines if line.startswith(f"data/citations.csv:{number} excerpt: ")]
    assert at_row, "\n".join(lines[:20])
