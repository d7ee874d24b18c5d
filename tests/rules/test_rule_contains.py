import polars as pl
from rule_tables import edited, lines, tables

from dpcheck.rules import contains
from dpmodel.problems import shown


def _with_context() -> tuple[str, str, str, int]:
    frame = tables()["statements"].frame.with_row_index("i").filter(pl.col("context").is_not_null())
    return frame["statement_id"][0], frame["quote"][0], frame["context"][0], frame["i"][0] + 2


def test_every_context_of_the_package_holds_its_quote():
    assert lines(contains, tables()) == []


def test_a_context_without_its_quote_is_refused():
    statement, quote, _, row = _with_context()
    broken = edited("statements", {"statement_id": statement}, context="Altre parole.")
    assert lines(contains, broken) == [
        f"data/statements.csv:{row} context [verbatim-contains]: does not contain the quote {shown(quote)} verbatim"
    ]


def test_the_quote_must_be_there_letter_for_letter():
    statement, _, context, row = _with_context()
    broken = edited("statements", {"statement_id": statement}, context=context.upper())
    assert [line.split(" [")[0] for line in lines(contains, broken)] == [f"data/statements.csv:{row} context"]
