"""A row's page reads as a page about the thing (plugins/related.py, built from the schemas' keys
by dpbuild/related.py): headed by what it is, with the rows pointing at it listed in labels, in
parts by role, who was not there apart and last."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest

from conftest import NAME, ROOT, loaded_plugin
from dpbuild import related
from dpbuild.typed import typed
from dpmodel import csvfile, descriptor

SUMMIT = f"/{NAME}/events/csto-summit-minsk-2023-11-23"


class Outline(HTMLParser):
    """A page's related lists as text: [(list heading, [(group heading, [item text])])]."""

    def __init__(self):
        super().__init__()
        self.lists, self.depth, self.tag, self.text = [], 0, None, ""

    def handle_starttag(self, tag, attrs):
        classes = dict(attrs).get("class", "") or ""
        if tag == "section" and "related-list" in classes:
            self.lists.append((None, []))
        if self.lists and tag in ("h2", "h3", "li"):
            self.tag, self.text = tag, ""

    def handle_endtag(self, tag):
        if not self.lists or tag != self.tag:
            return
        text = " ".join(self.text.split())
        title, groups = self.lists[-1]
        if tag == "h2":
            self.lists[-1] = (text, groups)
        elif tag == "h3":
            groups.append((text, []))
        else:
            if not groups:
                groups.append((None, []))
            groups[-1][1].append(text)
        self.tag = None

    def handle_data(self, data):
        if self.tag:
            self.text += data


def outline(site, path: str) -> dict:
    response = site.get(path)
    assert response.status_code == 200, (path, response.status_code)
    parser = Outline()
    parser.feed(response.text.split('<section class="evidence"')[0])  # the lists only
    return {title: groups for title, groups in parser.lists}


def heading(site, path: str) -> str:
    return " ".join(re.search(r"<h1[^>]*>(.*?)</h1>", site.get(path).text, re.S).group(1).split())


def test_an_event_page_says_who_was_there_and_who_stayed_away(site):
    assert heading(site, SUMMIT) == "CSTO Collective Security Council session in Minsk"
    page = outline(site, SUMMIT)
    groups = page["Who took part, by role (9)"]
    assert [g for g, _ in groups] == ["Host", "Organiser", "Participant", "Absent (not there)"]
    assert groups[0][1][0].startswith("Belarus")
    assert [item.split(" (record)")[0] for item in groups[-1][1]] == [
        "Armenia",
        "Nikol Pashinyan , on behalf of: Armenia",
    ]
    said = page["Statements made at it (1)"][0][1][0]
    assert "Speakers: Alexander Lukashenko" in said and "negotiating table" in said


def test_an_actor_page_lists_names_posts_events_and_statements(site):
    page = outline(site, f"/{NAME}/actors/sergey-lavrov")
    assert heading(site, f"/{NAME}/actors/sergey-lavrov") == "Sergey Lavrov"
    assert page["Name forms in the articles (3)"] == [(None, ["Lavrov", "Sergei Lavrov", "Sergey Lavrov"])]
    assert page["Posts and memberships (1)"] == [("Minister", ["Foreign Minister , organisation: Russia"])]
    assert [g for g, _ in page["Events it took part in, by role (3)"]] == ["Participant", "Visitor"]
    assert len(page["Statements it made (6)"][0][1]) == 6


def test_an_organisation_page_lists_its_chairs_and_members_over_time(site):
    page = outline(site, f"/{NAME}/actors/csto")
    chairs = dict(page["Members and post holders over time (10)"])["Chair"]
    assert [re.search(r"member: (\w+)", c).group(1) for c in chairs] == ["Russia", "Belarus", "Kazakhstan"]
    assert "(2022 – 2022)" in chairs[0] and "(2024)" in chairs[2]


def test_a_statement_page_lists_its_speakers_and_the_other_reports_of_it(site):
    path = f"/{NAME}/statements/vladimir-putin-ties-entering-new-era-2023-03"
    page = outline(site, path)
    assert heading(site, path) == "declared that the ties were “entering a new era”"
    assert [i.split(" (record)")[0] for i in page["Speakers (2)"][0][1]] == ["Vladimir Putin", "Xi Jinping"]
    (other,) = page["Other reports of the same utterance (1)"][0][1]
    assert "Speakers: Vladimir Putin, Xi Jinping" in other
    back = outline(site, f"/{NAME}/statements/vladimir-putin-xi-jinping-welcome-new-era-2023-03")
    assert "entering a new era" in back["Other reports of the same utterance (1)"][0][1][0]


def test_a_long_list_is_cut_and_links_to_all_its_rows(site, monkeypatch):
    outline(site, SUMMIT)  # the site has loaded its plugins
    monkeypatch.setattr(loaded_plugin("related"), "MOST", 2)
    html = site.get(SUMMIT).text
    assert html.count('class="related-list"') >= 1
    assert f'<a href="/{NAME}/event_participants?event_id=csto-summit-minsk-2023-11-23">All 9</a>' in html


def test_the_lists_come_from_the_schemas_keys():
    package, _ = descriptor.load(ROOT / "datapackage.json")
    tables = [typed(csvfile.read(resource)[0]) for resource in package.tables()]
    spec = related.related(tables, {})
    by_title = {item["title"]: item for item in spec["lists"]["events"]}
    participants = by_title["Who took part, by role"]
    assert participants["group"]["column"] == "role" and participants["group"]["apart"] == "not_present"
    assert [f["column"] for f in participants["far"]] == ["actor_id", "on_behalf_of_id"]
    # Without its x-related-title, a list is headed by the pointing table's title and key.
    for table in tables:
        for field in table.schema["fields"]:
            field.pop("x-related-title", None)
    titles = [item["title"] for item in related.related(tables, {})["lists"]["actors"]]
    assert "Memberships and posts (as member)" in titles and "Event participants (as actor)" in titles


@pytest.mark.parametrize("path", [f"/{NAME}/event_participants/csto-summit-minsk-2023-11-23,armenia"])
def test_a_row_without_a_label_keeps_its_table_and_key_as_heading(site, path):
    assert heading(site, path) == "event_participants: csto-summit-minsk-2023-11-23, armenia"
