"""Refuse an oversized request target before anything parses it. Datasette 0.65 parses the query
string again for each filter it applies, so 4,000 parameters (a 27 KB URL) kept the event loop
busy for 32 s. Here only the raw bytes are measured, once (O(length)), as the outermost wrapper:

- path and query string above MAX_TARGET_BYTES: 414 URI Too Long. 4,096 bytes is twice the longest
  address the site's own pages link to (the "edit SQL" link of its longest canned query, 1,815
  bytes; tests/test_site_requests.py holds this) and half the request line the proxy in front
  accepts (nginx's 8 KB buffer), so a visitor's own SQL of a few KB still fits.
- more than MAX_PARAMETERS `&`-separated parts: 400. The site's own links carry at most a handful;
  a visitor adding filters, facets and columns by hand stays far below.
"""

from __future__ import annotations

from datasette import hookimpl

from dpsite.responses import send_text

MAX_TARGET_BYTES = 4096
MAX_PARAMETERS = 100


def problem(scope) -> tuple[int, str] | None:
    """(status, reason) when the request target is over a limit, else None."""
    query = scope.get("query_string") or b""
    path = scope.get("raw_path") or scope.get("path", "").encode("utf-8", "replace")
    if len(path) + len(query) > MAX_TARGET_BYTES:
        return 414, f"URI Too Long: this site accepts addresses of at most {MAX_TARGET_BYTES:,} bytes.\n"
    if query.count(b"&") + 1 > MAX_PARAMETERS:
        return 400, f"Bad request: at most {MAX_PARAMETERS} query parameters are accepted.\n"
    return None


def limited(app):
    async def checked(scope, receive, send):
        refused = problem(scope) if scope["type"] == "http" else None
        if refused:
            await send_text(send, *refused)
            return
        await app(scope, receive, send)

    return checked


@hookimpl(wrapper=True)
def asgi_wrapper(datasette):
    # Datasette applies the wrappers in the order the hook returns them, so the last is the
    # outermost: added here, around every other plugin's answer, it stays last whatever they are.
    wrappers = yield
    return [*wrappers, limited]
