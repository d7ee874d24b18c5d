"""Write the SQLite database with sqlite-utils: keys, an index on every foreign key, full-text
search, and the views of queries.py."""
from __future__ import annotations

import sqlite3
from pathlib import Path

import pyarrow as pa
import sqlite_utils

from dpmodel import vocabulary
from dpmodel.descriptor import foreign_keys, primary_key

from .queries import VIEWS
from .typed import TypedTable

ALL_NAMES = "all_names"  # the column x-all-names adds


def _quoted(names: list[str]) -> str:
    return ", ".join(f"[{n}]" for n in names)


def create_sql(table: TypedTable) -> str:
    """CREATE TABLE from the Table Schema: types, NOT NULL, the primary key and every foreign key,
    composite ones included (written here: sqlite-utils takes single-column keys only)."""
    lines = [f"[{f['name']}] {vocabulary.field_type(f).sqlite}" + (" NOT NULL" if vocabulary.is_required(f) else "")
             for f in table.schema["fields"]]
    lines.append(f"PRIMARY KEY ({_quoted(primary_key(table.schema))})")
    lines += [f"FOREIGN KEY ({_quoted(fk.fields)}) REFERENCES [{fk.resource}]({_quoted(fk.ref_fields)})"
              for fk in foreign_keys(table.schema, table.name)]
    return f"CREATE TABLE [{table.name}] (\n   " + ",\n   ".join(lines) + "\n)"


def _in_dependency_order(tables: list[TypedTable]) -> list[TypedTable]:
    """Referenced tables first, so each foreign key is created against an existing table."""
    done: list[TypedTable] = []
    pending = list(tables)
    while pending:
        ready = [t for t in pending
                 if all(fk.resource in {d.name for d in done} | {t.name} for fk in foreign_keys(t.schema, t.name))]
        if not ready:
            raise ValueError(f"foreign keys form a cycle among {[t.name for t in pending]}")
        done.extend(ready)
        pending = [t for t in pending if t not in ready]
    return done


def with_all_names(table: TypedTable, tables: dict[str, TypedTable]) -> TypedTable:
    """The table plus the all_names column its schema's x-all-names asks for: the row's own name
    (its label column) and every other form of it from aliases, so that 'China', 'Cina' and the
    misspelt 'Xi Jinoping' all find their actor; other tables unchanged."""
    spec = table.schema.get("x-all-names")
    if not spec:
        return table
    source = tables[spec["resource"]]
    forms: dict[str, list[str]] = {}
    for key, name in zip(source.columns[spec["key"]].to_pylist(), source.columns[spec["name"]].to_pylist()):
        forms.setdefault(key, []).append(name)
    pk = primary_key(table.schema)[0]
    label = table.schema.get("x-datasette", {}).get("label_column") or pk
    names = [" | ".join(dict.fromkeys(([own] if own else []) + sorted(set(forms.get(k, [])))))
             for k, own in zip(table.columns[pk].to_pylist(), table.columns[label].to_pylist())]
    field = {"name": ALL_NAMES, "type": "string", "x-derived-from": f"{spec['resource']}.{spec['name']}",
             "description": f"The row's own name and every other form of it in {spec['resource']}.{spec['name']}, for search (derived)."}
    schema = dict(table.schema, fields=table.schema["fields"] + [field])
    return TypedTable(table.name, schema, {**table.columns, ALL_NAMES: pa.array(names, pa.string())})


def _names(table: TypedTable) -> list[str]:
    """Each row's names for search: its label column, and every name form where x-all-names adds them."""
    label = table.schema.get("x-datasette", {}).get("label_column") or primary_key(table.schema)[0]
    columns = [table.columns[label].to_pylist()] + ([table.columns[ALL_NAMES].to_pylist()] if ALL_NAMES in table.columns else [])
    return [" | ".join(dict.fromkeys(n for v in values if v for n in v.split(" | "))) for values in zip(*columns)]


def _target(schema: dict, own_name: str, field: str):
    return next(fk for fk in foreign_keys(schema, own_name) if fk.fields == [field])


def with_search_names(table: TypedTable, tables: dict[str, TypedTable]) -> TypedTable:
    """The table plus the columns its schema's x-search-names asks for: the names of the rows it
    points at, through one of its own foreign keys (an event's place) or through a link table
    (a statement's speakers and subjects, an event's participants), so that a search for 'Minsk'
    or 'Lukashenko' finds the events and statements that name them only by ID."""
    specs = table.schema.get("x-search-names") or []
    if not specs:
        return table
    columns, fields = dict(table.columns), list(table.schema["fields"])
    own_keys = table.columns[primary_key(table.schema)[0]].to_pylist()
    for spec in specs:
        if "resource" in spec:  # rows of a link table whose `key` is this row's primary key
            link = tables[spec["resource"]]
            fk = _target(link.schema, link.name, spec["field"])
            pairs = zip(link.columns[spec["key"]].to_pylist(), link.columns[spec["field"]].to_pylist())
        else:  # this row's own foreign key
            fk = _target(table.schema, table.name, spec["field"])
            pairs = zip(own_keys, table.columns[spec["field"]].to_pylist())
        target = tables[fk.resource]
        names_of = dict(zip(target.columns[fk.ref_fields[0]].to_pylist(), _names(target)))
        found: dict[str, list[str]] = {}
        for key, pointed in pairs:
            if pointed in names_of:
                found.setdefault(key, []).append(names_of[pointed])
        columns[spec["column"]] = pa.array([" | ".join(sorted(found.get(k, []))) or None for k in own_keys], pa.string())
        fields.append({"name": spec["column"], "type": "string", "x-derived-from": spec["field"],
                       "description": f"Names of the {fk.resource} rows the row points at through {spec.get('resource', table.name)}.{spec['field']}, for search (derived)."})
    return TypedTable(table.name, dict(table.schema, fields=fields), columns)


SOURCE_TEXTS = "source_texts"


def source_texts(package, tables: dict[str, TypedTable]) -> TypedTable | None:
    """The article texts as a table (source_id, text), for the site's reading pages: the package
    ships them as files, which the served database cannot reach. Read through the descriptor's
    resources (already checked: inside the package, hash verified by the validator)."""
    sources = next((t for t in tables.values() if t.schema.get("x-published-date")), None)  # the sources table
    if sources is None or "text_path" not in sources.columns:
        return None
    key = primary_key(sources.schema)[0]
    by_path = {r.path: r for r in package.resources.values() if not r.is_table}
    ids, texts = [], []
    for source_id, path in zip(sources.columns[key].to_pylist(), sources.columns["text_path"].to_pylist()):
        if path in by_path:
            ids.append(source_id)
            texts.append(by_path[path].file.read_text(encoding="utf-8"))
    schema = {"title": "Source texts", "description": "The verbatim text of each article (derived from articles/; the reading pages show it with every cited excerpt marked).",
              "fields": [{"name": key, "type": "string", "description": "The source.", "constraints": {"required": True}},
                         {"name": "text", "type": "string", "description": "The article's text, verbatim.", "constraints": {"required": True}}],
              "primaryKey": [key], "foreignKeys": [{"fields": [key], "reference": {"resource": sources.name, "fields": [key]}}]}
    return TypedTable(SOURCE_TEXTS, schema, {key: pa.array(ids, pa.string()), "text": pa.array(texts, pa.string())})


def write(tables: list[TypedTable], path: Path) -> None:
    if path.exists():
        path.unlink()
    db = sqlite_utils.Database(path)
    for table in _in_dependency_order(tables):
        pk = primary_key(table.schema)
        db.execute(create_sql(table))
        rows = table.to_arrow().to_pylist()
        for row in rows:
            for key, value in row.items():
                if hasattr(value, "isoformat"):
                    row[key] = value.isoformat()
        db[table.name].insert_all(rows)
        for fk in foreign_keys(table.schema, table.name):
            if fk.fields != pk[:len(fk.fields)]:  # the primary key's own index already serves its leading columns
                db[table.name].create_index(fk.fields, index_name=f"idx_{table.name}_{'_'.join(fk.fields)}")
        for field in table.schema["fields"]:
            if field["name"].endswith("_earliest") and field.get("x-derived-from"):
                # Date ranges and the default sort read these; at a million rows a scan would not do.
                db[table.name].create_index([field["name"]], index_name=f"idx_{table.name}_{field['name']}")
        spec = table.schema.get("x-record-reference")
        if spec:  # the polymorphic key: looked up as (record_table, record_id)
            db[table.name].create_index([spec["table_field"], spec["id_field"]], index_name=f"idx_{table.name}_record")
    for table in tables:
        if table.schema.get("x-search"):
            # Porter stemming ("hegemony" finds "hegemonism") over unicode61 with diacritics folded
            # ("Erevan" and "Erevàn" alike); the database is served immutable, so no triggers.
            db[table.name].enable_fts(table.schema["x-search"], create_triggers=False, tokenize="porter unicode61 remove_diacritics 2")
    for name, view in VIEWS.items():
        db.create_view(name, view["sql"].strip())
    # No ANALYZE: statistics of today's few hundred rows would teach the planner that scans are
    # cheap; without them it assumes large tables and uses the indexes, the plans that stay right
    # as the data grows (tests/test_query_plans.py checks them).
    db.conn.commit()
    db.vacuum()
    db.close()


def foreign_key_problems(path: Path) -> list[tuple]:
    """PRAGMA foreign_key_check: every row whose foreign key points nowhere (should be none)."""
    with sqlite3.connect(path) as conn:
        return conn.execute("PRAGMA foreign_key_check").fetchall()
