"""The search query builder (dpsite/fts.py) yields valid FTS5 for any string, and a search finds
the rows that hold every word: property tests against a real SQLite FTS5 table, indexed like the
build's (scripts/lib/dpbuild/sqlite.py) and queried like Datasette's table search."""

from __future__ import annotations

import importlib
import random
import sqlite3

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dpsite.fts import escape_fts, highlight_terms, phrase

TOKENIZE = "porter unicode61 remove_diacritics 2"  # as the build creates each full-text index
BATCH = 50
BATCHES = 200  # 10,000 generated searches in all

# Pieces a hostile or careless search is made of: FTS5's operators and punctuation, column
# filters, quotes, Unicode that tokenizers treat unevenly, and the odd very long word.
SYNTAX = [
    "AND",
    "OR",
    "NOT",
    "NEAR",
    "NEAR(",
    "NEAR/3",
    ")",
    "(",
    "*",
    "^",
    ":",
    "-",
    "+",
    '"',
    '""',
    "'",
    "{",
    "}",
    "quote:",
    "{quote context}:",
    "-quote:x",
    "a*",
    "^a",
    "x:y",
    "\x00",
    "\t",
    "\n",
    "\u3000",
    "\u200b",
    "\u0301",
    "e\u0301",
    "\U0001f600",
    "\U00020000",
    "\ue000",
    "ﬁ",
    "İ",
    "ß",
    "Ⅻ",
    "²",
]
WORDS = ["hegemony", "cooperazione", "militare", "cooperation", "putin", "shangfu", "csto", "2023", "esercitazioni"]
piece = st.one_of(
    st.sampled_from(SYNTAX),
    st.sampled_from(WORDS),
    st.text(max_size=12),  # any code point except surrogates
    st.text(alphabet=st.characters(categories=["L", "M", "N", "P", "S", "Z"]), min_size=1, max_size=8),
    st.integers(100, 3000).map(lambda n: "x" * n),  # a very long word
)
GLUE = ["", " ", " ", "  ", '"']


def searches(pieces: list[str], rng) -> list[str]:
    """BATCH searches mixed from one drawn set of pieces (drawing every search whole would spend
    most of the test in hypothesis): each a random run of pieces and glue."""
    pool = pieces + SYNTAX + WORDS
    return [
        "".join(rng.choice(GLUE) + rng.choice(pool) for _ in range(rng.randint(0, 12))) for _ in range(BATCH - 1)
    ] + ["".join(pieces)]


ROWS = [
    "Putin and Li Shangfu discussed military cooperation",
    "La cooperazione militare tra Russia e Cina",
    "US hegemony and hegemonism",
    "esercitazioni congiunte 2023",
    "ﬁ İ ß é x\u0301",
]


def _index() -> sqlite3.Connection:
    conn = sqlite3.connect(":memory:")
    conn.execute(f"CREATE VIRTUAL TABLE t_fts USING fts5(body, tokenize='{TOKENIZE}')")
    conn.executemany("INSERT INTO t_fts (body) VALUES (?)", [(r,) for r in ROWS])
    # The site's escape_fts, registered by its own plugin as Datasette's is replaced.
    importlib.import_module("dpsite.plugins.search").prepare_connection(conn)
    return conn


SEARCH_SQL = "SELECT rowid FROM t_fts WHERE t_fts MATCH escape_fts(?)"  # Datasette's match clause
MATCH_SQL = "SELECT rowid FROM t_fts WHERE t_fts MATCH ?"  # the same, escaped beforehand


def test_every_generated_search_is_valid_fts5():
    conn = _index()
    tried = []

    @settings(max_examples=BATCHES, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
    @given(st.lists(piece, min_size=1, max_size=30), st.integers(0, 2**32))
    def batch(pieces, seed):
        queries = searches(pieces, random.Random(seed))
        for query in queries:
            escaped = escape_fts(query)
            try:
                conn.execute(MATCH_SQL, (escaped,)).fetchall()
            except sqlite3.Error as error:
                raise AssertionError(f"{query!r} -> {escaped!r}: {error}") from None
            # What a page marks is what was searched for.
            assert all('"' + term.replace('"', '""') in escaped for term in highlight_terms(query)), query
        tried.extend(queries)

    batch()
    assert len(tried) >= BATCH * BATCHES


def test_no_search_reaches_fts5_as_syntax():
    conn = _index()
    # Each of these is FTS5 syntax (or breaks it) when passed raw; escaped, none errs.
    for query in [
        '"',
        "AND",
        "a OR",
        "NEAR(a b",
        "quote:x",
        "*",
        "^a",
        "-a",
        "a + b",
        "(",
        ")",
        "x\x00y",
        "",
        " ",
        "cooperazione militare",
        'hegemony "Li Shangfu" NEAR( x*',
    ]:
        conn.execute(SEARCH_SQL, (query,)).fetchall()


@settings(max_examples=100, deadline=None, database=None)
@given(
    st.lists(
        st.text(alphabet=st.characters(categories=["Ll", "Lu", "Nd"]), min_size=1, max_size=12), min_size=1, max_size=5
    )
)
def test_a_row_holding_every_word_is_found(words):
    conn = sqlite3.connect(":memory:")
    conn.execute(f"CREATE VIRTUAL TABLE t_fts USING fts5(body, tokenize='{TOKENIZE}')")
    conn.executemany("INSERT INTO t_fts (body) VALUES (?)", [(" ".join(words),), ("",)])
    found = conn.execute(MATCH_SQL, (escape_fts(" ".join(words)),)).fetchall()
    assert found == [(1,)]


def test_every_word_is_required_and_long_words_are_widened():
    conn = _index()
    assert [r for (r,) in conn.execute(SEARCH_SQL, ("cooperazione militare",))] == [2]
    assert [r for (r,) in conn.execute(SEARCH_SQL, ("cooperazione putin",))] == []  # no row holds both
    assert [r for (r,) in conn.execute(SEARCH_SQL, ("hegemony",))] == [3]
    assert escape_fts("cooperazione militare") == '("cooperazione" OR "cooperazion" *) AND ("militare" OR "militar" *)'
    assert escape_fts('"hegemony"') == '"hegemony"'  # a quoted phrase is searched as written
    assert [r for (r,) in conn.execute(SEARCH_SQL, ("cooperazione - militare *",))] == [
        2
    ]  # a bit with no word is no condition
    assert escape_fts("- * ^") == escape_fts("") == '""'  # nothing to search for: no row, no error


def test_a_phrase_quotes_whatever_it_holds():
    assert phrase('a "b" OR c') == '"a ""b"" OR c"'
