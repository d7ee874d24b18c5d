from rule_tables import edited, lines, row_of, tables

from dpcheck.rules import reduced_date

EVENT = {"event_id": "armenia-united-states-military-exercises-2023-09"}


def test_every_date_of_the_package_is_in_the_calendar():
    assert lines(reduced_date, tables()) == []


def test_a_day_not_in_the_calendar_is_refused():
    row = row_of("events", **EVENT)
    assert lines(reduced_date, edited("events", EVENT, start_date="2023-02-29", end_date="2023-13")) == [
        f"data/events.csv:{row} start_date [date-calendar]: 2023-02-29 is not a calendar date",
        f"data/events.csv:{row} end_date [date-calendar]: 2023-13 is not a calendar date",
    ]


def test_a_value_of_the_wrong_shape_is_left_to_the_pattern_constraint():
    assert lines(reduced_date, edited("events", EVENT, start_date="Sept. 2023")) == []
