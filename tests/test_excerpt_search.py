"""The one excerpt search (dpmodel/excerpts.py) that the validator, the coverage and the reading page
share: the same occurrences as a naive search, and work linear in the text plus the occurrences
listed, on hostile texts where a naive search lists the text's length times the excerpts.

Work is counted (Found.work: the automaton's reports and the size of the automata built), not timed."""

from __future__ import annotations

import random
import sqlite3

import pytest
from datasette.app import Datasette

from conftest import Site
from dpcheck import text_coverage as cov
from dpcheck.rules import _search
from dpmodel import excerpts
from dpsite import serve

N = 260_000  # the probe's article: 260 KB, just within the 256 KiB text limit

# (text, excerpts): the classes of input whose occurrences multiply.
HOSTILE = {
    "nested": ("a" * N, ["a" * i for i in range(1, 101)]),  # a, aa, … : each position ends 100 of them
    "repeated": ("ab" * (N // 2), ["ab"] * 5000),  # one excerpt cited by 5,000 rows
    "periodic": (
        "abc" * (N // 3),
        [("abc" * 40)[i : i + j] for i in range(3) for j in range(1, 100)],
    ),  # overlapping rotations
    "absent": ("a" * N, [f"a{i}b" for i in range(5000)]),  # many distinct excerpts, none there: one pass, not one each
}


def naive(text: str, needles, cap: int) -> tuple[dict, set]:
    found, capped = {}, set()
    for needle in set(needles):
        if needle:
            starts = [i for i in range(len(text) - len(needle) + 1) if text.startswith(needle, i)]
            found[needle], capped = starts[:cap], capped | ({needle} if len(starts) > cap else set())
    return found, capped


def bound(text: str, needles, cap: int = excerpts.CAP) -> int:
    """Linear in the text, the distinct needles' characters and the occurrences that may be listed."""
    distinct = {n for n in needles if n}
    return 2 * (len(text) + sum(map(len, distinct)) + len(distinct) * cap) + 10_000


def test_it_lists_what_a_naive_search_lists_up_to_the_cap():
    """Random texts over a tiny alphabet, where needles nest, overlap and repeat, and small caps,
    so that needles are dropped and the automaton rebuilt many times."""
    rng = random.Random(23)
    for _ in range(1500):
        text = "".join(rng.choice("aab") for _ in range(rng.randint(0, 300)))
        needles = ["".join(rng.choice("ab") for _ in range(rng.randint(0, 5))) for _ in range(rng.randint(0, 12))]
        cap = rng.randint(1, 5)
        found = excerpts.find(text, needles, cap)
        assert (found.starts, found.capped) == naive(text, needles, cap), (text, needles, cap)


@pytest.mark.parametrize("name", HOSTILE)
def test_work_is_linear_on_hostile_texts(name):
    text, needles = HOSTILE[name]
    found = excerpts.find(text, needles)
    assert found.work <= bound(text, needles)
    assert all(len(starts) <= excerpts.CAP for starts in found.starts.values())


def test_the_cap_is_what_bounds_the_work():
    """Without the cap, nested excerpts list every occurrence: a hundred times the text."""
    text, needles = "a" * 20_000, ["a" * i for i in range(1, 101)]
    assert excerpts.find(text, needles, cap=len(text)).work > 5 * bound(text, needles)


def test_a_total_stops_the_search_at_the_first_occurrences():
    found = excerpts.find("a" * 1000, ["a", "aa"], total=7)
    assert found.truncated and found.spans()[:3] == [(0, 1, "a"), (0, 2, "aa"), (1, 2, "a")] and len(found.spans()) == 7


@pytest.fixture
def counted(monkeypatch) -> list:
    """Every search's work, whoever calls it."""
    works = []
    real = excerpts.find

    def find(*args, **kwargs):
        found = real(*args, **kwargs)
        works.append(found.work)
        return found

    monkeypatch.setattr(excerpts, "find", find)
    return works


# --- the three users ----------------------------------------------------------------------


@pytest.mark.parametrize("name", ["nested", "repeated", "periodic"])
def test_coverage_intervals_are_bounded_and_say_when_capped(counted, name):
    text, needles = HOSTILE[name]
    capped: set[str] = set()
    intervals = cov.covered_intervals(text, needles, capped)
    assert len(intervals) <= len(set(needles)) * excerpts.CAP
    assert sum(counted) <= bound(text, needles)
    assert capped and all(len(text.split(s)) > excerpts.CAP for s in list(capped)[:3])


def test_coverage_reports_each_capped_excerpt_in_one_line():
    results = cov.Results([], [], "articles/coverage_exclusions.csv", [("articles/x.txt", "aaaa")])
    assert cov.report(results)[0] == (
        f"articles/x.txt: 'aaaa' occurs more than {excerpts.CAP:,} times; only its first "
        f"{excerpts.CAP:,} occurrences count as covering"
    )


@pytest.mark.parametrize("name", ["nested", "repeated", "periodic", "absent"])
def test_the_validator_s_excerpt_search_is_bounded(counted, name):
    import polars as pl

    text, needles = HOSTILE[name]
    pairs = pl.DataFrame({"source_id": ["s"] * len(needles), "excerpt": needles})
    present = _search.present(pairs, "excerpt", {"s": text})
    assert set(present["excerpt"]) == {n for n in needles if n in text}
    assert sum(counted) <= bound(text, needles, cap=1)


@pytest.mark.parametrize("name", ["nested", "periodic", "repeated"])
def test_whole_word_names_are_searched_in_bounded_work(counted, name):
    """However often a name occurs inside longer words first, one whole-word occurrence after
    them is found (the boundary is part of the search, not a check of capped occurrences)."""
    text, needles = HOSTILE[name]
    assert _search.occurring(set(needles), [text, "x " + needles[0] + " y"]) == {needles[0]}
    assert sum(counted) <= 2 * bound(text, needles, cap=1)


def test_whole_words_are_what_they_were():
    names = {"NATO", "nato", "U.S.", "(NATO)", "a b", "Csto", "_x"}
    assert _search.occurring(names, ["la NATO, e sanzionato", "gli U.S. x(NATO)y", "a  b Csto", "y_x"]) == {
        "NATO",
        "Csto",
        "U.S.",
        "(NATO)",
    }


# --- the reading page ---------------------------------------------------------------------


def _site(tmp_path, text: str, cited: list[str]) -> Datasette:
    """A database with one article and its citations, served by the site's plugins."""
    db = tmp_path / "reading.db"
    conn = sqlite3.connect(db)
    conn.executescript(
        "CREATE TABLE sources (source_id TEXT PRIMARY KEY, title TEXT, published_date TEXT);"
        "CREATE TABLE source_texts (source_id TEXT PRIMARY KEY, text TEXT);"
        "CREATE TABLE citations (record_table TEXT, record_id TEXT, source_id TEXT, excerpt TEXT);"
        "CREATE TABLE events (event_id TEXT PRIMARY KEY);"
    )
    conn.execute("INSERT INTO sources VALUES ('art', 'An article', '2024-01-01')")
    conn.execute("INSERT INTO source_texts VALUES ('art', ?)", (text,))
    conn.executemany(
        "INSERT INTO citations VALUES ('events', ?, 'art', ?)", [(f"e{i}", e) for i, e in enumerate(cited)]
    )
    conn.commit()
    conn.close()
    return Datasette(
        [str(db)],
        inspect_data={},
        plugins_dir=str(serve.SITE / "plugins"),
        template_dir=str(serve.SITE / "templates"),
        static_mounts=[(serve.STATIC[0], str(serve.STATIC[1]))],
        settings=serve.SETTINGS,
    )


@pytest.mark.parametrize("name", ["nested", "repeated", "periodic"])
def test_the_reading_page_marks_a_bounded_number_of_passages(tmp_path, counted, name):
    from dpsite.plugins import reading

    text, needles = HOSTILE[name]
    site = Site(datasette=_site(tmp_path, text, needles))
    try:
        page = site.get("/-/articles/art")
    finally:
        site.close()
    assert page.status_code == 200
    assert 0 < page.text.count("<mark") <= 2 * reading.MAX_MARKS
    assert max(piece.count(";") for piece in page.text.split('title="')[1:]) < reading.MAX_TARGETS
    assert sum(counted) <= bound(text, needles)


def test_segments_name_at_most_the_given_number_of_targets():
    from dpsite.plugins.reading import segments

    spans = [(0, 10, f"t{i}") for i in range(50)]
    assert segments("x" * 10, spans, most=3) == [("x" * 10, ["t0", "t1", "t2"])]
