"""`make draft SOURCE=<source_id>`: proposed rows for an article, from its text.

It writes drafts/<source_id>/, one CSV per table in the package's own columns, with one more
column first, `keep`: empty until the contributor decides (`yes` or `no`); `make accept` moves the
rows kept into data/ with fresh IDs (dpcontrib/accept.py). Every proposal comes with a drafted
citation whose excerpt is cut from the text itself, so it is verbatim by construction.

What it proposes:
- known actors, found by every name form the package has for them (aliases and names), as whole
  words with case and accents folded ("Csto" and "CSTO" alike, "dell'Armenia" as "Armenia"),
  each cited where it is first named; capitalised names no form matches, as candidate actors
  with their alias;
- dates as the text states them ("12 marzo 2024", "il 20 giugno", "martedì", "il mese scorso"),
  read by dateparser (Italian) against the publication date, with their precision (day, month,
  year) and basis (`stated` when the day, month and year are printed, `inferred` when resolved);
  a relative date is not resolved past what the publication date itself knows;
- quotations: direct ones between quotation marks (three words or more: a shorter one is the
  authors' own word), with the speaker named next to a verb of saying nearest to them, and
  indirect ones ("X ha detto che …"), each with its speaker;
- candidate events: sentences that hold a date and a happening (a meeting, a visit, a summit, an
  exercise …), with the known actors and places named in the sentence as participants and place.

Nothing is written into data/: a draft is a proposal for a person to review. The text is read
only as the validator reads it (a text the descriptor lists, through dpmodel.safe_open, held to
dpmodel.article_text); the draft is written all at once, never over a draft under review unless
asked (--force); every lookup is by bisection or one pass, and a table holds at most
MAX_PROPOSALS rows, so a long or hostile text ends in seconds and bounded memory.
"""

from __future__ import annotations

import argparse
import bisect
import csv
import datetime
import io
import os
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from dpcheck import text_coverage
from dpmodel import article_text, csvfile, dates, descriptor, excerpts, names, safe_open
from dpmodel.characters import FORMULA_START

from . import cells, ids

DRAFTS = "drafts"
KEEP = "keep"
TABLES = ["actors", "aliases", "events", "event_participants", "statements", "statement_speakers", "citations"]
MIN_QUOTE_WORDS = 3  # a quotation of fewer words is the authors' own word, not someone's utterance
MAX_NAME_WORDS = 6  # a longer run of capitalised words is a heading or a list, not a name
MAX_EXCERPT = 4000  # the schemas' maxLength of an excerpt
MAX_PROPOSALS = 5000  # per table (the longest real article yields a few hundred in all)
SAYING = (
    r"ha detto|hanno detto|ha dichiarato|hanno dichiarato|ha affermato|hanno affermato|ha sottolineato|"
    r"ha aggiunto|ha osservato|ha spiegato|ha ribadito|ha ricordato|ha annunciato|ha precisato|ha evidenziato|"
    r"ha riferito|ha scritto|ha commentato|ha assicurato|ha avvertito|ha accusato|ha definito|ha proposto|"
    r"ha invitato|ha chiesto|ha concluso|ha insistito|ha notato|ha espresso|ha confermato|ha salutato|"
    r"dice|dichiara|afferma|sottolinea|aggiunge|secondo"
)
SAYING_RE = re.compile(rf"\b(?:{SAYING})\b", re.IGNORECASE)
# Verbs that report what someone said or held, in any person and tense the articles use (stems),
# for indirect statements: "X ha detto che …", "definendo …", "ha respinto …", "secondo cui …".
REPORTING_STEMS = (
    "dett dic dichiar afferm sottoline aggiun osserv spieg ribad ricord annunc precis evidenz rifer scri "
    "comment assicur avvert accus defin propo invit chies conclu insist not espress conferm salut respin "
    "auspic rilev comunic sosten riten denunc condann neg smentit riconosc critic elogi promess promett "
    "determin accolt accogl esort minacc"
).split()
REPORTING_RE = re.compile(
    r"\b(?:(?:ha|hanno|aveva|avevano|avrebbe|avrebbero|è|sono|si è|si sono)\s+(?:anche\s+|poi\s+|inoltre\s+)?)?"
    rf"(?!dicembre)(?:{'|'.join(REPORTING_STEMS)})\w*\b|\bsecondo cui\b|\bsecondo\b",  # "dic…" is no month
    re.IGNORECASE,
)
# A happening, and the event type the word most often names (the contributor checks it).
HAPPENINGS = [
    (r"vertic[ei]|summit", "summit"),
    (r"esercitazion[ei]|manovre", "military_exercise"),
    (r"visit[ae]|viaggio|si è recat[oa]", "visit"),
    (r"conferenza stampa", "press_conference"),
    (r"conferenz[ae]|forum", "conference"),
    (
        r"colloqui[oa]?|incontr[oai]|ha incontrato|hanno incontrato|si sono incontrati|telefonat[ae]|riunion[ei]|sessione",
        "talks",
    ),
    (r"consultazion[ei]", "consultation"),
    (r"negoziat[oi]|trattativ[ae]", "negotiation"),
    (r"firmat[oa]|accord[oi]|memorandum|trattato", "agreement"),
    (r"pattugli[ae]", "patrol"),
    (r"elezion[ei]|rielett[oa]", "election"),
    (r"sanzion[ei]", "sanctions"),
    (r"annunciat[oa]|ha annunciato", "announcement"),
]
HAPPENING_RE = [(re.compile(rf"\b(?:{words})\b", re.IGNORECASE), kind) for words, kind in HAPPENINGS]
WEEKDAYS = "lunedì martedì mercoledì giovedì venerdì sabato domenica".split()
MONTH_WORDS = text_coverage.MONTHS.split("|")
# Words dateparser reads as dates that, alone, state none ("anni", "ora").
DATE_WORDS = set(WEEKDAYS) | set(MONTH_WORDS) | {"ieri", "oggi", "domani", "stamattina"}
FUTURE = re.compile(
    r"\b(?:sarà|saranno|si terrà|si terranno|avrà luogo|avranno luogo|terrà|terranno|visiterà|incontrerà|"
    r"parteciperà|ospiterà|prossim[oaie])\b",
    re.IGNORECASE,
)
RELATIVE = re.compile(r"\b(?:scors[oa]|passat[oa]|prossim[oa]|fa|ieri|oggi|domani)\b", re.IGNORECASE)
# Capitalised words that start no name (sentence starts are skipped too).
NOT_NAMES = set(
    "Il Lo La I Gli Le Un Uno Una Di Da In Con Su Per Tra Fra E Ed O Del Della Dei Degli Delle Al Alla Nel Nella "
    "Sul Sulla Che Non Si Come Questo Questa Questi Queste Secondo Dopo Prima Durante Mentre Anche Ma Però Inoltre "
    "Oggi Ieri Domani Ora Poi Qui Così Già Infine Intanto Allora "
    "Presidente Ministro Ministero Segretario Generale Repubblica Stato Stati Governo Organizzazione Consiglio "
    "Comitato Assemblea Parlamento Federazione Unione Mondo Opinione Esteri Difesa Interni Economia Finanze "
    "Giustizia Sicurezza Affari".split()
    + [w.capitalize() for w in WEEKDAYS + MONTH_WORDS]
)


class Refused(Exception):
    """The draft cannot be made as asked; the message says why and what to do."""


@dataclass
class Mention:
    start: int
    end: int
    actor_id: str  # a known actor, or a candidate's provisional ID
    form: str  # as printed


class Proposals(list):
    """A table's proposals, at most MAX_PROPOSALS: a text yielding more is more than a person can
    review, and holding them all would take memory without bound."""

    def append(self, row: dict) -> None:
        if len(self) >= MAX_PROPOSALS:
            raise Refused(
                f"the text yields more than {MAX_PROPOSALS:,} proposals for one table, more than a review can take; "
                "is it one article?"
            )
        super().append(row)


@dataclass
class Found:
    """What the text yields, before it is written as rows."""

    rows: dict[str, list[dict]] = field(default_factory=lambda: {t: Proposals() for t in TABLES})
    text: str = ""
    mentions: list[Mention] = field(default_factory=list)
    dates: list[tuple[int, int, str, str, str]] = field(default_factory=list)  # start, end, text, date, basis


# --- reading the package ---------------------------------------------------------------------


def _rows(package, name: str) -> list[dict]:
    resource = package.resources.get(name)
    if resource is None:
        raise Refused(f"the package has no table {name}, which drafting fills")
    table, problems = csvfile.read(resource)
    if table is None:
        raise Refused(f"{resource.path}: cannot be read; run make check first")
    return table.rows


def read_article(package, source: dict, spec: dict) -> str:
    """The source's text: a text the descriptor lists, read as the validator reads it (within the
    package, no link, a regular file, within the size limit) and held to the same grammar."""
    path = source.get(spec["path"]) or ""
    resource = package.resource_by_path(path)
    if resource is None or resource.is_table:
        raise Refused(
            f"{path!r} (text_path of {source.get('source_id')}) is not an article text datapackage.json lists"
        )
    try:
        return article_text.decode(safe_open.read(package.root, path, package.limits.text_bytes))
    except safe_open.TooLarge as exc:
        raise Refused(f"{path}: is {exc.size:,} bytes; an article text may be at most {exc.limit:,}") from None
    except (safe_open.Refused, article_text.NotPlain) as exc:
        raise Refused(f"{path}: {exc}") from None


def name_forms(package, exclude_forms_only_in: str | None = None, texts: dict[str, str] | None = None) -> dict:
    """Folded name form -> actor IDs, from the aliases and the actors' names. With
    `exclude_forms_only_in` (a source ID, for the leave-one-article-out evaluation), a form is
    kept only if another article's text prints it."""
    forms: dict[str, set[str]] = {}
    pairs = [(r["alias"], r["actor_id"]) for r in _rows(package, "aliases")]
    pairs += [(r["name"], r["actor_id"]) for r in _rows(package, "actors")]
    pairs += [(r["name_it"], r["actor_id"]) for r in _rows(package, "actors") if r.get("name_it")]
    others = None
    if exclude_forms_only_in is not None and texts is not None:
        others = " ".join(fold_same_length(t) for s, t in texts.items() if s != exclude_forms_only_in)
    for form, actor in pairs:
        if not form or not actor:
            continue
        folded = fold_same_length(form)
        if others is not None and not re.search(rf"(?<!\w){re.escape(folded)}(?!\w)", others):
            continue
        forms.setdefault(folded, set()).add(actor)
    return forms


# --- reading the text ------------------------------------------------------------------------


def fold_same_length(text: str) -> str:
    """Case and accents folded one character for one, so that positions in the folded text are
    positions in the text (an excerpt is then cut from the text itself); typographic apostrophes
    and quotes as plain ones."""
    out = []
    for c in text.translate(names._PLAIN):
        bare = "".join(ch for ch in unicodedata.normalize("NFKD", c) if not unicodedata.combining(ch)).casefold()
        out.append(bare if len(bare) == 1 else c.lower() if len(c.lower()) == 1 else c)
    return "".join(out)


def find_mentions(text: str, forms: dict[str, set[str]]) -> list[Mention]:
    """Every known name form, whole words, longest first where two overlap: one pass over the
    text for all forms at once (Aho-Corasick), however many forms the package has."""
    import ahocorasick  # as dpmodel.excerpts uses it

    folded = fold_same_length(text)
    if not forms:
        return []
    automaton = ahocorasick.Automaton()
    for form in forms:
        if form:
            automaton.add_word(form, form)
    automaton.make_automaton()
    word = re.compile(r"\w")
    matches = []
    for last, form in automaton.iter(folded):
        start, end = last - len(form) + 1, last + 1
        if (start and word.match(folded[start - 1])) or (end < len(folded) and word.match(folded[end])):
            continue  # not a whole word
        matches.append((-len(form), start, end, form))
    found: list[Mention] = []
    taken = bytearray(len(text))
    for _, start, end, form in sorted(matches):
        if any(taken[start:end]):
            continue
        taken[start:end] = b"\x01" * (end - start)
        for actor in sorted(forms[form]):
            found.append(Mention(start, end, actor, text[start:end]))
    return sorted(found, key=lambda m: (m.start, m.actor_id))


# A word, its first character a letter of any script, its last a letter or a combining mark ("Zoc̈lek").
NAME_WORD = re.compile(r"[^\W\d_](?:[\w\u0300-\u036f’'-]*[\w\u0300-\u036f])?")
MAX_NAME_CHARS = 100  # a longer run of capitalised words is no name (and would not fit an ID)
JOINERS = {"di", "de", "van", "von", "der", "bin", "ibn", "bint"}  # may stand inside a name
JOINED = {" ", *(f" {j} " for j in JOINERS), " van der ", " van den "}  # what may stand between two of its words


def _capitalised(word: str) -> bool:
    return len(word) >= 2 and (word[0].isupper() or (word[:3] in ("al-", "el-") and word[3:4].isupper()))


def _runs(text: str):
    """Runs of capitalised words, each word (start, end, word), the words one space apart (or
    joined by di, de, van, von): one pass over the text's words."""
    current: list[tuple[int, int, str]] = []
    for m in NAME_WORD.finditer(text):
        word = m.group()
        gap = text[current[-1][1] : m.start()] if current else None
        if _capitalised(word):
            if current and gap in JOINED:
                current.append((m.start(), m.end(), word))
                continue
            if current:
                yield current
            current = [(m.start(), m.end(), word)]
        elif not (current and word in JOINERS and gap in JOINED):
            if current:
                yield current
            current = []
    if current:
        yield current


def candidate_names(text: str, sentences, known: list[Mention]) -> list[tuple[int, int, str]]:
    """Capitalised names no known form covers: two or more capitalised words in a row, or one not
    at a sentence's start (the names a contributor may need as new actors). A name is cut from
    the text as printed, so its alias is verbatim."""
    covered = bytearray(len(text))
    for m in known:
        covered[m.start : m.end] = b"\x01" * (m.end - m.start)
    starts = {s for s, _, _ in sentences}
    found = []
    for run in _runs(text):
        first = next((i for i, (_, _, w) in enumerate(run) if w not in NOT_NAMES), len(run))
        run = run[first:]
        if not run or len(run) > MAX_NAME_WORDS or run[-1][1] - run[0][0] > MAX_NAME_CHARS:
            continue  # no name, or a run of capitals too long to be one (a heading)
        start, end = run[0][0], run[-1][1]
        name = text[start:end]
        opens = text[max(0, start - 2) : start].strip()[-1:] in (
            "«",
            "“",
            '"',
            "(",
            ":",
            "",
        )  # a quotation's first word
        if any(covered[start:end]) or (len(run) == 1 and (start in starts or opens or len(name) < 3)):
            continue
        found.append((start, end, name))
    return found


def _base(published: str) -> tuple[datetime.datetime, str]:
    """The publication date as dateparser's reference (its last day) and its precision."""
    first, last = dates.span(published)
    return datetime.datetime(last.year, last.month, last.day, 12), dates.precision(published)


def _weekday(base: datetime.datetime, words: str, ahead: bool) -> datetime.datetime:
    """The day a weekday names, counted from the publication day: the last one on or before it
    ("martedì" in a Tuesday's paper is that Tuesday), or the next on or after it in the future tense;
    "scorso" and "prossimo" name the one a week away when the day is the publication's own."""
    day = next(WEEKDAYS.index(w) for w in words.lower().split() if w in WEEKDAYS)
    past = re.search(r"scors|passat", words, re.I)  # the phrase's own word first, then the sentence's tense
    if not past and (ahead or re.search(r"prossim", words, re.I)):
        step = (day - base.weekday()) % 7 or (7 if re.search(r"prossim", words, re.I) else 0)
        return base + datetime.timedelta(days=step)
    step = (base.weekday() - day) % 7 or (7 if re.search(r"scors|passat", words, re.I) else 0)
    return base - datetime.timedelta(days=step)


def find_dates(text: str, published: str | None, sentences=None) -> list[tuple[int, int, str, str, str]]:
    """(start, end, as printed, reduced ISO date, basis) of every date the text states. One pass:
    each phrase is looked at once, and each distinct phrase read by dateparser once."""
    from dateparser.date import DateDataParser  # here: only drafting needs it

    base, base_precision = _base(published) if published else (None, None)
    settings = {"PREFER_DATES_FROM": "past", "RETURN_AS_TIMEZONE_AWARE": False}
    if base:
        settings["RELATIVE_BASE"] = base
    parser = DateDataParser(languages=["it"], settings=settings)
    # A date in a sentence in the future tense ("si terrà a novembre") is the next one, not the last.
    ahead = DateDataParser(languages=["it"], settings={**settings, "PREFER_DATES_FROM": "future"})
    read: dict[tuple[bool, str], object] = {}
    sentences = text_coverage.sentences(text) if sentences is None else sentences
    starts = [s for s, _, _ in sentences]
    future = [bool(FUTURE.search(t)) for _, _, t in sentences]
    candidates = [(s, e, t) for s, e, t in text_coverage.explicit_dates(text)]
    taken = bytearray(len(text))
    for s, e, _ in candidates:
        taken[s:e] = b"\x01" * (e - s)
    months, weekdays = text_coverage.MONTHS, "|".join(WEEKDAYS)
    # Dates relative to the publication: a weekday, last/next month, week, weekend or year,
    # yesterday, today, tomorrow, a month alone ("a novembre"), a day before a month ("il 20 giugno").
    relative = "|".join(
        [
            rf"(?:il |lo |la )?(?:{weekdays})(?: scors[oa]| prossim[oa])?",
            r"(?:il |lo )?(?:mese|anno|fine settimana|settimana) (?:scors[oa]|passat[oa]|prossim[oa])",
            r"(?:lo |la |il )?(?:scors[oa]|passat[oa]) (?:mese|anno|fine settimana|settimana)",
            r"ieri|oggi|domani",
            rf"(?:a|ad|in|di|nel mese di) (?:{months})(?! \d)",
            rf"(?:il |l')(?:\d{{1,2}})(?= (?:{months})\b)",
        ]
    )
    relative = rf"\b(?:{relative})"
    for m in re.finditer(relative, text, re.IGNORECASE):
        # "mercoledì 12 giugno 2024": the weekday only names the printed date's day
        if re.match(r"\s+\d", text[m.end() : m.end() + 3]):
            continue
        if not any(taken[m.start() : m.end()]):
            candidates.append((m.start(), m.end(), m.group()))
            taken[m.start() : m.end()] = b"\x01" * (m.end() - m.start())

    def resolve(start: int, end: int, printed: str):
        """The phrase's (start, end, printed, date, basis), or None if it resolves to no date."""
        words = printed.strip()
        bare = re.sub(r"^(?:il|lo|la|a|ad|in|di|nel mese di) ", "", words, flags=re.I)
        at = bisect.bisect_right(starts, start) - 1
        is_future = at >= 0 and start < sentences[at][1] and future[at]
        if re.search(r"fine settimana", bare, re.I) and base and re.search(r"scors|passat", bare, re.I):
            # Last weekend: the Saturday and Sunday before publication; a reduced date can hold both
            # days only as their month, and only when they share it.
            saturday = base - datetime.timedelta(days=(base.weekday() - 5) % 7 or 7)
            sunday = saturday + datetime.timedelta(days=1)
            if saturday.month != sunday.month:
                return None
            iso = f"{saturday.year:04}-{saturday.month:02}"
            return (start, end, printed, iso if len(iso) <= len(published) else published, "inferred")
        if base and bare.lower().split()[0] in WEEKDAYS:
            when, period = _weekday(base, bare, is_future), "day"
        else:
            key = (is_future, bare.lower())
            if key not in read:
                read[key] = (ahead if is_future else parser).get_date_data(bare)
            data = read[key]
            if data is None or data.date_obj is None:
                return None
            when, period = data.date_obj, data.period or "day"
        year_printed = re.search(r"\b\d{4}\b|\.\d{2}$", words) is not None
        # Relative to the day of publication ("domenica", "il mese scorso"), or only the year left out ("30 marzo").
        day_relative = bool(RELATIVE.search(words)) or words.lower().split()[-1] in WEEKDAYS
        is_relative = day_relative or not year_printed
        if period == "year":
            iso = f"{when.year:04}"
        elif period == "month":
            iso = f"{when.year:04}-{when.month:02}"
        else:
            iso = f"{when.year:04}-{when.month:02}-{when.day:02}"
        if day_relative and published and base_precision != "day" and len(iso) > len(published):
            iso = published  # resolved no further than the publication date itself is known
        return (start, end, printed, iso, "inferred" if is_relative else "stated")

    found = []
    for start, end, printed in sorted(candidates):
        try:
            resolved = resolve(start, end, printed)
        except (OverflowError, ValueError):  # a publication date at the calendar's edge (0001, 9999)
            continue
        if resolved:
            found.append(resolved)
    return found


class Spans:
    """Items with a start offset, sorted, and those starting in [start, end) found by bisection:
    every lookup the draft makes is logarithmic, so a long or hostile text stays linear."""

    def __init__(self, items, start=lambda x: x[0]):
        self.items = sorted(items, key=start)
        self.starts = [start(x) for x in self.items]

    def between(self, start: int, end: int) -> list:
        return self.items[bisect.bisect_left(self.starts, start) : bisect.bisect_left(self.starts, end)]

    def last_from(self, offset: int):
        """The last item starting at or before offset, or None."""
        at = bisect.bisect_right(self.starts, offset) - 1
        return self.items[at] if at >= 0 else None


def _cell_text(piece: str) -> str:
    """A piece of the text as a cell may hold it, still a piece of the text: no whitespace at its
    ends and no leading dash or other mark a spreadsheet would read as a formula ("- Nessuno …")."""
    piece = piece.strip()
    while piece.startswith(FORMULA_START):
        piece = piece[1:].lstrip()
    return piece


def _excerpt(text: str, start: int, end: int) -> str:
    """The text from start to end, as printed: within its line (a cell holds no line break) and
    no longer than an excerpt may be."""
    end = min(end, start + 2 * MAX_EXCERPT)  # never copied further than an excerpt can reach
    line_end = text.find("\n", start, end)
    piece = _cell_text(text[start : end if line_end < 0 else line_end])
    return _cell_text(piece[:MAX_EXCERPT])


def _nearest_speaker(text: str, mentions: Spans, start: int, end: int, window: int = 160) -> Mention | None:
    """The actor named next to a verb of saying nearest the quotation [start, end): after it
    ("», ha detto Lavrov") or before it ("Lavrov ha detto: «…»"). `mentions` are those outside
    quotations (a name inside someone's words is not the speaker)."""
    after = text[end : end + window]
    before_at = max(0, start - window)
    best = None
    if m := SAYING_RE.search(after):
        verb_at = end + m.end()
        best = min(mentions.between(verb_at, verb_at + 80), key=lambda x: x.start, default=None)
        best = best or max(mentions.between(end, end + m.start()), key=lambda x: x.start, default=None)
    if best is None:
        verbs = list(SAYING_RE.finditer(text, before_at, start))
        if verbs:
            verb_at = verbs[-1].start()
            best = max(
                (x for x in mentions.between(before_at, verb_at) if x.end <= verb_at), key=lambda x: x.end, default=None
            )
    return best


def _not_after(date: str | None, published: str | None) -> str | None:
    """A statement's date as drafted: none that lies after the publication (the article cannot
    report it); the reviewer then sees only the bound."""
    if date and published and dates.earliest(date) > dates.latest(published):
        return None
    return date


# --- the draft -------------------------------------------------------------------------------


def draft_rows(package, source_id: str, forms: dict[str, set[str]] | None = None) -> Found:
    sources_table = next((r for r in package.tables() if r.schema.get("x-texts")), None)
    if sources_table is None:
        raise Refused("no table of sources (a schema with x-texts) in datapackage.json")
    sources = {r[sources_table.primary_key[0]]: r for r in _rows(package, sources_table.name)}
    if source_id not in sources:
        raise Refused(f"no source {source_id!r} in {sources_table.path} (make add-article adds it)")
    source = sources[source_id]
    text = read_article(package, source, sources_table.schema["x-texts"])
    published = source.get(sources_table.schema.get("x-published-date", "published_date")) or None
    if not published:  # every relative date is read against it: without it, today would be used
        raise Refused(f"{sources_table.path}, row {source_id}, published_date: empty; fill it first")
    try:
        dates.span(published)
    except dates.NotADate as exc:
        raise Refused(f"{sources_table.path}, row {source_id}, published_date: {exc}; correct it first") from None
    forms = name_forms(package) if forms is None else forms
    places = {}
    for r in _rows(package, "places"):
        for name in (r["name"], r.get("name_it")):
            if name:
                places[fold_same_length(name)] = r["place_id"]
    place_patterns = [
        (re.compile(rf"(?<!\w){re.escape(name)}(?!\w)"), place)
        for name, place in sorted(places.items(), key=lambda x: -len(x[0]))
    ]
    sentences = text_coverage.sentences(text)
    found = Found(text=text)
    found.mentions = find_mentions(text, forms)
    cite = found.rows["citations"]

    def citation(table: str, record_id: str, start: int, end: int):
        cite.append(
            {
                "record_table": table,
                "record_id": record_id,
                "source_id": source_id,
                "excerpt": _excerpt(text, start, end),
                "_span": (start, end),  # where in the text (not written: no column has the name)
            }
        )

    # Known actors, cited where first named; candidates as new actors with their alias.
    seen = set()
    for m in found.mentions:
        if m.actor_id not in seen:
            seen.add(m.actor_id)
            citation("actors", m.actor_id, m.start, m.end)
    candidates = {}
    known_ids = {r["actor_id"] for r in _rows(package, "actors")}  # a real ID may look provisional
    names_found = candidate_names(text, sentences, found.mentions)
    # A surname alone names whoever the text named in full: a candidate, or a known actor
    # ("Giulia Ferraris", then "Ferraris").
    by_last = {}
    for m in found.mentions:
        if len(m.form.split()) > 1 and len(m.form.split()[-1]) >= 3:
            by_last.setdefault(m.form.split()[-1], m.actor_id)
    surnames = {n.split()[-1] for _, _, n in names_found if len(n.split()) > 1} | set(by_last)
    id_of: dict[str, str] = {}
    for start, end, name in names_found:
        if name in surnames:
            continue  # a surname alone: the full name's mention (below)
        if name not in id_of:  # by its words, or by its number when they give no ID (Сергей) or one taken
            slug, number = ids.slug(name, most_chars=60), len(candidates) + 1
            taken = set(candidates) | known_ids
            id_of[name] = f"draft-actor-{slug}" if slug and f"draft-actor-{slug}" not in taken else ""
            while not id_of[name]:
                id_of[name] = f"draft-actor-{number}" if f"draft-actor-{number}" not in taken else ""
                number += 1
        actor_id = id_of[name]
        if actor_id not in candidates:
            candidates[actor_id] = name
            found.rows["actors"].append({"actor_id": actor_id, "name": name})
            found.rows["aliases"].append({"actor_id": actor_id, "alias": name, "lang": "it"})
            citation("actors", actor_id, start, end)
        found.mentions.append(Mention(start, end, actor_id, name))
    # A candidate named later by its last word alone ("Giulia Ferraris", then "Ferraris") is the
    # same candidate: one pass over the text's words.
    covered = bytearray(len(text))
    for m in found.mentions:
        covered[m.start : m.end] = b"\x01" * (m.end - m.start)
    for actor_id, name in candidates.items():
        last = name.split()[-1]
        if len(name.split()) >= 2 and len(last) >= 3:
            by_last.setdefault(last, actor_id)
    for m in NAME_WORD.finditer(text):
        word = m.group()
        if word in by_last and not any(covered[m.start() : m.start() + len(word)]):
            found.mentions.append(Mention(m.start(), m.start() + len(word), by_last[word], word))
    found.mentions.sort(key=lambda m: (m.start, m.actor_id))
    found.dates = find_dates(text, published, sentences)
    dated = Spans(found.dates)

    known_dates: dict[tuple[int, int], tuple] = {}  # a sentence's, once: many quotations may share one

    def date_in(start: int, end: int):
        """The date a span states: a printed one first, else the first it resolves."""
        if (start, end) not in known_dates:
            inside = [(d, b) for s, e, _, d, b in dated.between(start, end) if e <= end]
            known_dates[start, end] = next(
                (x for x in inside if x[1] == "stated"), inside[0] if inside else (None, None)
            )
        return known_dates[start, end]

    # Quotations.
    number = 0
    spans = [
        (s, e, _cell_text(inner))
        for s, e, inner in text_coverage.quoted_spans(text)
        if len(inner.split()) >= MIN_QUOTE_WORDS and _cell_text(inner)
    ]
    quoted = bytearray(len(text))
    for s, e, _ in spans:
        quoted[s:e] = b"\x01" * (e - s)
    quotes = Spans(spans)
    outside = Spans([m for m in found.mentions if not quoted[m.start]], start=lambda m: m.start)
    by_sentence = Spans(sentences)
    everyone = Spans(found.mentions, start=lambda m: m.start)
    for start, end, inner in spans:
        speaker = _nearest_speaker(text, outside, start, end)
        number += 1
        statement_id = f"draft-statement-{number}"
        sentence = by_sentence.last_from(start)
        if sentence is None or start >= sentence[1]:
            sentence = (start, end, inner)
        date, basis = date_in(sentence[0], sentence[1])
        date = _not_after(date, published)
        found.rows["statements"].append(
            {
                "statement_id": statement_id,
                "kind": "direct",
                "quote": inner,
                "date": date,
                "date_basis": basis if date else "inferred",  # undated: its bound, inferred from the source
                "not_after": None if date else published,
            }
        )
        if speaker:
            found.rows["statement_speakers"].append({"statement_id": statement_id, "actor_id": speaker.actor_id})
        begin, stop = min(start, sentence[0]), max(end, sentence[1])
        if stop - begin > MAX_EXCERPT:  # a sentence longer than an excerpt: the part around the quotation
            begin = max(begin, start - 200)
            stop = min(stop, max(end, begin + MAX_EXCERPT))
        citation("statements", statement_id, begin, stop)
    for start, end, _ in sentences:
        if any(e <= end for _, e, _ in quotes.between(start, end)):
            continue  # a sentence with a direct quotation is drafted as that
        for m in REPORTING_RE.finditer(text, start, end):
            if quoted[m.start()]:
                continue  # words of saying inside someone's words
            # "secondo Lavrov": the speaker follows; "Lavrov ha detto che": it comes before, else
            # just after ("ha detto Lavrov che").
            before = max(
                (x for x in outside.between(start, m.start()) if x.end <= m.start()), key=lambda x: x.end, default=None
            )
            after = min(outside.between(m.end(), min(end, m.end() + 40)), key=lambda x: x.start, default=None)
            according = m.group().lower().startswith("secondo")
            speaker = (after or before) if according else (before or after)
            begin = start if according else (before.start if before else m.start())
            number += 1
            statement_id = f"draft-statement-{number}"
            date, basis = date_in(start, end)
            date = _not_after(date, published)
            found.rows["statements"].append(
                {
                    "statement_id": statement_id,
                    "kind": "indirect",
                    "quote": _excerpt(text, begin, end).rstrip(".").strip(),
                    "date": date,
                    "date_basis": basis if date else "inferred",  # undated: its bound, inferred from the source
                    "not_after": None if date else published,
                }
            )
            if speaker:
                found.rows["statement_speakers"].append({"statement_id": statement_id, "actor_id": speaker.actor_id})
            citation("statements", statement_id, begin, end)
            break

    # Candidate events: a sentence with a date and a happening.
    number = 0
    for start, end, sentence in sentences:
        date, basis = date_in(start, end)
        kind = next((k for pattern, k in HAPPENING_RE if pattern.search(sentence)), None)
        if not date or not kind:
            continue
        number += 1
        event_id = f"draft-event-{number}"
        folded = fold_same_length(sentence)
        place = next((p for pattern, p in place_patterns if pattern.search(folded)), None)
        future = published and dates.earliest(date) > dates.latest(published)
        found.rows["events"].append(
            {
                "event_id": event_id,
                "event_type": kind,
                "status": "planned" if future else "occurred",
                "start_date": date,
                "date_basis": basis,
                "place_id": place,
            }
        )
        citation("events", event_id, start, end)
        for actor in dict.fromkeys(m.actor_id for m in everyone.between(start, end)):
            found.rows["event_participants"].append({"event_id": event_id, "actor_id": actor, "role": "participant"})
            citation("event_participants", f"{event_id}/{actor}", start, end)
    return found


def leave_out_recorded(package, source_id: str, found: Found) -> int:
    """Drop the proposals the package already records from this source (a draft made again after
    make accept, or for an article partly entered by hand): an actor it already cites the source
    for (its proposal and citation only, never the rows naming it: a speaker, a participant), and a
    statement or event whose drafted passage overlaps a passage the source is already cited with
    for that table, with every row naming it. The number of proposals left out."""
    recorded_actors, excerpts_of = set(), {"statements": [], "events": []}
    for row in _rows(package, "citations"):
        if row["source_id"] == source_id:
            if row["record_table"] == "actors":
                recorded_actors.add(row["record_id"])
            elif row["record_table"] in excerpts_of and row["excerpt"]:
                excerpts_of[row["record_table"]].append(row["excerpt"])
    gone = set()
    for table, needles in excerpts_of.items():
        cited = bytearray(len(found.text))  # where the text is already cited for the table: one pass
        for needle, starts in excerpts.find(found.text, needles, cap=1).starts.items():
            for start in starts:
                cited[start : start + len(needle)] = b"\x01" * len(needle)
        for c in found.rows["citations"]:
            if c["record_table"] == table and any(cited[slice(*c["_span"])]):
                gone.add(c["record_id"])

    def names_gone(row: dict) -> bool:
        columns = ("event_id", "statement_id", "record_id")
        return any(part in gone for column in columns for part in str(row.get(column) or "").split("/"))

    left_out = 0
    for table, rows in found.rows.items():
        kept = Proposals()
        for r in rows:
            actor_recorded = (table in ("actors", "aliases") and r["actor_id"] in recorded_actors) or (
                table == "citations" and r["record_table"] == "actors" and r["record_id"] in recorded_actors
            )
            if actor_recorded or names_gone(r):
                left_out += table != "citations"
                continue
            kept.append(r)
        found.rows[table] = kept
    return left_out


def cell_problems(package, source_id: str, found: Found) -> list[str]:
    """A line for each drafted cell make accept would refuse as it stands (a name too long for
    its column, a character no cell may hold), to be fixed in the draft: the draft still holds the
    row, as printed, for the reviewer to decide."""
    lines = []
    for table, rows in found.rows.items():
        fields = package.resources[table].schema["fields"]
        for number, row in enumerate(rows, start=2):
            for name, code, message in cells.problems(fields, row):
                lines.append(
                    f"  {DRAFTS}/{source_id}/{table}.csv:{number} {name} [{code}]: {message}; fix it before accept"
                )
    return lines


def existing(package, source_id: str) -> list[str]:
    """The draft files already there for the source (links and other entries included)."""
    folder = package.root / DRAFTS / source_id
    return [f"{DRAFTS}/{source_id}/{t}.csv" for t in TABLES if os.path.lexists(folder / f"{t}.csv")]


def write(package, source_id: str, found: Found, replace: bool = False) -> dict[str, int]:
    """drafts/<source_id>/<table>.csv: `keep` then the package's columns, for every table with
    rows, written all at once or not at all (safe_open.write_files): each created new, never
    through a link nor over anything there; with `replace`, a draft there before is replaced, and
    a table the new draft has no rows for is removed."""
    counts, files = {}, []
    for table in TABLES:
        path = f"{DRAFTS}/{source_id}/{table}.csv"
        rows = found.rows[table]
        if not rows:
            if replace:
                files.append((path, None))  # a table the new draft has no rows for
            continue
        columns = package.resources[table].field_names
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow([KEEP, *columns])
        for row in rows:
            writer.writerow(["", *(row.get(c) or "" for c in columns)])
        data = buffer.getvalue().encode("utf-8")
        if len(data) > package.limits.table_bytes:
            raise Refused(
                f"{path} would be {len(data):,} bytes, more than a table may be ({package.limits.table_bytes:,}); "
                "the text yields more proposals than a review can take"
            )
        files.append((path, data))
        counts[table] = len(rows)
    new = frozenset() if replace else frozenset(p for p, d in files if d is not None)
    safe_open.write_files(package.root, files, new=new, folders=True)  # every file or none
    return counts


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("source", help="the source ID (a row of data/sources.csv)")
    parser.add_argument("--package", type=Path, default=Path("."), help="the package's folder (default: here)")
    parser.add_argument("--force", action="store_true", help="replace a draft already there (its decisions are lost)")
    args = parser.parse_args(argv)
    package, problems = descriptor.load(args.package / "datapackage.json")
    if package is None:
        print(
            f"draft: datapackage.json does not load ({problems[0] if problems else 'unreadable'}); run make check first"
        )
        return 1
    if not re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", args.source) or len(args.source) > 200:
        print(f"draft: {args.source[:80]!r} is no source ID")
        return 1
    if (there := existing(package, args.source)) and not args.force:
        print(
            f"draft: {DRAFTS}/{args.source}/ already holds a draft ({len(there)} file{'s' if len(there) > 1 else ''}); "
            f"review it and make accept SOURCE={args.source}, or draft again with FORCE=1 (its decisions are lost)"
        )
        return 1
    try:
        with safe_open.locked(args.package):
            found = draft_rows(package, args.source)
            recorded = leave_out_recorded(package, args.source, found)
            counts = write(package, args.source, found, replace=args.force)
    except Refused as exc:
        print(f"draft: {exc}")
        return 1
    except safe_open.Refused as exc:
        print(f"draft: {DRAFTS}/{args.source}/: {exc}")
        return 1
    print(f"Drafted {DRAFTS}/{args.source}/ from the text of {args.source}:")
    for table, n in counts.items():
        print(f"  {table}.csv: {n} proposed row{'' if n == 1 else 's'}")
    for line in cell_problems(package, args.source, found)[:20]:
        print(line)
    if recorded:
        print(f"  ({recorded} proposal{'s' if recorded > 1 else ''} left out: the package already records them)")
    print("Review each row: write yes or no in its keep column, fill what is empty (titles, translations,")
    print(f"kinds, roles), then: make accept SOURCE={args.source}")
    return 0
