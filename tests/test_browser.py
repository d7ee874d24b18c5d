"""What a person sees, in a real browser: headless Chromium (Debian's package) driven by
Playwright, against the site started exactly as `make serve` starts it. Screenshots are saved in
test-output/screenshots/. Without /usr/bin/chromium the tests are skipped with the reason, except
in CI (CI=true), where they must run."""
from __future__ import annotations

import csv
import json
import os
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

from dpbuild import build
from dpsite import serve

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = Path("/usr/bin/chromium")
SHOTS = ROOT / "test-output" / "screenshots"
NAME = json.loads((ROOT / "datapackage.json").read_text())["name"]
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]

if not CHROMIUM.exists():
    if os.environ.get("CI"):
        pytest.fail("CI must run the browser tests, but /usr/bin/chromium is missing (apt-get install chromium)",
                    pytrace=False)
    pytest.skip("headless Chromium not installed at /usr/bin/chromium (apt-get install chromium)", allow_module_level=True)

from playwright.sync_api import expect, sync_playwright  # noqa: E402


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """The site served from a built folder on a free loopback port, until stopped."""

    def __init__(self, dist: Path):
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process = subprocess.Popen(serve.command(dist, port=self.port), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(self.url + "/-/versions.json", timeout=2):
                    return
            except OSError:
                if self.process.poll() is not None:
                    raise RuntimeError(self.process.stderr.read().decode())
                time.sleep(0.3)
        self.stop()
        raise RuntimeError("datasette did not start within 60 s")

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=10)


@pytest.fixture(scope="module")
def browser():
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="module")
def site(dist):
    server = Server(dist)
    yield server
    server.stop()


@pytest.fixture
def page(browser):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    yield page
    page.close()


def shot(page, name: str, full_page: bool = False) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=full_page)


def _count(table: str) -> int:
    with open(ROOT / "data" / f"{table}.csv", encoding="utf-8", newline="") as f:
        return sum(1 for _ in csv.DictReader(f))


def test_home_page_names_the_dataset_and_its_licence(site, page):
    page.goto(site.url + "/")
    expect(page.locator("h1")).to_contain_text("Russia–China security cooperation")
    expect(page.locator("footer")).to_contain_text("Creative Commons Attribution 4.0")
    expect(page.locator("footer")).to_contain_text("Italian news and analysis articles")
    shot(page, "home")


def test_a_table_shows_rows_facets_and_labels(site, page):
    page.goto(f"{site.url}/{NAME}/event_participants?actor_id=vladimir-putin")
    expect(page.locator("table.rows-and-columns tbody tr").first).to_be_visible()
    expect(page.locator("table.rows-and-columns")).to_contain_text("Vladimir Putin")
    page.goto(f"{site.url}/{NAME}/events")
    expect(page.locator(".facet-info").first).to_be_visible()
    expect(page.locator(".facet-info-name").filter(has_text="event_type")).to_have_count(1)
    shot(page, "events-table")


def test_search_finds_a_quote(site, page):
    page.goto(f"{site.url}/{NAME}/statements?_search=disintegration")
    expect(page.locator("table.rows-and-columns tbody tr")).to_have_count(1)
    expect(page.locator("table.rows-and-columns")).to_contain_text("disintegrazione")
    shot(page, "search")


def test_the_timeline_shows_events_on_a_map(site, page):
    page.goto(f"{site.url}/{NAME}/timeline")
    expect(page.locator(".leaflet-container")).to_be_visible(timeout=15000)
    expect(page.locator(".leaflet-marker-icon").first).to_be_visible(timeout=15000)
    shot(page, "map")


def test_the_dashboard_draws_its_charts(site, page):
    page.goto(site.url + "/-/dashboards/overview")
    for title, table in [("Events", "events"), ("Statements", "statements"), ("Actors", "actors"), ("Source articles", "sources")]:
        card = page.locator(".dashboard-card").filter(has=page.get_by_text(title, exact=True))
        expect(card.first).to_contain_text(str(_count(table)), timeout=15000)
    expect(page.locator(".vega-embed canvas, .vega-embed svg").first).to_be_visible(timeout=15000)
    expect(page.locator(".vega-embed")).to_have_count(3)
    expect(page.locator("footer")).to_contain_text("Creative Commons Attribution 4.0")
    page.wait_for_timeout(1000)  # let the charts finish their transitions before the picture
    shot(page, "dashboard", full_page=True)


def test_script_text_in_a_cell_is_shown_never_run(pkg, tmp_path, browser):
    script = "<script>window.__injected = 1</script>"
    pkg.set("events", {"event_id": "putin-li-shangfu-meeting-2023-04-16"}, "description", f"Meeting. {script}")
    dist = tmp_path / "dist"
    build.build(pkg.descriptor, dist)
    server = Server(dist)
    try:
        page = browser.new_page()
        page.goto(f"{server.url}/{NAME}/events/putin-li-shangfu-meeting-2023-04-16")
        expect(page.locator("body")).to_contain_text(script)
        assert page.evaluate("window.__injected") is None
        page.close()
    finally:
        server.stop()
