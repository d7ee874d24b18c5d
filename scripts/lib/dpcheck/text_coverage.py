#!/usr/bin/env python3
"""Measure how much of each article the data accounts for: every sentence, and every quotation,
explicit date and footnote.

Usage: `python scripts/text_coverage.py [DESCRIPTOR] [--min PERCENT] [--exclusions FILE]`
(defaults: datapackage.json, 100, and articles/coverage_exclusions.csv next to the descriptor).

The validator proves that every fact is backed by a verbatim excerpt; it cannot say what the
distillation missed. So every sentence of every article must be accounted for: supported by the
data (a citation excerpt, a cited statement's quote, or an upstream source's title, printed date or
address, occurring in the sentence over at least MIN_OVERLAP characters, or over the whole of a
shorter sentence), or excluded with a reason from REASONS. Sentences are found by sentencex, a
maintained rule-based splitter with Italian rules, within each line (an article's line is a
paragraph, so a paragraph break always ends a sentence).

Quotations and dates are the parts of a news text most likely to carry a fact, and both are easy
to find mechanically, so they are also counted on their own. For each source (a row of the
table with x-texts, its text read from its path) it finds:

1. quoted spans: the inner text of «…», of “…”, and of pairs of straight double quotes "…",
   paired left to right within one line (a paragraph); an unmatched straight quote is ignored,
   and so is an empty span;
2. explicit Italian dates: day and month name with an optional year ("15 dicembre 2021",
   "30 marzo", "26-27 ottobre", "1° maggio"), month name and year ("settembre 2023"), numeric
   dates ("06.12.23", "23.11.2022") and ISO dates ("2022-04", "2023-11-20") standing alone.
   Bare years ("nel 2023") are NOT counted: they are far too noisy (exercise names such as
   "Interaction-2023", "nel periodo 2024-2025", founding years) to be worth an entry each;
3. footnotes: a numbered line that gives a web address (`3. Title. Outlet, 12.11.2023. https://…`),
   the source an article itself cites.

An item is accounted for when its characters lie entirely inside one occurrence, in the same
text, of a citation excerpt of this source or of the quote of a statement this source is cited
for (citations row with record_table = statements), or of the title, printed date or address of
an upstream source this article cites (upstream_sources, when the package has it; a footnote is
accounted for by the upstream source whose address it prints); or when it is listed in the exclusions file.

The exclusions file has the columns source_id,text,reason,note: text is a sentence, quotation or
date as printed (or its shortened form as this report prints it), reason one code of REASONS (a
headline, a byline, the authors' own assessment …; CONTRIBUTING.md lists them), note what it is.
An exclusion that matches nothing in its source is reported as stale, and one whose reason is not
a code, as such: both fail the run, so the file cannot rot.

Prints one block per source: `SOURCE_ID: sentences A/B (C cited, D excluded), P%`, then
`  quotes A/B, dates C/D, P%` (with `footnotes E/F, ` before the percentage where the article has
footnotes), then one indented line per sentence or item not accounted for
(`  articles/X.txt:LINE sentence: '…'`); then `sentences: P% (…)`, the exclusions by reason, and
`coverage: P% (N of M items accounted for)`. Exits 1 if a source is below --min percent of its
sentences or of its items, or an exclusion is stale or has no known reason, or with a one-line
message when the package cannot be read; 0 otherwise; 2 on bad usage.
"""

from __future__ import annotations

import argparse
import bisect
import dataclasses
import itertools
import math
import os
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

from dpmodel import csvfile, descriptor, excerpts, hermetic, safe_open

EXCLUSIONS = "articles/coverage_exclusions.csv"
EXCLUSION_FIELDS = ["source_id", "text", "reason", "note"]
# Why a sentence, quotation or date records no fact: the closed vocabulary of the exclusions'
# reason column (make codebook lists it in CONTRIBUTING.md).
REASONS = {
    "headline": "The headline, or a standfirst or subtitle repeating what the body says.",
    "byline": "The byline, an author, translator or credit line, the date line, or the outlet's boilerplate.",
    "heading": "A section heading inside the body.",
    "assessment": "The authors' own analysis, opinion, evaluation or prediction, with no reportable fact "
    "(no happening, no one's words, no membership or post, no date).",
    "restatement": "Repeats a fact the data records from another sentence of the same article.",
    "transition": "Only introduces or links other sentences, with no fact of its own.",
    "footnote": "A bibliographic footnote, recorded as an upstream source.",
    "authors-words": "Words the authors themselves put in quotation marks (a scare quote, a coined term, a "
    "slogan): no one is quoted.",
    "name": "The name of something in quotation marks (an operation, a publication), not a quotation.",
}
MIN_OVERLAP = 15  # characters of a sentence a covering string must share with it (3 words or so)
NEEDED = {
    "sources": ["source_id", "text_path"],
    "citations": ["record_table", "record_id", "source_id", "excerpt"],
    "statements": ["statement_id", "quote"],
}
# Read when the package has it: the sources an article itself cites account for its footnotes.
UPSTREAM = {"upstream_sources": ["source_id", "title", "date_as_printed", "url"]}
FOOTNOTE = re.compile(r"^[0-9]{1,3}\. [^\n]*?(https?://[^\s]+)[ \t]*$", re.M)
SHOWN_CHARS = 60

MONTHS = "gennaio|febbraio|marzo|aprile|maggio|giugno|luglio|agosto|settembre|ottobre|novembre|dicembre"
DAY = r"(?:3[01]|[12]\d|0?[1-9])(?:°|º)?"
# In order of precedence: a later pattern's match overlapping an earlier one's is dropped, so
# "dicembre 2021" inside "15 dicembre 2021" is one date, not two.
DATE_PATTERNS = [
    re.compile(rf"(?<![\w.,]){DAY}(?:\s*[-–]\s*{DAY})?\s+(?:{MONTHS})(?:\s+\d{{4}})?(?!\w)", re.IGNORECASE),
    re.compile(rf"(?<!\w)(?:{MONTHS})\s+\d{{4}}(?!\w)", re.IGNORECASE),
    re.compile(r"(?<![\w.])(?:3[01]|[12]\d|0?[1-9])\.(?:1[0-2]|0?[1-9])\.(?:\d{4}|\d{2})(?![\w]|\.\w)"),
    # Not inside a longer token: no URL path ("iz.ru/…/2023-11-20/…"), no "2024-2025".
    re.compile(r"(?<![\w./:-])\d{4}-(?:0[1-9]|1[0-2])(?:-(?:3[01]|[12]\d|0[1-9]))?(?![\w/-]|\.\w)"),
]
GUILLEMETS = re.compile(r"«([^«»\n]*)»")
CURLY = re.compile(r"“([^“”\n]*)”")


class BadInput(Exception):
    """The package cannot be measured; the message is printed as it is, on one line."""


@dataclass
class Item:
    kind: str  # "quote", "date" or "footnote"
    start: int
    end: int
    text: str
    line: int
    by: str | None = None  # "data", "exclusion", or None when unaccounted


@dataclass
class SourceResult:
    source_id: str
    text_path: str
    items: list[Item] = field(default_factory=list)
    sentences: list[Item] = field(default_factory=list)  # kind "sentence"; by "data" counts as cited

    @property
    def sentence_percent(self) -> float:
        done = sum(1 for i in self.sentences if i.by is not None)
        return 100.0 * done / len(self.sentences) if self.sentences else 100.0

    def count(self, kind: str, only_accounted: bool = False) -> int:
        return sum(1 for i in self.items if i.kind == kind and not (only_accounted and i.by is None))

    @property
    def accounted(self) -> int:
        return sum(1 for i in self.items if i.by is not None)

    @property
    def percent(self) -> float:
        return 100.0 * self.accounted / len(self.items) if self.items else 100.0

    @property
    def missing(self) -> list[Item]:
        return sorted((i for i in self.items + self.sentences if i.by is None), key=lambda i: (i.start, i.kind))


@dataclass
class Stale:
    row: int
    source_id: str
    text: str


@dataclass
class Unreasoned:
    row: int
    reason: str


@dataclass
class Results:
    sources: list[SourceResult]
    stale: list[Stale]
    exclusions_path: str
    capped: list[tuple[str, str]] = field(
        default_factory=list
    )  # (text path, string) occurring more than excerpts.CAP times
    unreasoned: list[Unreasoned] = field(default_factory=list)
    reasons: dict[str, int] = field(default_factory=dict)  # sentences excluded, by reason

    @property
    def total(self) -> int:
        return sum(len(s.items) for s in self.sources)

    @property
    def accounted(self) -> int:
        return sum(s.accounted for s in self.sources)

    @property
    def percent(self) -> float:
        return 100.0 * self.accounted / self.total if self.total else 100.0

    def sentences(self, by: str | None = "any") -> int:
        """How many sentences there are (by "any"), or are accounted for so ("data", "exclusion")."""
        every = [i for s in self.sources for i in s.sentences]
        return len(every) if by == "any" else sum(1 for i in every if i.by == by)

    @property
    def sentence_percent(self) -> float:
        total = self.sentences()
        return 100.0 * (self.sentences("data") + self.sentences("exclusion")) / total if total else 100.0


# --- finding sentences, quotes and dates ------------------------------------------------------


def sentences(text: str) -> list[tuple[int, int, str]]:
    """(start, end, sentence) of every sentence, trimmed of whitespace, in text order: sentencex's
    Italian rules within each line (a line is a paragraph); a segment with no letter or digit (a
    blank, a lone no-break space) is no sentence."""
    import sentencex  # here: only coverage needs it

    found, line_start = [], 0
    for number, line in enumerate(text.split("\n"), 1):
        for piece_start, piece in _pieces(line):
            at = 0
            for segment in sentencex.segment("it", piece):
                offset = piece.find(segment, at)
                if offset < 0:  # never seen: the splitter gives back pieces of the line as they are
                    raise BadInput(f"line {number}: the sentence splitter changed the text of {shortened(segment)!r}")
                at = offset + len(segment)
                stripped = segment.strip()
                if re.search(r"\w", stripped):
                    start = line_start + piece_start + offset + (len(segment) - len(segment.lstrip()))
                    found.append((start, start + len(stripped), stripped))
        line_start += len(line) + 1
    return found


MAX_PIECE = 10_000  # characters the splitter is given at once (the longest real paragraph has 3,000)


def _pieces(line: str):
    """The line, or for a line longer than MAX_PIECE, pieces of it cut after a sentence's end
    (". ") or else a space near each MAX_PIECE: the splitter's time grows faster than the length
    of what it is given, so a paragraph of 256 KB would take minutes in one piece."""
    start = 0
    while len(line) - start > MAX_PIECE:
        window = line[start : start + MAX_PIECE]
        sentence_end, space = window.rfind(". "), window.rfind(" ")
        cut = sentence_end + 2 if sentence_end > 0 else space + 1 if space > 0 else MAX_PIECE
        yield start, line[start : start + cut]
        start += cut
    yield start, line[start:]


def quoted_spans(text: str) -> list[tuple[int, int, str]]:
    """(start, end, span) of the inner text of every quotation, in text order.

    Quotes never cross a line: an article's line is a paragraph, and a stray mark must not
    swallow the rest of the text. Straight quotes carry no direction, so they pair up left to
    right within the line and a leftover one is ignored. Curly quotes left over once the “…”
    pairs are taken pair up the same way: typesetting after an apostrophe often turns the
    opening mark into a closing one (nell’”ora X”), and that is still a quotation.
    """
    spans = [(m.start(1), m.end(1), m.group(1)) for m in GUILLEMETS.finditer(text)]
    curly = list(CURLY.finditer(text))
    spans += [(m.start(1), m.end(1), m.group(1)) for m in curly]
    paired = {m.start() for m in curly} | {m.end() - 1 for m in curly}
    spans += _paired_left_to_right(text, lambda i, c: c == '"')
    spans += _paired_left_to_right(text, lambda i, c: c in "“”" and i not in paired)
    return sorted(s for s in spans if s[2])


def _paired_left_to_right(text: str, is_mark) -> list[tuple[int, int, str]]:
    """Spans between the 1st and 2nd mark of each line, the 3rd and 4th, …; an odd one is left out."""
    spans = []
    line_start = 0
    for line in text.split("\n"):
        marks = [line_start + i for i, c in enumerate(line) if is_mark(line_start + i, c)]
        for opening, closing in zip(marks[0::2], marks[1::2]):
            spans.append((opening + 1, closing, text[opening + 1 : closing]))
        line_start += len(line) + 1
    return spans


def explicit_dates(text: str) -> list[tuple[int, int, str]]:
    """(start, end, date) of every explicit date, in text order; bare years are not dates here."""
    found: list[tuple[int, int, str]] = []
    taken = bytearray(len(text))  # characters an earlier pattern's date holds: one look per character
    for pattern in DATE_PATTERNS:
        for m in pattern.finditer(text):
            if not any(taken[m.start() : m.end()]):
                found.append((m.start(), m.end(), m.group()))
                taken[m.start() : m.end()] = b"\x01" * (m.end() - m.start())
    return sorted(found)


def line_of(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1


# --- what the data covers -----------------------------------------------------------------


def occurrences(needle: str, text: str, cap: int = excerpts.CAP) -> list[tuple[int, int]]:
    """The first `cap` places needle occurs, overlapping ones too: a short excerpt may be cited twice."""
    return [(start, start + len(needle)) for start in excerpts.find(text, [needle], cap).starts.get(needle, [])]


def covering_strings(citations: list[dict], quotes: dict[str, str]) -> dict[str, list[str]]:
    """By source: the excerpts of its citations, and the quotes of the statements it is cited for
    (one pass over the citations, not one per source: a million rows and thousands of sources)."""
    strings: dict[str, list[str]] = {}
    for row in citations:
        found = strings.setdefault(row["source_id"], [])
        if row["excerpt"]:
            found.append(row["excerpt"])
        if row["record_table"] == "statements" and quotes.get(row["record_id"]):
            found.append(quotes[row["record_id"]])
    return strings


def covered_intervals(text: str, strings: list[str], capped: set[str] | None = None) -> list[tuple[int, int]]:
    """The intervals the strings cover, each distinct string's first excerpts.CAP occurrences,
    all found in one pass over the text (dpmodel.excerpts); `capped` receives the strings that
    occur more often than that, for the report to say so."""
    found = excerpts.find(text, strings)
    if capped is not None:
        capped |= found.capped
    # Sorted as one integer each (start, then end): sorting pairs as tuples is ten times slower
    # at the hundreds of thousands of occurrences a hostile package may list.
    codes = sorted({start << 32 | (start + len(string)) for string, starts in found.starts.items() for start in starts})
    return [(code >> 32, code & 0xFFFFFFFF) for code in codes]


class Intervals:
    """Covered intervals, asked whether one of them holds [start, end) whole: two adjacent excerpts
    that each hold half of a quotation do not cite it. Sorted by start with the furthest end
    reached so far, each question is a binary search, not a scan of every interval."""

    def __init__(self, intervals: list[tuple[int, int]]):
        self.starts = [a for a, _ in intervals]
        self.reach = list(itertools.accumulate((b for _, b in intervals), max))

    def hold(self, start: int, end: int) -> bool:
        i = bisect.bisect_right(self.starts, start) - 1
        return i >= 0 and self.reach[i] >= end

    def overlap(self, start: int, end: int, ends: list[int]) -> int:
        """The most characters of [start, end) one interval covers (`ends`: each interval's end, in
        the order of starts). Those starting at or before start reach furthest by `reach`; those
        starting inside are looked at one by one, and each interval starts inside one sentence
        only, so measuring every sentence of a text looks at each interval once."""
        i = bisect.bisect_right(self.starts, start)
        best = max(0, min(end, self.reach[i - 1]) - start) if i else 0
        while i < len(self.starts) and self.starts[i] < end:
            best = max(best, min(end, ends[i]) - self.starts[i])
            i += 1
        return best


def inside_one(start: int, end: int, intervals: list[tuple[int, int]]) -> bool:
    return Intervals(sorted(intervals)).hold(start, end)


def shortened(text: str, limit: int = SHOWN_CHARS) -> str:
    return text if len(text) <= limit else text[:limit].rstrip() + "…"


# --- loading ------------------------------------------------------------------------------


def load_tables(descriptor_path: Path):
    """The package and its sources, citations and statements rows, or BadInput saying why not."""
    package, problems = descriptor.load(descriptor_path)
    if package is None:
        raise BadInput(_first(problems, "the descriptor cannot be used"))
    rows = {}
    for name, columns in {**NEEDED, **UPSTREAM}.items():
        resource = package.resources.get(name)
        if name in UPSTREAM and resource is None:
            rows[name] = []
            continue
        if resource is None or not resource.is_table:
            raise BadInput(f"{descriptor_path}: the package has no {name} table")
        missing = [c for c in columns if c not in resource.field_names]
        if missing:
            raise BadInput(f"{resource.path}: has no column {', '.join(missing)}")
        table, problems = csvfile.read(resource)
        if table is None:
            raise BadInput(_first(problems, f"{resource.path} cannot be read"))
        rows[name] = table.rows
    return package, rows


def _first(problems, fallback: str) -> str:
    if not problems:
        return fallback
    more = f" (and {len(problems) - 1} more problems; run scripts/validate.py)" if len(problems) > 1 else ""
    return f"{problems[0]}{more}"


def article_text(package, path: str) -> str:
    """The text, read through safe_open: no link on its path, a regular file, within the limit."""
    _, why = descriptor.safe_path(package.root, path)
    if why:
        raise BadInput(f"sources.csv text_path: {why}")
    try:
        return safe_open.read(package.root, path, package.limits.text_bytes).decode("utf-8")
    except safe_open.Refused as exc:
        raise BadInput(f"{path}: cannot be read: it {exc}") from None
    except UnicodeDecodeError:
        raise BadInput(f"{path}: is not valid UTF-8") from None


def load_exclusions(root: Path, path: str, shown_as: str) -> list[tuple[int, dict]]:
    """(file row, row) of each exclusion in the file `path` names below `root`; no file means no
    exclusions. Read with the package's strict CSV reader, as if the file were a table of the
    package (through safe_open: no link on the way below root, a regular file, within the limits).
    """
    file = root / path
    if not os.path.lexists(file):  # lexists: a link there is refused below, not taken for no file
        return []
    schema = {"fields": [{"name": n, "type": "string"} for n in EXCLUSION_FIELDS], "primaryKey": EXCLUSION_FIELDS[:2]}
    table, problems = csvfile.read(descriptor.Resource("coverage_exclusions", path, file, schema=schema))
    if table is None:
        raise BadInput(_first([dataclasses.replace(p, file=shown_as) for p in problems], f"{shown_as} cannot be read"))
    return list(table.numbered())


# --- measuring ----------------------------------------------------------------------------


def items_of(text: str) -> list[Item]:
    items = [Item("quote", s, e, t, line_of(text, s)) for s, e, t in quoted_spans(text)]
    items += [Item("date", s, e, t, line_of(text, s)) for s, e, t in explicit_dates(text)]
    items += [
        Item("footnote", m.start(), m.end(), m.group(0), line_of(text, m.start())) for m in FOOTNOTE.finditer(text)
    ]
    return sorted(items, key=lambda i: (i.start, i.end, i.kind))


def sentences_of(text: str) -> list[Item]:
    return [Item("sentence", s, e, t, line_of(text, s)) for s, e, t in sentences(text)]


def matches(exclusion_text: str, item: Item) -> bool:
    """An exclusion names an item by its full text, or by the shortened form printed for it."""
    return exclusion_text in (item.text, shortened(item.text))


def measure(descriptor_path: Path | str, exclusions_path: Path | str | None = None) -> Results:
    """Each source's quotes and dates with how each is accounted for, and the stale exclusions."""
    descriptor_path = Path(descriptor_path)
    package, rows = load_tables(descriptor_path)
    if exclusions_path is None:
        exclusions = load_exclusions(package.root, EXCLUSIONS, EXCLUSIONS)
        shown_as = EXCLUSIONS
    else:  # a file named on the command line: its folder is the caller's choice, the file itself no link
        shown_as = str(exclusions_path)
        exclusions = load_exclusions(Path(exclusions_path).parent, Path(exclusions_path).name, shown_as)
    quotes = {r["statement_id"]: r["quote"] for r in rows["statements"]}

    results = []
    used = set()
    reasons: dict[str, int] = {}
    capped_strings: list[tuple[str, str]] = []
    strings = covering_strings(rows["citations"], quotes)
    addresses: dict[str, list[str]] = {}
    for row in rows["upstream_sources"]:
        strings.setdefault(row["source_id"], []).extend(
            v for v in (row["title"], row["date_as_printed"], row["url"]) if v
        )
        if row["url"]:
            addresses.setdefault(row["source_id"], []).append(row["url"])
    for source in rows["sources"]:
        if not source["text_path"]:
            continue
        text = article_text(package, source["text_path"])
        result = SourceResult(source["source_id"], source["text_path"], items_of(text), sentences_of(text))
        capped: set[str] = set()
        covered = covered_intervals(text, strings.get(source["source_id"], []), capped)
        intervals, ends = Intervals(covered), [end for _, end in covered]
        capped_strings += [(source["text_path"], string) for string in sorted(capped)]
        excluded = [(n, row) for n, row in exclusions if row["source_id"] == source["source_id"]]
        for item in result.items:
            for n, row in excluded:
                if row["text"] is not None and matches(row["text"], item):
                    used.add(n)
                    item.by = item.by or "exclusion"
            if intervals.hold(item.start, item.end) or (
                item.kind == "footnote" and any(url in item.text for url in addresses.get(source["source_id"], []))
            ):
                item.by = "data"
        for sentence in result.sentences:
            if intervals.overlap(sentence.start, sentence.end, ends) >= min(MIN_OVERLAP, sentence.end - sentence.start):
                sentence.by = "data"
                continue
            for n, row in excluded:
                if row["text"] is not None and matches(row["text"], sentence):
                    used.add(n)
                    sentence.by = "exclusion"
                    reasons[row["reason"]] = reasons.get(row["reason"], 0) + 1
        results.append(result)

    stale = [Stale(n, row["source_id"] or "", row["text"] or "") for n, row in exclusions if n not in used]
    unreasoned = [Unreasoned(n, row["reason"] or "") for n, row in exclusions if row["reason"] not in REASONS]
    return Results(
        results, stale, shown_as, unreasoned=unreasoned, reasons=dict(sorted(reasons.items())), capped=capped_strings
    )


# --- reporting ----------------------------------------------------------------------------


def percent(value: float) -> str:
    """Rounded down, so a source at 99.96% never reads as a passing 100%."""
    if value == int(value):
        return f"{int(value)}%"
    return f"{math.floor(value * 10) / 10:.1f}%"


def report(results: Results) -> list[str]:
    lines = []
    for s in results.sources:
        cited = sum(1 for i in s.sentences if i.by == "data")
        excluded = sum(1 for i in s.sentences if i.by == "exclusion")
        lines.append(
            f"{s.source_id}: sentences {cited + excluded}/{len(s.sentences)} ({cited} cited, {excluded} excluded), "
            f"{percent(s.sentence_percent)}"
        )
        footnotes = f"footnotes {s.count('footnote', True)}/{s.count('footnote')}, " if s.count("footnote") else ""
        lines.append(
            f"  quotes {s.count('quote', True)}/{s.count('quote')}, "
            f"dates {s.count('date', True)}/{s.count('date')}, {footnotes}{percent(s.percent)}"
        )
        lines += [f"  {s.text_path}:{i.line} {i.kind}: '{shortened(i.text)}'" for i in s.missing]
    for st in results.stale:
        lines.append(
            f"{results.exclusions_path}:{st.row} stale exclusion: '{shortened(st.text)}' "
            f"is not a sentence, quote or date of {st.source_id or 'any source'}; remove or correct it"
        )
    lines += [
        f"{results.exclusions_path}:{u.row} reason: {u.reason!r} is not one of: {', '.join(REASONS)}"
        for u in results.unreasoned
    ]
    lines += [
        f"{path}: '{shortened(string)}' occurs more than {excerpts.CAP:,} times; only its first {excerpts.CAP:,} "
        "occurrences count as covering"
        for path, string in results.capped
    ]
    by_reason = ", ".join(f"{reason} {count}" for reason, count in results.reasons.items())
    lines.append(
        f"sentences: {percent(results.sentence_percent)} "
        f"({results.sentences('data') + results.sentences('exclusion')} of {results.sentences()} accounted for: "
        f"{results.sentences('data')} cited, {results.sentences('exclusion')} excluded{': ' + by_reason if by_reason else ''})"
    )
    lines.append(f"coverage: {percent(results.percent)} ({results.accounted} of {results.total} items accounted for)")
    return lines


def passed(results: Results, minimum: float) -> bool:
    return (
        not results.stale
        and not results.unreasoned
        and all(s.percent >= minimum and s.sentence_percent >= minimum for s in results.sources)
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("descriptor", nargs="?", default="datapackage.json", help="path to datapackage.json")
    parser.add_argument(
        "--min",
        type=float,
        default=100.0,
        metavar="PERCENT",
        help="fail when a source accounts for less than this (default 100)",
    )
    parser.add_argument(
        "--exclusions",
        default=None,
        metavar="FILE",
        help=f"exclusions CSV (default {EXCLUSIONS} next to the descriptor)",
    )
    args = parser.parse_args(argv)
    try:
        results = measure(Path(args.descriptor), args.exclusions)
    except BadInput as exc:
        print(f"coverage: cannot measure: {exc}")
        return 1
    except MemoryError:  # the step's limit (os_limits): the entry point says so in one line
        raise
    except Exception as exc:  # noqa: BLE001
        print(f"coverage: cannot measure: {type(exc).__name__}: {exc}")
        return 1
    for line in report(results):
        print(line)
    return 0 if passed(results, args.min) else 1


if __name__ == "__main__":
    hermetic.forbid_network()
    sys.exit(main())
