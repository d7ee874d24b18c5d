import pytest
from rule_tables import edited, lines, row_of, tables

from dpcheck.rules import safe_text

EVENT = {"event_id": "armenia-united-states-military-exercises-2023-09"}


def test_no_cell_of_the_package_is_unsafe():
    assert lines(safe_text, tables()) == []


@pytest.mark.parametrize(
    "value, code, message",
    [
        ("=HYPERLINK(1)", "text-formula", "starts with '=', which spreadsheets run as a formula"),
        ("+1", "text-formula", "starts with '+', which spreadsheets run as a formula"),
        ("@SUM(A1)", "text-formula", "starts with '@', which spreadsheets run as a formula"),
        ("a\tb", "text-control", "contains the control character U+0009"),
        ("a\u202eb", "text-invisible", "contains a bidirectional control U+202E, which hides or reorders text"),
        ("\u3164", "text-invisible", "contains an invisible filler character U+3164, which hides or reorders text"),
        (" a", "text-whitespace", "starts with a space; remove leading whitespace"),
    ],
)
def test_an_unsafe_cell_is_refused_with_what_is_wrong(value, code, message):
    row = row_of("events", **EVENT)
    assert lines(safe_text, edited("events", EVENT, title=value)) == [
        f"data/events.csv:{row} title [{code}]: {message}"
    ]
