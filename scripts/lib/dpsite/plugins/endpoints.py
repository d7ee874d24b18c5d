"""Which of Datasette's own /-/ pages a visitor may see (SECURITY.md, "Debug endpoints"), and
where the old address of a renamed view now lives (a 301 to the new one, query string kept).

Public, because they help anyone reproduce or cite an answer and hold nothing private: the
versions (/-/versions), plugins, settings, metadata and databases pages. Refused with 404,
because they show the server's inner state or exist to debug permissions and sessions, none of
which a read-only public copy needs: threads, allow-debug, permissions, messages, patterns,
actor, auth-token, logout and create-token.
"""

from datasette import hookimpl

from dpsite.responses import send_text

REFUSED = (
    "threads",
    "allow-debug",
    "permissions",
    "messages",
    "patterns",
    "actor",
    "auth-token",
    "logout",
    "create-token",
)
PUBLIC = ("versions", "plugins", "settings", "metadata", "databases")


def refused(path: str) -> bool:
    if not path.startswith("/-/"):
        return False
    page = path[3:].split("/")[0].split(".")[0]
    return page in REFUSED


def moved(path: str, renamed: dict) -> str | None:
    """The new address of a renamed view's page (its .json and .csv forms included), or None.
    Only those exact forms: whatever else a visitor puts in the path never reaches a header."""
    for old, new in renamed.items():
        for suffix in ("", ".json", ".csv"):
            if path == old + suffix:
                return new + suffix
    return None


@hookimpl
def asgi_wrapper(datasette):
    def wrap(app):
        renamed = datasette.metadata("moved") or {}  # read once: the metadata never changes while serving

        async def guarded(scope, receive, send):
            if scope["type"] == "http" and refused(scope.get("path", "")):
                await send_text(send, 404, "Not found.\n")
                return
            new = moved(scope.get("path", ""), renamed) if scope["type"] == "http" else None
            if new:
                query = scope.get("query_string", b"").decode("latin-1")
                location = (new + ("?" + query if query else "")).encode("latin-1")
                await send_text(send, 301, "Moved.\n", ((b"location", location),))
                return
            await app(scope, receive, send)

        return guarded

    return wrap
