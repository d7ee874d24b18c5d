from rule_tables import edited, lines, row_of, tables

from dpcheck.rules import record_reference

CITATION = {"record_table": "actors", "record_id": "afghanistan"}


def test_every_citation_of_the_package_names_a_row():
    assert lines(record_reference, tables()) == []


def test_a_citation_of_a_missing_row_is_refused():
    row = row_of("citations", **CITATION)
    assert lines(record_reference, edited("citations", CITATION, record_id="afganistan")) == [
        f"data/citations.csv:{row} record_id [key-record-dangling]: 'afganistan' not found in actors.actor_id "
        "(did you mean 'afghanistan'?)"
    ]


def test_a_composite_key_is_written_with_slashes():
    participant = "armenia-united-states-military-exercises-2023-09/armenia"
    broken = edited("citations", CITATION, record_table="event_participants", record_id=participant)
    assert lines(record_reference, broken) == []


def test_a_composite_key_names_the_key_it_was_not_found_in():
    participant = "armenia-united-states-military-exercises-2023-09/xi-jinping"
    broken = edited("citations", CITATION, record_table="event_participants", record_id=participant)
    assert lines(record_reference, broken) == [
        f"data/citations.csv:{row_of('citations', **CITATION)} record_id [key-record-dangling]: '{participant}' "
        "not found in event_participants.event_id/actor_id"
    ]


def test_a_citation_of_a_row_whose_id_is_misspelt_in_its_own_table_is_not_blamed():
    # The participant's actor_id is misspelt ('armenja'); the citation naming '…/armenia' is right,
    # and the typo is reported once, where it is (foreign_keys).
    event = "armenia-united-states-military-exercises-2023-09"
    broken = edited("event_participants", {"event_id": event, "actor_id": "armenia"}, actor_id="armenja")
    assert lines(record_reference, broken) == []
    far_off = edited("event_participants", {"event_id": event, "actor_id": "armenia"}, actor_id="zzz")
    assert [line.split(" [")[1].split("]")[0] for line in lines(record_reference, far_off)] == ["key-record-dangling"]


def test_a_long_key_is_quoted_whole_so_the_typo_shows():
    participant = "armenia-united-states-military-exercises-2023-09/armenja"
    broken = edited("citations", CITATION, record_table="event_participants", record_id=participant)
    (line,) = lines(record_reference, broken)
    assert f"'{participant}' not found" in line
