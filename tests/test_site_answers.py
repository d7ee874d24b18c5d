"""Answers one step from the home page: the start-here views search as their tables do (with a
search box), and the doubtful or contradicted claims are one canned query, each linked to its row."""

from __future__ import annotations

import re

from conftest import NAME


def test_the_start_here_views_are_searchable_like_their_tables(site):
    for view, table, key in (("events_full", "events", "event_id"), ("statements_full", "statements", "statement_id")):
        for word in ("Minsk", "sicurezza", "hegemony"):
            in_view = {r[key] for r in site.rows(f"/{NAME}/{view}", _search=word, _size="max")}
            in_table = {r[key] for r in site.rows(f"/{NAME}/{table}", _search=word, _size="max")}
            assert in_view == in_table, (view, word)
        assert 'name="_search"' in site.get(f"/{NAME}/{view}").text
    assert len(site.rows(f"/{NAME}/events_full", _search="Minsk")) > 1


def test_a_view_keeps_the_name_forms_it_was_found_by_out_of_the_way(site):
    (row,) = site.rows(f"/{NAME}/events_full", event_id="csto-summit-minsk-2023-11-23")
    assert "Armenia" in row["participant_names"] and "Minsk" in row["place_names"]
    assert "participant_names" in site.get(f"/{NAME}/events_full").text.split("DP_PAGE")[1].split("</script>")[0]


def test_doubtful_claims_link_to_each_claim_with_its_evidence(site):
    rows = site.rows(f"/{NAME}/doubtful_claims", kind="")
    assert ("memberships", "russia-chair-csto-2022") in {(r["record_table"], r["record_id"]) for r in rows}
    assert all(r["excerpt"] or r["ref_url"] for r in rows)
    page = site.get(f"/{NAME}/doubtful_claims", kind="").text
    assert f'<a href="/{NAME}/memberships/russia-chair-csto-2022">' in page
    contradicted = site.rows(f"/{NAME}/doubtful_claims", kind="Contradicted by the established record")
    assert 0 < len(contradicted) < len(rows)


def test_an_unknown_kind_of_doubt_says_so(site):
    page = site.get(f"/{NAME}/doubtful_claims", kind="Wrong").text
    assert re.search(r"no kind of caveat that says a claim is doubtful or contradicted is called “Wrong”", page)


def _names_read(site, **inputs) -> list[str]:
    page = site.get(f"/{NAME}/what_x_said_about_y", **inputs).text
    if 'class="names-read"' not in page:
        return []
    return re.findall(r"<li[^>]*>(.*?)</li>", page.split('class="names-read"')[1].split("</section>")[0])


def test_a_question_says_how_it_read_each_name(site):
    assert _names_read(site, speaker="Cina", subject="Stati Uniti") == [
        "speaker: “Cina” was read as China.",
        "subject: “Stati Uniti” was read as United States.",
    ]
    (gknb,) = _names_read(site, speaker="GKNB", subject="")
    assert "is a name of 2 actors" in gknb and "Kyrgyzstan" in gknb and "Tajikistan" in gknb
    assert _names_read(site, speaker="lukashenko", subject="Armenia") == [
        "speaker: “lukashenko” was read as Alexander Lukashenko."  # Armenia read as Armenia goes without saying
    ]
    assert _names_read(site, speaker="Lukashenk0", subject="") == []  # no actor: the empty answer says why
