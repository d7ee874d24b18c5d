from rule_tables import appended, edited, lines, row_of, tables

from dpcheck.rules import not_after_source

EVENT = {"event_id": "armenia-united-states-military-exercises-2023-09"}


def test_nothing_in_the_package_is_dated_after_the_article_citing_it():
    assert lines(not_after_source, tables()) == []


def test_an_event_dated_after_its_article_is_refused():
    row = row_of("events", **EVENT)
    assert lines(not_after_source, edited("events", EVENT, start_date="2025-01")) == [
        f"data/events.csv:{row} start_date [date-after-source]: 2025-01 is after 2023-12-csto-belarus-chairmanship "
        "was published (2023-12-06); only an event with status planned or proposed may be"
    ]


def test_a_planned_event_may_be_dated_after_its_article():
    assert lines(not_after_source, edited("events", EVENT, start_date="2025-01", status="planned")) == []


def test_a_long_list_of_exempt_statuses_is_cut_short_in_the_message():
    broken = edited("events", EVENT, start_date="2025-01")
    for n in range(8):  # ten statuses may postdate their source: the line names five and counts the rest
        broken = appended("vocab_event_statuses", {"code": f"later{n}", "may_postdate_source": "true"}, broken)
    (line,) = lines(not_after_source, broken)
    assert line.endswith("only an event with status later0 or later1 or later2 or later3 or later4 (or 5 more) may be")
