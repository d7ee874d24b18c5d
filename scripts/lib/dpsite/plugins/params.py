"""Parameters Datasette 0.65 takes apart without a guard are checked before it sees them, and a
malformed one is answered 400 with what form it must have. `_through` (rows of a table linked
through another) is parsed as JSON and then indexed as an object with table, column and value:
a number, a list, or an object missing a key would otherwise fail inside Datasette."""

from __future__ import annotations

import json
from urllib.parse import parse_qsl

from datasette import hookimpl

from dpsite.responses import send_text

THROUGH_KEYS = ("table", "column", "value")
# Datasette's `_searchmode=raw` hands a search to FTS5 as syntax; the site's searches are built
# from one grammar (dpsite/fts.py), so only the default mode is offered.
RAW_SEARCH = '_searchmode=raw takes FTS5 syntax, which this site does not offer: search words or "quoted phrases"'


def through_problem(value: str) -> str | None:
    try:
        parsed = json.loads(value)
    except ValueError:
        parsed = None
    if not isinstance(parsed, dict) or not all(isinstance(parsed.get(k), (str, int, float)) for k in THROUGH_KEYS):
        return (
            '_through must be a JSON object with "table", "column" and "value", e.g. '
            '{"table": "event_participants", "column": "actor_id", "value": "vladimir-putin"}'
        )
    return None


@hookimpl
def asgi_wrapper(datasette):
    def wrap(app):
        async def checked(scope, receive, send):
            raw = scope.get("query_string", b"") if scope["type"] == "http" else b""
            # Parsed whenever there is a query (query_limits.py has bounded it): a key may arrive
            # percent-encoded (`_%74hrough`), which a search of the raw bytes would miss.
            if raw:
                query = raw.decode("utf-8", "replace")
                for key, value in parse_qsl(query, keep_blank_values=True):
                    problem = (
                        through_problem(value)
                        if key == "_through"
                        else RAW_SEARCH
                        if key == "_searchmode" and value.strip().lower() == "raw"
                        else None
                    )
                    if problem:
                        await send_text(send, 400, f"Bad request: {problem}\n")
                        return
            await app(scope, receive, send)

        return checked

    return wrap
