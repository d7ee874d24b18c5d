"""One grammar for the names of tables and columns, and every name the build creates from them.

The validator refuses a package name the build would also create (a derived column, a full-text
index and its shadow tables, a view, `source_texts`), and the build makes those names with the
functions here, so the two cannot drift apart. schemas/profile/*.json writes the grammar as JSON
Schema patterns; tests/test_names_and_domains.py holds them equal to TABLE_NAME and FIELD_NAME.
"""

from __future__ import annotations

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
# Each property of a schema that holds a name, as a JSON pointer (`*`: every item of a list; a
# property holding a list of names is read as each of them), with what it must name:
#   field    a field of this schema;
#   reduced  a reduced-date field of this schema;
#   column   a field of this schema or a column the build adds to it (created_columns);
#   table    a table of the package ("" in a foreign key: this table);
#   field_in a field of the table that `via` names: ("table", property beside this one naming it;
#            absent or "": this table), or ("key", property naming a field of this schema whose
#            foreign key, on it alone, leads to the table).
# descriptor.py resolves every one when the package loads: a name pointing nowhere is a located
# problem there, never a KeyError in a rule or the build. A new keyword adds its lines here.
REFERENCES: list[tuple[str, str, tuple[str, str] | None]] = [
    ("/primaryKey", "field", None),
    ("/foreignKeys/*/fields", "field", None),
    ("/foreignKeys/*/reference/resource", "table", None),
    ("/foreignKeys/*/reference/fields", "field_in", ("table", "resource")),
    ("/x-date-range/*", "reduced", None),
    ("/x-date-basis/field", "field", None),
    ("/x-date-basis/dates/*", "field", None),
    ("/x-record-reference/table_field", "field", None),
    ("/x-record-reference/id_field", "field", None),
    ("/x-redirects/table_field", "field", None),
    ("/x-redirects/old_field", "field", None),
    ("/x-redirects/new_field", "field", None),
    ("/x-datasette/label_column", "field", None),
    ("/x-datasette/sort", "column", None),
    ("/x-datasette/sort_desc", "column", None),
    ("/x-datasette/facets/*", "column", None),
    ("/x-search/*", "column", None),
    ("/x-all-names/resource", "table", None),
    ("/x-all-names/key", "field_in", ("table", "resource")),
    ("/x-all-names/name", "field_in", ("table", "resource")),
    ("/x-partition-date", "reduced", None),
    ("/x-published-date", "field", None),
    ("/x-not-after-source/date", "reduced", None),
    ("/x-not-after-source/unless/field", "field", None),
    ("/x-not-after-source/unless/flag", "field_in", ("key", "field")),
    ("/x-referenced/except/*", "table", None),
    ("/x-described-by/when_field", "field", None),
    ("/x-described-by/resource", "table", None),
    ("/x-described-by/field", "field_in", ("table", "resource")),
    ("/x-evidence/*/*", "field", None),
    ("/x-search-names/*/resource", "table", None),
    ("/x-search-names/*/key", "field_in", ("table", "resource")),
    ("/x-search-names/*/field", "field_in", ("table", "resource")),
    ("/fields/*/x-contains", "field", None),
    ("/fields/*/x-target-kind/field", "field_in", ("key", "../name")),
]


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
