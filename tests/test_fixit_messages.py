"""The mistakes a contributor makes most, each reported once, where it is, with what to do
(issue 27): the whole report of the validator is asserted, so a second, misleading line fails."""

from __future__ import annotations

from conftest import problems

SOURCE = "2023-12-csto-belarus-chairmanship"
EVENT = "armenia-united-states-military-exercises-2023-09"


def test_a_straight_apostrophe_for_a_curly_one_is_named_with_its_place(pkg):
    key = {"record_table": "actors", "record_id": "afghanistan", "source_id": SOURCE}
    number = pkg.set("citations", key, "excerpt", "l'instabilità in Afghanistan")
    code, lines = pkg.validate(coded=True)
    assert code == 1
    assert problems(lines) == [
        f"data/citations.csv:{number} excerpt [verbatim-excerpt]: not found verbatim in articles/{SOURCE}.txt: "
        "it differs from the text only in the kind of a character: at character 2 the excerpt has ' (U+0027 "
        "APOSTROPHE) where the text has ’ (U+2019 RIGHT SINGLE QUOTATION MARK)"
    ]


def test_a_misspelt_id_in_a_participants_key_is_one_line_with_the_nearest_id(pkg):
    number = pkg.set("event_participants", {"event_id": EVENT, "actor_id": "armenia"}, "actor_id", "armenja")
    code, lines = pkg.validate(coded=True)
    assert code == 1
    assert problems(lines) == [
        f"data/event_participants.csv:{number} actor_id [key-dangling]: 'armenja' not found in actors.actor_id "
        "(did you mean 'armenia'?)"
    ]


def test_columns_in_another_order_are_named_and_make_fmt_puts_them_back(pkg):
    from dpmodel import fmt

    fields, rows = pkg.read("places")
    pkg.write("places", [fields[0], fields[2], fields[1], *fields[3:]], rows)
    code, lines = pkg.validate(coded=True)
    assert problems(lines) == [
        "data/places.csv:1 [csv-header]: header does not match the schema: column name out of place (name belongs "
        "after place_id); make fmt puts them in the schema's order "
        "(expected: place_id,name,name_it,country,latitude,longitude,coordinates_basis)"
    ]
    assert fmt.main([str(pkg.descriptor)]) == 0
    assert pkg.validate()[0] == 0
