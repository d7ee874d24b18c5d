"""Every error a visitor can cause is answered with a 4xx, rendered like Datasette's own errors,
and logged as one line (Datasette 0.65 prints a full traceback with local variables for each,
which costs half a second and floods the log).

- Datasette's own client errors (Base400: 400, 403, 404) keep their status.
- A DatasetteError is Datasette's error for a bad request ("Cannot sort table by …"), but 0.65
  raises some with the default status 500: those become 400.
- A parameter Datasette 0.65 parses without a guard (`_timelimit=on`): the ValueError becomes a
  400 (`_through` is checked before Datasette sees it, by plugins/params.py).
- A database's CSV asked for without a query (`/db.csv`), where Datasette 0.65 fails with a
  KeyError: 400, saying what to add.
- An SQL error (`_where=1;DELETE FROM events`: "You can only execute one statement at a time"),
  a query over the memory limits, or anything else raised while answering a GET on this
  read-only, immutable database comes from the request itself: 400, with the error's text.

Datasette's own handler is unregistered: it would print that traceback for every error, and
crash (answering 500) on errors raised outside an except block, as for an unknown plugin's
static file (/-/static-plugins/nope/x.js).

UNEXPECTED records the type of every exception that reached the last branch without being a
known client error, so the fuzz test can fail on a class nobody has looked at yet.
"""

import sqlite3
import sys

from datasette import Response, hookimpl
from markupsafe import Markup

from dpsite.datasette_internals import Base400, DatasetteError, remove_default_exception_handler

UNEXPECTED: list[str] = []
remove_default_exception_handler()


def _status_and_message(exception, request) -> tuple[int, str, str | None]:
    if isinstance(exception, Base400):
        return exception.status, str(exception.args[0] if exception.args else exception), None
    if isinstance(exception, DatasetteError):
        message = Markup(exception.message) if exception.message_is_html else exception.message
        return (400 if exception.status >= 500 else exception.status), message, exception.title
    if isinstance(exception, (sqlite3.Error, MemoryError)):
        return 400, f"This query cannot be answered: {exception}", "SQL error"
    if isinstance(exception, ValueError):
        # Datasette 0.65 parses some parameters unguarded: int(_timelimit), json.loads(_through).
        return 400, f"A parameter has the wrong form: {exception}", None
    if isinstance(exception, KeyError) and request.path.endswith(".csv") and "sql" not in request.args:
        # Datasette 0.65 fails on a database's CSV without a query (KeyError 'columns').
        return 400, "A database's CSV needs a query: add ?sql=… (or download a table's CSV from its page).", None
    UNEXPECTED.append(type(exception).__name__)
    return 400, f"This request cannot be answered ({type(exception).__name__}).", None


@hookimpl
def handle_exception(datasette, request, exception):
    async def inner():
        status, message, title = _status_and_message(exception, request)
        sys.stderr.write(f"{status} {request.path}: {type(exception).__name__}: {str(exception)[:200]}\n")
        info = {"ok": False, "error": str(message), "status": status, "title": title}
        if request.path.split("?")[0].endswith(".json"):
            return Response.json(info, status=status)
        template = datasette.jinja_env.select_template([f"{status}.html", "error.html"])
        html = await template.render_async(
            dict(info, error=message, urls=datasette.urls, app_css_hash=datasette.app_css_hash(), menu_links=lambda: [])
        )
        return Response.html(html, status=status)

    return inner
