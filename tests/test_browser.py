"""What a person sees, in a real browser (tests/live.py: headless Chromium driven by Playwright,
against the site started exactly as `make serve` starts it; one browser and server per test
process, shared through conftest.py). Screenshots are saved in test-output/screenshots/."""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path
from urllib.parse import urlencode

import pytest
from live import Server, shot
from playwright.sync_api import expect

from dpbuild import build

ROOT = Path(__file__).resolve().parent.parent
NAME = json.loads((ROOT / "datapackage.json").read_text())["name"]


@pytest.fixture
def site(live_site):
    return live_site


def _count(table: str) -> int:
    with open(ROOT / "data" / f"{table}.csv", encoding="utf-8", newline="") as f:
        return sum(1 for _ in csv.DictReader(f))


def test_home_page_names_the_dataset_and_starts_a_user_off(site, page):
    page.goto(site.url + "/")
    expect(page.locator("h1")).to_contain_text("Russia–China security cooperation")
    expect(page.locator("footer")).to_contain_text("Creative Commons Attribution 4.0")
    expect(page.locator("footer")).to_contain_text("Italian news and analysis articles")
    shot(page, "home")
    page.get_by_role("link", name="Map of events").click()
    expect(page).to_have_url(f"{site.url}/{NAME}/events_full")


def test_a_table_reads_derived_columns_and_notes_one_click_away(site, page):
    page.goto(f"{site.url}/{NAME}/event_participants?actor_id=vladimir-putin")
    expect(page.locator("table.rows-and-columns tbody tr").first).to_be_visible()
    expect(page.locator("table.rows-and-columns")).to_contain_text("Vladimir Putin")
    page.goto(f"{site.url}/{NAME}/events")
    expect(page.locator(".facet-info-name").filter(has_text="event_type")).to_have_count(1)
    derived = page.locator("th.col-start_date_earliest")
    expect(derived).to_be_hidden()
    expect(page.locator("details.column-notes")).not_to_have_attribute("open", "")
    expect(page.locator("td.col-description.dp-wide").first).to_be_visible()
    assert page.locator("td.col-description").first.bounding_box()["width"] > 300
    shot(page, "events-table")
    page.locator("button.dp-derived-toggle").click()
    expect(derived).to_be_visible()


def test_a_fact_reads_as_a_record_with_labels_and_its_evidence(site, page):
    page.goto(f"{site.url}/{NAME}/memberships/russia-chair-csto-2022")
    record = page.locator("table.dp-record")
    expect(record.locator("tr.col-role td")).to_contain_text("Chair")
    expect(record.locator("tr.col-start_date_precision")).to_be_hidden()
    expect(page.locator("section.evidence")).to_contain_text("Contradicted by the established record")
    shot(page, "row-evidence", full_page=True)
    record.locator("tr.col-organisation_id td a").click()
    expect(page).to_have_url(f"{site.url}/{NAME}/actors/csto")


def test_an_article_reads_with_its_cited_passages_linked(site, page):
    page.goto(f"{site.url}/-/articles/2023-04-putin-meets-li-shangfu")
    marks = page.locator(".article-text mark")
    expect(marks.first).to_be_visible()
    assert marks.count() > 10
    marks.first.locator("a").first.click()
    entry = page.locator(".passages li:target")  # the list of what the passage supports, in view
    expect(entry).to_be_in_viewport()
    entry.locator(f'a[href^="/{NAME}/"]').first.click()
    expect(page).to_have_url(re.compile(f"{site.url}/{NAME}/[a-z_]+/"))


def test_an_empty_answer_says_why(site, page):
    page.goto(f"{site.url}/{NAME}/what_x_said_about_y?speaker=Lukashenk0&subject=")
    expect(page.locator("section.empty-why")).to_contain_text("no actor is called “Lukashenk0”")


def test_search_finds_a_word_family_and_marks_the_matches(site, page):
    page.goto(f"{site.url}/{NAME}/statements?_search=hegemony")
    expect(page.locator("table.rows-and-columns tbody tr")).to_have_count(1)
    expect(page.locator("td.col-quote_en mark.search-match")).to_have_text("hegemonism")
    shot(page, "search")


def test_a_row_found_through_a_name_form_says_which(site, page):
    """ "Bielorussia" is a name form of Belarus; an event found only by its participants' name
    forms (a column kept out of the way) says so in a cell that can be seen."""
    page.goto(f"{site.url}/{NAME}/events_full?_search=Bielorussia")
    rows = page.locator("table.rows-and-columns tbody tr")
    expect(rows.first).to_be_visible()
    for row in rows.all():
        seen = row.locator("mark.search-match:visible").count()
        note = row.locator(".dp-matched-by")
        if seen:
            expect(note).to_have_count(0)
        else:
            expect(note).to_have_text("Found by the name form “Bielorussia” in participant names")
    assert page.locator(".dp-matched-by").count() > 0


def test_offline_the_map_still_shows_where_events_happened(site, page):
    page.route(re.compile(r"https?://(?!127\.0\.0\.1).*"), lambda route: route.abort())  # no tiles: as offline
    page.goto(f"{site.url}/{NAME}/events_full")
    expect(page.locator(".leaflet-container")).to_be_visible(timeout=15000)
    expect(page.locator(".leaflet-marker-icon").first).to_be_visible(timeout=15000)
    expect(page.locator(".leaflet-basemap-pane path").first).to_be_attached(timeout=15000)
    assert page.locator(".leaflet-basemap-pane path").count() > 100
    shot(page, "map")


def test_the_dashboard_draws_its_charts_and_each_bar_opens_its_rows(site, page):
    page.goto(site.url + "/-/dashboards/overview")
    for title, table in [
        ("Events", "events"),
        ("Statements", "statements"),
        ("Actors", "actors"),
        ("Source articles", "sources"),
    ]:
        card = page.locator(".dashboard-card").filter(has=page.get_by_text(title, exact=True))
        expect(card.first).to_contain_text(str(_count(table)), timeout=15000)
    expect(page.locator(".vega-embed canvas, .vega-embed svg").first).to_be_visible(timeout=15000)
    expect(page.locator(".vega-embed")).to_have_count(3)
    expect(page.locator("footer")).to_contain_text("Creative Commons Attribution 4.0")
    page.wait_for_timeout(1000)  # let the charts finish their transitions before the picture
    shot(page, "dashboard", full_page=True)
    speakers = page.locator(".dashboard-card").filter(has=page.get_by_text("Utterances per speaker", exact=False))
    speakers.locator('svg [aria-roledescription="bar"]').first.click()  # a bar opens the speaker's quotes
    expect(page).to_have_url(re.compile(rf"{site.url}/{NAME}/statements\?_through=.*statement_speakers.*"))
    expect(page.locator("table.rows-and-columns td.col-quote").first).not_to_be_empty()
    expect(page.locator("table.rows-and-columns td.col-quote_en").first).not_to_be_empty()


def test_script_text_in_a_cell_is_shown_never_run(pkg, tmp_path, browser):
    script = "<script>window.__injected = 1</script>"
    pkg.set("events", {"event_id": "putin-li-shangfu-meeting-2023-04-16"}, "description", f"Meeting. {script}")
    dist = tmp_path / "dist"
    build.build(pkg.descriptor, dist, spreadsheet=False)  # the site serves no spreadsheet
    server = Server(dist)
    try:
        page = browser.new_page()
        page.goto(f"{server.url}/{NAME}/events/putin-li-shangfu-meeting-2023-04-16")
        expect(page.locator("body")).to_contain_text(script)
        assert page.evaluate("window.__injected") is None
        page.close()
    finally:
        server.stop()


# What a page may do in a visitor's browser (dpsite/plugins/csp.py) -------------------------

EVENT = "putin-li-shangfu-meeting-2023-04-16"
PAGE_TYPES = [
    "/",
    f"/{NAME}",
    f"/{NAME}/events",
    f"/{NAME}/events/{EVENT}",
    f"/{NAME}/events_full",
    f"/{NAME}/what_x_said_about_y?speaker=Lukashenko&subject=",
    f"/{NAME}?"
    + urlencode({"sql": "select event_id, latitude, longitude from events_full where latitude is not null limit 3"}),
    "/-/dashboards/overview",
    "/-/dashboards/overview/statements-by-speaker",
    "/-/articles/2023-04-putin-meets-li-shangfu",
    "/-/versions",
    "/nope",
    f"/{NAME}?" + urlencode({"sql": "select * from nothing"}),
]


def _watch(page) -> list[str]:
    """Every Content-Security-Policy report and script error the page logs."""
    seen = []
    page.on("console", lambda m: seen.append(m.text) if "Content Security Policy" in m.text else None)
    page.on("pageerror", lambda e: seen.append(f"page error: {e}"))
    return seen


TABS = 4


def test_every_page_type_works_under_its_content_security_policy(site, browser):
    # The page types loaded TABS at a time, each in a tab of its own: a page is judged once the
    # network has been idle for half a second, and those half seconds pass together, not in turn.
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        tabs = [context.new_page() for _ in range(TABS)]
        seen = [_watch(tab) for tab in tabs]
        for start in range(0, len(PAGE_TYPES), TABS):
            paths = PAGE_TYPES[start : start + TABS]
            responses = [tab.goto(site.url + path, wait_until="commit") for tab, path in zip(tabs, paths)]
            for tab, path, response, logged in zip(tabs, paths, responses, seen):
                assert "script-src 'self'" in response.headers["content-security-policy"], path
                tab.wait_for_load_state("networkidle")
                assert logged == [], (path, logged)
        tabs[0].goto(f"{site.url}/{NAME}")  # the SQL editor, started from static/sql-editor.js
        expect(tabs[0].locator(".CodeMirror")).to_be_visible()
    finally:
        context.close()


def test_a_map_popup_link_from_visitor_sql_runs_no_script(site, page, listener):
    dialogs = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    requests = []
    page.on("request", lambda r: requests.append(r.url))
    popup = json.dumps(
        {"title": "Open me", "link": "javascript:alert(document.domain)", "image": listener.url("popup.png")}
    )
    page.goto(
        f"{site.url}/{NAME}?" + urlencode({"sql": f"select 43.24 as latitude, 76.95 as longitude, '{popup}' as popup"})
    )
    page.locator(".leaflet-marker-icon").first.click(timeout=15000)  # the first click: the popup opens
    link = page.locator(".leaflet-popup-content a")
    expect(link).to_contain_text("Open me")
    assert link.get_attribute("href") is None  # site.js: the plugin's link went through safeHref
    assert page.locator(".leaflet-popup-content img").get_attribute("src") is None
    link.click()  # the second click
    # And were a javascript: link ever drawn, the policy refuses to run it.
    page.evaluate("""() => { const a = document.createElement("a"); a.href = "javascript:alert('policy')";
                             document.body.append(a); a.click(); }""")
    page.wait_for_timeout(500)
    assert dialogs == []
    assert [u for u in requests if not u.startswith(site.url)] == []


def test_a_safe_popup_link_still_works(site, page):
    popup = json.dumps({"title": "The event", "link": f"/{NAME}/events/{EVENT}"})
    page.goto(
        f"{site.url}/{NAME}?" + urlencode({"sql": f"select 43.24 as latitude, 76.95 as longitude, '{popup}' as popup"})
    )
    page.locator(".leaflet-marker-icon").first.click(timeout=15000)
    page.locator(".leaflet-popup-content a").click()
    expect(page).to_have_url(f"{site.url}/{NAME}/events/{EVENT}")


def test_markdown_from_visitor_sql_loads_nothing(site, page, listener):
    requests = []
    page.on("request", lambda r: requests.append(r.url))
    before = listener.connections
    image = listener.url("x.png")
    page.goto(f"{site.url}/{NAME}?" + urlencode({"sql": f"select '![x]({image})' as a_markdown"}))
    page.wait_for_load_state("networkidle")
    expect(page.locator("table.rows-and-columns td")).to_contain_text(f"![x]({image})")  # shown as text
    assert page.locator("table.rows-and-columns img").count() == 0
    assert [u for u in requests if not u.startswith(site.url)] == []
    assert listener.connections == before
