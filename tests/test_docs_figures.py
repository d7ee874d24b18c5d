"""Figures in the prose cannot drift: every measured figure README.md, SECURITY.md and the
CHANGELOG quote is found by one finder, and each must be one of

1. a figure of BENCHMARKS.md, BENCHMARKS-hostile.md or BENCHMARKS-notes.md (the files `make bench`
   and `make bench-hostile` write, and the notes on them), the same figure to the precision the
   prose writes it (`20 times` is 20.2 times; `20.1 times` is not): a new run that changes it
   fails here until the prose follows;
2. a limit or setting inside a phrase this test builds from the code that sets it (held(): the
   byte, row and cell limits in dpmodel/limits.py, the kernel's in os_limits.py, the site's in
   its plugins and settings): when the code changes, the phrase is no longer in the docs and the
   test fails; or
3. inside a phrase of the ALLOWED list, each with its reason: figures no run measures, such as
   what a fixed problem cost before the fix.

What a figure is (FIGURE): a number, in digits or words ("four", "ten million", "a million"),
alone or in a list or range ("10 thousand, 100 thousand and one million rows"), followed by a
unit of time (ms, s, seconds, min, minutes, hours), size (bytes, KB, KiB, MB, MiB, GB, GiB), a
ratio (times, ×, 15x), a percentage, a rate (requests a second, requests/s), or a count of rows
or cells (a benchmark's size, a limit). Counts of anything else (articles, tests, packages a
property test generates, characters) are not benchmark figures; the README's counts of data rows
and articles are in sections `make codebook` generates and `codebook.py --check` holds, and are
left out here with the code blocks (examples run by test_readme.py). "one row" and "a second" are
words, not figures: a number word counts before a row or cell only with hundred, thousand or
million.

Only the CHANGELOG's newest section (unreleased, or the releases of the newest day; and the preamble
above it) is held: it describes the code as it is and ships with today's figures. An older section is history: it records what a
release changed as measured then, and is not rewritten when a later run moves a figure (the
BENCHMARKS files keep only the latest run), so holding it would force rewriting history.

Each held() and ALLOWED phrase must still be in the docs, so neither list outlives its figure."""

from __future__ import annotations

import ast
import functools
import re
from dataclasses import dataclass
from pathlib import Path

from dpmodel import limits, os_limits

ROOT = Path(__file__).resolve().parent.parent
DOCS = ("README.md", "CHANGELOG.md", "SECURITY.md")
BENCHMARKS = ("BENCHMARKS.md", "BENCHMARKS-hostile.md", "BENCHMARKS-notes.md")
MiB = 1024 * 1024

# Phrases holding figures no benchmark measures, each with the reason it may stay as written.
ALLOWED = [
    (
        "README.md",
        "about two minutes on two cores",
        "the test suite's own wall time on this machine (a fresh clone of 82eeb5a on an idle machine: 113 s of "
        "tests, 169 s with the install), not the package's: make bench does not time the suite",
    ),
    (
        "SECURITY.md",
        "were 144 s and 13.3 GB before",
        "10 Mi rows of `,,` before the row and cell limits existed: the cost that set them, of code that is gone",
    ),
    (
        "SECURITY.md",
        "took coverage 5 min 51 s and 2.1 GB before",
        "nested excerpts before the one linear search (dpmodel/excerpts.py): the cost of code that is gone",
    ),
    (
        "SECURITY.md",
        "a 3-million-row file took minutes",
        "one message per failing row before problems.MAX_LISTED: the cost of code that is gone",
    ),
    (
        "SECURITY.md",
        "instead of 24 s and 6 GB",
        "`hex(randomblob(490000000))` without SQLITE_LIMIT_LENGTH: SQLite's own cost, the reason for the cap",
    ),
    (
        "SECURITY.md",
        "loops for 8 s on",
        "SQLite 3.40's printf without the width cap: SQLite's own cost, the reason for the cap",
    ),
    (
        "SECURITY.md",
        "blocked the event loop for 32 s",
        "Datasette's parsing of 4,000 parameters without the request-target cap: the reason for the cap",
    ),
]


# The finder --------------------------------------------------------------------------------------

WORDS = dict(zip("one two three four five six seven eight nine ten eleven twelve".split(), range(1, 13)))
WORDS |= {"fifteen": 15, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "a": 1, "an": 1}
MULTIPLIERS = {"hundred": 10**2, "thousand": 10**3, "million": 10**6, "billion": 10**9, "Mi": 2**20}
UNITS = {  # as written (lowercased) -> one spelling
    "requests a second": "requests/s",
    "requests per second": "requests/s",
    "requests/s": "requests/s",
    "second": "s",
    "seconds": "s",
    "minute": "min",
    "minutes": "min",
    "hour": "h",
    "hours": "h",
    "×": "times",
    "x": "times",
    "per cent": "%",
    "percent": "%",
    "row": "rows",
    "cell": "cells",
}
_NUM = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
_WORD = r"(?i:" + "|".join(sorted(WORDS, key=len, reverse=True)) + r")\b"
_MULT = r"[ -](?:hundred|thousand|million|billion)\b"
_QTY = rf"(?:(?:{_NUM})(?:{_MULT}| Mi(?= rows|$))?|{_WORD}(?:{_MULT})?)"  # 10 Mi rows: 10 x 2**20
_UNIT = (
    r"requests (?:a|per) second|requests/s|seconds?|minutes?|min|hours?|ms|s|bytes|[KMGT]iB|[kKMGT]B"
    r"|times|×|x|%|per ?cent|rows?|cells?"
)
FIGURE = re.compile(
    rf"(?<![\w.,+/-])(?P<quantities>{_QTY}(?:(?:, {_QTY})*,? (?:and|or) {_QTY}| to {_QTY}|–{_QTY})?)"
    rf"(?P<sep>[ -]?)(?P<unit>{_UNIT})(?![\w/])"
)
QUANTITY = re.compile(rf"(?<![\w.,+/-]){_QTY}")


@dataclass(frozen=True)
class Figure:
    line: int
    text: str  # as written, with its unit
    value: float
    unit: str
    tolerance: float  # half the last digit written: "20" is 19.5 to 20.5
    start: int  # in the collapsed text
    end: int


def _quantity(written: str) -> tuple[float, float, bool]:
    """(value, tolerance, whether it is a word without a multiplier) of one quantity."""
    parts = re.split(r"[ -]", written)
    multiplier = MULTIPLIERS.get(parts[-1], 1) if len(parts) > 1 else 1
    head = parts[0]
    if head.lower() in WORDS:
        return WORDS[head.lower()] * multiplier, 0.5 * multiplier, multiplier == 1
    digits = head.replace(",", "")
    decimals = len(digits.partition(".")[2])
    return float(digits) * multiplier, 0.5 * 10**-decimals * multiplier, False


def _collapse(text: str) -> tuple[str, list[int]]:
    """The text with every run of whitespace one space (so a phrase broken across lines is found),
    and the line of each of its characters."""
    out, lines, line = [], [], 1
    for piece in re.findall(r"\s+|\S+", text):
        if piece.isspace():
            out.append(" ")
            lines.append(line)
            line += piece.count("\n")
        else:
            out.append(piece)
            lines.extend([line] * len(piece))
    return "".join(out), lines


def figures(text: str) -> tuple[str, list[Figure]]:
    """Every figure in a text (see FIGURE), with the collapsed text the spans point into."""
    flat, lines = _collapse(text)
    found = []
    for match in FIGURE.finditer(flat):
        unit = UNITS.get(match["unit"].lower(), match["unit"])
        if match["unit"] == "x" and match["sep"]:
            continue  # "15x" is a ratio, "3 x 4" is not
        for quantity in QUANTITY.finditer(match["quantities"]):
            value, tolerance, bare_word = _quantity(quantity[0])
            if bare_word and (quantity[0].lower() in ("a", "an") or unit in ("rows", "cells")):
                continue  # "a second", "one row": words, not figures
            found.append(Figure(lines[match.start()], match[0], value, unit, tolerance, match.start(), match.end()))
    return flat, found


# What the docs say -------------------------------------------------------------------------------


def _doc_text(name: str) -> str:
    """The prose of a doc whose figures are held; what is cut keeps its lines, so line numbers stay true."""
    text = (ROOT / name).read_text(encoding="utf-8")

    def blank(match: re.Match) -> str:
        return "\n" * match[0].count("\n")

    text = re.sub(r"^```.*?^```", blank, text, flags=re.M | re.S)  # code: run by test_readme.py, or output
    text = re.sub(r"<!-- (\w+):start -->.*?<!-- \1:end -->", blank, text, flags=re.S)  # make codebook's
    if name == "CHANGELOG.md":
        # The newest section and those released the same day with it (or the unreleased one).
        sections = list(re.finditer(r"^## (?:.*\((\d{4}-\d{2}-\d{2})\))?", text, re.M))
        newest = sections[0].group(1)
        older = next((m for m in sections[1:] if m.group(1) != newest or newest is None), None)
        assert older, "CHANGELOG.md has no section before the newest"
        text = text[: older.start()]
    return text


@functools.cache
def _docs() -> dict[str, tuple[str, list[Figure]]]:
    return {name: figures(_doc_text(name)) for name in DOCS}


# What the benchmarks measured --------------------------------------------------------------------

_BARE = re.compile(rf"(?<![\w.,+/-])(?:{_NUM})(?![\w.])")
_NUMERIC = re.compile(r"[<>=≤≥ ]*[\d.,]+(?: / [\d.,]+)?(?:, \d+)?")  # 20.22, >= 15, 81 / 119, 0
_COUNTS = re.compile(r"error|request|answered|status", re.I)  # columns of counts, not of their caption's unit


def _unit_of(label: str) -> str | None:
    """The unit a table's header cell or caption names (`p50 ms`, `rows`, `ratio`), if any."""
    if re.search(r"\bratio\b", label):
        return "times"
    units = re.findall(r"(?<!['’])\b(requests/s|ms|s|MB|GB|MiB|GiB|rows)\b", label)
    return units[-1] if units else None


def _unit_of_row(label: str) -> str | None:
    """The unit a row's label ends with: `peak RSS of validation (GB)`, `... over 1,000,000 (x)`."""
    unit = re.search(r"\((x|s|ms|MB|GB)\)$", label)
    return None if unit is None else UNITS.get(unit[1], unit[1])


def _table_figures(text: str) -> set[tuple[float, str]]:
    """Numbers in table cells with no unit of their own: the unit is the column's (`p50 ms`, `rows`),
    else the row's (`peak RSS of validation (GB)`), else the caption's (`p50 / p95 ms, errors`)."""
    found = set()
    caption, header = "", None
    for line in text.splitlines():
        if not line.startswith("|"):
            caption, header = (line or caption), None
            continue
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if header is None:
            header = cells
            continue
        if set("".join(cells)) <= set("-: "):
            continue
        for column, cell in enumerate(cells):
            if not _NUMERIC.fullmatch(cell):
                continue  # a label, or figures with their own units (found with the prose)
            name = header[column] if column < len(header) else ""
            unit = _unit_of(name) or _unit_of_row(cells[0])
            if unit is None and not _COUNTS.search(name):
                unit = _unit_of(caption)
            if unit is None:
                continue
            found |= {(float(number[0].replace(",", "")), unit) for number in _BARE.finditer(cell)}
    return found


def _benchmarked() -> set[tuple[float, str]]:
    measured = set()
    for name in BENCHMARKS:
        text = (ROOT / name).read_text(encoding="utf-8")
        measured |= {(f.value, f.unit) for f in figures(text)[1]}
        measured |= _table_figures(text)
    return measured


# What the code sets ------------------------------------------------------------------------------


def _constants(path: str) -> dict:
    """The module-level constants of a source file, read without importing it (the site's plugins
    import Datasette, the build Polars: too slow for this test)."""
    tree = ast.parse((ROOT / path).read_text(encoding="utf-8"))
    values: dict = {}
    operators = {ast.Mult: lambda a, b: a * b, ast.Add: lambda a, b: a + b, ast.Pow: lambda a, b: a**b}

    def evaluate(node):
        if isinstance(node, ast.Constant):
            return node.value
        if isinstance(node, ast.Name):
            return values[node.id]
        if isinstance(node, ast.BinOp) and type(node.op) in operators:
            return operators[type(node.op)](evaluate(node.left), evaluate(node.right))
        if isinstance(node, ast.Dict):
            return {evaluate(k): evaluate(v) for k, v in zip(node.keys, node.values)}
        raise ValueError(ast.dump(node))

    for node in tree.body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            try:
                values[node.targets[0].id] = evaluate(node.value)
            except (ValueError, KeyError, TypeError):
                pass
    return values


def held() -> list[tuple[str, str]]:
    """(phrase as the docs write it, built from the code's value; where the value is set)."""
    lim = limits.DEFAULT
    gib, cpu = os_limits.MEMORY_BYTES // os_limits.GiB, os_limits.CPU_SECONDS
    settings = _constants("scripts/lib/dpsite/serve.py")["SETTINGS"]
    sqlite_caps = _constants("scripts/lib/dpsite/plugins/sqlite_limits.py")
    target = _constants("scripts/lib/dpsite/plugins/query_limits.py")["MAX_TARGET_BYTES"]
    ceiling = _constants("scripts/lib/dpsite/plugins/cells.py")["READ_CEILING"]
    response = _constants("scripts/lib/dpsite/plugins/sql_gate.py")["MAX_RESPONSE_BYTES"]
    proxy = _constants("scripts/lib/dpsite/proxy.py")["LIMITS"]
    big_cell = _constants("tests/test_site_csp.py")["BIG"]
    seconds = settings["sql_time_limit_ms"] / 1000
    return [
        (
            f"a {seconds:g} s time limit and at most {settings['max_returned_rows']:,} rows per query",
            "dpsite/serve.py SETTINGS",
        ),
        (f"{settings['sql_time_limit_ms']:,} ms (`sql_time_limit_ms`)", "dpsite/serve.py SETTINGS"),
        (
            f"{settings['max_returned_rows']:,} rows of {sqlite_caps['MAX_VALUE_BYTES'] // 10**6} MB",
            "serve.py, sqlite_limits.py",
        ),
        (
            f"address-space limit of {gib} GiB and a CPU-time limit of {cpu} s ({cpu // 2} s on both cores)",
            "os_limits.py",
        ),
        (f"more than {gib} GiB of memory", "os_limits.MEMORY_MESSAGE"),
        (f"at most {lim.table_rows:,} rows and {lim.table_cells:,} cells", "dpmodel/limits.py Limits"),
        (f"descriptor {lim.descriptor_bytes // MiB} MiB,", "dpmodel/limits.py Limits.descriptor_bytes"),
        (f"each Table Schema {lim.schema_bytes // 1024} KiB", "dpmodel/limits.py Limits.schema_bytes"),
        (f"each CSV {lim.table_bytes // MiB} MiB", "dpmodel/limits.py Limits.table_bytes"),
        (f"all CSVs {lim.tables_bytes // MiB} MiB", "dpmodel/limits.py Limits.tables_bytes"),
        (f"each article text {lim.text_bytes // 1024} KiB", "dpmodel/limits.py Limits.text_bytes"),
        (f"all texts {lim.texts_bytes // MiB} MiB", "dpmodel/limits.py Limits.texts_bytes"),
        (f"(`SQLITE_LIMIT_LENGTH`) | {sqlite_caps['MAX_VALUE_BYTES']:,} bytes", "plugins/sqlite_limits.py"),
        (f"returned by one query | {sqlite_caps['MAX_RESULT_BYTES']:,} bytes", "plugins/sqlite_limits.py"),
        (f"heap (process) | {sqlite_caps['HEAP_LIMIT_BYTES'] // MiB} MiB", "plugins/sqlite_limits.py"),
        (f"request target | {target:,} bytes", "plugins/query_limits.py MAX_TARGET_BYTES"),
        (f"(at most {ceiling // MiB} MiB)", "plugins/cells.py READ_CEILING"),
        (f"one response | {response:,} bytes", "plugins/sql_gate.py MAX_RESPONSE_BYTES"),
        (
            f"{proxy['RATE']} requests a second (burst {proxy['BURST']}) and {proxy['CONNECTIONS']} connections",
            "dpsite/proxy.py LIMITS",
        ),
        (f"a {big_cell / 10**6:g} MB cell", "tests/test_site_csp.py BIG"),
    ]


# The tests ---------------------------------------------------------------------------------------


def _spans(flat: str, phrase: str) -> list[tuple[int, int]]:
    return [(m.start(), m.end()) for m in re.finditer(re.escape(phrase), flat)]


def test_every_figure_in_the_docs_is_measured_held_or_allowed():
    measured = _benchmarked()
    phrases = [phrase for phrase, _ in held()]
    wrong = []
    for name, (flat, found) in _docs().items():
        covered = [span for phrase in phrases for span in _spans(flat, phrase)]
        covered += [span for file, phrase, _ in ALLOWED if file == name for span in _spans(flat, phrase)]
        for f in found:
            if any(start <= f.start and f.end <= end for start, end in covered):
                continue
            if any(unit == f.unit and abs(value - f.value) <= f.tolerance + 1e-9 for value, unit in measured):
                continue
            near = sorted((abs(v - f.value), v) for v, u in measured if u == f.unit)[:3]
            wrong.append(
                f"{name}:{f.line}: {f.text!r} ({f.value:g} {f.unit}) is in no BENCHMARKS*.md (nearest there: "
                f"{', '.join(f'{v:g}' for _, v in near) or 'none'} {f.unit}), no phrase held to the code, "
                "and not in ALLOWED"
            )
    assert wrong == [], "\n".join(wrong)


def test_every_held_phrase_is_in_the_docs():
    """A held phrase missing means the code's value changed, or the docs': either way they differ."""
    texts = {name: flat for name, (flat, _) in _docs().items()}
    missing = [f"{phrase!r} ({where})" for phrase, where in held() if not any(phrase in t for t in texts.values())]
    assert missing == [], "the docs no longer say what the code sets:\n" + "\n".join(missing)


def test_every_allowed_phrase_is_in_its_file_and_holds_a_figure():
    docs = _docs()
    stale = []
    for name, phrase, reason in ALLOWED:
        assert reason
        flat, found = docs[name]
        spans = _spans(flat, phrase)
        if not any(start <= f.start and f.end <= end for start, end in spans for f in found):
            stale.append(f"{name}: {phrase!r}")
    assert stale == [], "ALLOWED entries with no figure left to excuse:\n" + "\n".join(stale)


def test_the_finder_sees_figures_and_not_words():
    def seen(text: str) -> list[tuple[float, str]]:
        return [(f.value, f.unit) for f in figures(text)[1]]

    assert seen("it takes 20 times as long; 3.9 s, 510 MB; p95 < 500 ms") == [
        (20, "times"),
        (3.9, "s"),
        (510, "MB"),
        (500, "ms"),
    ]
    assert seen("at 10 thousand, 100 thousand and one million rows") == [(1e4, "rows"), (1e5, "rows"), (1e6, "rows")]
    assert seen("5 to 5.5 s, 1.2–1.9 s, a hundred times") == [
        (5, "s"),
        (5.5, "s"),
        (1.2, "s"),
        (1.9, "s"),
        (100, "times"),
    ]
    assert seen("about four minutes, a million rows, ten million rows, the 3-million-row file") == [
        (4, "min"),
        (1e6, "rows"),
        (1e7, "rows"),
        (3e6, "rows"),
    ]
    assert seen("15x, 2.5 ×, 40 %, 10 requests a second, 5.4 requests/s, 2 GiB, 4,096 bytes, 10 Mi rows") == [
        (15, "times"),
        (2.5, "times"),
        (40, "%"),
        (10, "requests/s"),
        (5.4, "requests/s"),
        (2, "GiB"),
        (4096, "bytes"),
        (10 * 2**20, "rows"),
    ]
    assert seen("one row, a second, a minute, Python 3.11, version 1.0.0, U+2028, p95, 3 x 4, 881 tests, 1 of 5") == []
    assert [f.tolerance for f in figures("20 times, 20.1 times, 1.10 times")[1]] == [0.5, 0.05, 0.005]


def test_every_doc_has_figures_to_hold():
    """The finder reads each doc (a doc it read nothing from would pass whatever it said). The
    CHANGELOG's newest section may state no figure (a release of pages, not of speed): there the
    finder is shown to read the whole file."""
    docs = _docs()
    assert all(found for name, (_, found) in docs.items() if name != "CHANGELOG.md")
    assert figures((ROOT / "CHANGELOG.md").read_text(encoding="utf-8"))[1]
