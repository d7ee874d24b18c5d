"""What a page may do in a visitor's browser: one Content-Security-Policy on every response.

No script runs unless it is a file the site serves, or an inline script a template wrote on
purpose. Those few (the plugins' extra_body_script, Datasette's DATASETTE_ALLOW_FACET) go through
the `inline_script` macro (templates/_inline_script.html), which records the SHA-256 of the exact
text it writes; this wrapper sends the policy after the page is rendered, with those hashes. So
nothing a visitor or the data puts on a page can run, whatever markup it manages to make: it
would need a hash the template never recorded. The same page always has the same header
(hashes, not a random nonce), so a cache in front stays right.

Styles may be inline (Datasette, Leaflet and Vega write style attributes and <style> elements),
but from the site only; images only from the site and data: URLs (the bundled basemap, Leaflet's
icons); fetches only to the site. So a visitor's SQL can make no browser load anything from
another host, and `javascript:` URLs are refused by the browser (no 'unsafe-inline').
"""

from __future__ import annotations

import base64
import hashlib

from datasette import hookimpl
from markupsafe import Markup

SCOPE_KEY = "dpsite.csp"  # the request's list of inline-script hashes, shared by every scope copy
POLICY = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self' 'unsafe-inline'",
    "img-src": "'self' data:",
    "font-src": "'self'",
    "connect-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'none'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}
HEADERS = ((b"x-content-type-options", b"nosniff"), (b"referrer-policy", b"same-origin"))
REPLACED = {b"content-security-policy", *(name for name, _ in HEADERS)}


def script_hash(code: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(code.encode("utf-8")).digest()).decode("ascii") + "'"


def policy(hashes=()) -> str:
    directives = dict(POLICY)
    if hashes:
        directives["script-src"] += " " + " ".join(dict.fromkeys(hashes))  # each once, in page order
    return "; ".join(f"{k} {v}" for k, v in directives.items())


@hookimpl(trylast=True)  # applied last, so outermost: every other guard's answer gets the header too
def asgi_wrapper(datasette):
    def wrap(app):
        async def with_policy(scope, receive, send):
            if scope["type"] != "http":
                return await app(scope, receive, send)
            hashes: list[str] = []
            scope = dict(scope, **{SCOPE_KEY: hashes})

            async def send_with_policy(message):
                if message["type"] == "http.response.start":
                    headers = [(k, v) for k, v in message.get("headers", []) if k.lower() not in REPLACED]
                    headers += [(b"content-security-policy", policy(hashes).encode("ascii")), *HEADERS]
                    message = dict(message, headers=headers)
                await send(message)

            await app(scope, receive, send_with_policy)

        return with_policy

    return wrap


@hookimpl
def extra_template_vars(request):
    hashes = request.scope.get(SCOPE_KEY) if request is not None else None

    def allow_script(code) -> Markup:
        """Record code's hash for this response's policy and give it back, to write verbatim."""
        code = Markup(code)
        if hashes is not None:
            hashes.append(script_hash(str(code)))
        return code

    return {"csp_allow_script": allow_script}
