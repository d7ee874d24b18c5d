"""The twelve tasks a researcher new to the site tries (issue 26), each in a real browser from the
home page, in at most two clicks (typing into a search box or a form is not a click; a press of
Enter submits it), the answer read on the page it reaches."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from live import overflow, shot
from playwright.sync_api import expect

ROOT = Path(__file__).resolve().parent.parent
NAME = json.loads((ROOT / "datapackage.json").read_text())["name"]
MOST_CLICKS = 2


class Visit:
    """A page opened at the site's home, counting the clicks it takes to reach an answer."""

    def __init__(self, page, site):
        self.page, self.clicks = page, 0
        page.goto(site.url + "/")

    def click(self, locator):
        self.clicks += 1
        assert self.clicks <= MOST_CLICKS, "more than two clicks from the home page"
        locator.click()
        self.page.wait_for_load_state()

    def search(self, words: str):
        box = self.page.locator('input[name="_search"]')
        box.fill(words)
        box.press("Enter")
        self.page.wait_for_load_state()


def start(visit: Visit, title: str):
    visit.click(visit.page.locator("section.landing-start").get_by_role("link", name=title, exact=True))


def question(visit: Visit, title: str, **inputs):
    """Open a canned question from the home page and run it with these inputs (the form's button: a click)."""
    visit.click(visit.page.locator("section.landing-questions").get_by_role("link", name=title, exact=True))
    for name, value in inputs.items():
        visit.page.locator(f'input[name="{name}"]').fill(value)
    visit.click(visit.page.locator('form.sql input[type="submit"], form.sql button[type="submit"]').first)


def test_1_who_attended_the_minsk_summit_and_who_stayed_away(live_site, page):
    visit = Visit(page, live_site)
    start(visit, "Events")
    visit.search("Minsk")
    visit.click(page.get_by_role("link", name="CSTO Collective Security Council session in Minsk"))
    listed = page.locator("section.related-list").filter(has_text="Who took part")
    expect(listed.locator("li")).to_have_count(9)
    apart = listed.locator("ul.related-apart li")
    expect(apart).to_have_count(2)
    expect(apart.first).to_contain_text("Armenia")
    expect(listed.locator("h3.related-apart")).to_contain_text("Absent")


def test_2_which_claims_are_contradicted_with_the_evidence_for_one(live_site, page):
    visit = Visit(page, live_site)
    visit.click(
        page.locator("section.landing-questions li").filter(has_text="Doubtful or contradicted").locator("a.example")
    )
    expect(page.locator("table.rows-and-columns tbody tr")).to_have_count(7)
    visit.click(page.locator("td.col-record_id a").filter(has_text="russia-chair-csto-2022"))
    caveat = page.locator("section.evidence li.contradicted")
    expect(caveat).to_contain_text("Contradicted by the established record")
    expect(caveat.locator("a[href^='http'], q")).not_to_have_count(0)


def _chinese_statements_about_the_united_states() -> set[str]:
    """From the CSVs: statements with a speaker of Chinese nationality (a person, an organ or the
    state) and the United States among their subjects."""
    import csv

    def rows(table):
        with open(ROOT / "data" / f"{table}.csv", encoding="utf-8", newline="") as f:
            return list(csv.DictReader(f))

    chinese = {a["actor_id"] for a in rows("actors") if a["country"] == "CHN"}
    spoken = {r["statement_id"] for r in rows("statement_speakers") if r["actor_id"] in chinese}
    about = {r["statement_id"] for r in rows("statement_subjects") if r["actor_id"] == "united-states"}
    quotes = {r["statement_id"]: r["quote_en"] for r in rows("statements")}
    return {quotes[s] for s in spoken & about}


def test_3_every_statement_by_a_chinese_official_about_the_united_states(live_site, page):
    visit = Visit(page, live_site)
    question(visit, "What did X say about Y?", speaker="Cina", subject="Stati Uniti")
    expect(page.locator("table.rows-and-columns tbody tr").first).to_be_visible()
    shown = set(page.locator("table.rows-and-columns td.col-quote_en").all_inner_texts())
    assert shown == _chinese_statements_about_the_united_states() != set()


def test_4_what_lavrov_said_in_beijing_in_italian_and_english_with_its_frame(live_site, page):
    visit = Visit(page, live_site)
    question(visit, "What did X say about Y?", speaker="Lavrov", subject="")
    rows = page.locator("table.rows-and-columns tbody tr").filter(has_text="official visit to China")
    expect(rows).to_have_count(5)
    row = rows.filter(has_text="negoziati significativi")
    expect(row.locator("td.col-quote")).to_contain_text("strutture all’interno delle quali")
    expect(row.locator("td.col-quote_en")).to_contain_text("structures within which")
    expect(row.locator("td.col-context")).to_contain_text("Ma queste non erano")  # the frame, as printed
    expect(row.locator("td.col-caveats")).to_contain_text("Contradicted")


def test_5_when_kazakhstan_took_over_the_csto_chair_and_the_excerpt(live_site, page):
    visit = Visit(page, live_site)
    visit.click(page.locator("section.landing-questions li").filter(has_text="members and chairs").locator("a.example"))
    row = page.locator("table.rows-and-columns tbody tr").filter(has_text="Kazakhstan").filter(has_text="Chair")
    expect(row.locator("td.col-start_date")).to_have_text("2024")
    visit.click(row.locator("td.col-membership_id a"))
    expect(page.locator("section.evidence q").first).to_contain_text("Kazakistan")


def _rows_citing(source_id: str, start: int, end: int) -> set[tuple[str, str]]:
    """From the CSVs and the article's file: the rows citing an excerpt found in the article at
    a place that covers the characters start..end."""
    import csv

    with (ROOT / "data" / "sources.csv").open(newline="", encoding="utf-8") as f:
        path = next(r["text_path"] for r in csv.DictReader(f) if r["source_id"] == source_id)
    text = (ROOT / path).read_text(encoding="utf-8")
    with (ROOT / "data" / "citations.csv").open(newline="", encoding="utf-8") as f:
        cited = [c for c in csv.DictReader(f) if c["source_id"] == source_id]
    return {
        (c["record_table"], c["record_id"].replace("/", ","))
        for c in cited
        for at in [m.start() for m in re.finditer(re.escape(c["excerpt"]), text)]
        if at <= start and end <= at + len(c["excerpt"])
    }


def test_6_from_a_marked_passage_of_the_december_2023_article_to_every_row_it_supports(live_site, page):
    visit = Visit(page, live_site)
    visit.click(page.locator("section.landing-start").get_by_role("link", name="Problemi e prospettive della CSTO"))
    passage = "la presidenza della Repubblica di Bielorussia"
    visit.click(page.locator(".article-text mark a").filter(has_text=passage).first)
    entry = page.locator(".passages li:target")
    expect(entry).to_be_in_viewport()
    links = entry.locator(f'a[href^="/{NAME}/"]').evaluate_all("as => as.map(a => a.getAttribute('href'))")
    listed = {tuple(href.split("/")[2:4]) for href in links}
    start, end = (
        page.locator(".article-text mark a")
        .filter(has_text=passage)
        .first.evaluate(
            """a => { const r = document.createRange();
                 r.setStart(document.querySelector('.article-text'), 0); r.setEndBefore(a);
                 const at = r.toString().length; return [at, at + a.textContent.length]; }"""
        )
    )
    assert listed == _rows_citing("2023-12-csto-belarus-chairmanship", start, end) and len(listed) > 1
    expect(entry).to_contain_text("Presidency of the CSTO")  # each row in words, not its ID


def test_7_a_facts_provenance_chain_to_the_outlet_and_its_address(live_site, page):
    visit = Visit(page, live_site)
    start(visit, "Events")
    visit.search("Minsk")
    visit.click(page.get_by_role("link", name="CSTO Collective Security Council session in Minsk"))
    credited = page.locator("section.evidence li").filter(has_text="which credits")
    expect(credited.first.locator("q")).to_be_visible()  # the excerpt
    expect(credited.first.locator(f"a[href^='/{NAME}/sources/']")).to_be_visible()  # the article
    expect(credited.first.locator("a[href^='http']")).to_have_text("Izvestia")  # the footnoted outlet, linked


def test_8_the_map_offline(live_site, page):
    page.route(re.compile(r"https?://(?!127\.0\.0\.1).*"), lambda route: route.abort())
    visit = Visit(page, live_site)
    start(visit, "Map of events")
    expect(page.locator(".leaflet-marker-icon").first).to_be_visible(timeout=15000)
    assert page.locator(".leaflet-basemap-pane path").count() > 100


@pytest.mark.parametrize("slug", ["events-by-month", "statements-by-speaker", "membership-timeline"])
def test_9_the_dashboard_each_bar_to_its_rows(live_site, page, dist, slug):
    visit = Visit(page, live_site)
    start(visit, "Dashboard")
    bar = page.locator(f'#chart-{slug} svg [aria-roledescription="bar"]').first
    expect(bar).to_be_visible(timeout=15000)
    visit.click(bar)
    page.wait_for_url(re.compile(rf"{live_site.url}/{NAME}/"))
    charts = json.loads((dist / "metadata.json").read_text())["plugins"]["datasette-dashboards"]["overview"]["charts"]
    import sqlite3

    with sqlite3.connect(dist / f"{NAME}.db") as db:
        hrefs = {row[0] for row in db.execute(f"SELECT href FROM ({charts[slug]['query']})")}
    assert page.url.removeprefix(live_site.url) in hrefs
    answer = page.locator("table.rows-and-columns tbody tr, table.dp-record")  # a table's rows, or one row's page
    expect(answer.first).to_be_visible()


def test_10_an_events_page_on_a_phone(live_site, phone):
    visit = Visit(phone, live_site)
    start(visit, "Events")
    visit.search("Minsk")
    visit.click(phone.get_by_role("link", name="CSTO Collective Security Council session in Minsk"))
    expect(phone.locator("h1")).to_have_text("CSTO Collective Security Council session in Minsk")
    assert overflow(phone) == 0
    expect(phone.locator("section.related-list").filter(has_text="Who took part")).to_be_visible()
    shot(phone, "task-10-event-on-a-phone", full_page=True)


def test_11_the_downloads(live_site, page):
    visit = Visit(page, live_site)
    start(visit, "Downloads")
    for heading in ("CSV", "Parquet by year", "Spreadsheet"):
        expect(page.get_by_role("heading", name=heading, exact=True)).to_be_visible()
    with page.expect_download() as download:
        visit.click(page.get_by_role("link", name="csv/events.csv"))
    assert download.value.suggested_filename == "csv_events.csv"


@pytest.mark.parametrize(
    "start_at, words, found",
    [
        ("Events", "Minsk", "Minsk"),  # a place
        ("Statements", "Lavrov", "Lavrov"),  # a person
        ("Statements", "hegemony", "hegemonism"),  # an English word family
        ("Statements", "sicurezza", "sicurezza"),  # an Italian word
    ],
)
def test_12_search_for_a_place_a_person_an_english_word_family_and_an_italian_word(
    live_site, page, start_at, words, found
):
    visit = Visit(page, live_site)
    start(visit, start_at)
    visit.search(words)
    expect(page.locator("table.rows-and-columns tbody tr").first).to_be_visible()
    expect(page.locator("mark.search-match").first).to_contain_text(found, ignore_case=True)
