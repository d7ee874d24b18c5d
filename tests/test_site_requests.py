"""How the site takes requests: search that finds every word, a request target bounded before
anything parses it, visitor SQL gated fairly per client (the dashboard's own charts not gated),
and log lines bounded whatever a request carries."""

from __future__ import annotations

import asyncio
import io
import re
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.request
from urllib.parse import quote, urlencode

import pytest
from test_public_site import DB, loaded_plugin, plugin

from conftest import NAME

# --- search, on the real database -------------------------------------------------------------


def _text(row: dict) -> str:
    return " ".join(str(v) for v in row.values()).lower()


@pytest.mark.parametrize(
    "words, families",
    [
        ("cooperazione militare", ("cooperazion", "militar")),
        ("military cooperation", ("militar", "cooperat")),
    ],
)
def test_a_multi_word_search_returns_the_rows_holding_every_word(site, words, families):
    response = site.get(f"{DB}/statements.json", _search=words, _shape="objects")
    assert response.status_code == 200, response.text[:300]
    rows = response.json()["rows"]
    assert rows and all(all(f in _text(row) for f in families) for row in rows)


def test_a_search_finds_the_word_family(site):
    rows = site.rows(f"{DB}/statements", _search="hegemony")
    assert any("hegemonism" in _text(row) for row in rows)  # Porter keeps hegemony and hegemonism apart


@pytest.mark.parametrize("words", ['"unbalanced AND (', "NEAR( x* ^a -b quote:x", " ", "*", "\u0301 \U0001f600"])
def test_a_hostile_search_answers_200(site, words):
    assert site.get(f"{DB}/statements.json", _search=words).status_code == 200


# --- the request target, bounded before anything parses it ------------------------------------


def test_an_oversized_query_string_gets_414_and_the_limit_itself_is_served(site):
    limits = plugin("query_limits")
    base = f"{DB}.json?sql=select+1&x="
    fitting = base + "a" * (limits.MAX_TARGET_BYTES - len(base) + 1)  # path and query string, without the "?"
    assert site.get(fitting).status_code == 200
    assert site.get(fitting + "a").status_code == 414
    assert site.get(f"{DB}.json?sql=select+1&x=" + "a" * 30_000).status_code == 414


def test_too_many_parameters_get_400(site):
    limits = plugin("query_limits")
    assert site.get(f"{DB}.json?" + "&".join(["sql=select+1"] + ["a"] * (limits.MAX_PARAMETERS - 1))).status_code == 200
    response = site.get(f"{DB}.json?" + "&".join(["sql=select+1"] + ["a"] * limits.MAX_PARAMETERS))
    assert response.status_code == 400 and "parameters" in response.text


def test_the_limits_are_checked_outside_every_other_wrapper(site):
    # Datasette applies asgi_wrapper results in order: the last is the outermost, the first to see a request.
    from datasette.plugins import pm

    wrappers = pm.hook.asgi_wrapper(datasette=site.ds)
    assert wrappers[-1] is loaded_plugin("query_limits").limited


def test_an_oversized_target_never_reaches_the_app():
    limits = plugin("query_limits")
    reached = []

    async def app(scope, receive, send):
        reached.append(scope)

    statuses = []

    async def send(message):
        if message["type"] == "http.response.start":
            statuses.append(message["status"])

    wrapped = limits.limited(app)
    for query in (b"a=" + b"x" * 30_000, b"&" * 4000, b"a=1"):
        asyncio.run(wrapped({"type": "http", "path": "/x", "raw_path": b"/x", "query_string": query}, None, send))
    assert statuses == [414, 400] and len(reached) == 1


def _site_links(site) -> list[str]:
    """Every link on the pages of every table and view, canned query and dashboard chart."""
    database = site.ds.metadata()["databases"][NAME]
    pages = [f"{DB}/{name}" for name in database["queries"]]
    # A table's links carry its filters and the key of its next page; facets would only add time.
    pages += [f"{DB}/{name}?_size=2&_nosuggest=1" for name in database["tables"]]
    dashboards = site.ds.plugin_config("datasette-dashboards")
    pages += [f"/-/dashboards/{slug}/{chart}" for slug, d in dashboards.items() for chart in d["charts"]]
    links = []
    for page in pages:
        response = site.get(page)
        assert response.status_code == 200, page
        links += [h.replace("&amp;", "&") for h in re.findall(r'href="([^"]*)"', response.text)]
    return links


def test_the_limit_admits_twice_every_address_the_site_builds(site):
    limits = plugin("query_limits")
    links = _site_links(site)
    assert any("sql=" in link for link in links)  # the canned queries' and charts' "edit SQL" links among them
    longest = max(links, key=len).removeprefix("http://localhost")
    assert 2 * len(longest) <= limits.MAX_TARGET_BYTES, longest[:200]
    assert site.get(longest).status_code == 200
    assert 10 * max(link.count("&") + 1 for link in links) <= limits.MAX_PARAMETERS


# --- visitor SQL, gated per client --------------------------------------------------------------


def _scope(query: str, client: str = "198.51.100.1", path: str = f"{DB}.json", headers=()):
    return {
        "type": "http",
        "path": path,
        "query_string": query.encode(),
        "client": (client, 40000),
        "headers": list(headers),
    }


def test_a_flooding_client_leaves_room_for_another():
    """Client A keeps 10 slow SQL requests in flight (re-sending each as it ends); client B's SQL
    is answered 200 in at least 90 % of tries."""
    gate = plugin("sql_gate")
    statuses = {"A": [], "B": []}

    async def slow_app(scope, receive, send):
        await asyncio.sleep(0.01)
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"ok"})

    app = gate.asgi_wrapper(datasette=None)(slow_app)

    async def one(who: str, client: str):
        async def send(message):
            if message["type"] == "http.response.start":
                statuses[who].append(message["status"])

        await app(_scope("sql=select+1", client), None, send)

    async def flood(stop: asyncio.Event):
        async def keep_one():
            while not stop.is_set():
                await one("A", "203.0.113.7")
                await asyncio.sleep(0.002)  # told 429: try again at once

        await asyncio.gather(*(keep_one() for _ in range(10)))

    async def main():
        stop = asyncio.Event()
        flooding = asyncio.create_task(flood(stop))
        await asyncio.sleep(0.02)
        for _ in range(30):
            await one("B", "198.51.100.2")
        stop.set()
        await flooding

    asyncio.run(main())
    assert statuses["A"].count(429) > 0  # the flood was held back...
    assert statuses["B"].count(200) >= 0.9 * len(statuses["B"])  # ...and not at B's expense


def _entered(gate, client: str):
    return asyncio.ensure_future(gate.enter(client))


def test_waiting_clients_take_turns():
    gate_module = plugin("sql_gate")

    async def main():
        gate = gate_module.FairGate(running_cap=1, per_client_waiting=4)
        assert await gate.enter("A")
        order = []
        for who in ("A", "A", "A", "B"):
            _entered(gate, who).add_done_callback(lambda _, who=who: order.append(who))
        await asyncio.sleep(0)
        running = "A"
        for _ in range(4):
            gate.leave(running)
            for _ in range(2):
                await asyncio.sleep(0)
            running = order[-1]
        return order

    # A runs and has three more waiting when B asks: B gets the next turn, not the fourth.
    assert asyncio.run(main()) == ["A", "B", "A", "A"]


def test_a_client_over_its_share_is_refused_while_others_enter():
    gate_module = plugin("sql_gate")

    async def main():
        gate = gate_module.FairGate(running_cap=2)
        assert await gate.enter("A")
        queued = [_entered(gate, "A") for _ in range(gate_module.PER_CLIENT_WAITING)]
        await asyncio.sleep(0)
        refused = await gate.enter("A")
        other = await gate.enter("B")
        for task in queued:
            task.cancel()
        await asyncio.gather(*queued, return_exceptions=True)
        return refused, other, gate.waiting

    refused, other, waiting = asyncio.run(main())
    assert refused is False and other is True
    assert waiting == 0  # requests given up while waiting leave no trace


def test_a_turn_given_to_a_request_that_gave_up_is_passed_on():
    gate_module = plugin("sql_gate")

    async def main():
        gate = gate_module.FairGate(running_cap=1)
        assert await gate.enter("A")
        b, c = _entered(gate, "B"), _entered(gate, "C")
        await asyncio.sleep(0)
        gate.leave("A")  # B's turn is given...
        b.cancel()  # ...as B gives up
        await asyncio.gather(b, return_exceptions=True)
        await asyncio.sleep(0)
        return c.done() and c.result(), gate.running

    assert asyncio.run(main()) == (True, 1)


@pytest.mark.parametrize(
    "peer, headers, client",
    [
        ("127.0.0.1", [(b"x-real-ip", b"203.0.113.9")], "203.0.113.9"),
        ("127.0.0.1", [(b"x-forwarded-for", b"10.0.0.1, 203.0.113.9")], "203.0.113.9"),  # the entry the proxy added
        ("127.0.0.1", [(b"x-real-ip", b"203.0.113.9"), (b"x-forwarded-for", b"10.0.0.1")], "203.0.113.9"),
        ("::1", [(b"x-real-ip", b"2001:db8:1:2:3:4:5:6")], "2001:db8:1:2::/64"),
        ("127.0.0.1", [(b"x-real-ip", b"not an address")], "127.0.0.1"),
        ("127.0.0.1", [], "127.0.0.1"),
        ("198.51.100.1", [(b"x-real-ip", b"203.0.113.9")], "198.51.100.1"),  # only the local proxy is trusted
        ("2001:db8:1:2:aaaa::1", [], "2001:db8:1:2::/64"),  # one subscriber's block counts as one client
        ("::ffff:198.51.100.1", [], "198.51.100.1"),
    ],
)
def test_the_client_is_the_peer_or_what_the_local_proxy_forwards(peer, headers, client, monkeypatch):
    monkeypatch.setenv("DP_TRUSTED_PROXY", "1")  # as dpsite/proxy.py starts Datasette
    assert plugin("sql_gate").client_address({"client": (peer, 1), "headers": headers}) == client


@pytest.mark.parametrize("trusted", [None, "0", "yes"])
def test_without_the_proxy_no_forwarded_header_is_trusted(trusted, monkeypatch):
    """`make serve` behind some other front on loopback: a visitor's own X-Real-IP must not
    become their client key."""
    if trusted is None:
        monkeypatch.delenv("DP_TRUSTED_PROXY", raising=False)
    else:
        monkeypatch.setenv("DP_TRUSTED_PROXY", trusted)
    headers = [(b"x-real-ip", b"203.0.113.9"), (b"x-forwarded-for", b"203.0.113.10")]
    assert plugin("sql_gate").client_address({"client": ("127.0.0.1", 1), "headers": headers}) == "127.0.0.1"


def _dashboard_urls(site) -> list[tuple[str, str]]:
    """(data URL the dashboard's script fetches, chart link) for every chart, as the plugin builds them."""
    urls = []
    for dashboard in site.ds.plugin_config("datasette-dashboards").values():
        for chart in dashboard["charts"].values():
            js = quote(
                chart["query"], safe="-_.!~*'()"
            )  # encodeURIComponent (datasette_dashboards/static/dashboards.js)
            urls.append(
                (
                    f"/{chart['db']}.json?sql={js}&&_shape=objects",
                    f"/{chart['db']}?{urlencode({'sql': chart['query']})}",
                )
            )
    return urls


def _is_visitor_sql(site, url: str, headers=()) -> bool:
    gate = loaded_plugin("sql_gate")
    path, _, query = url.partition("?")
    scope = _scope(query, path=path, headers=headers)
    return gate.is_visitor_sql(scope, gate._query(scope), gate.project_sql(site.ds))


def test_the_dashboards_own_queries_are_not_visitor_sql(site):
    urls = _dashboard_urls(site)
    assert len(urls) == len(loaded_plugin("sql_gate").project_sql(site.ds)) >= 4
    for data, link in urls:
        assert not _is_visitor_sql(site, data) and not _is_visitor_sql(site, link)
        response = site.get(data)
        assert response.status_code == 200 and response.json()["rows"], data


def test_mimicking_the_dashboard_does_not_pass_the_gate(site):
    data, _ = _dashboard_urls(site)[0]
    path, _, query = data.partition("?")
    referer = [(b"referer", b"http://localhost/-/dashboards/overview")]
    assert _is_visitor_sql(site, f"{DB}.json?sql=select+1", referer)
    assert _is_visitor_sql(site, data.replace("&&", "+--&&", 1))  # the chart's SQL, changed by a comment
    assert _is_visitor_sql(site, data + "&_where=1")
    assert _is_visitor_sql(site, data + "&sql=select+2")
    assert _is_visitor_sql(site, f"{DB}/events.json?{query}")  # the chart's SQL, but not where the chart runs it
    assert not _is_visitor_sql(site, f"{DB}/events.json?_facet=event_type")


# --- log lines, bounded ---------------------------------------------------------------------------


def test_a_long_line_is_cut_in_the_middle_and_short_ones_pass():
    logs = plugin("log_bounds")
    out = io.StringIO()
    stream = logs.BoundedLines(out)
    stream.write("short line\n")
    stream.write("ERROR: sql = 'select ")  # Datasette's line, written in pieces as print() would
    stream.write("x" * 200_000)
    stream.write("', params = {}: no such column: x")
    stream.write("\nnext\nsecond " + "y" * (logs.MAX_LINE - 7) + "\n")
    lines = out.getvalue().split("\n")
    assert lines[0] == "short line" and lines[2] == "next"
    assert all(len(line) <= logs.MAX_LINE for line in lines)
    assert (
        lines[1].startswith("ERROR: sql = 'select xxx") and lines[1].endswith("no such column: x") and " … " in lines[1]
    )
    assert lines[3] == "second " + "y" * (logs.MAX_LINE - 7)  # exactly at the bound: kept whole


def test_datasettes_report_of_a_failed_200kb_query_is_bounded(site, monkeypatch):
    logs = plugin("log_bounds")
    out = io.StringIO()
    monkeypatch.setattr(sys, "stderr", logs.BoundedLines(out))
    with pytest.raises(sqlite3.DataError):  # the query is over SQLite's length limit (plugins/sqlite_limits.py)
        site.run(site.ds.get_database(NAME).execute("select " + "x" * 200_000 + " from nowhere"))
    written = out.getvalue()
    assert "ERROR" in written and max(len(line) for line in written.split("\n")) <= logs.MAX_LINE


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def served(dist, tmp_path_factory):
    """The real server (datasette serve under uvicorn, as make serve runs it), its output in a file."""
    from dpsite import serve

    port = _free_port()
    log = tmp_path_factory.mktemp("served") / "server.log"
    with open(log, "wb") as out:
        process = subprocess.Popen(serve.command(dist, port=port), stdout=out, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url + "/-/versions.json", timeout=2).read()
            break
        except OSError:
            time.sleep(0.2)
    else:
        process.terminate()
        raise RuntimeError("datasette did not start within 60 s")
    yield url, log
    process.terminate()
    process.wait(timeout=10)


def _status(url: str) -> int:
    try:
        return urllib.request.urlopen(url, timeout=10).status
    except urllib.error.HTTPError as error:
        return error.code


def test_the_servers_log_lines_are_bounded(served):
    url, log = served
    logs = plugin("log_bounds")
    long_sql = "select " + "x" * 3500 + " from nowhere"  # fails within the address limit
    assert _status(f"{url}/{NAME}.json?{urlencode({'sql': long_sql})}") == 400
    assert _status(f"{url}/{NAME}.json?sql=select+1&x=" + "a" * 12_000) == 414  # uvicorn logs the whole target
    assert _status(f"{url}/{NAME}.json?" + "&".join(["a"] * 2000)) == 400
    time.sleep(0.3)  # let the server write its log
    lines = log.read_text(encoding="utf-8", errors="replace").split("\n")
    assert any("xxxxxxxx" in line for line in lines)  # the failed query was logged...
    assert any(" 414 " in line for line in lines)
    assert max(len(line) for line in lines) <= logs.MAX_LINE  # ...and no line over the bound
