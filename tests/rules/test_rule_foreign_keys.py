from rule_tables import edited, lines, row_of, tables

from dpcheck.rules import foreign_keys

PARTICIPANT = {"event_id": "armenia-united-states-military-exercises-2023-09", "actor_id": "armenia"}


def test_every_reference_of_the_package_names_a_row():
    assert lines(foreign_keys, tables()) == []


def test_a_misspelt_id_is_refused_with_the_nearest_ones():
    row = row_of("event_participants", **PARTICIPANT)
    assert lines(foreign_keys, edited("event_participants", PARTICIPANT, actor_id="armenja")) == [
        f"data/event_participants.csv:{row} actor_id [key-dangling]: 'armenja' not found in actors.actor_id "
        "(did you mean 'armenia'?)"
    ]


def test_a_self_reference_is_a_reference_too():
    row = row_of("events", event_id="barrier-2023")
    assert lines(foreign_keys, edited("events", {"event_id": "barrier-2023"}, parent_event_id="no-such-event")) == [
        f"data/events.csv:{row} parent_event_id [key-dangling]: 'no-such-event' not found in events.event_id"
    ]


def test_an_empty_cell_refers_to_nothing():
    assert lines(foreign_keys, edited("events", {"event_id": "barrier-2023"}, parent_event_id=None)) == []
