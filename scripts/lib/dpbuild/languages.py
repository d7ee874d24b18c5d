"""Which columns hold the articles' own words, and in which language, so that the site marks
those cells (lang="it") for screen readers and translation tools (dpsite/plugins/cells.py).

Read from the schemas: a field marked x-verbatim-in-cited-source or x-excerpt-of holds words
copied from its source, and the build's table of article texts (sqlite.source_texts) marks its
text x-source-text. The language is the one the sources table (the table with x-texts) records
for each article, in its BCP 47 field (x-codelist "bcp47"); a headline (x-headline) is in its
article's language unless the editors supplied it in square brackets. A table or query page can show
words of several articles at once: it is marked only when every article has the same language,
never with a guess. Nothing here names a table."""

from __future__ import annotations

from .typed import TypedTable

VERBATIM_KEYWORDS = ("x-verbatim-in-cited-source", "x-excerpt-of", "x-source-text")


def verbatim_columns(tables: list[TypedTable]) -> dict[str, list[str]]:
    """Every table's columns of verbatim words (an empty list for a table with none: the site
    knows a view's or a query's columns by name alone)."""
    return {t.name: [f["name"] for f in t.schema["fields"] if any(f.get(k) for k in VERBATIM_KEYWORDS)] for t in tables}


def source_languages(tables: list[TypedTable]) -> dict[str, str]:
    """Each article's language tag, by its ID (none when the sources table has no BCP 47 field)."""
    sources = next((t for t in tables if t.schema.get("x-texts")), None)
    if sources is None or len(sources.schema.get("primaryKey", [])) != 1:
        return {}
    tags = [f["name"] for f in sources.schema["fields"] if f.get("x-codelist") == "bcp47"]
    if len(tags) != 1:
        return {}
    key = sources.schema["primaryKey"][0]
    pairs = zip(sources.columns[key].to_pylist(), sources.columns[tags[0]].to_pylist())
    return {source_id: tag for source_id, tag in pairs if source_id and tag}


def supplied(title: str) -> bool:
    """Whether a headline field's value is a title the editors supplied (in square brackets, in
    English, the site's own language) rather than the source's printed words."""
    return title.startswith("[") and title.endswith("]")


def headline_languages(tables: list[TypedTable]) -> dict[str, dict[str, str]]:
    """For the sources table's x-headline field: each printed headline's language, by source ID
    and by the headline itself (a table page knows a cell by its text alone). A supplied title
    is in the page's language and is left out."""
    sources = next((t for t in tables if t.schema.get("x-texts")), None)
    fields = [f["name"] for f in sources.schema.get("fields", []) if f.get("x-headline")] if sources else []
    languages = source_languages(tables) if len(fields) == 1 else {}
    if not languages:
        return {"by_source": {}, "by_text": {}}
    key = sources.schema["primaryKey"][0]
    pairs = zip(sources.columns[key].to_pylist(), sources.columns[fields[0]].to_pylist())
    printed = [
        (source_id, title) for source_id, title in pairs if title and not supplied(title) and source_id in languages
    ]
    said: dict[str, set[str]] = {}
    for source_id, title in printed:
        said.setdefault(title, set()).add(languages[source_id])
    return {
        "column": fields[0],
        "table": sources.name,
        "by_source": {source_id: languages[source_id] for source_id, _ in printed},
        # one headline printed by articles in two languages says neither: never a guess
        "by_text": {title: tags.pop() for title, tags in said.items() if len(tags) == 1},
    }


def verbatim(tables: list[TypedTable]) -> dict:
    languages = source_languages(tables)
    shared = set(languages.values())
    return {
        "columns": verbatim_columns(tables),
        "languages": languages,
        "language": shared.pop() if len(shared) == 1 else None,
        "headlines": headline_languages(tables),
    }
