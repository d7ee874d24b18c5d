"""Keep the site read-only: only GET, HEAD and OPTIONS reach Datasette. A POST (to a table, a
canned query, the write API) gets 405, where Datasette 0.65 would answer some of them with a 500.
(Errors a visitor causes are answered by errors.py.)"""

from datasette import hookimpl

from dpsite.responses import send_text

READ_METHODS = {"GET", "HEAD", "OPTIONS"}


@hookimpl
def asgi_wrapper(datasette):
    def wrap(app):
        async def read_only(scope, receive, send):
            if scope["type"] == "http" and scope["method"] not in READ_METHODS:
                await send_text(
                    send,
                    405,
                    "This site is read-only: only GET, HEAD and OPTIONS are allowed.\n",
                    ((b"allow", b"GET, HEAD, OPTIONS"),),
                )
                return
            await app(scope, receive, send)

        return read_only

    return wrap
