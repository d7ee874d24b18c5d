from rule_tables import appended, edited, lines, removed, row_of, tables

from dpcheck.rules import citation_required

EVENT = "armenia-united-states-military-exercises-2023-09"


def test_every_fact_of_the_package_is_cited():
    assert lines(citation_required, tables()) == []


def test_an_uncited_event_is_named_with_the_citation_to_add():
    broken = removed("citations", {"record_table": "events", "record_id": EVENT})
    row = row_of("events", event_id=EVENT)
    assert lines(citation_required, broken) == [
        f"data/events.csv:{row} event_id [cite-missing]: '{EVENT}' has no citation: "
        f"add a row to citations with record_table=events, record_id={EVENT}"
    ]


def test_a_note_does_not_count_as_a_citation():
    # A caveat about a row (x-record-reference with role note) is not evidence for it.
    broken = appended("events", {"event_id": "new-event", "title": "New", "event_type": "talks", "status": "occurred"})
    broken = appended(
        "caveats",
        {"caveat_id": "c", "record_table": "events", "record_id": "new-event", "kind": "background_only"},
        broken,
    )
    row = tables()["events"].frame.height + 2
    assert lines(citation_required, broken) == [
        f"data/events.csv:{row} event_id [cite-missing]: 'new-event' has no citation: "
        "add a row to citations with record_table=events, record_id=new-event"
    ]


def test_a_row_whose_key_holds_a_misspelt_id_is_not_asked_to_be_cited_as_misspelt():
    # foreign_keys reports 'armenja' once, with the nearest ID; citing the typo would be wrong advice.
    participant = {"event_id": EVENT, "actor_id": "armenia"}
    assert lines(citation_required, edited("event_participants", participant, actor_id="armenja")) == []
