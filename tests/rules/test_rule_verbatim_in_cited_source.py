import polars as pl
from rule_tables import edited, lines, tables

from dpcheck.rules import verbatim_in_cited_source

STATEMENT = "alexander-lukashenko-csto-challenges-2022-11-23"


def _row() -> int:
    frame = tables()["statements"].frame.with_row_index("i")
    return frame.filter(pl.col("statement_id") == STATEMENT)["i"][0] + 2


def test_every_quote_of_the_package_is_in_an_article_cited_for_it():
    assert lines(verbatim_in_cited_source, tables()) == []


def test_a_quote_no_cited_article_prints_shows_where_it_stops_matching():
    quote = "la CSTO è esposta a varie sfide e minacce globali"
    broken = edited("statements", {"statement_id": STATEMENT}, quote=quote)
    assert lines(verbatim_in_cited_source, broken) == [
        f"data/statements.csv:{_row()} quote [verbatim-quote]: not found verbatim in any cited source: the first 41 "
        "characters match, then ' globali' differs from the text, which has ', sia di natura transnazionale'"
    ]


def test_a_quote_printed_only_by_an_article_not_cited_for_it_is_refused():
    # Its one article replaced by another in its citations: the words are in no cited source now.
    cited = {"record_table": "statements", "record_id": STATEMENT}
    broken = edited("citations", cited, source_id="2022-12-putin-xi-video-call")
    found = lines(verbatim_in_cited_source, broken)
    assert len(found) == 1
    assert found[0].startswith(
        f"data/statements.csv:{_row()} quote [verbatim-quote]: not found verbatim in any cited source: "
    )
