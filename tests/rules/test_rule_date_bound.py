from rule_tables import edited, lines, row_of, tables

from dpcheck.rules import date_bound

EVENT = {"event_id": "armenia-united-states-military-exercises-2023-09"}


def test_every_row_of_the_package_gives_its_date_or_its_bound():
    assert lines(date_bound, tables()) == []


def test_an_undated_event_with_its_bound_is_recorded():
    assert lines(date_bound, edited("events", EVENT, start_date=None, not_after="2023-12-06")) == []


def test_an_event_with_neither_date_nor_bound_is_refused():
    row = row_of("events", **EVENT)
    assert lines(date_bound, edited("events", EVENT, start_date=None)) == [
        f"data/events.csv:{row} start_date [date-or-bound]: is empty, and so is not_after: give the date, or the "
        "bound the text gives"
    ]


def test_a_dated_event_has_no_bound():
    row = row_of("events", **EVENT)
    assert lines(date_bound, edited("events", EVENT, not_after="2023-12-06")) == [
        f"data/events.csv:{row} not_after [date-or-bound]: is only for a row without a start_date: empty it"
    ]
