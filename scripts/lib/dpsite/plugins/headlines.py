"""A link labelled with an article's printed headline says the headline's language.

Where a table or a row page shows a key that points at an article (citations.source_id), Datasette
writes the article's title as the link's label. A printed headline is Italian on an English page,
so the link says so (lang="it") for screen readers and translation tools (WCAG 3.1.2); a title the
editors supplied, in square brackets, is English and stays as Datasette writes it. The headlines
and their languages come from the build's metadata ("verbatim" → "headlines", dpbuild/languages.py),
and the link is Datasette's own (datasette_internals.EXPANDED_LINK) with the attribute added, every
part escaped.
"""

from __future__ import annotations

import markupsafe
from datasette import hookimpl

from dpsite.datasette_internals import tilde_encode


@hookimpl
def render_cell(value, database, datasette):
    if not isinstance(value, dict) or not isinstance(value.get("label"), str):
        return None  # only an expanded foreign key carries a label
    headlines = (datasette.metadata("verbatim") or {}).get("headlines") or {}
    key, label = value.get("value"), value["label"]
    lang = (headlines.get("by_source") or {}).get(key) if isinstance(key, str) else None
    if not lang or (headlines.get("by_text") or {}).get(label) != lang:
        return None  # not an article's printed headline: Datasette draws the link
    href = datasette.urls.row(database, headlines["table"], tilde_encode(key))
    return markupsafe.Markup('<a href="{}" lang="{}">{}</a>&nbsp;<em>{}</em>').format(href, lang, label, key)
