"""One grammar for the names of tables and columns, and every name the build creates from them.

The validator refuses a package name the build would also create (a derived column, a full-text
index and its shadow tables, a view, `source_texts`), and the build makes those names with the
functions here, so the two cannot drift apart. schemas/profile/*.json writes the grammar as JSON
Schema patterns; tests/test_names_and_domains.py holds them equal to TABLE_NAME and FIELD_NAME.
"""

from __future__ import annotations

import json
import unicodedata

from . import REPOSITORY

# Lowercase ASCII letters, digits and underscores, starting with a letter: a name that every
# output (SQLite, Parquet, a spreadsheet's sheet, a Datasette address) holds as it is. A table's
# name is also a sheet name, which Excel bounds at 31 characters.
MAX_TABLE_NAME = 31
MAX_FIELD_NAME = 63
TABLE_NAME = rf"^[a-z][a-z0-9_]{{0,{MAX_TABLE_NAME - 1}}}$"
FIELD_NAME = rf"^[a-z][a-z0-9_]{{0,{MAX_FIELD_NAME - 1}}}$"


def quoted(name: str) -> str:
    """An SQL identifier, whatever its characters: the one way every SQL the build writes names
    a table, column or index (standard double quotes, a quote inside doubled)."""
    from sqlite_utils.db import quote_identifier  # the library's own, which its index and FTS SQL use

    return quote_identifier(name)


# --- columns the build adds to a table ------------------------------------------------------
DATE_SUFFIXES = ("precision", "earliest", "latest")  # what a reduced date gains (dpbuild/typed.py)
ALL_NAMES = "all_names"  # the column x-all-names adds (dpbuild/sqlite.py)
PARTITION_COLUMN = "year"  # the hive partition column of parquet/by-year (dpbuild/parquet.py)
# Names SQLite and FTS5 give their own meaning in a table or full-text index: a column so named
# would hide the row id the build reads, or be refused by FTS5.
# Columns of one table in the database, declared and created together: the build moves each column
# into SQLite as a scratch table and joins them by position, and SQLite joins at most 64 tables.
MAX_COLUMNS = 64
RESERVED_COLUMNS = {"rowid": "SQLite's row id", "oid": "SQLite's row id", "rank": "FTS5's rank column"}


def date_column(field: str, suffix: str) -> str:
    return f"{field}_{suffix}"


def created_columns(schema: dict) -> list[tuple[str, str]]:
    """Each column the build adds to a table with this schema, and why (for the message); a name
    listed twice would be created twice."""
    created = []
    for field in schema.get("fields", []):
        if isinstance(field, dict) and field.get("x-reduced-date") and isinstance(field.get("name"), str):
            created += [
                (date_column(field["name"], suffix), f"the {suffix} of the reduced date {field['name']}")
                for suffix in DATE_SUFFIXES
            ]
    if "x-all-names" in schema:
        created.append((ALL_NAMES, "the name forms x-all-names adds"))
    for spec in schema.get("x-search-names", []):
        if isinstance(spec, dict) and isinstance(spec.get("column"), str):
            created.append((spec["column"], "a column x-search-names adds"))
    if "x-partition-date" in schema:
        created.append((PARTITION_COLUMN, "the year the Parquet copy is partitioned by (x-partition-date)"))
    return created


# --- objects the build creates in the database ------------------------------------------------
FTS5_SHADOWS = ("data", "idx", "content", "docsize", "config")  # the tables FTS5 keeps beside an index
INDEX_PREFIX = "idx_"  # every index the build creates (index and table names share one namespace)
SQLITE_PREFIX = "sqlite_"  # SQLite's own objects
SOURCE_TEXTS = "source_texts"  # the article texts, for the reading pages (dpbuild/sqlite.py)
SHEETS = ("About", "Columns")  # the spreadsheet's own sheets before one per table (dpbuild/xlsx.py)


def search_index(table: str) -> str:
    """The full-text index of a table's x-search columns (sqlite-utils names it so)."""
    return f"{table}_fts"


def names_index(table: str) -> str:
    """The trigram index of a table's all_names."""
    return f"{table}_{ALL_NAMES}_fts"


def name_forms_table(table: str) -> str:
    """The table of a table's name forms, one row each, with its folded form (dpbuild/sqlite.py)."""
    return f"{table}_name_forms"


# Typographic apostrophes and quotes written as their plain forms, so "Xi’s" and "Xi's" fold alike.
_PLAIN = str.maketrans({"’": "'", "‘": "'", "ʼ": "'", "“": '"', "”": '"', "«": '"', "»": '"', "–": "-", "—": "-"})


def fold(text: object) -> str | None:
    """A name as it is matched: case, accents and typographic marks ignored, spaces collapsed.
    Whole name forms are compared folded ("cina" = "Cina", "tagikistan" = "Tagikistàn"), never as
    substrings. The SQL function fold() of the site and the tests is this function."""
    if text is None:
        return None
    decomposed = unicodedata.normalize("NFKD", str(text).translate(_PLAIN))
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(bare.casefold().split())


def index_name(table: str, label: str) -> str:
    return f"{INDEX_PREFIX}{table}_{label}"


def with_shadows(index: str) -> list[str]:
    return [index] + [f"{index}_{shadow}" for shadow in FTS5_SHADOWS]


def created_objects(table: str, schema: dict) -> dict[str, str]:
    """The database objects the build creates for one table beside the table itself, and why."""
    created = {}
    if schema.get("x-search"):
        created.update({name: f"the full-text index of {table}" for name in with_shadows(search_index(table))})
    if schema.get("x-all-names"):
        created.update({name: f"the name index of {table}" for name in with_shadows(names_index(table))})
        created[name_forms_table(table)] = f"the name forms of {table}"
    return created


def site_names() -> dict[str, str]:
    """Names the build and the site give objects and addresses whatever the package holds."""
    from dpbuild import queries  # the views and canned queries, where they are written (plain data)

    taken = {SOURCE_TEXTS: "the table of article texts"}
    taken.update({name: "a view" for name in queries.VIEWS})
    taken.update({name: "the old address of a view" for name in queries.RENAMED_VIEWS})
    taken.update({name: "a canned query (its address is /<database>/<name>)" for name in queries.CANNED_QUERIES})
    taken.update({name.lower(): "a sheet of the spreadsheet (Excel's sheet names ignore case)" for name in SHEETS})
    return taken


def _shown(name: str) -> str:
    return '"' + name + '"'


def table_name_problem(name: str, tables: dict[str, dict]) -> str | None:
    """Why a table may not be called `name` (tables: every table of the package and its schema),
    or None: a name the build creates for something else."""
    if name.startswith(SQLITE_PREFIX):
        return f"{_shown(name)} begins with {SQLITE_PREFIX!r}, which SQLite keeps for its own tables"
    if name.startswith(INDEX_PREFIX):
        return f"{_shown(name)} begins with {INDEX_PREFIX!r}, which the build keeps for the indexes it creates"
    site = site_names()
    if name in site:
        return f"{_shown(name)} is a name the build creates for {site[name]}"
    for other, schema in tables.items():
        if other != name:
            why = created_objects(other, schema).get(name)
            if why:
                return f"{_shown(name)} is a name the build creates for {why}"
    return None


# --- where a Table Schema names a field, column or table ---------------------------------------
# Each property of a schema that holds a name carries, in the profile, the annotation `x-names`
# saying what it must name (a property holding a list of names is read as each of them):
#   "field"    a field of this schema;
#   "reduced"  a reduced-date field of this schema;
#   "column"   a field of this schema or a column the build adds to it (created_columns);
#   "table"    a table of the package ("" in a foreign key: this table);
#   {"field_in_table": p}  a field of the table that the property p beside this one names
#                          (absent or "": this table);
#   {"field_in_key": p}    a field of the table to which the field named by p (beside this one, or
#                          "../name": the field holding this keyword) leads by its own foreign key;
#                          with "flag": true, a required boolean field there (a flag no row may leave
#                          empty, so that no row is exempt, or bound, by a blank).
# REFERENCES is read from the profile with one walk, so a rule's keyword declares its names in its
# own fragment (dpcheck/rules/); descriptor.py resolves every one when the package loads: a name
# pointing nowhere is a located problem there, never a KeyError in a rule or the build.


def _annotated(schema: dict, pointer: str, root: dict, seen: frozenset = frozenset()):
    """(pointer, x-names) of every annotated property under schema, following local $refs once."""
    if "x-names" in schema:
        yield pointer, schema["x-names"]
        return
    ref = schema.get("$ref", "")
    if ref.startswith("#/$defs/") and ref not in seen:
        yield from _annotated(root["$defs"][ref.removeprefix("#/$defs/")], pointer, root, seen | {ref})
    for key, sub in schema.get("properties", {}).items():
        yield from _annotated(sub, f"{pointer}/{key}", root, seen)
    if isinstance(schema.get("items"), dict):
        yield from _annotated(schema["items"], f"{pointer}/*", root, seen)


def _references(profile: dict) -> list[tuple[str, str, tuple[str, ...] | None]]:
    """(pointer, kind, via) for each annotated property of the profile, as the loader reads them."""
    found = []
    for pointer, names in _annotated(profile, "", profile):
        if isinstance(names, str):
            found.append((pointer, names, None))
        elif "field_in_table" in names:
            found.append((pointer, "field_in", ("table", names["field_in_table"])))
        else:
            found.append(
                (pointer, "field_in", ("key", names["field_in_key"]) + (("flag",) if names.get("flag") else ()))
            )
    return found


REFERENCES = _references(json.loads((REPOSITORY / "schemas" / "profile" / "table-schema.json").read_text("utf-8")))


_STEPS = [(pointer.strip("/").split("/"), kind, via) for pointer, kind, via in REFERENCES]


def references(schema: dict):
    """Every name the schema's REFERENCES properties hold, as (path, name, kind, via): `path` the
    property's keys and indexes (a list of names is one property)."""
    for steps, kind, via in _STEPS:
        if steps[0] not in schema:  # most schemas use few keywords: skip the walk (every load runs this)
            continue
        for path, value in _walk(schema, steps, []):
            for name in [value] if isinstance(value, str) else value if isinstance(value, list) else []:
                if isinstance(name, str):
                    yield path, name, kind, via


def place(schema: dict, path: list) -> tuple[str, str]:
    """(where, keyword) of a property for a message: inside a field, the field's name and the
    keyword within it (`role`, `x-target-kind`); elsewhere the schema's keyword, twice."""
    if len(path) > 2 and path[0] == "fields" and isinstance(path[1], int):
        return str(schema["fields"][path[1]].get("name")), str(path[2])
    return str(path[0]), str(path[0])


def _walk(value, steps: list[str], path: list):
    if not steps:
        yield path, value
        return
    step, rest = steps[0], steps[1:]
    if step == "*":
        if isinstance(value, list):
            for i, item in enumerate(value):
                yield from _walk(item, rest, path + [i])
    elif isinstance(value, dict) and step in value:
        yield from _walk(value[step], rest, path + [step])


def beside(schema: dict, path: list, relative: str):
    """The value of `relative` ("resource", "../name") seen from the object holding path's property."""
    container = path[:-1]
    for part in relative.split("/"):
        if part == "..":
            container = container[:-1]
        else:
            container = container + [part]
    value = schema
    for key in container:
        try:
            value = value[key]
        except (KeyError, IndexError, TypeError):
            return None
    return value
