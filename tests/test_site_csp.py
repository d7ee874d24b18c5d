"""What a page may do in a visitor's browser, read from the answers (the browser itself is in
test_browser.py): the Content-Security-Policy on every page type, every inline script one the
policy names, Markdown only for the package's own columns, and oversized cells that never break
a page."""

from __future__ import annotations

import base64
import hashlib
import json
import re
import shutil
import sqlite3
from html.parser import HTMLParser

import jinja2
import pytest

from conftest import NAME, Site
from dpbuild import metadata as build_metadata
from dpsite import serve
from dpsite.plugins import cells, csp

DB = f"/{NAME}"
EVENT = "putin-li-shangfu-meeting-2023-04-16"
PAGES = {
    "index": "/",
    "database": DB,
    "table": f"{DB}/events",
    "row": f"{DB}/events/{EVENT}",
    "view with a map": f"{DB}/events_full",
    "canned query": f"{DB}/what_x_said_about_y?speaker=Lukashenko&subject=",
    "visitor SQL": f"{DB}?sql=select+1+as+a",
    "visitor SQL with a map": f"{DB}?sql=select+43.2+as+latitude%2C+76.9+as+longitude",
    "dashboard": "/-/dashboards/overview",
    "dashboard chart": "/-/dashboards/overview/events-by-month",
    "dashboards": "/-/dashboards",
    "article": "/-/articles/2023-04-putin-meets-li-shangfu",
    "Datasette's own page": "/-/versions",
    "metadata": "/-/metadata",
    "404": "/nope",
    "row 404": f"{DB}/events/nope",
    "SQL error": f"{DB}?sql=select+*+from+nothing",
    "refused endpoint": "/-/threads",
}


def directives(header: str) -> dict[str, list[str]]:
    return {d.split()[0]: d.split()[1:] for d in header.split(";") if d.strip()}


class Scripts(HTMLParser):
    """Every inline script (its text), and every event-handler attribute or javascript: URL."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.inline, self.handlers, self._open = [], [], None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.handlers += [f"{tag} {k}" for k in attrs if k.startswith("on")]
        self.handlers += [
            f"{tag} {k}={v}"
            for k, v in attrs.items()
            if v and re.sub(r"[\s\x00-\x1f]", "", v).lower().startswith("javascript:")
        ]
        if tag == "script" and "src" not in attrs and attrs.get("type", "") in ("", "module", "text/javascript"):
            self._open = []

    def handle_data(self, data):
        if self._open is not None:
            self._open.append(data)

    def handle_endtag(self, tag):
        if tag == "script" and self._open is not None:
            self.inline.append("".join(self._open))
            self._open = None


@pytest.mark.parametrize("kind", list(PAGES))
def test_every_page_type_carries_the_strict_policy(site, kind):
    response = site.get(PAGES[kind])
    policy = directives(response.headers["content-security-policy"])
    assert policy["script-src"][0] == "'self'"
    assert not {"'unsafe-inline'", "'unsafe-eval'", "data:", "*"} & set(policy["script-src"])
    assert all(s == "'self'" or s.startswith("'sha256-") for s in policy["script-src"])
    assert policy["object-src"] == ["'none'"] and policy["base-uri"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["img-src"] == ["'self'", "data:"]
    for name in ("default-src", "connect-src", "font-src", "form-action"):
        assert policy[name] == ["'self'"]
    assert policy["style-src"] == ["'self'", "'unsafe-inline'"]  # styles: the site's only (see csp.py)
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["referrer-policy"] == "same-origin"


@pytest.mark.parametrize("kind", [k for k in PAGES if k != "refused endpoint"])
def test_every_inline_script_on_a_page_is_one_its_policy_names(site, kind):
    response = site.get(PAGES[kind])
    assert "text/html" in response.headers["content-type"]
    allowed = set(directives(response.headers["content-security-policy"])["script-src"])
    page = Scripts()
    page.feed(response.text)
    assert page.handlers == []
    for script in page.inline:
        if script:
            assert csp.script_hash(script) in allowed, script[:200]
    if kind in ("table", "row", "visitor SQL with a map"):
        assert page.inline, "the plugins' body scripts are written, hashed"


@pytest.mark.parametrize(
    "path",
    [f"{DB}/events.json", f"{DB}/events.csv", "/assets/site.js", "/-/static/app.css", f"{DB}/events.json?_through=x"],
)
def test_every_other_answer_carries_the_policy_too(site, path):
    # Whatever the browser is given (a JSON body it might sniff, a refusal), it runs nothing from it.
    response = site.get(path)
    assert "script-src 'self'" in response.headers["content-security-policy"]
    assert response.headers["x-content-type-options"] == "nosniff"


def test_the_same_page_gets_the_same_policy(site):
    # Hashes, not a per-response nonce: a cache in front of the site stays right.
    first, second = site.get(PAGES["table"]), site.get(PAGES["table"])
    assert first.headers["content-security-policy"] == second.headers["content-security-policy"]


def test_a_hash_is_the_one_a_browser_computes():
    code = "window.x = 'é';"
    expected = base64.b64encode(hashlib.sha256(code.encode()).digest()).decode()
    assert csp.script_hash(code) == f"'sha256-{expected}'"


def test_a_script_written_outside_the_macro_is_not_allowed(site):
    # The table page writes DATASETTE_ALLOW_FACET through inline_script; Datasette's own
    # template would write it unhashed, and the policy would refuse it.
    response = site.get(PAGES["table"])
    assert csp.script_hash("DATASETTE_ALLOW_FACET = true;") in response.headers["content-security-policy"]
    assert csp.script_hash("DATASETTE_ALLOW_FACET = false;") not in response.headers["content-security-policy"]


@pytest.mark.parametrize(
    "url, kept",
    [
        ("https://example.org/a", True),
        ("http://example.org/a", True),
        ("/db/table", True),
        ("javascript:alert(1)", False),
        (" javascript:alert(1)", False),
        ("data:text/html,x", False),
        ("//example.org/a", False),
        ("/\\example.org/a", False),
        ("vbscript:x", False),
        ("", False),
        (None, False),
    ],
)
def test_one_link_rule_for_templates(url, kept):
    """templates/_safe_link.html; static/site.js's safeHref applies the same rule to a map
    popup's link (test_browser.py)."""
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(serve.SITE / "templates"))
    href = str(env.get_template("_safe_link.html").module.safe_href(url))
    assert href == (url if kept else "")


# Markdown -----------------------------------------------------------------------------------

IMAGE = "![x](http://127.0.0.1:9/x.png)"


@pytest.mark.parametrize("column", ["a_markdown", "description", "x_markdown"])
def test_a_visitors_sql_is_never_rendered_as_markdown(site, column):
    html = site.get(DB, sql=f"select '{IMAGE}' as {column}").text
    assert "<img" not in html
    assert IMAGE in html  # shown as the text it is


def test_markdown_only_for_the_packages_own_columns(dist, monkeypatch):
    """A table's own Markdown column is rendered on its pages; the same name in a visitor's SQL
    is not. (The package declares none yet: MARKDOWN_COLUMNS says which.)"""
    monkeypatch.setattr(build_metadata, "MARKDOWN_COLUMNS", {"events": ["description"]})
    meta = json.loads((dist / "metadata.json").read_text())
    tables = meta["databases"][NAME]["tables"]
    for name, entry in tables.items():
        entry.pop("plugins", None)
        entry.update(build_metadata.table_plugins(name))
    assert "plugins" in tables["events"] and "plugins" not in tables["actors"]
    other = Site(dist, meta)
    try:
        assert '<div style="white-space: normal"><p>' in other.get(f"{DB}/events/{EVENT}").text
        html = other.get(DB, sql=f"select '{IMAGE}' as description").text
        assert "<img" not in html and IMAGE in html
    finally:
        other.close()


# Oversized cells ----------------------------------------------------------------------------

BIG = 1_500_000


@pytest.fixture(scope="module")
def big_site(dist, tmp_path_factory):
    """The real site with one event's description made 1.5 MB long (the validator would refuse
    it; a database given to the site may still hold one)."""
    out = tmp_path_factory.mktemp("big") / "dist"
    shutil.copytree(dist, out)
    with sqlite3.connect(out / f"{NAME}.db") as conn:
        conn.execute("UPDATE events SET description = ? WHERE event_id = ?", ("Long. " + "a" * BIG, EVENT))
    cells.longest_row.cache_clear()
    site = Site(out)
    yield site
    site.close()


@pytest.mark.parametrize(
    "path",
    [
        f"{DB}/events",
        f"{DB}/events.json",
        f"{DB}/events.csv",
        f"{DB}/events/{EVENT}",
        f"{DB}/events/{EVENT}.json",
        f"{DB}/events_full",
        f"{DB}/events_full.json",
        f"{DB}/events?_search=meeting",
        f"{DB}?sql=select+*+from+events",
    ],
)
def test_an_oversized_cell_breaks_no_page(big_site, path):
    assert big_site.get(path).status_code == 200


@pytest.mark.parametrize("path", [f"{DB}/events", f"{DB}/events/{EVENT}"])
def test_an_oversized_cell_is_shown_cut_with_a_link_to_the_whole_value(big_site, path):
    html = big_site.get(path).text
    assert f"the first {cells.SHOWN:,} of {BIG + 6:,} characters" in html
    assert "a" * (cells.SHOWN + 1) not in html
    href = re.search(r'class="dp-cut">[^<]*<a href="([^"]+)">the whole value</a>', html).group(1)
    assert href == f"{DB}/events/{EVENT}.json"
    rows = big_site.get(href, _shape="objects").json()["rows"]
    assert rows[0]["description"] == "Long. " + "a" * BIG


def test_a_views_or_querys_oversized_cell_points_to_the_pages_json(big_site):
    for path in (f"{DB}/events_full", f"{DB}?sql=select+description+from+events"):
        html = big_site.get(path).text
        assert "the whole value is in this page's JSON and CSV" in html
        assert "a" * (cells.SHOWN + 1) not in html


def test_the_csv_holds_the_whole_value(big_site):
    assert "a" * BIG in big_site.get(f"{DB}/events.csv").text


def test_the_value_cap_rises_only_as_far_as_the_stored_rows_need(site, big_site):
    # The real package: the cap stays sqlite_limits' 1,000,000 bytes.
    assert site.get(f"{DB}.json", sql="select length(zeroblob(999000))").status_code == 200
    assert site.get(f"{DB}.json", sql="select length(zeroblob(1000001))").status_code == 400
    # With a 1.5 MB row: one answer's size (16 MB), and not beyond.
    assert big_site.get(f"{DB}.json", sql="select length(zeroblob(2000000))").status_code == 200
    assert big_site.get(f"{DB}.json", sql="select length(zeroblob(16000001))").status_code == 400


def test_no_page_of_the_real_package_is_cut(site):
    assert "dp-cut" not in site.get(f"{DB}/source_texts").text
    assert "dp-cut" not in site.get(f"{DB}/events").text


def test_the_one_page_whose_inline_script_cannot_run_is_safe_without_it(site):
    """Datasette's "SQL Interrupted" error (a query over the time limit) carries an inline script
    that only sizes the textarea showing the query. No template wrote it, so its policy names no
    hash for it and the browser refuses to run it: the page still shows the error and the query,
    as text, and nothing from the query can run."""
    response = site.get(
        f"{DB}?sql=" + "with+recursive+c(x)+as+(select+1+union+all+select+x%2B1+from+c)+"
        "select+count(*)+from+c+where+x+%3C+0+--+</textarea><script>alert(1)</script>"
    )
    assert response.status_code == 400 and "SQL Interrupted" in response.text
    allowed = set(directives(response.headers["content-security-policy"])["script-src"])
    page = Scripts()
    page.feed(response.text)
    assert page.inline and not any(csp.script_hash(s) in allowed for s in page.inline)
    assert "<script>alert(1)</script>" not in response.text  # the query is escaped, as text


def test_the_longest_row_is_measured_with_or_without_dbstat(big_site):
    path = big_site.ds.databases[NAME].path
    with sqlite3.connect(f"file:{path}?mode=ro&immutable=1", uri=True) as conn:
        by_values = cells._longest_by_values(conn)
    assert BIG < by_values <= cells.longest_row(path) < BIG + 2_000  # a record: its values and a short header
