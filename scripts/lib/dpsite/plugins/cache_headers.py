"""Cache headers: the database is immutable, so a page is the same until the site is rebuilt.

Every answer gets one Cache-Control from `cache_control()` (Datasette's own `max-age=5` and a
visitor's `_ttl` are replaced): a 200 may be kept by browsers for a minute and by the site's
proxy (scripts/proxy, `make serve-public`) for a day, whose cache is emptied at each start; other
answers a few seconds, so a flood of the same bad request is answered from the proxy's cache;
429 and 5xx never. A 200 also carries a weak ETag made of the site's version (the database's
hash, the metadata and the site's own code) and the request's path and query, so it can be
computed before the page is: a request whose If-None-Match holds it is answered 304 at once.
"""

from __future__ import annotations

import hashlib
import json

import datasette as datasette_module
from datasette import hookimpl

from dpsite.serve import SITE

FRESH = "max-age=60, s-maxage=86400"  # s-maxage: the proxy's copy, valid until its next start
SHORT = "public, max-age=5"
NEVER = "no-store"


def cache_control(status: int, streamed: bool) -> str:
    """The one rule for how long an answer may be kept."""
    if status == 200:
        return ("private, " if streamed else "public, ") + FRESH  # private: the proxy does not store downloads
    if status == 429 or status >= 500:
        return NEVER
    return SHORT


def site_version(datasette) -> str:
    """What a page depends on besides its URL: the database, the metadata and the code drawing it."""
    digest = hashlib.sha256(datasette_module.__version__.encode())
    for name, info in sorted(datasette.inspect_data.items()):
        digest.update(f"{name}={info.get('hash')}".encode())
    digest.update(json.dumps(datasette.metadata(), sort_keys=True, default=str).encode())
    for path in sorted(p for p in SITE.rglob("*") if p.is_file() and "__pycache__" not in p.parts):
        digest.update(str(path.relative_to(SITE)).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:16]


def etag(version: str, scope) -> bytes:
    target = scope.get("raw_path") or scope.get("path", "").encode()
    target += b"?" + scope.get("query_string", b"")
    return b'W/"%s-%s"' % (version.encode(), hashlib.sha256(target).hexdigest()[:16].encode())


def _matches(if_none_match: bytes, tag: bytes) -> bool:
    """If-None-Match's weak comparison (RFC 9110 13.1.2): W/ is ignored on either side."""
    opaque = tag.removeprefix(b"W/")
    return any(t.strip() == b"*" or t.strip().removeprefix(b"W/") == opaque for t in if_none_match.split(b","))


def _streamed(scope) -> bool:
    path = scope.get("path", "")
    return path.endswith(".db") or (path.endswith(".csv") and b"_stream=" in scope.get("query_string", b""))


@hookimpl
def asgi_wrapper(datasette):
    version = {}

    def wrap(app):
        async def with_cache_headers(scope, receive, send):
            if scope["type"] != "http" or scope["method"] not in ("GET", "HEAD"):
                await app(scope, receive, send)
                return
            if "v" not in version:
                version["v"] = site_version(datasette)
            tag = etag(version["v"], scope)
            streamed = _streamed(scope)
            asked = dict(scope.get("headers", ())).get(b"if-none-match")
            if asked and _matches(asked, tag):
                await send(
                    {
                        "type": "http.response.start",
                        "status": 304,
                        "headers": [(b"etag", tag), (b"cache-control", cache_control(200, streamed).encode())],
                    }
                )
                await send({"type": "http.response.body", "body": b""})
                return

            async def send_with_headers(message):
                if message["type"] == "http.response.start":
                    status = message["status"]
                    headers = [
                        (k, v) for k, v in message.get("headers", ()) if k.lower() not in (b"cache-control", b"etag")
                    ]
                    headers.append((b"cache-control", cache_control(status, streamed).encode()))
                    if status == 200:
                        headers.append((b"etag", tag))
                    message = {**message, "headers": headers}
                await send(message)

            await app(scope, receive, send_with_headers)

        return with_cache_headers

    return wrap
