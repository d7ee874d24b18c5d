"""Table knowledge stays where it must be (issue 24): only the modules in ALLOWED name the
package's tables, each with its reason, and the three made for it (views and canned queries, the
dashboard, the site's plugins' SQL) say so in their docstrings. Everywhere else a table is found by
what its schema says (the table of articles by x-published-date, a title by its schema's title), so
a new or renamed table is a keyword in a schema, not an edit scattered through the code.

The check reads the code, not the running site: every string in scripts/ (docstrings and other
bare prose left out) that is a table's name, SQL reading or writing one (FROM, JOIN, INTO, UPDATE,
TABLE) or an address on the site (/<database>/<table>) names that table. The names are the
package's resources, the objects the build creates from them (dpmodel.names) and the views
(dpbuild.queries)."""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path

from dpbuild import queries
from dpmodel import names

ROOT = Path(__file__).resolve().parent.parent
SCRIPTS = ROOT / "scripts"
ANY = None  # a module that may name any table

# The modules that may name tables (their paths under scripts/), which ones, and why.
ALLOWED: dict[str, tuple[set[str] | None, str]] = {
    "lib/dpbuild/queries.py": (ANY, "the views and canned queries"),
    "lib/dpbuild/dashboard.py": (ANY, "the dashboard's charts"),
    "lib/dpsite/site_sql.py": (ANY, "the SQL of the site's plugins"),
    "lib/dpbench/synth.py": (ANY, "the synthetic data, table by table"),
    # The benchmarks time the built site as a visitor meets it: a table's pages, and SQL of their own.
    "lib/dpbench/bench.py": ({"events", "statements", "events_full"}, "times the pages of a table, a search, a view"),
    "lib/dpbench/hostile.py": ({"events", "statements"}, "times a visitor's pages and own SQL under load"),
    "lib/dpbuild/metadata.py": ({"events_full", "statements_full"}, "the home page starts a user at the two views"),
    "lib/dpcheck/text_coverage.py": (
        {"sources", "citations", "statements", "upstream_sources"},
        "reads the texts, excerpts, quotes and cited sources whose coverage it measures",
    ),
    "lib/dpbuild/codebook.py": (
        {"sources"},
        "README's sources section, and its table when no schema has x-published-date",
    ),
    "lib/dpmodel/names.py": ({names.SOURCE_TEXTS}, "makes the name of the table of article texts the build adds"),
    "lib/dpcontrib/add_article.py": (
        {"sources"},
        "the descriptor's top-level `sources` list (a Data Package property)",
    ),
    "lib/dpcontrib/draft.py": (ANY, "proposes rows of the fact tables from an article's text"),
    "lib/dpcontrib/evaluate.py": (ANY, "compares a draft with the rows the package holds for its article"),
    "lib/dpcontrib/accept.py": (
        {"actors", "events", "statements", "statement_speakers"},
        "gives a kept actor, event or statement its fresh ID (from its name, title, speaker and date)",
    ),
}
# A table named inside a string: SQL reading or writing it, or an address on the site.
NAMING = re.compile(r"\b(?:FROM|JOIN|INTO|UPDATE|TABLE)\s+[\"\[`]?(\w+)|(?<![\w.])/(\w+)", re.IGNORECASE)


def table_names() -> set[str]:
    """Every table and view the package's database holds, by name: from the descriptor and the
    schemas, not from the code under test's own lists."""
    descriptor = json.loads((ROOT / "datapackage.json").read_text(encoding="utf-8"))
    tables = {r["name"]: r["schema"] for r in descriptor["resources"] if "schema" in r}
    found = set(tables) | {names.SOURCE_TEXTS} | set(queries.VIEWS)
    for table, schema in tables.items():
        found |= set(names.created_objects(table, json.loads((ROOT / schema).read_text(encoding="utf-8"))))
    return found


def named_in(source: str, tables: set[str]) -> dict[str, int]:
    """The tables a module's code names, each with the first line that does: a string equal to a
    table's name, SQL with the table after FROM, JOIN, INTO, UPDATE or TABLE, or an address with
    the table after a slash (not a file's path: `schemas/events.json`). Prose is left out: a bare
    string (a docstring) says what the code does, it does not run. So is a key that names the
    variable it holds (`{"citations": citations}`, a template's context)."""
    strings, skipped = [], set()
    for node in ast.walk(ast.parse(source)):  # one walk: the check runs over every module
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            strings.append(node)
        elif isinstance(node, ast.Expr):
            skipped.add(id(node.value))
        elif isinstance(node, ast.Dict):
            skipped |= {
                id(key)
                for key, value in zip(node.keys, node.values)
                if isinstance(key, ast.Constant) and isinstance(value, ast.Name) and key.value == value.id
            }
    found: dict[str, int] = {}
    for node in strings:
        if id(node) not in skipped:
            for name in ({node.value} | {a or b for a, b in NAMING.findall(node.value)}) & tables:
                found[name] = min(found.get(name, node.lineno), node.lineno)
    return found


def test_only_the_modules_that_must_name_tables_do():
    tables = table_names()
    # What named_in can find, looked for in the raw text first: most modules need no parsing.
    candidate = re.compile(
        r"(?:[\"'/]|\b(?:FROM|JOIN|INTO|UPDATE|TABLE)\s+[\"\[`]?)(?:" + "|".join(sorted(tables)) + r")\b", re.IGNORECASE
    )
    strays = []
    for file in sorted(SCRIPTS.rglob("*.py")):
        path = file.relative_to(SCRIPTS).as_posix()
        may = ALLOWED.get(path, (set(), ""))[0]  # none unless listed
        if may is ANY:
            continue
        text = file.read_text(encoding="utf-8")
        found = named_in(text, tables) if candidate.search(text) else {}
        strays += [f"scripts/{path}:{line}: names {name}" for name, line in sorted(found.items()) if name not in may]
    assert strays == [], "name tables in dpbuild/queries.py, dpbuild/dashboard.py or dpsite/site_sql.py"


def test_every_module_allowed_exists():
    """A module moved or renamed leaves no stale permission behind."""
    assert [path for path in ALLOWED if not (SCRIPTS / path).is_file()] == []


def test_the_check_sees_a_table_in_sql_an_address_and_a_comparison_but_not_in_prose():
    code = '''"""Reads the citations table."""
SQL = "SELECT 1 FROM citations WHERE record_table = :t"
JOINED = f"SELECT * FROM {x} JOIN [caveats] c"
PAGE, FILE = f"/{db}/places?_size=2", "schemas/aliases.json"
def page(table, events):
    "From sources, in prose."
    return table != "sources" and {"events": events}
'''
    tables = {"citations", "caveats", "places", "aliases", "sources", "events"}
    assert named_in(code, tables) == {"citations": 2, "caveats": 3, "places": 4, "sources": 7}
