"""Keep one visitor's heavy SQL from starving everyone else, and cap a response's bytes.

Requests that carry SQL a visitor wrote (`sql=` or `_where=`) run one at a time; up to
MAX_WAITING more wait their turn, and any beyond that are told 429 Too Many Requests. Table
pages, facets, search and canned queries (SQL written by the project, with bound parameters)
never wait for them, so three worst-case queries in flight leave the ordinary pages fast.

A response larger than MAX_RESPONSE_BYTES is cut off there (the row and value limits of
sqlite_limits.py keep ordinary answers far below it); streamed CSV exports and the database
download are sent in small chunks and are exempt.
"""
import asyncio
from urllib.parse import parse_qs

from datasette import hookimpl

from dpsite.responses import send_text

VISITOR_SQL = {"sql", "_where"}
MAX_WAITING = 8
MAX_RESPONSE_BYTES = 50_000_000


def _carries_sql(scope) -> bool:
    query = parse_qs(scope.get("query_string", b"").decode("latin-1"), keep_blank_values=True)
    return bool(VISITOR_SQL & set(query))


def _streamed(scope) -> bool:
    path = scope.get("path", "")
    query = parse_qs(scope.get("query_string", b"").decode("latin-1"))
    return path.endswith(".db") or (path.endswith(".csv") and query.get("_stream", [""])[0] not in ("", "0", "off"))


async def _too_many(send):
    await send_text(send, 429, "Too many SQL queries in flight; try again in a few seconds.\n", ((b"retry-after", b"2"),))


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
                await send({"type": "http.response.body", "body": body[:MAX_RESPONSE_BYTES - sent], "more_body": False})
                return
            sent += len(body)
        await send(message)

    return capped_send


@hookimpl
def asgi_wrapper(datasette):
    gate = {"lock": None, "waiting": 0}

    def wrap(app):
        async def gated(scope, receive, send):
            if scope["type"] != "http":
                await app(scope, receive, send)
                return
            out = send if _streamed(scope) else _capped(send)
            if not _carries_sql(scope):
                await app(scope, receive, out)
                return
            if gate["lock"] is None:
                gate["lock"] = asyncio.Semaphore(1)  # created inside the server's event loop
            if gate["waiting"] >= MAX_WAITING:
                await _too_many(send)
                return
            gate["waiting"] += 1
            try:
                await gate["lock"].acquire()
            finally:
                gate["waiting"] -= 1  # also when the client gives up while waiting
            try:
                await app(scope, receive, out)
            finally:
                gate["lock"].release()
        return gated

    return wrap
