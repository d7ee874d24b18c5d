"""Which columns hold the articles' own words, and in which language, so that the site marks
those cells (lang="it") for screen readers and translation tools (dpsite/plugins/cells.py).

Read from the schemas: a field marked x-verbatim-in-cited-source or x-excerpt-of holds words
copied from its source, and the build's table of article texts (sqlite.source_texts) marks its
text x-source-text. The language is the one the sources table (the table with x-texts) records
for each article, in its BCP 47 field (x-codelist "bcp47"). A table or query page can show
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


def verbatim(tables: list[TypedTable]) -> dict:
    languages = source_languages(tables)
    shared = set(languages.values())
    return {
        "columns": verbatim_columns(tables),
        "languages": languages,
        "language": shared.pop() if len(shared) == 1 else None,
    }
