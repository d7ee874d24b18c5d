"""Search that finds what people type, written in one small FTS5 grammar so that no input can
reach SQLite as FTS5 syntax:

    query  := term (" AND " term)*   |   '""'  (nothing to search for: matches no row)
    term   := phrase | "(" phrase " OR " phrase " *" ")"
    phrase := '"' text with every '"' doubled '"'

Every word and every quoted phrase of the search is one phrase (a quoted string, so AND, OR, NOT,
NEAR, parentheses, `*`, `^`, `:` and `-` inside it are plain text), and the terms are joined by an
explicit AND (FTS5 accepts no implicit AND after a parenthesised group): a row must hold every word.

The database's full-text index stems English with Porter, which leaves some word families apart
("hegemony" is stored as hegemoni, "hegemonism" as hegemon). So each long plain word also matches
as a prefix of its stem with one common suffix taken off: "hegemony" finds hegemony OR hegemon*.
Quoted phrases are kept exactly. The same words and stems tell the page what to highlight
(highlight_terms, used by plugins/assets.py); plugins/search.py puts escape_fts in place of Datasette's.
"""

from __future__ import annotations

import re
import unicodedata

# Datasette's own splitting of a search into words and quoted phrases (datasette.utils.escape_fts).
_BITS = re.compile(r'\s+|(".*?")')
_LONG_WORD = re.compile(r"[^\W\d_]{7,}")  # letters only, seven or more
SUFFIXES = (
    "izations",
    "ization",
    "ations",
    "ation",
    "ings",
    "ing",
    "isms",
    "ism",
    "ists",
    "ist",
    "ness",
    "ment",
    "ies",
    "ied",
    "ed",
    "es",
    "ic",
    "al",
    "ly",
    "y",
    "s",
    "e",
)
MIN_STEM = 6  # shorter stems would match too many unrelated words
NOTHING = '""'  # an empty phrase: valid FTS5 that matches no row


def stem(word: str) -> str | None:
    """The word with its first matching suffix taken off, if the word is long and plain enough."""
    if not _LONG_WORD.fullmatch(word):
        return None
    lower = word.lower()
    for suffix in SUFFIXES:
        if lower.endswith(suffix) and len(lower) - len(suffix) >= MIN_STEM:
            return lower[: -len(suffix)]
    return None


def _has_token(text: str) -> bool:
    """Whether the index's tokenizer (unicode61: letters, numbers, private use) finds a word in text.
    A bit without one (`-`, `*`, an emoji) is an empty phrase, and FTS5 answers `x AND ""` with no
    row at all, so such bits are left out. Only recall depends on this, never validity: Python's
    Unicode tables are newer than SQLite's (21 code points, Lo in Python 3.11, are marks to SQLite 3.40)."""
    return any(unicodedata.category(c)[0] in "LN" or unicodedata.category(c) == "Co" for c in text)


def _bits(query: str) -> list[tuple[str, bool]]:
    """The words and phrases of a search, each once, in order: (text without its quotes, whether quoted)."""
    # Surrogates cannot be UTF-8, and FTS5 reads a NUL as the end of the query ("unterminated string").
    query = query.encode("utf-8", "replace").decode("utf-8").replace("\x00", " ")
    if query.count('"') % 2:
        query += '"'
    bits = ((b[1:-1].strip(), True) if b.startswith('"') else (b, False) for b in _BITS.split(query) if b)
    return list(dict.fromkeys((text, quoted) for text, quoted in bits if _has_token(text)))


def phrase(text: str) -> str:
    """An FTS5 string: whatever text holds, it is read as words to find, never as syntax."""
    return '"' + text.replace('"', '""') + '"'


def _widened(text: str, quoted: bool) -> str | None:
    return None if quoted else stem(text)  # a quoted phrase is searched exactly


def _term(text: str, quoted: bool) -> str:
    widened = _widened(text, quoted)
    return f"({phrase(text)} OR {phrase(widened)} *)" if widened else phrase(text)


def escape_fts(query: str) -> str:
    """The FTS5 query for a visitor's search: every word or phrase required, each long plain word
    widened to its stem's prefix."""
    return " AND ".join(_term(text, quoted) for text, quoted in _bits(query)) or NOTHING


MAX_MARKED = 20  # words a page marks; a search of thousands of words still matches, unmarked beyond these
MAX_MARKED_LENGTH = 100


def highlight_terms(query: str) -> list[str]:
    """What to mark on a results page: the words and phrases escape_fts searched for, with each
    widened stem (the first MAX_MARKED, each at most MAX_MARKED_LENGTH characters, so the page's
    pattern stays small)."""
    terms = []
    for text, quoted in _bits(query)[:MAX_MARKED]:
        terms.append(text[:MAX_MARKED_LENGTH])
        widened = _widened(text, quoted)
        if widened:
            terms.append(widened[:MAX_MARKED_LENGTH])
    return terms
