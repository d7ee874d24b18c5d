"""The one place the site's plugins name the package's tables: the SQL they run and the tables
they look for, beside dpbuild/queries.py (views, canned queries) and dpbuild/dashboard.py (the
dashboard). A plugin's page reads particular tables (a row's citations and caveats, an article's
text), which no schema keyword says; tests/test_table_names.py keeps such names out of the
plugins themselves.

Not in plugins/: Datasette loads every module there as a plugin. Plain strings, no Datasette."""

from __future__ import annotations

from dpmodel import names

# --- a row's evidence (plugins/evidence.py) ---------------------------------------------------
# The tables the evidence reads; a database without one of them shows none.
EVIDENCE_TABLES = {"citations", "caveats", "sources", "vocab_caveat_kinds", "upstream_sources"}
CITATIONS = """
SELECT c.excerpt, s.title AS source, s.source_id, s.published_date, u.outlet AS upstream_outlet, u.url AS upstream_url
FROM citations c JOIN sources s ON s.source_id = c.source_id
LEFT JOIN upstream_sources u ON u.upstream_id = c.upstream_id
WHERE c.record_table = :table AND c.record_id = :id
ORDER BY s.published_date, c.excerpt"""
CAVEATS = """
SELECT k.label AS kind, k.contradicted, c.note, c.excerpt, s.title AS source, c.source_id, c.ref_title, c.ref_publisher, c.ref_date, c.ref_url
FROM caveats c JOIN vocab_caveat_kinds k ON k.code = c.kind
LEFT JOIN sources s ON s.source_id = c.source_id
WHERE c.record_table = :table AND c.record_id = :id
ORDER BY k.contradicted DESC, c.caveat_id"""
CITES_TABLE = "SELECT 1 FROM citations WHERE record_table = :table LIMIT 1"  # does anything cite this table's rows

# --- an article's reading page (plugins/reading.py) -------------------------------------------
ARTICLES = "sources"  # the table whose row pages link to their article's reading page
TEXTS = names.SOURCE_TEXTS  # the article texts the build writes
SOURCE = (
    f"SELECT s.source_id, s.title, s.published_date, t.text FROM sources s JOIN {TEXTS} t "
    "ON t.source_id = s.source_id WHERE s.source_id = :id"
)
CITING = "SELECT count(*) FROM (SELECT DISTINCT record_table, record_id FROM citations WHERE source_id = :id)"


def cited(most_rows: int, most_excerpts: int) -> str:
    """An article's cited excerpts, each with at most `most_rows` of the rows it supports, and at
    most `most_excerpts` excerpts: a window per excerpt, so the page's work is bounded in SQL."""
    return f"""SELECT record_table, record_id, excerpt FROM (
  SELECT record_table, record_id, excerpt, row_number() OVER (PARTITION BY excerpt ORDER BY record_table, record_id) AS n
  FROM citations WHERE source_id = :id AND excerpt <> ''
) WHERE n <= {most_rows} ORDER BY record_table, record_id LIMIT {most_excerpts * most_rows}"""


# --- why a canned query found nothing (plugins/empty.py) --------------------------------------
# What an input of each kind must match in the data, as one EXISTS each (all of a page's are asked
# in one query). The actor check is the queries' own: a whole name form, folded, looked up in the
# build's table of name forms (dpbuild.sqlite._name_forms).
ACTOR_FORMS = names.name_forms_table("actors")
MATCHES = {
    "actor": f"EXISTS (SELECT 1 FROM {ACTOR_FORMS} WHERE folded = fold(:{{p}}))",
    "table": "EXISTS (SELECT 1 FROM citations WHERE record_table = :{p})",
    "caveat_kind": "EXISTS (SELECT 1 FROM vocab_caveat_kinds WHERE contradicted AND (label = :{p} OR code = :{p}))",
}

# The actors a name given to a canned query stands for (a name form may be shared: "GKNB"), with
# the form it matched, to say how each name was read (plugins/empty.py).
ACTORS_NAMED = (
    f"SELECT DISTINCT a.actor_id, a.name, f.form FROM {ACTOR_FORMS} f JOIN actors a ON a.actor_id = f.actor_id "
    "WHERE f.folded = fold(:name) ORDER BY a.name LIMIT 20"
)

# The name forms a name that matches nothing is compared with, to suggest the nearest (every form
# of every actor: a few hundred rows, read once per empty answer that needs them).
ACTOR_FORM_LIST = f"SELECT DISTINCT form, folded FROM {ACTOR_FORMS} ORDER BY form LIMIT 20000"
