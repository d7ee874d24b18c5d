"""Which of Datasette's own /-/ pages a visitor may see (SECURITY.md, "Debug endpoints").

Public, because they help anyone reproduce or cite an answer and hold nothing private: the
versions (/-/versions), plugins, settings, metadata and databases pages. Refused with 404,
because they show the server's inner state or exist to debug permissions and sessions, none of
which a read-only public copy needs: threads, allow-debug, permissions, messages, patterns,
actor, auth-token, logout and create-token.
"""
from datasette import hookimpl

REFUSED = ("threads", "allow-debug", "permissions", "messages", "patterns", "actor", "auth-token", "logout", "create-token")
PUBLIC = ("versions", "plugins", "settings", "metadata", "databases")


def refused(path: str) -> bool:
    if not path.startswith("/-/"):
        return False
    page = path[3:].split("/")[0].split(".")[0]
    return page in REFUSED


@hookimpl
def asgi_wrapper(datasette):
    def wrap(app):
        async def guarded(scope, receive, send):
            if scope["type"] == "http" and refused(scope.get("path", "")):
                await send({"type": "http.response.start", "status": 404,
                            "headers": [(b"content-type", b"text/plain; charset=utf-8")]})
                await send({"type": "http.response.body", "body": b"Not found.\n"})
                return
            await app(scope, receive, send)
        return guarded
    return wrap
