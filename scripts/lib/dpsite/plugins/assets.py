"""The site's own script and style (static/site.js, static/site.css, served under /assets/) and
what each page tells the script, all read from the metadata the build writes:

- the derived columns to keep out of the way until asked for (a date's precision and bounds,
  names added for search), and the text columns to draw wide;
- the words of a search to highlight, with the same widened stems the search itself used;
- on a page with a map, the bundled offline basemap (Natural Earth outlines) to draw under it.
"""

from __future__ import annotations

import json

from datasette import hookimpl

from dpsite.fts import highlight_terms

ASSETS = "/assets"  # the --static mount serve.py gives the static/ folder
BASEMAP = f"{ASSETS}/countries-110m.geojson"


def _json_for_script(value) -> str:
    # Inside <script>, "<" could close the element: write it as \u003c (still the same JSON).
    return json.dumps(value, ensure_ascii=False).replace("<", "\\u003c")


def page_settings(datasette, database, table, columns, request) -> dict:
    tables = ((datasette.metadata("databases") or {}).get(database or "", {}) or {}).get("tables", {})
    own = tables.get(table or "", {})
    if own:
        derived, wide = own.get("derived_columns", []), own.get("wide_columns", [])
    else:  # a query's result: any column a table draws wide is drawn wide here too
        derived, wide = [], sorted({c for t in tables.values() for c in t.get("wide_columns", [])})
    args = request.args if request else None
    search = [
        v
        for k in (args.keys() if args else [])
        if k.startswith("_search") and k != "_searchmode"
        for v in args.getlist(k)
    ]
    names = {c.lower() for c in columns or []}
    return {
        "derived": derived,
        "wide": wide,
        "highlight": [t for s in search for t in highlight_terms(s)],
        "basemap": BASEMAP if {"latitude", "longitude"} <= names else None,
    }


@hookimpl
def extra_css_urls():
    return [f"{ASSETS}/site.css"]


@hookimpl
def extra_js_urls():
    return [{"url": f"{ASSETS}/site.js", "module": True}]  # a module runs after the page is parsed


@hookimpl
def extra_body_script(database, table, columns, request, datasette):
    return f"window.DP_PAGE = {_json_for_script(page_settings(datasette, database, table, columns, request))};"
