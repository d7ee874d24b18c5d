"""Keep one visitor's heavy SQL from starving everyone else, and cap a response's bytes.

Requests that carry SQL a visitor wrote (`sql=` or `_where=`) pass a gate that is fair between
client addresses (FairGate): each client runs PER_CLIENT_RUNNING such request at a time, with up
to PER_CLIENT_WAITING more waiting their turn, and is told 429 Too Many Requests beyond that, while
other clients keep being served. All clients together run at most one query fewer than Datasette
has SQL threads (so table pages always find a thread), and waiting clients take turns round-robin.
At most MAX_WAITING requests wait in all (memory stays bounded whatever the number of addresses).

Not visitor SQL: table pages, facets, search, canned queries (SQL written by the project, run
by name with bound parameters) and the dashboard's charts, whose page fetches
`/<db>.json?sql=<the chart's query>`: a `sql=` whose text is exactly a chart's query for that
database is the project's own SQL, whoever sends it (any other text, whatever its referer, is the
visitor's).

The client is the connection's peer address; when the site runs behind `make serve-public`'s
proxy (which sets TRUSTED_PROXY in Datasette's environment, and replaces whatever a visitor sends
in these headers) and the peer is that proxy (a loopback address), the address the proxy forwards
(X-Real-IP, else the last X-Forwarded-For entry). Without the proxy no header is trusted: any
other front on loopback (a tunnel, a proxy that passes the headers on) would let each visitor
choose their own client key. IPv6 clients are counted by /64 network, the block one subscriber holds.

A response larger than MAX_RESPONSE_BYTES is cut off there (the row and value limits of
sqlite_limits.py keep ordinary answers far below it); streamed CSV exports and the database
download are sent in small chunks and are exempt.
"""

from __future__ import annotations

import asyncio
import ipaddress
import os
from collections import Counter, deque
from urllib.parse import parse_qs

from datasette import hookimpl

from dpsite.responses import send_text

VISITOR_SQL = {"sql", "_where"}
PER_CLIENT_RUNNING = 1
PER_CLIENT_WAITING = 4
MAX_WAITING = 64
DEFAULT_SQL_THREADS = 3  # Datasette's num_sql_threads
MAX_RESPONSE_BYTES = 50_000_000
FORWARDED = (b"x-real-ip", b"x-forwarded-for")  # in order of trust; set by the proxy in front
TRUSTED_PROXY = "DP_TRUSTED_PROXY"  # set to 1 by dpsite/proxy.py for the Datasette it starts


class FairGate:
    """Admission to visitor SQL: a global running cap, a per-client running cap and queue, and
    round-robin between the clients that wait. Used from one event loop (no locks needed)."""

    def __init__(
        self,
        running_cap: int,
        per_client_running: int = PER_CLIENT_RUNNING,
        per_client_waiting: int = PER_CLIENT_WAITING,
        max_waiting: int = MAX_WAITING,
    ):
        self.running_cap, self.per_client_running = running_cap, per_client_running
        self.per_client_waiting, self.max_waiting = per_client_waiting, max_waiting
        self.running = 0
        self.running_by: Counter[str] = Counter()
        self.queues: dict[str, deque[asyncio.Future]] = {}
        self.turns: deque[str] = deque()  # clients with a request waiting, next turn first
        self.waiting = 0

    def _may_run(self, client: str) -> bool:
        return self.running < self.running_cap and self.running_by[client] < self.per_client_running

    def _start(self, client: str) -> None:
        self.running += 1
        self.running_by[client] += 1

    async def enter(self, client: str) -> bool:
        """Wait for this client's turn; False (answer 429) when its own queue or the global one is full."""
        if client not in self.queues and self._may_run(client):
            self._start(client)
            return True
        queue = self.queues.get(client)
        if (queue is not None and len(queue) >= self.per_client_waiting) or self.waiting >= self.max_waiting:
            return False
        if queue is None:
            queue = self.queues[client] = deque()
            self.turns.append(client)
        turn = asyncio.get_running_loop().create_future()
        queue.append(turn)
        self.waiting += 1
        try:
            await turn
        except asyncio.CancelledError:  # the client gave up while waiting
            if turn.done() and not turn.cancelled():
                self.leave(client)  # its turn had come: give it on
            else:
                self._forget(client, turn)
            raise
        return True

    def leave(self, client: str) -> None:
        self.running -= 1
        self.running_by[client] -= 1
        if not self.running_by[client]:
            del self.running_by[client]
        self._dispatch()

    def _forget(self, client: str, turn: asyncio.Future) -> None:
        queue = self.queues[client]
        queue.remove(turn)
        self.waiting -= 1
        if not queue:
            del self.queues[client]
            self.turns.remove(client)

    def _dispatch(self) -> None:
        """Give free places to waiting clients, one request per client per round."""
        idle = 0
        while self.turns and self.running < self.running_cap and idle < len(self.turns):
            client = self.turns[0]
            self.turns.rotate(-1)
            if not self._may_run(client):
                idle += 1
                continue
            idle = 0
            queue = self.queues[client]
            turn = queue.popleft()
            self.waiting -= 1
            if not queue:
                del self.queues[client]
                self.turns.remove(client)
            self._start(client)
            turn.set_result(None)


def _network(address: str) -> str | None:
    """The client key of an address: itself for IPv4, its /64 network for IPv6; None if not an address."""
    try:
        ip = ipaddress.ip_address(address.strip()[:64])
    except ValueError:
        return None
    if ip.version == 6:
        if ip.ipv4_mapped:
            return str(ip.ipv4_mapped)
        return str(ipaddress.IPv6Network((ip, 64), strict=False))
    return str(ip)


def client_address(scope) -> str:
    """Who sent the request: the peer, or the address the local proxy forwards for it."""
    peer = (scope.get("client") or ("unknown", 0))[0] or "unknown"
    try:
        loopback = ipaddress.ip_address(peer).is_loopback
    except ValueError:
        loopback = False
    if loopback and os.environ.get(TRUSTED_PROXY) == "1":
        headers = {name: value for name, value in scope.get("headers") or [] if name in FORWARDED}
        for name in FORWARDED:
            if name in headers:
                forwarded = _network(headers[name].split(b",")[-1].decode("latin-1"))
                if forwarded:
                    return forwarded
    return _network(peer) or peer


def project_sql(datasette) -> frozenset[tuple[str, str]]:
    """(database, query) of every dashboard chart: the SQL the project wrote and its pages fetch."""
    config = (datasette.plugin_config("datasette-dashboards") if datasette is not None else None) or {}
    return frozenset(
        (chart["db"], chart["query"])
        for dashboard in config.values()
        if isinstance(dashboard, dict)
        for chart in (dashboard.get("charts") or {}).values()
        if isinstance(chart, dict) and chart.get("db") and chart.get("query")
    )


def _database(path: str) -> str | None:
    """The database a database-level page (/<db>, /<db>.json, /<db>.csv) is about, else None."""
    name = path.strip("/")
    if "/" in name:
        return None
    stem, dot, extension = name.rpartition(".")
    return stem if dot and extension in ("json", "csv") else name


def _query(scope) -> dict[str, list[str]]:
    # Parsed as Datasette parses it (datasette.utils.asgi.Request.args); plugins/query_limits.py
    # has already bounded the query string's bytes and parts.
    return parse_qs(scope.get("query_string", b"").decode("latin-1"), keep_blank_values=True)


def is_visitor_sql(scope, query: dict[str, list[str]], project: frozenset[tuple[str, str]]) -> bool:
    if not VISITOR_SQL & set(query):
        return False
    if "_where" in query or len(query["sql"]) != 1:
        return True
    return (_database(scope.get("path", "")), query["sql"][0]) not in project


def _streamed(scope, query: dict[str, list[str]]) -> bool:
    path = scope.get("path", "")
    return path.endswith(".db") or (path.endswith(".csv") and query.get("_stream", [""])[0] not in ("", "0", "off"))


async def _too_many(send):
    await send_text(
        send,
        429,
        "Too many SQL queries in flight from your address; try again in a few seconds.\n",
        ((b"retry-after", b"2"),),
    )


def _capped(send):
    sent = 0
    done = False

    async def capped_send(message):
        nonlocal sent, done
        if done:
            return
        if message["type"] == "http.response.body":
            body = message.get("body", b"")
            if sent + len(body) > MAX_RESPONSE_BYTES:
                done = True
                await send(
                    {"type": "http.response.body", "body": body[: MAX_RESPONSE_BYTES - sent], "more_body": False}
                )
                return
            sent += len(body)
        await send(message)

    return capped_send


def running_cap(datasette) -> int:
    """One fewer than Datasette's SQL threads, so visitor SQL never holds them all."""
    threads = datasette.setting("num_sql_threads") if datasette is not None else DEFAULT_SQL_THREADS
    return max(1, (threads or 1) - 1)


@hookimpl
def asgi_wrapper(datasette):
    project = project_sql(datasette)
    state = {"gate": None}

    def wrap(app):
        async def gated(scope, receive, send):
            if scope["type"] != "http":
                await app(scope, receive, send)
                return
            query = _query(scope)
            out = send if _streamed(scope, query) else _capped(send)
            if not is_visitor_sql(scope, query, project):
                await app(scope, receive, out)
                return
            if state["gate"] is None:
                state["gate"] = FairGate(running_cap(datasette))  # created inside the server's event loop
            gate, client = state["gate"], client_address(scope)
            if not await gate.enter(client):
                await _too_many(send)
                return
            try:
                await app(scope, receive, out)
            finally:
                gate.leave(client)

        return gated

    return wrap
