"""Search that finds what people type. The database's full-text index stems English with Porter,
which leaves some word families apart ("hegemony" is stored as hegemoni, "hegemonism" as
hegemon). So each long plain word of a search also matches as a prefix of its stem with one
common suffix taken off: "hegemony" finds hegemony OR hegemon*. Quoted phrases are kept exactly.
The same stems tell the page which words to highlight (plugins/assets.py);
plugins/search.py puts escape_fts in place of Datasette's."""
from __future__ import annotations

import re

# Datasette's own splitting of a search into words and quoted phrases (datasette.utils.escape_fts).
_BITS = re.compile(r'\s+|(".*?")')
_LONG_WORD = re.compile(r"[^\W\d_]{7,}")  # letters only, seven or more
SUFFIXES = ("izations", "ization", "ations", "ation", "ings", "ing", "isms", "ism", "ists", "ist", "ness",
            "ment", "ies", "ied", "ed", "es", "ic", "al", "ly", "y", "s", "e")
MIN_STEM = 6  # shorter stems would match too many unrelated words


def stem(word: str) -> str | None:
    """The word with its first matching suffix taken off, if the word is long and plain enough."""
    if not _LONG_WORD.fullmatch(word):
        return None
    lower = word.lower()
    for suffix in SUFFIXES:
        if lower.endswith(suffix) and len(lower) - len(suffix) >= MIN_STEM:
            return lower[: -len(suffix)]
    return None


def _bits(query: str) -> list[str]:
    if query.count('"') % 2:
        query += '"'
    return [b for b in _BITS.split(query) if b and b != '""']


def escape_fts(query: str) -> str:
    """Datasette's escape_fts (every word quoted, so no FTS syntax reaches SQLite), with each long
    plain word widened to its stem's prefix."""
    out = []
    for bit in _bits(query):
        if bit.startswith('"'):
            out.append(bit)
        elif stem(bit):
            out.append(f'("{bit}" OR "{stem(bit)}" *)')
        else:
            out.append(f'"{bit}"')
    return " ".join(out)


MAX_MARKED = 20  # words a page marks; a search of thousands of words still matches, unmarked beyond these
MAX_MARKED_LENGTH = 100


def highlight_terms(query: str) -> list[str]:
    """What to mark on a results page: each word or phrase searched for, and each widened stem
    (the first MAX_MARKED, each at most MAX_MARKED_LENGTH characters, so the page's pattern stays small)."""
    terms = []
    for bit in _bits(query)[:MAX_MARKED]:
        bit = bit.strip('"').strip()[:MAX_MARKED_LENGTH]
        if bit:
            terms.append(bit)
            if stem(bit):
                terms.append(stem(bit))
    return terms
