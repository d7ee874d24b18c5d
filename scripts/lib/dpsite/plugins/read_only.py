"""Keep the site read-only: only GET, HEAD and OPTIONS reach Datasette. A POST (to a table, a
canned query, the write API) gets 405, where Datasette 0.65 would answer some of them with a 500.
(Errors a visitor causes are answered by errors.py.)"""
from datasette import hookimpl

READ_METHODS = {"GET", "HEAD", "OPTIONS"}


@hookimpl
def asgi_wrapper(datasette):
    def wrap(app):
        async def read_only(scope, receive, send):
            if scope["type"] == "http" and scope["method"] not in READ_METHODS:
                body = b"This site is read-only: only GET, HEAD and OPTIONS are allowed.\n"
                await send({"type": "http.response.start", "status": 405,
                            "headers": [(b"content-type", b"text/plain; charset=utf-8"), (b"allow", b"GET, HEAD, OPTIONS")]})
                await send({"type": "http.response.body", "body": body})
                return
            await app(scope, receive, send)
        return read_only
    return wrap
