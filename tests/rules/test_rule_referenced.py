from rule_tables import appended, lines, tables

from dpcheck.rules import referenced


def test_every_actor_of_the_package_is_used_or_cited():
    assert lines(referenced, tables()) == []


def test_an_actor_nothing_refers_to_is_refused_even_with_an_alias():
    broken = appended("actors", {"actor_id": "zz-nobody", "kind": "person", "name": "Nobody"})
    broken = appended("aliases", {"actor_id": "zz-nobody", "alias": "Nobody", "lang": "it"}, broken)
    row = tables()["actors"].frame.height + 2
    assert lines(referenced, broken) == [
        f"data/actors.csv:{row} actor_id [row-unreferenced]: 'zz-nobody' is not referenced by any membership, "
        "organisation, event participant, statement or subject, nor cited where an article names it"
    ]


def test_a_citation_is_enough():
    broken = appended("actors", {"actor_id": "zz-nobody", "kind": "person", "name": "Nobody"})
    broken = appended("citations", {"record_table": "actors", "record_id": "zz-nobody", "source_id": "x"}, broken)
    assert lines(referenced, broken) == []
