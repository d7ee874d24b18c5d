"""The words of an ID, one way for every tool that proposes one (add-article's source IDs, draft's
provisional IDs, accept's fresh IDs): accents dropped, an apostrophe a word break
("dell’esito" → "dell-esito"), ASCII letters and digits joined by hyphens, which is the pattern
every ID column's schema asks for."""

from __future__ import annotations

import re
import unicodedata

APOSTROPHES = "’'ʼ"


def words(text: str) -> list[str]:
    """text's words as an ID takes them: lower-case ASCII letters and digits."""
    for mark in APOSTROPHES:
        text = text.replace(mark, " ")
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return re.findall(r"[a-z0-9]+", ascii_text)


def slug(text: str, *, most_words: int | None = None, most_chars: int = 80, skip=frozenset()) -> str:
    """The first `most_words` words of text (leaving out those in `skip`) joined by hyphens, cut
    to `most_chars` characters and never ending in a hyphen ("" if text has no word)."""
    kept = [w for w in words(text) if w not in skip]
    return "-".join(kept[:most_words])[:most_chars].strip("-")
