from rule_tables import appended, lines, tables

from dpcheck.rules import redirects

ROW = tables()["redirects"].frame.height + 2


def test_every_redirect_of_the_package_leads_from_a_removed_id_to_a_row():
    assert lines(redirects, tables()) == []


def test_a_redirect_from_an_id_that_still_exists_is_refused():
    broken = appended("redirects", {"record_table": "actors", "old_id": "armenia", "new_id": "belarus", "reason": "x"})
    assert lines(redirects, broken) == [
        f"data/redirects.csv:{ROW} old_id [key-redirect-exists]: 'armenia' still exists in actors; "
        "only a removed ID needs a redirect"
    ]


def test_a_redirect_to_a_missing_row_is_refused():
    broken = appended("redirects", {"record_table": "actors", "old_id": "armenija", "new_id": "armenja", "reason": "x"})
    assert lines(redirects, broken) == [
        f"data/redirects.csv:{ROW} new_id [key-redirect-dangling]: 'armenja' not found in actors.actor_id"
    ]
