"""Keep the site read-only and answer bad requests with a 4xx.

- Only GET, HEAD and OPTIONS reach Datasette: a POST (to a table, a canned query, the write
  API) gets 405, where Datasette 0.65 would answer some of them with a 500.
- A DatasetteError is Datasette's error for a bad request ("Cannot sort table by …"), but 0.65
  raises some with the default status 500; those become 400, rendered by Datasette as usual.
"""
from datasette import hookimpl
from datasette.views.base import DatasetteError

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


@hookimpl
def handle_exception(datasette, request, exception):
    if isinstance(exception, DatasetteError) and exception.status == 500:
        exception.status = 400
    return None  # Datasette's own handler renders the error page with that status
