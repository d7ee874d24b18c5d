"""Every page type of the site, as people with a screen reader, a keyboard or a phone meet it
(issue 26): axe-core's WCAG 2.0 and 2.1 A and AA rules find nothing, at 1280 and at 375 CSS pixels
wide; no page is wider than a phone's screen; the page says it is in English and the articles'
Italian words say they are Italian; a scrolling box takes the keyboard focus; where the keyboard
is shows. Each viewport's pages are loaded once, several at a time, in one browser context
(tests/live.py: axe, overflow), and each page type is its own test case."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from urllib.parse import urlencode

import live
import pytest

# One worker audits every page: make test gives each worker whole files (--dist loadfile), and the
# audit, this module's costly fixture, would otherwise be made by each worker running its tests.

ROOT = Path(__file__).resolve().parent.parent
NAME = json.loads((ROOT / "datapackage.json").read_text())["name"]
DB = f"/{NAME}"

# Ten rows are enough to show a table page's every part (axe's time grows with the page).
# name -> (path, selectors of the articles' own words the page must show, each marked Italian)
PAGES = {
    "home": ("/", [".landing-items a[href*='putin']"]),  # printed headlines (the 2022-04 title is supplied)
    "database": (DB, []),
    "table-events": (f"{DB}/events?_size=10", []),
    "table-statements-filtered": (
        f"{DB}/statements?" + urlencode({"kind": "direct", "_facet": "kind", "date__gte": "2022", "_size": 10}),
        ["td.col-quote", "td.col-context"],
    ),
    "table-citations": (f"{DB}/citations?_size=10", ["td.col-excerpt"]),
    "row-events": (
        f"{DB}/events/putin-li-shangfu-meeting-2023-04-16",
        ["ul.citations q", "ul.citations a[href*='/sources/']"],
    ),
    "row-actors": (f"{DB}/actors/vladimir-putin", []),
    "row-statements": (f"{DB}/statements/alexander-lukashenko-chairmanship-motto-2022-11", ["td.col-quote"]),
    "row-memberships": (f"{DB}/memberships/russia-chair-csto-2022", ["ul.citations q", "ul.caveats q"]),
    "row-sources": (f"{DB}/sources/2023-04-putin-meets-li-shangfu", []),
    "map": (f"{DB}/events_full?_size=10", []),
    "canned-query": (f"{DB}/what_x_said_about_y?speaker=Lukashenko&subject=", ["td.col-quote"]),
    "sql": (
        f"{DB}?"
        + urlencode({"sql": "select statement_id, quote, quote_en from statements order by statement_id limit 10"}),
        ["td.col-quote"],
    ),
    "article": ("/-/articles/2023-04-putin-meets-li-shangfu", [".article-text", "h1"]),
    "versions": ("/-/versions", []),
    "downloads": ("/-/downloads", []),
    "not-found": ("/nope", []),
    "dashboard": ("/-/dashboards/overview", []),
    "dashboard-chart": ("/-/dashboards/overview/statements-by-speaker", []),
}
VIEWPORTS = {"desktop": live.DESKTOP, "phone": live.PHONE}
TABS = 6  # pages loading at once

# What a page reports besides axe's violations: its language, how far it is wider than the
# window, each box that scrolls sideways without being reachable by the keyboard, and for each
# selector of Italian words how many elements it finds and which of those are not marked "it".
FACTS = """(italian) => {
  const scrolls = [...document.querySelectorAll("body *")].filter((el) => {
    const overflowX = getComputedStyle(el).overflowX;
    return (overflowX === "auto" || overflowX === "scroll") && el.scrollWidth > el.clientWidth + 1;
  });
  return {
    lang: document.documentElement.getAttribute("lang"),
    overflow: document.documentElement.scrollWidth - window.innerWidth,
    unreachable: scrolls.filter((el) => !(el.tabIndex >= 0 && el.getAttribute("role") && el.getAttribute("aria-label")))
                        .map((el) => el.tagName.toLowerCase() + (el.className ? "." + String(el.className).split(" ").join(".") : "")),
    italian: Object.fromEntries(italian.map((sel) => {
      const found = [...document.querySelectorAll(sel)];
      return [sel, {count: found.length,
                    unmarked: found.filter((el) => (el.closest("[lang]") || {}).lang !== "it").map((el) => el.outerHTML.slice(0, 120))}];
    })),
  };
}"""


@pytest.fixture(scope="session")  # once per worker, however the worker interleaves modules
def audited(live_site, browser) -> dict[str, dict[str, dict]]:
    """viewport -> page name -> what axe found and FACTS, every page type at both widths."""
    found = {}
    for viewport, size in VIEWPORTS.items():
        # bypass_csp: axe is added to the page as an inline script, which the site's policy
        # (plugins/csp.py) refuses, as it should; tests/test_browser.py checks every page type
        # under the policy itself. This context is for the audit only.
        phone = viewport == "phone"
        context = browser.new_context(viewport=size, bypass_csp=True, has_touch=phone, is_mobile=phone)
        try:
            tabs = [context.new_page() for _ in range(TABS)]
            names = list(PAGES)
            found[viewport] = {}
            for start in range(0, len(names), TABS):
                batch = names[start : start + TABS]
                responses = [
                    tab.goto(live_site.url + PAGES[name][0], wait_until="commit") for tab, name in zip(tabs, batch)
                ]
                for tab, name, response in zip(tabs, batch, responses):
                    tab.wait_for_load_state("networkidle")
                    found[viewport][name] = dict(tab.evaluate(FACTS, PAGES[name][1]), status=response.status)
                    live.start_axe(tab)  # the batch's checks run together
                for tab, name in zip(tabs, batch):
                    found[viewport][name]["violations"] = live.axe_result(tab)
        finally:
            context.close()
    return found


CASES = [pytest.param(viewport, name, id=f"{viewport}-{name}") for viewport in VIEWPORTS for name in PAGES]


@pytest.mark.parametrize("viewport, name", CASES)
def test_axe_finds_no_wcag_aa_violation(audited, viewport, name):
    # An error page instead of the page type would pass unseen: each must answer as itself.
    assert audited[viewport][name]["status"] == (404 if name == "not-found" else 200), PAGES[name][0]
    violations = audited[viewport][name]["violations"]
    assert violations == [], f"{PAGES[name][0]} at {viewport} width:\n" + live.violations_text(violations)


@pytest.mark.parametrize("name", PAGES)
def test_no_page_is_wider_than_a_phone(audited, name):
    assert audited["phone"][name]["overflow"] == 0, f"{PAGES[name][0]} is wider than a 375 px screen"


@pytest.mark.parametrize("viewport, name", CASES)
def test_a_box_that_scrolls_sideways_takes_the_keyboard_focus_and_has_a_name(audited, viewport, name):
    assert audited[viewport][name]["unreachable"] == [], PAGES[name][0]


@pytest.mark.parametrize("name", PAGES)
def test_every_page_says_it_is_in_english(audited, name):
    assert audited["desktop"][name]["lang"] == "en", PAGES[name][0]


@pytest.mark.parametrize("name", [name for name, (_, italian) in PAGES.items() if italian])
def test_the_articles_own_words_are_marked_italian(audited, name):
    for selector, seen in audited["desktop"][name]["italian"].items():
        assert seen["count"] > 0, f"{PAGES[name][0]} shows no {selector}"
        assert seen["unmarked"] == [], f"{PAGES[name][0]}: {selector} not marked lang=it"


def test_the_columns_marked_italian_are_the_verbatim_ones_the_schemas_name(dist):
    """The build lists the columns of the articles' own words from the schemas' keywords, and
    each article's language from its row (dpbuild/languages.py)."""
    verbatim = json.loads((dist / "metadata.json").read_text())["verbatim"]
    marked = set()
    for schema_file in sorted((ROOT / "schemas").glob("*.json")):
        schema = json.loads(schema_file.read_text())
        for field in schema.get("fields", []):
            if field.get("x-verbatim-in-cited-source") or field.get("x-excerpt-of"):
                marked.add((schema_file.stem, field["name"]))
    listed = {(table, column) for table, columns in verbatim["columns"].items() for column in columns}
    assert listed == marked | {("source_texts", "text")}
    with (ROOT / "data" / "sources.csv").open(newline="", encoding="utf-8") as f:
        assert verbatim["languages"] == {r["source_id"]: r["language"] for r in csv.DictReader(f)}
    assert verbatim["language"] == "it"


def test_words_of_articles_in_several_languages_are_not_given_one():
    import pyarrow as pa

    from dpbuild import languages
    from dpbuild.typed import TypedTable

    schema = {
        "primaryKey": ["source_id"],
        "x-texts": {"path": "text_path"},
        "fields": [{"name": "source_id"}, {"name": "language", "x-codelist": "bcp47"}],
    }
    table = TypedTable("sources", schema, {"source_id": pa.array(["a", "b"]), "language": pa.array(["it", "ru"])})
    assert languages.verbatim([table])["language"] is None
    assert languages.verbatim([table])["languages"] == {"a": "it", "b": "ru"}


@pytest.mark.parametrize("name", [name for name in PAGES if name.startswith("row-")])
def test_on_a_phone_a_row_reads_each_value_under_its_own_field_name(live_site, phone, name):
    phone.goto(live_site.url + PAGES[name][0])
    lines = phone.evaluate("""() => [...document.querySelectorAll("table.dp-record tr")].map((tr) => ({
        field: [...tr.classList].find((c) => c.startsWith("col-")).slice(4),
        label: tr.querySelector("th").innerText.trim(),
        labelShown: tr.querySelector("th").getBoundingClientRect().height > 0,
        before: getComputedStyle(tr.querySelector("td"), "::before").content,
        hidden: getComputedStyle(tr).display === "none"}))""")
    shown = [line for line in lines if not line["hidden"]]
    assert len(shown) > 3, PAGES[name][0]
    for line in shown:  # its own name, shown, and no other name drawn before the value
        assert line["label"] == line["field"] and line["labelShown"], line
        assert line["before"] in ("none", "normal"), line


def test_a_canned_query_folds_its_sql_and_fits_a_phone(live_site, phone):
    phone.goto(live_site.url + PAGES["canned-query"][0])
    sql = phone.locator("details.canned-sql")
    assert sql.count() == 1 and sql.get_attribute("open") is None
    assert not phone.locator("pre#sql-query").is_visible()
    assert phone.locator("table.rows-and-columns td.col-quote").first.is_visible()
    sql.locator("summary").click()
    assert phone.locator("pre#sql-query").is_visible()
    assert live.overflow(phone) == 0


def test_where_the_keyboard_is_always_shows(live_site, page):
    page.goto(live_site.url + PAGES["table-statements-filtered"][0])
    seen = []
    for _ in range(25):  # the crumbs, the filters' selects and inputs, the buttons, the links
        page.keyboard.press("Tab")
        seen.append(
            page.evaluate("""() => { const el = document.activeElement, s = getComputedStyle(el);
                return {el: el.tagName + " " + (el.getAttribute("name") || el.textContent.trim().slice(0, 30)),
                        outline: s.outlineStyle === "none" ? 0 : parseFloat(s.outlineWidth)}; }""")
        )
    assert any(s["el"].startswith("SELECT") for s in seen)
    assert [s for s in seen if s["outline"] < 2] == []


def test_a_headline_is_in_its_articles_language_unless_the_editors_supplied_it():
    import pyarrow as pa

    from dpbuild import languages
    from dpbuild.typed import TypedTable

    schema = {
        "primaryKey": ["source_id"],
        "x-texts": {"path": "text_path"},
        "fields": [
            {"name": "source_id"},
            {"name": "title", "x-headline": True},
            {"name": "language", "x-codelist": "bcp47"},
        ],
    }
    columns = {"source_id": ["a", "b"], "title": ["Russia e Cina", "[China and the CSTO]"], "language": ["it", "it"]}
    table = TypedTable("sources", schema, {k: pa.array(v) for k, v in columns.items()})
    headlines = languages.verbatim([table])["headlines"]
    assert headlines["by_source"] == {"a": "it"} and headlines["by_text"] == {"Russia e Cina": "it"}
    columns = {"source_id": ["a", "b"], "title": ["Moskva", "Moskva"], "language": ["ru", "cs"]}
    table = TypedTable("sources", schema, {k: pa.array(v) for k, v in columns.items()})
    assert languages.verbatim([table])["headlines"]["by_text"] == {}  # one text in two languages: neither
