from rule_tables import edited, lines, row_of, tables

from dpcheck.rules import parent_cycles


def test_no_row_of_the_package_is_its_own_ancestor():
    assert lines(parent_cycles, tables()) == []


def test_a_cycle_of_two_events_is_named_once():
    broken = edited("events", {"event_id": "combat-brotherhood-2023"}, parent_event_id="barrier-2023")
    assert lines(parent_cycles, broken) == [
        f"data/events.csv:{row_of('events', event_id='barrier-2023')} parent_event_id [row-cycle]: "
        "'barrier-2023' → 'combat-brotherhood-2023' → 'barrier-2023' is a cycle: no row may be its own ancestor "
        "through parent_event_id"
    ]


def test_an_organisation_its_own_parent_is_a_cycle():
    # organisations.parent_id points at actors, as its primary key does: a reference back to itself.
    broken = edited("organisations", {"organisation_id": "russian-armed-forces"}, parent_id="russian-armed-forces")
    assert len(lines(parent_cycles, broken)) == 1
