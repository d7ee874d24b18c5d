"""The dashboard (dpbuild/dashboard.py) as a reader meets it: colours that can be told apart and
seen, tooltips in plain words, a speaker's bar that opens the speaker's quotes, a contradicted post
drawn as contradicted, and pages that fit a phone and pass axe-core's WCAG A/AA rules.

Colour difference is CIEDE2000 (Sharma, Wu and Dalal 2005) on sRGB converted to CIELAB (D65);
no pinned dependency computes it, so it is here, checked against the paper's 34 test pairs."""

from __future__ import annotations

import csv
import itertools
import json
import math
import sqlite3
from pathlib import Path
from urllib.parse import parse_qsl, quote

import pytest
from live import overflow
from playwright.sync_api import expect

from conftest import Site
from dpbuild.dashboard import EVENT_FAMILIES, READINGS, dashboard

ROOT = Path(__file__).resolve().parent.parent
NAME = json.loads((ROOT / "datapackage.json").read_text())["name"]
DB = f"/{NAME}"
CHARTS = dashboard(NAME)["overview"]["charts"]
DRAWN = {slug: c for slug, c in CHARTS.items() if c["library"] == "vega-lite"}
BACKGROUND = "#FFFFFF"  # the cards' background (datasette-dashboards' dashboards.css)
MIN_DELTA_E = 20
MIN_CONTRAST = 3  # WCAG 1.4.11, non-text contrast


@pytest.fixture(scope="module")
def served(dist):
    site = Site(dist)
    yield site
    site.close()


# --- colour science ------------------------------------------------------------------------


def _linear(hex_colour: str) -> list[float]:
    rgb = [int(hex_colour.lstrip("#")[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    return [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in rgb]


def lab(hex_colour: str) -> tuple[float, float, float]:
    """CIELAB (D65 white) of an sRGB colour."""
    r, g, b = _linear(hex_colour)
    xyz = (
        (0.4124564 * r + 0.3575761 * g + 0.1804375 * b) / 0.95047,
        0.2126729 * r + 0.7151522 * g + 0.0721750 * b,
        (0.0193339 * r + 0.1191920 * g + 0.9503041 * b) / 1.08883,
    )
    fx, fy, fz = (t ** (1 / 3) if t > (6 / 29) ** 3 else t / (3 * (6 / 29) ** 2) + 4 / 29 for t in xyz)
    return 116 * fy - 16, 500 * (fx - fy), 200 * (fy - fz)


def ciede2000(lab1, lab2) -> float:
    """ΔE00 between two CIELAB colours (kL = kC = kH = 1)."""
    (l1, a1, b1), (l2, a2, b2) = lab1, lab2
    c7 = ((math.hypot(a1, b1) + math.hypot(a2, b2)) / 2) ** 7
    g = 0.5 * (1 - math.sqrt(c7 / (c7 + 25**7)))
    a1, a2 = a1 * (1 + g), a2 * (1 + g)
    c1, c2 = math.hypot(a1, b1), math.hypot(a2, b2)
    h1 = math.degrees(math.atan2(b1, a1)) % 360 if c1 else 0.0
    h2 = math.degrees(math.atan2(b2, a2)) % 360 if c2 else 0.0
    dh = 0.0 if c1 * c2 == 0 else (h2 - h1 + 180) % 360 - 180 if abs(h2 - h1) > 180 else h2 - h1
    big_dh = 2 * math.sqrt(c1 * c2) * math.sin(math.radians(dh / 2))
    l_bar, c_bar = (l1 + l2) / 2, (c1 + c2) / 2
    if c1 * c2 == 0:
        h_bar = h1 + h2
    elif abs(h1 - h2) <= 180:
        h_bar = (h1 + h2) / 2
    else:
        h_bar = (h1 + h2 + 360) / 2 if h1 + h2 < 360 else (h1 + h2 - 360) / 2
    t = (
        1
        - 0.17 * math.cos(math.radians(h_bar - 30))
        + 0.24 * math.cos(math.radians(2 * h_bar))
        + 0.32 * math.cos(math.radians(3 * h_bar + 6))
        - 0.20 * math.cos(math.radians(4 * h_bar - 63))
    )
    c_bar7 = c_bar**7
    r_t = (
        -2 * math.sqrt(c_bar7 / (c_bar7 + 25**7)) * math.sin(math.radians(60 * math.exp(-(((h_bar - 275) / 25) ** 2))))
    )
    s_l = 1 + 0.015 * (l_bar - 50) ** 2 / math.sqrt(20 + (l_bar - 50) ** 2)
    s_c, s_h = 1 + 0.045 * c_bar, 1 + 0.015 * c_bar * t
    dl, dc, dh = (l2 - l1) / s_l, (c2 - c1) / s_c, big_dh / s_h
    return math.sqrt(dl**2 + dc**2 + dh**2 + r_t * dc * dh)


def contrast(c1: str, c2: str) -> float:
    """WCAG contrast ratio of two sRGB colours."""
    lum = [0.2126 * r + 0.7152 * g + 0.0722 * b for r, g, b in (_linear(c1), _linear(c2))]
    return (max(lum) + 0.05) / (min(lum) + 0.05)


# Sharma, Wu and Dalal (2005), table 1: L*a*b* of each pair and its ΔE00.
SHARMA = """
50.0000 2.6772 -79.7751 50.0000 0.0000 -82.7485 2.0425
50.0000 3.1571 -77.2803 50.0000 0.0000 -82.7485 2.8615
50.0000 2.8361 -74.0200 50.0000 0.0000 -82.7485 3.4412
50.0000 -1.3802 -84.2814 50.0000 0.0000 -82.7485 1.0000
50.0000 -1.1848 -84.8006 50.0000 0.0000 -82.7485 1.0000
50.0000 -0.9009 -85.5211 50.0000 0.0000 -82.7485 1.0000
50.0000 0.0000 0.0000 50.0000 -1.0000 2.0000 2.3669
50.0000 -1.0000 2.0000 50.0000 0.0000 0.0000 2.3669
50.0000 2.4900 -0.0010 50.0000 -2.4900 0.0009 7.1792
50.0000 2.4900 -0.0010 50.0000 -2.4900 0.0010 7.1792
50.0000 2.4900 -0.0010 50.0000 -2.4900 0.0011 7.2195
50.0000 2.4900 -0.0010 50.0000 -2.4900 0.0012 7.2195
50.0000 -0.0010 2.4900 50.0000 0.0009 -2.4900 4.8045
50.0000 -0.0010 2.4900 50.0000 0.0010 -2.4900 4.8045
50.0000 -0.0010 2.4900 50.0000 0.0011 -2.4900 4.7461
50.0000 2.5000 0.0000 50.0000 0.0000 -2.5000 4.3065
50.0000 2.5000 0.0000 73.0000 25.0000 -18.0000 27.1492
50.0000 2.5000 0.0000 61.0000 -5.0000 29.0000 22.8977
50.0000 2.5000 0.0000 56.0000 -27.0000 -3.0000 31.9030
50.0000 2.5000 0.0000 58.0000 24.0000 15.0000 19.4535
50.0000 2.5000 0.0000 50.0000 3.1736 0.5854 1.0000
50.0000 2.5000 0.0000 50.0000 3.2972 0.0000 1.0000
50.0000 2.5000 0.0000 50.0000 1.8634 0.5757 1.0000
50.0000 2.5000 0.0000 50.0000 3.2592 0.3350 1.0000
60.2574 -34.0099 36.2677 60.4626 -34.1751 39.4387 1.2644
63.0109 -31.0961 -5.8663 62.8187 -29.7946 -4.0864 1.2630
61.2901 3.7196 -5.3901 61.4292 2.2480 -4.9620 1.8731
35.0831 -44.1164 3.7933 35.0232 -40.0716 1.5901 1.8645
22.7233 20.0904 -46.6940 23.0331 14.9730 -42.5619 2.0373
36.4612 47.8580 18.3852 36.2715 50.5065 21.2231 1.4146
90.8027 -2.0831 1.4410 91.1528 -1.6435 0.0447 1.4441
90.9257 -0.5406 -0.9208 88.6381 -0.8985 -0.7239 1.5381
6.7747 -0.2908 -2.4247 5.8714 -0.0985 -2.2286 0.6377
2.0776 0.0795 -1.1350 0.9033 -0.0636 -0.5514 0.9082
"""


@pytest.mark.parametrize("pair", SHARMA.split("\n")[1:-1])
def test_ciede2000_gives_the_published_differences(pair):
    v = [float(x) for x in pair.split()]
    assert ciede2000(v[0:3], v[3:6]) == pytest.approx(v[6], abs=1e-4)
    assert ciede2000(v[3:6], v[0:3]) == pytest.approx(v[6], abs=1e-4)


def test_contrast_gives_the_wcag_ratios():
    assert contrast("#000000", "#FFFFFF") == pytest.approx(21)
    assert contrast("#767676", "#FFFFFF") == pytest.approx(4.54, abs=0.01)


# --- what each chart draws -----------------------------------------------------------------


def _marks(display: dict) -> list[tuple[dict, dict]]:
    """(mark, encoding) of each layer of a Vega-Lite spec, the top level's encoding merged in."""
    layers = display.get("layer") or [display]
    return [
        (
            layer["mark"] if isinstance(layer["mark"], dict) else {"type": layer["mark"]},
            {**display.get("encoding", {}), **layer.get("encoding", {})},
        )
        for layer in layers
        if "mark" in layer
    ]


def _fills(display: dict) -> list[tuple[str, str | None]]:
    """Every (fill, stroke) a chart may draw a bar with: a colour scale's range, paired with its
    stroke scale's range, or the mark's own colour."""
    drawn = []
    for mark, encoding in _marks(display):
        if mark["type"] != "bar":
            continue
        if "color" in encoding:
            strokes = encoding.get("stroke", {}).get("scale", {}).get("range") or [mark.get("stroke")] * len(
                encoding["color"]["scale"]["range"]
            )
            drawn += list(zip(encoding["color"]["scale"]["range"], strokes))
        else:
            drawn.append((mark.get("color") or mark["fill"], mark.get("stroke")))
    return drawn


@pytest.mark.parametrize("slug", DRAWN)
def test_every_two_colours_shown_together_are_told_apart(slug):
    fills = sorted({fill for fill, _ in _fills(DRAWN[slug]["display"])})
    assert fills, "a bar chart says its colours (mark colour or colour scale), not Vega's defaults"
    close = [
        (a, b, round(ciede2000(lab(a), lab(b)), 1))
        for a, b in itertools.combinations(fills, 2)
        if ciede2000(lab(a), lab(b)) < MIN_DELTA_E
    ]
    assert close == [], f"colours less than ΔE00 {MIN_DELTA_E} apart in one chart"


@pytest.mark.parametrize("slug", DRAWN)
def test_every_bar_stands_out_against_the_background(slug):
    """A bar's fill, or else its outline, at least 3:1 against the card (WCAG 1.4.11)."""
    faint = [
        (fill, stroke)
        for fill, stroke in _fills(DRAWN[slug]["display"])
        if contrast(fill, BACKGROUND) < MIN_CONTRAST and not (stroke and contrast(stroke, BACKGROUND) >= MIN_CONTRAST)
    ]
    assert faint == []


def test_every_event_type_is_in_one_family():
    with open(ROOT / "data" / "vocab_event_types.csv", encoding="utf-8", newline="") as f:
        codes = [row["code"] for row in csv.DictReader(f)]
    grouped = [code for family in EVENT_FAMILIES.values() for code in family]
    assert sorted(grouped) == sorted(codes)  # each once: no type missing, none in two families
    colour = CHARTS["events-by-month"]["display"]["encoding"]["color"]
    assert colour["scale"]["domain"] == list(EVENT_FAMILIES) and len(colour["scale"]["range"]) == len(EVENT_FAMILIES)


@pytest.mark.parametrize("slug", DRAWN)
def test_tooltips_speak_plain_words(slug):
    """Each mark's tooltip lists chosen fields under titles in words: never Vega's default of
    every field (the link's raw address among them), never a column's SQL name."""
    for mark, encoding in _marks(DRAWN[slug]["display"]):
        assert "tooltip" not in mark, "tooltip: true shows every field, href included"
        for item in encoding.get("tooltip", []):
            assert item["field"] != "href" and item["title"][0].isupper() and "_" not in item["title"], item
    bars = [encoding for mark, encoding in _marks(DRAWN[slug]["display"]) if mark["type"] == "bar"]
    assert bars and all(e.get("tooltip") and e.get("description") for e in bars)


def test_each_chart_fits_the_address_its_data_is_fetched_from(served):
    """datasette-dashboards fetches a chart's rows with its SQL in the address, which the site
    bounds (plugins/query_limits.py answers 414 above 4,096 bytes)."""
    for chart in CHARTS.values():
        url = f"{DB}.json?sql={quote(chart['query'], safe='-_.!~*()' + chr(39))}&&_shape=objects"
        assert served.get(url).status_code == 200, len(url)


# --- where a bar leads, and what it marks --------------------------------------------------


def test_a_speakers_bar_opens_the_speakers_quotes(served):
    bars = served.rows(DB, sql=CHARTS["statements-by-speaker"]["query"])
    for bar in bars:
        path, _, query = bar["href"].partition("?")
        assert path == f"{DB}/statements", bar
        rows = served.rows(path, **dict(parse_qsl(query)), _size="max")
        assert rows and all(r["quote"] and r["quote_en"] for r in rows), bar
        assert len({r["same_utterance_as"] or r["statement_id"] for r in rows}) == bar["statements"], bar
    assert served.get(bars[0]["href"]).status_code == 200


def test_a_contradicted_post_is_drawn_as_contradicted(served, dist):
    with sqlite3.connect(dist / f"{NAME}.db") as db:
        contradicted = {
            row[0]
            for row in db.execute(
                "SELECT c.record_id FROM caveats c JOIN vocab_caveat_kinds k ON k.code = c.kind "
                "WHERE k.contradicted AND c.record_table = 'memberships'"
            )
        }
    assert "russia-chair-csto-2022" in contradicted
    reported, marked = READINGS
    posts = served.rows(DB, sql=CHARTS["membership-timeline"]["query"])
    readings = {p["href"].rsplit("/", 1)[1]: p["reading"] for p in posts}
    assert {m for m, reading in readings.items() if reading == marked} == contradicted & set(readings)
    assert set(readings.values()) == {reported, marked}
    looks = [(fill, stroke) for fill, stroke in _fills(CHARTS["membership-timeline"]["display"])]
    assert len(set(looks)) == 2  # drawn apart (the colours' distance: the tests above)
    dashes = [
        e["strokeDash"]["scale"] for _, e in _marks(CHARTS["membership-timeline"]["display"]) if "strokeDash" in e
    ]
    assert dashes and dashes[0]["domain"] == list(READINGS) and dashes[0]["range"][0] != dashes[0]["range"][1]


# --- in a browser ----------------------------------------------------------------------------

PAGES = ["/-/dashboards/overview"] + [f"/-/dashboards/overview/{slug}" for slug in DRAWN]


def _drawn(page, path: str, url: str) -> None:
    page.goto(url + path)
    expect(page.locator('.vega-embed svg [aria-roledescription="bar"]').first).to_be_visible(timeout=15000)
    expect(page.locator(".vega-embed")).to_have_count(len(DRAWN) if path.endswith("overview") else 1)
    for embed in page.locator(".vega-embed").all():
        expect(embed.locator("svg").first).to_be_visible(timeout=15000)
    page.wait_for_timeout(500)  # transitions


@pytest.mark.parametrize("path", PAGES)
def test_a_dashboard_page_fits_a_phone_and_passes_axe(live_site, phone, path):
    axe = pytest.importorskip("axe_playwright_python.sync_playwright")
    _drawn(phone, path, live_site.url)
    assert overflow(phone) == 0
    unnamed = phone.evaluate(
        "[...document.querySelectorAll('summary')].filter(s => !(s.getAttribute('aria-label') || s.textContent.trim())).length"
    )
    assert unnamed == 0
    for embed in phone.locator(".vega-embed svg.marks").all():  # each chart as wide as its card, no wider
        box, card = (
            embed.bounding_box(),
            embed.locator("xpath=ancestor::div[contains(@class,'dashboard-card')][1]").bounding_box(),
        )
        assert box["x"] + box["width"] <= card["x"] + card["width"] + 0.5
    results = axe.Axe().run(
        phone, options={"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}
    )
    assert results.response["violations"] == [], results.generate_report()


@pytest.mark.parametrize("viewport", [{"width": 1280, "height": 900}, {"width": 375, "height": 812}])
def test_the_posts_chart_names_every_post_whole_and_marks_the_contradicted(live_site, browser, viewport):
    page = browser.new_page(viewport=viewport)
    try:
        _drawn(page, "/-/dashboards/overview/membership-timeline", live_site.url)
        chart = page.locator(".vega-embed svg.marks")  # the page of this chart alone
        texts = chart.locator("text").evaluate_all("ts => ts.map(t => t.textContent)")
        assert texts and not [t for t in texts if "…" in t]  # Vega marks a name cut short with …
        assert any("(contradicted: see caveats)" in t for t in texts)
        legend = chart.locator(".role-legend").first
        expect(legend).to_contain_text(list(READINGS)[1])
        edge = chart.bounding_box()
        for box in chart.locator("text").evaluate_all("ts => ts.map(t => t.getBoundingClientRect().right)"):
            assert box <= edge["x"] + edge["width"] + 0.5
    finally:
        page.close()


def test_a_tooltip_reads_as_words(live_site, page):
    _drawn(page, "/-/dashboards/overview", live_site.url)
    for slug in DRAWN:
        page.locator(f'#chart-{slug} svg [aria-roledescription="bar"]').first.hover()
        tooltip = page.locator("#vg-tooltip-element")
        expect(tooltip).to_be_visible()
        text = tooltip.inner_text()
        assert "href" not in text and f"/{NAME}" not in text and "_" not in text, text
        label = page.locator(f'#chart-{slug} svg [aria-roledescription="bar"]').first.get_attribute("aria-label")
        assert "href" not in label and f"/{NAME}" not in label, label
        page.mouse.move(0, 0)
