"""How good a draft is, measured: each article drafted with what the other articles teach only
(leave one article out: a name form counts as known only if another article prints it), against
the rows the package holds for it. `python scripts/draft_eval.py` prints the table that
BENCHMARKS.md holds (between its draft-evaluation marks), with `--write` writes it there.

Per article:
- quotations: recall is the share of the package's statements from the article whose quote the
  draft proposes (a drafted quote sharing 15 characters with it, or holding it, or held by it);
  precision the share of drafted statements that are such a quote of a statement of the article;
- dates: recall is the share of the explicit dates the coverage counts (dpcheck.text_coverage)
  that the draft reads; precision the share of drafted dates that agree with a date of a row the
  article supports (the same, or one a coarser drafted date contains);
- known actors: recall is the share of the actors the package ties to the article (cited in it,
  or speaking, taking part or being spoken about in its rows) that are known from the other
  articles and that the draft finds; precision the share of actors found that the package ties to
  the article;
- events: recall is the share of the article's events whose citations the draft's candidate
  events overlap; precision the share of candidate events that overlap one;
- verbatim: the share of drafted excerpts found in the text as they are (100 % by construction).
"""

from __future__ import annotations

import argparse
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from dpcheck import text_coverage
from dpmodel import REPOSITORY, descriptor, limits

from . import draft

MARKS = ("<!-- draft-evaluation:start -->", "<!-- draft-evaluation:end -->")
INTRO = (
    "`make draft-eval` drafts each article with what the other four teach only (leave one article out: a name "
    "form is known only if another article prints it) and compares the draft with the rows the package holds "
    "(dpcontrib/evaluate.py says how each figure is counted). Only the name forms are held out: the verbs of saying, "
    "the date patterns and the words for happenings were written while reading these same five articles, so the "
    "quotation, date and event figures are in-sample; tests/test_draft.py drafts invented articles the drafter has "
    "never seen. Targets: 90 % of quotations and explicit dates proposed, 95 % of known actors found, every excerpt verbatim."
)
HEADING = "## Drafting an article from its text"  # make bench keeps this section (dpbench/bench.py)
OVERLAP = text_coverage.MIN_OVERLAP


def _shares(a: str, b: str) -> bool:
    """Whether two strings share OVERLAP characters in a row (or one holds the other)."""
    if not a or not b:
        return False
    if a in b or b in a:
        return True
    short, long = sorted((a, b), key=len)
    return any(short[i : i + OVERLAP] in long for i in range(0, max(1, len(short) - OVERLAP + 1)))


def _ratio(hit: int, total: int) -> float | None:
    return hit / total if total else None


def measure_article(package, rows: dict[str, list[dict]], texts: dict[str, str], source_id: str) -> dict:
    text = texts[source_id]
    forms = draft.name_forms(package, exclude_forms_only_in=source_id, texts=texts)
    started = time.perf_counter()
    found = draft.draft_rows(package, source_id, forms)
    seconds = time.perf_counter() - started
    cited = [c for c in rows["citations"] if c["source_id"] == source_id]
    by_table: dict[str, set[str]] = {}
    for c in cited:
        by_table.setdefault(c["record_table"], set()).add(c["record_id"])

    # Quotations.
    statements = [s for s in rows["statements"] if s["statement_id"] in by_table.get("statements", set())]
    drafted = [s["quote"] for s in found.rows["statements"]]
    q_recall = _ratio(sum(any(_shares(s["quote"], d) for d in drafted) for s in statements), len(statements))
    q_precision = _ratio(sum(any(_shares(s["quote"], d) for s in statements) for d in drafted), len(drafted))

    # Dates.
    explicit = text_coverage.explicit_dates(text)
    read = [(s, e) for s, e, *_ in found.dates]
    d_recall = _ratio(sum(any(s <= a < e or a <= s < b for s, e in read) for a, b, _ in explicit), len(explicit))
    row_dates = set()
    for table, columns in (("events", ("start_date", "end_date", "not_after")), ("statements", ("date", "not_after"))):
        for r in rows[table]:
            key = r["event_id"] if table == "events" else r["statement_id"]
            if key in by_table.get(table, set()):
                row_dates |= {r[c] for c in columns if r.get(c)}
    for r in rows["memberships"]:
        if r["membership_id"] in by_table.get("memberships", set()):
            row_dates |= {r[c] for c in ("start_date", "end_date") if r.get(c)}
    drafted_dates = [iso for *_, iso, _ in found.dates]
    d_precision = _ratio(
        sum(any(d == iso or d.startswith(iso) for d in row_dates) for iso in drafted_dates), len(drafted_dates)
    )

    # Known actors.
    tied = set(by_table.get("actors", set()))
    for table, key, actor_columns in (
        ("event_participants", "event_id", ("actor_id", "on_behalf_of_id")),
        ("statement_speakers", "statement_id", ("actor_id",)),
        ("statement_subjects", "statement_id", ("actor_id",)),
    ):
        parent = "events" if key == "event_id" else "statements"
        for r in rows[table]:
            if r[key] in by_table.get(parent, set()):
                tied |= {r[c] for c in actor_columns if r.get(c)}
    known = {a for ids in forms.values() for a in ids}
    target = tied & known
    found_actors = {m.actor_id for m in found.mentions if not m.actor_id.startswith("draft-")}
    a_recall = _ratio(len(found_actors & target), len(target))
    a_precision = _ratio(len(found_actors & tied), len(found_actors))

    # Events.
    excerpts_of: dict[str, list[str]] = {}
    for c in cited:
        if c["record_table"] == "events":
            excerpts_of.setdefault(c["record_id"], []).append(c["excerpt"])
    candidates = [c["excerpt"] for c in found.rows["citations"] if c["record_table"] == "events"]
    e_recall = _ratio(
        sum(any(_shares(x, d) for x in xs for d in candidates) for xs in excerpts_of.values()), len(excerpts_of)
    )
    e_precision = _ratio(
        sum(any(_shares(x, d) for xs in excerpts_of.values() for x in xs) for d in candidates), len(candidates)
    )

    excerpts = [c["excerpt"] for c in found.rows["citations"]]
    verbatim = _ratio(sum(e in text for e in excerpts), len(excerpts))
    return {
        "source_id": source_id,
        "quotations": (q_recall, q_precision, len(statements), len(drafted)),
        "dates": (d_recall, d_precision, len(explicit), len(drafted_dates)),
        "known actors": (a_recall, a_precision, len(target), len(found_actors)),
        "events": (e_recall, e_precision, len(excerpts_of), len(candidates)),
        "verbatim": verbatim,
        "seconds": seconds,
        "characters": len(text),
    }


def measure(descriptor_file: Path = REPOSITORY / "datapackage.json") -> list[dict]:
    package, problems = descriptor.load(descriptor_file)
    if package is None:
        raise SystemExit("datapackage.json does not load; run make check")
    names = ["sources", "citations", "statements", "events", "memberships", "event_participants",
             "statement_speakers", "statement_subjects"]  # fmt: skip
    rows = {name: draft._rows(package, name) for name in names}
    texts = {
        r["source_id"]: (package.root / r["text_path"]).read_text(encoding="utf-8")
        for r in rows["sources"]
        if r.get("text_path")
    }
    return [measure_article(package, rows, texts, source_id) for source_id in sorted(texts)]


def _percent(value: float | None) -> str:
    return "–" if value is None else f"{100 * value:.0f} %"


def table(results: list[dict]) -> str:
    lines = [
        "| article | quotations: recall / precision (rows / drafted) | explicit dates | known actors | events | verbatim |",
        "|---|---|---|---|---|---|",
    ]
    totals = {k: [0, 0, 0, 0] for k in ("quotations", "dates", "known actors", "events")}
    for r in results:
        cells = []
        for kind in ("quotations", "dates", "known actors", "events"):
            recall, precision, n, m = r[kind]
            cells.append(f"{_percent(recall)} / {_percent(precision)} ({n} / {m})")
            totals[kind][0] += round((recall or 0) * n)
            totals[kind][1] += n
            totals[kind][2] += round((precision or 0) * m)
            totals[kind][3] += m
        lines.append(f"| {r['source_id']} | " + " | ".join(cells) + f" | {_percent(r['verbatim'])} |")
    overall = [
        f"{_percent(_ratio(t[0], t[1]))} / {_percent(_ratio(t[2], t[3]))} ({t[1]} / {t[3]})" for t in totals.values()
    ]
    lines.append("| **all** | " + " | ".join(f"**{c}**" for c in overall) + " | |")
    return "\n".join(lines)


def totals(results: list[dict]) -> dict[str, tuple[float | None, float | None]]:
    """Recall and precision of each kind over all the articles (pooled)."""
    out = {}
    for kind in ("quotations", "dates", "known actors", "events"):
        hits = sum(round((r[kind][0] or 0) * r[kind][2]) for r in results)
        right = sum(round((r[kind][1] or 0) * r[kind][3]) for r in results)
        out[kind] = (
            _ratio(hits, sum(r[kind][2] for r in results)),
            _ratio(right, sum(r[kind][3] for r in results)),
        )
    return out


RUNS = 5  # each command's runs; the median is reported


def _median_seconds(command: list[str], runs: int = RUNS, check: bool = True) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run(command, cwd=REPOSITORY, capture_output=True, check=check, timeout=300)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def loop_timings(results: list[dict]) -> dict[str, float]:
    """The contributor's loop as commands, each a new process as make runs it: the check of the
    real package, and drafting its longest article (in a copy, so drafts/ stays clean)."""
    python = sys.executable
    longest = max(results, key=lambda r: r["characters"])["source_id"]
    with tempfile.TemporaryDirectory() as folder:
        for name in ("datapackage.json", "data", "schemas", "articles"):
            source = REPOSITORY / name
            (shutil.copytree if source.is_dir() else shutil.copy)(source, Path(folder) / name)
        draft_seconds = _median_seconds([python, "scripts/draft.py", longest, "--package", folder, "--force"], runs=3)
        # The worst a contributor's text may be: as long as a text may be, every sentence a date,
        # a quotation, new names and a happening (each lookup is by bisection, so this stays linear).
        most = limits.DEFAULT.text_bytes
        largest = Path(folder) / "largest.txt"
        largest.write_bytes(("Titolo 14.06.24\n" + LARGEST_SENTENCE * most).encode()[: most - 1] + b"\n")
        subprocess.run(
            [python, "scripts/add_article.py", str(largest), "--package", folder, "--id", "largest"],
            cwd=REPOSITORY, capture_output=True, check=True, timeout=300,
        )  # fmt: skip
        # It ends either way: drafted, or refused once it yields more proposals than a review can take.
        largest_seconds = _median_seconds(
            [python, "scripts/draft.py", "largest", "--package", folder, "--force"], 3, check=False
        )
    return {
        "check": _median_seconds([python, "scripts/validate.py", "datapackage.json"]),
        "draft": draft_seconds,
        "largest": largest_seconds,
    }


LARGEST_SENTENCE = (
    "Martedì 3 marzo 2024 Anna Bianchi ha incontrato a Mosca Sergej Lavrov e Wang Yi. "
    "«La cooperazione continua», ha detto Lavrov ieri. "
)


def write(results: list[dict], target: Path, timings: dict[str, float]) -> None:
    text = target.read_text(encoding="utf-8")
    longest = max(results, key=lambda r: r["characters"])
    timing = (
        f"\n\nOn {time.strftime('%Y-%m-%d')}, each a new process as make runs it: `make check` (scripts/validate.py) on the real package "
        f"took {timings['check']:.2f} s (median of {RUNS} runs; target 1.0 s); `make draft` on the longest article "
        f"({longest['characters']:,} characters) {timings['draft']:.2f} s (median of 3; target 5 s), and on a generated "
        f"text as long as a text may be ({limits.DEFAULT.text_bytes:,} bytes, every sentence a date, a quotation, new "
        f"names and a meeting; refused once it passes {draft.MAX_PROPOSALS:,} proposals for a table) {timings['largest']:.2f} s."
    )
    section = f"{MARKS[0]}\n{table(results)}{timing}\n{MARKS[1]}"
    if MARKS[0] in text:
        text = re.sub(re.escape(MARKS[0]) + ".*?" + re.escape(MARKS[1]), lambda _: section, text, flags=re.S)
    else:
        text += f"\n{HEADING}\n\n" + INTRO + "\n\n" + section + "\n"
    target.write_text(text, encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--write", action="store_true", help="write the table into BENCHMARKS.md")
    args = parser.parse_args(argv)
    results = measure()
    print(table(results))
    timings = loop_timings(results)
    print(
        f"make check: {timings['check']:.2f} s (median of {RUNS}); make draft, longest article: {timings['draft']:.2f} s; "
        f"largest text: {timings['largest']:.2f} s"
    )
    if args.write:
        write(results, REPOSITORY / "BENCHMARKS.md", timings)
    return 0
