"""How the text rules search the article texts: every needle of a text in one pass
(dpmodel.excerpts, Aho-Corasick), whole words through boundary marks, and a message that shows
where a needle stops matching."""

from __future__ import annotations

import re
import unicodedata

import polars as pl

from dpmodel import excerpts as occurrences
from dpmodel.problems import shown


def matched_prefix(needle: str, text: str) -> int:
    """How many leading characters of needle occur in text (a substring's prefixes do too)."""
    low, high = 0, len(needle)
    while low < high:
        mid = (low + high + 1) // 2
        if needle[:mid] in text:
            low = mid
        else:
            high = mid - 1
    return low


# Characters that differ only in kind: each is read as the first of its group when the text and a
# needle are compared for a message (one character for one, so positions stay), never when the
# rules search: an excerpt must hold the text's own characters.
_KINDS = {
    "'": "'‘’‚‛ʼʹ´`′",  # apostrophes and single quotes
    '"': '"“”„‟«»″',  # double quotation marks
    "-": "-‐‑‒–—―−",  # hyphens, dashes and the minus sign
    " ": "             　",  # spaces
}
_AS_KIND = str.maketrans({c: kind for kind, group in _KINDS.items() for c in group})
MOST_NAMED = 5  # characters named in one message


def _named(c: str) -> str:
    return f"{c} (U+{ord(c):04X} {unicodedata.name(c, 'unnamed character')})"


def not_found(needle: str, text: str, where: str) -> str:
    """Why needle is not in text, to fix it: characters that differ only in kind (an apostrophe,
    quotation mark, dash or space) are named with their position; else where it stops matching."""
    if unicodedata.normalize("NFC", needle) in unicodedata.normalize("NFC", text):
        return (
            f"not found verbatim in {where}: it differs from the text only in how accented letters are "
            "encoded (Unicode normalisation); copy the passage from the text"
        )
    kn, kt = needle.translate(_AS_KIND), text.translate(_AS_KIND)
    n = matched_prefix(kn, kt)
    at = kt.find(kn[:n]) if n else -1
    kinds = [(i, needle[i], text[at + i]) for i in range(n) if needle[i] != text[at + i]] if at >= 0 else []
    named = "; ".join(
        f"at character {i + 1} the excerpt has {_named(mine)} where the text has {_named(theirs)}"
        for i, mine, theirs in kinds[:MOST_NAMED]
    ) + (f"; and {len(kinds) - MOST_NAMED} more" if len(kinds) > MOST_NAMED else "")
    if n == len(needle):
        return f"not found verbatim in {where}: it differs from the text only in the kind of a character: {named}"
    message = (
        f"not found verbatim in {where}: the first {n} characters match"
        + (" (but for the kind of a character: " + named + ")" if kinds else "")
        + f", then {shown(needle[n : n + 30], 30)} differs from the text"
    )
    if n:
        message += f", which has {shown(text[at + n : at + n + 30], 30)}"
    return message


# A mark put at every word boundary (between a word character and another, and at the edges of a
# string that starts or ends with one): a name occurs as a whole word exactly where its marked
# form occurs in the marked text ("NATO" in "la NATO", not in "sanzionato"), so the boundary
# check is part of the one search. A control character: never in a valid name (safe_text).
_BOUNDARY = "\x02"
_EDGES = re.compile(r"\b")


def _marked(text: str) -> str:
    return _EDGES.sub(_BOUNDARY, text.replace(_BOUNDARY, " "))


def occurring(needles: set[str], texts) -> set[str]:
    """The needles found as whole words in any of the texts: one pass over all the texts for all
    the needles (dpmodel.excerpts, the first occurrence is enough), however names nest or repeat.
    Texts are joined by a space, itself a boundary, so no match spans two texts."""
    marked = {_marked(needle): needle for needle in needles if needle}
    found = occurrences.find(_marked(" ".join(texts)), marked, cap=1)
    return {marked[m] for m, starts in found.starts.items() if starts}


def present(pairs: pl.DataFrame, value: str, texts: dict[str, str]) -> pl.DataFrame:
    """The (source_id, value) pairs whose value occurs in that source's text: each text searched
    once for all its distinct values together (dpmodel.excerpts, the first occurrence is enough),
    linear in the text and the values, however the values nest or repeat."""
    by_source: dict[str, list[str]] = {}
    for source, text_value in pairs.select("source_id", value).unique().iter_rows():
        if source in texts:
            by_source.setdefault(source, []).append(text_value)
    rows = [
        (source, needle)
        for source, values in by_source.items()
        for needle, starts in occurrences.find(texts[source], values, cap=1).starts.items()
        if starts
    ]
    return pl.DataFrame(rows, schema={"source_id": pl.String, value: pl.String}, orient="row")
