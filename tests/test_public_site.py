"""A hostile visitor of the public site: no request builds an unbounded value, returns an
unbounded result, starves the others, gets a 5xx, or runs a script from the data."""

from __future__ import annotations

import asyncio
import importlib
import json
import random

import pytest

from conftest import NAME, Site, loaded_plugin

DB = f"/{NAME}"


def plugin(name: str):
    """A module of scripts/lib/dpsite/plugins, for its documented limits (Datasette loads them itself)."""
    return importlib.import_module(f"dpsite.plugins.{name}")


@pytest.mark.parametrize(
    "sql, says",
    [
        ("select hex(randomblob(490000000))", "too big"),
        ("select length(printf('%.*c', 1000000000, 'x'))", "too big"),
        ("select length(format('%.2000000000c', 'x'))", "too big"),
        ("select zeroblob(2000000)", "too big"),
        ("select length(replace(hex(zeroblob(400000)), '0', '00000'))", "too big"),
        (
            "with recursive c(x) as (select 1 union all select x + 1 from c limit 1000) select randomblob(900000) from c",
            "larger than 16,000,000 bytes",
        ),
    ],
)
def test_a_query_cannot_build_an_unbounded_value_or_result(site, sql, says):
    response = site.get(f"{DB}.json", sql=sql)
    assert response.status_code == 400, response.text[:300]
    assert says in response.json()["error"]


def test_printf_within_the_bound_still_formats(site):
    rows = site.rows(DB, sql="select printf('%.*c', 3, 'x') as a, format('%05.1f', 3.14159) as b")
    assert rows == [{"a": "xxx", "b": "003.1"}]


@pytest.mark.parametrize(
    "path, params, status",
    [
        (f"{DB}/events.json", {"_where": "1;DELETE FROM events"}, 400),
        (f"{DB}.json", {"sql": "select 1; select 2"}, 400),
        ("/-/static-plugins/nope/x.js", {}, 404),
        ("/-/static-plugins/datasette_cluster_map/../../../../etc/passwd", {}, 404),
        (f"{DB}/places.csv", {"_through": "99999999999999999999"}, 400),  # JSON, but not an object
        (f"{DB}/events.json", {"_through": '{"table": "event_participants"}'}, 400),
    ],
)
def test_requests_that_answered_500_now_answer_4xx(site, path, params, status):
    assert site.get(path, **params).status_code == status
    assert site.rows(f"{DB}/events")  # and nothing was deleted


@pytest.mark.parametrize(
    "query",
    [
        "_search=putin%20OR%20a*&_searchmode=raw",
        "_search=NEAR(&_searchmode=RAW",
        "_search=title:putin&_search%6Dode=raw",
    ],
)  # the key percent-encoded too
def test_raw_fts5_syntax_is_not_offered(site, query):
    """Datasette's raw search mode would hand a visitor's words to FTS5 as syntax (column filters,
    OR, NEAR): refused with what to do instead, however the key is written."""
    response = site.get(f"{DB}/events.json?{query}")
    assert response.status_code == 400
    assert "_searchmode=raw takes FTS5 syntax, which this site does not offer" in response.text


@pytest.mark.parametrize("page", plugin("endpoints").REFUSED)
def test_a_refused_debug_endpoint_is_not_found(site, page):
    assert site.get(f"/-/{page}").status_code == 404
    assert site.get(f"/-/{page}.json").status_code == 404


@pytest.mark.parametrize("page", plugin("endpoints").PUBLIC)
def test_a_public_endpoint_answers(site, page):
    assert site.get(f"/-/{page}.json").status_code == 200


def test_a_javascript_licence_link_is_never_rendered(dist):
    metadata = json.loads((dist / "metadata.json").read_text())
    metadata.update(
        license_url="javascript:alert(document.cookie)", source_url="data:text/html,<script>alert(1)</script>"
    )
    hostile = dist.parent / "hostile-metadata"
    hostile.mkdir(exist_ok=True)
    for name in (f"{NAME}.db", "inspect.json", "datapackage.json"):
        target = hostile / name
        if not target.exists():
            target.symlink_to(dist / name)
    (hostile / "metadata.json").write_text(json.dumps(metadata))
    site = Site(hostile)
    try:
        html = site.get("/").text + site.get(f"{DB}/events").text
    finally:
        site.close()
    assert "Data license:" in html
    assert "javascript:" not in html and "data:text/html" not in html


# --- the gate and the response cap, on a stand-in app (no timing needed) ---------------------


def _run_gate(n_requests: int, query: str):
    gate = plugin("sql_gate")
    release = asyncio.Event()
    statuses = []

    async def slow_app(scope, receive, send):
        await release.wait()
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"ok"})

    app = gate.asgi_wrapper(datasette=None)(slow_app)

    async def one():
        async def send(message):
            if message["type"] == "http.response.start":
                statuses.append(message["status"])

        await app({"type": "http", "path": f"{DB}.json", "query_string": query.encode()}, None, send)

    async def main():
        tasks = [asyncio.create_task(one()) for _ in range(n_requests)]
        await asyncio.sleep(0.05)
        refused = list(statuses)
        release.set()
        await asyncio.gather(*tasks)
        return refused

    refused = asyncio.run(main())
    return gate, refused, statuses


def test_visitor_sql_waits_its_turn_and_a_flood_is_told_429():
    # All from one client (the stand-in scope has no address): its own share runs or waits, the rest get 429.
    gate, refused_at_once, statuses = _run_gate(12, "sql=select+1")
    admitted = gate.PER_CLIENT_RUNNING + gate.PER_CLIENT_WAITING
    assert refused_at_once == [429] * (12 - admitted)
    assert sorted(statuses) == [200] * admitted + [429] * (12 - admitted)


def test_pages_without_visitor_sql_never_wait_for_the_gate():
    _, refused_at_once, statuses = _run_gate(12, "_facet=event_type")
    assert refused_at_once == [] and statuses == [200] * 12


def test_a_response_is_cut_at_the_byte_cap():
    gate = plugin("sql_gate")
    chunk = b"x" * 1_000_000
    received = []

    async def big_app(scope, receive, send):
        await send({"type": "http.response.start", "status": 200, "headers": []})
        for _ in range(gate.MAX_RESPONSE_BYTES // len(chunk) + 5):
            await send({"type": "http.response.body", "body": chunk, "more_body": True})
        await send({"type": "http.response.body", "body": b""})

    async def send(message):
        if message["type"] == "http.response.body":
            received.append(message)

    asyncio.run(
        gate.asgi_wrapper(datasette=None)(big_app)({"type": "http", "path": "/x.json", "query_string": b""}, None, send)
    )
    assert sum(len(m["body"]) for m in received) == gate.MAX_RESPONSE_BYTES
    assert received[-1]["more_body"] is False


# --- fuzz: real paths with hostile parameters -------------------------------------------------

PATHS = [
    f"{DB}",
    f"{DB}/events",
    f"{DB}/statements",
    f"{DB}/actors",
    f"{DB}/citations",
    f"{DB}/events_full",
    f"{DB}/timeline",
    f"{DB}/places",
    f"{DB}/events/putin-li-shangfu-meeting-2023-04-16",
    f"{DB}/what_x_said_about_y",
    f"{DB}/who_met_whom",
    "/-/dashboards/overview",
    "/-/dashboards/overview/events-by-month",
    "/",
    "/-/static/app.css",
    "/-/static-plugins/datasette_cluster_map/datasette-cluster-map.js",
    f"{DB}/no_such_table",
    "/-/metadata",
]
SUFFIXES = ["", ".json", ".csv", ".db", "/", "~2E", "%00", ".json/../../etc/passwd"]
PARAMS = [
    "sql",
    "_where",
    "_sort",
    "_sort_desc",
    "_facet",
    "_search",
    "_size",
    "_next",
    "_col",
    "_nocol",
    "_shape",
    "_labels",
    "_timelimit",
    "_stream",
    "_json",
    "_trace",
    "_fts_table",
    "_through",
    "_filter_column",
    "event_type__exact",
    "start_date__gt",
    "title__contains",
    "_facet_date",
    "_facet_array",
    "speaker",
    "subject",
    "_dl",
    "_ttl",
    "_hash",
]
VALUES = [
    "",
    "0",
    "-1",
    "99999999999999999999",
    "max",
    "nope",
    "' OR 1=1 --",
    "1;DELETE FROM events",
    "\x00",
    "%",
    "\u202e",
    "<script>alert(1)</script>",
    "javascript:alert(1)",
    "select hex(randomblob(490000000))",
    "(a+)+$",
    "select printf('%.*c',1000000000,'x')",
    '"unbalanced AND (',
    "NEAR(",
    "*",
    "../../etc/passwd",
    "a" * 5000,
    "title",
    "event_type",
    "start_date",
    "[1,2]",
    '{"a":1}',
    "1e309",
    "NaN",
    "on",
    "objects",
    "array",
    "~2E~2F",
]


def fuzz_urls(n: int, seed: int = 10) -> list[str]:
    rng = random.Random(seed)
    urls = []
    for _ in range(n):
        path = rng.choice(PATHS) + rng.choice(SUFFIXES)
        params = "&".join(
            f"{rng.choice(PARAMS)}={__import__('urllib.parse').parse.quote(rng.choice(VALUES))}"
            for _ in range(rng.randint(0, 3))
        )
        urls.append(path + ("?" + params if params else ""))
    return urls


def test_no_generated_url_gets_a_5xx(site):
    errors = loaded_plugin("errors")
    before = list(errors.UNEXPECTED)
    failures = []
    for url in fuzz_urls(1000):
        status = site.get(url).status_code
        if status >= 500:
            failures.append((status, url))
    assert failures == [], failures[:10]
    assert errors.UNEXPECTED == before, "an exception nobody has classified reached the error handler"
