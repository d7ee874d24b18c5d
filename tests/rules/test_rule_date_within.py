import polars as pl
from rule_tables import edited, lines, tables

from dpcheck.rules import date_within

STATEMENT = {"statement_id": "alexander-lukashenko-csto-challenges-2022-11-23"}  # at the Yerevan summit of 2022-11-23


def _row() -> int:
    frame = tables()["statements"].frame.with_row_index("i")
    return frame.filter(pl.col("statement_id") == STATEMENT["statement_id"])["i"][0] + 2


def test_every_statement_of_the_package_is_dated_within_its_event():
    assert lines(date_within, tables()) == []


def test_a_statement_dated_after_its_event_is_refused():
    assert lines(date_within, edited("statements", STATEMENT, date="2022-11-24")) == [
        f"data/statements.csv:{_row()} date [date-outside-range]: 2022-11-24 is outside the dates of events "
        "'csto-summit-yerevan-2022-11-23' (2022-11-23)"
    ]


def test_a_date_of_lower_precision_passes_if_some_of_its_days_fall_within():
    assert lines(date_within, edited("statements", STATEMENT, date="2022-11")) == []
    assert lines(date_within, edited("statements", STATEMENT, date="2022")) == []
    assert len(lines(date_within, edited("statements", STATEMENT, date="2022-10"))) == 1


def test_an_event_over_several_days_is_its_whole_range():
    summit = {"event_id": "csto-summit-yerevan-2022-11-23"}
    longer = edited("events", summit, start_date="2022-11-20", end_date="2022-11-25")
    assert lines(date_within, edited("statements", STATEMENT, base=longer, date="2022-11-24")) == []
    assert len(lines(date_within, edited("statements", STATEMENT, base=longer, date="2022-11-26"))) == 1


def test_a_statement_at_no_event_or_without_a_date_is_not_compared():
    assert lines(date_within, edited("statements", STATEMENT, date="2030", event_id=None)) == []
    assert lines(date_within, edited("statements", STATEMENT, date=None)) == []
