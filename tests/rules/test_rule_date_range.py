from rule_tables import edited, lines, row_of, tables

from dpcheck.rules import date_range

EVENT = "armenia-united-states-military-exercises-2023-09"


def test_no_event_of_the_package_ends_before_it_starts():
    assert lines(date_range, tables()) == []


def test_an_end_before_the_start_is_refused():
    row = row_of("events", event_id=EVENT)
    assert lines(date_range, edited("events", {"event_id": EVENT}, end_date="2023-08-31")) == [
        f"data/events.csv:{row} end_date [date-range]: 2023-08-31 is before start_date 2023-09"
    ]


def test_reduced_dates_are_compared_as_the_days_they_span():
    # 2023-09-15 lies within 2023-09; an end in the start's month is not before it.
    assert lines(date_range, edited("events", {"event_id": EVENT}, end_date="2023-09-01")) == []


def test_a_date_not_in_the_calendar_is_left_to_its_own_rule():
    assert lines(date_range, edited("events", {"event_id": EVENT}, end_date="2023-02-30")) == []
