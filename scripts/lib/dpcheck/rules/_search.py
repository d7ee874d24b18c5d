"""How the text rules search the article texts: every needle of a text in one pass
(dpmodel.excerpts, Aho-Corasick), whole words through boundary marks, and a message that shows
where a needle stops matching."""

from __future__ import annotations

import re

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


def not_found(needle: str, text: str, where: str) -> str:
    n = matched_prefix(needle, text)
    message = (
        f"not found verbatim in {where}: the first {n} characters match, then "
        f"{shown(needle[n : n + 30], 30)} differs from the text"
    )
    if n:
        at = text.find(needle[:n]) + n
        message += f", which has {shown(text[at : at + 30], 30)}"
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
