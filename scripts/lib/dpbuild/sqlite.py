"""Write the SQLite database: keys, an index on every foreign key, full-text search (sqlite-utils),
and the views of queries.py; rows go in as JSON batches (insert), not as Python objects."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import polars as pl
import pyarrow as pa
import sqlite_utils

from dpmodel import names as dpnames
from dpmodel import vocabulary
from dpmodel.descriptor import foreign_key_of, foreign_keys, primary_key
from dpmodel.names import quoted

from .queries import VIEWS
from .typed import TypedTable

ALL_NAMES = dpnames.ALL_NAMES  # the column x-all-names adds


def _quoted(names: list[str]) -> str:
    return ", ".join(quoted(n) for n in names)


def create_sql(table: TypedTable) -> str:
    """CREATE TABLE from the Table Schema: types, NOT NULL, the primary key and every foreign key,
    composite ones included (written here: sqlite-utils takes single-column keys only)."""
    lines = [
        f"{quoted(f['name'])} {vocabulary.field_type(f).sqlite}" + (" NOT NULL" if vocabulary.is_required(f) else "")
        for f in table.schema["fields"]
    ]
    lines.append(f"PRIMARY KEY ({_quoted(primary_key(table.schema))})")
    lines += [
        f"FOREIGN KEY ({_quoted(fk.fields)}) REFERENCES {quoted(fk.resource)}({_quoted(fk.ref_fields)})"
        for fk in foreign_keys(table.schema, table.name)
    ]
    return f"CREATE TABLE {quoted(table.name)} (\n   " + ",\n   ".join(lines) + "\n)"


def _in_dependency_order(tables: list[TypedTable]) -> list[TypedTable]:
    """Referenced tables first, so each foreign key is created against an existing table where
    one can be: tables whose keys form a cycle follow in package order (SQLite takes a foreign
    key to a table created later, and checks every key once all rows are in)."""
    done: list[TypedTable] = []
    pending = list(tables)
    while pending:
        ready = [
            t
            for t in pending
            if all(fk.resource in {d.name for d in done} | {t.name} for fk in foreign_keys(t.schema, t.name))
        ] or pending[:1]
        done.extend(ready)
        pending = [t for t in pending if t not in ready]
    return done


def _frame(table: TypedTable, *names: str) -> pl.DataFrame:
    """The columns as text: keys are joined across tables, whose fields' types the validator holds
    equal, and names are text (a boolean or number label is shown as the CSV writes it)."""
    return pl.from_arrow(pa.table({n: table.columns[n] for n in names})).cast(pl.String)


def _arrow_strings(series: pl.Series) -> pa.Array:
    return series.to_arrow().cast(pa.string())


def names_index(table: str) -> str:
    """The FTS5 trigram table of a table's all_names: `all_names LIKE '%x%'` there matches as on
    the table (SQLite's LIKE, ASCII case folded), from the index."""
    return dpnames.names_index(table)


def with_all_names(table: TypedTable, tables: dict[str, TypedTable]) -> TypedTable:
    """The table plus the all_names column its schema's x-all-names asks for: the row's own name
    (its label column) and every other form of it from aliases, sorted, so that 'China', 'Cina'
    and the misspelt 'Xi Jinoping' all find their actor; other tables unchanged."""
    spec = table.schema.get("x-all-names")
    if not spec:
        return table
    forms = (
        _frame(tables[spec["resource"]], spec["key"], spec["name"])
        .group_by(spec["key"])
        .agg(pl.col(spec["name"]).drop_nulls().unique().sort().alias("_forms"))
    )
    pk = primary_key(table.schema)[0]
    label = table.schema.get("x-datasette", {}).get("label_column") or pk
    own = _frame(table, *dict.fromkeys([pk, label]))
    names = own.join(forms, left_on=pk, right_on=spec["key"], how="left", maintain_order="left").select(
        pl.concat_list([pl.col(label), pl.col("_forms").fill_null(pl.lit([], dtype=pl.List(pl.String)))])
        .list.drop_nulls()
        .list.unique(maintain_order=True)
        .list.join(" | ")
        .alias(ALL_NAMES)
    )
    field = {
        "name": ALL_NAMES,
        "type": "string",
        "x-derived-from": f"{spec['resource']}.{spec['name']}",
        "description": f"The row's own name and every other form of it in {spec['resource']}.{spec['name']}, for search (derived).",
    }
    schema = dict(table.schema, fields=table.schema["fields"] + [field])
    return TypedTable(table.name, schema, {**table.columns, ALL_NAMES: _arrow_strings(names.get_column(ALL_NAMES))})


def _names(table: TypedTable) -> pl.DataFrame:
    """Each row's key and its names for search: every name form where x-all-names adds them (they
    begin with the label), else its label column."""
    key = primary_key(table.schema)[0]
    label = table.schema.get("x-datasette", {}).get("label_column") or key
    source = ALL_NAMES if ALL_NAMES in table.columns else label
    return _frame(table, *dict.fromkeys([key, source])).select(
        pl.col(key).alias("_pointed"), pl.col(source).fill_null("").alias("_name")
    )


def with_search_names(table: TypedTable, tables: dict[str, TypedTable]) -> TypedTable:
    """The table plus the columns its schema's x-search-names asks for: the names of the rows it
    points at, through one of its own foreign keys (an event's place) or through a link table
    (a statement's speakers and subjects, an event's participants), so that a search for 'Minsk'
    or 'Lukashenko' finds the events and statements that name them only by ID. Joins in Polars:
    no Python object per row."""
    specs = table.schema.get("x-search-names") or []
    if not specs:
        return table
    columns, fields = dict(table.columns), list(table.schema["fields"])
    pk = primary_key(table.schema)[0]
    own = _frame(table, pk).rename({pk: "_key"})
    for spec in specs:
        if "resource" in spec:  # rows of a link table whose `key` is this row's primary key
            link = tables[spec["resource"]]
            fk = foreign_key_of(link.schema, link.name, spec["field"])
            pairs = _frame(link, *dict.fromkeys([spec["key"], spec["field"]])).select(
                pl.col(spec["key"]).alias("_key"), pl.col(spec["field"]).alias("_pointed")
            )
        else:  # this row's own foreign key
            fk = foreign_key_of(table.schema, table.name, spec["field"])
            pairs = _frame(table, *dict.fromkeys([pk, spec["field"]])).select(
                pl.col(pk).alias("_key"), pl.col(spec["field"]).alias("_pointed")
            )
        found = (
            pairs.join(_names(tables[fk.resource]), on="_pointed", how="inner")
            .group_by("_key")
            .agg(pl.col("_name").sort().str.join(" | "))
        )
        joined = own.join(found, on="_key", how="left", maintain_order="left").get_column("_name")
        columns[spec["column"]] = _arrow_strings(joined.replace("", None))  # no names: empty, as in every other table
        fields.append(
            {
                "name": spec["column"],
                "type": "string",
                "x-derived-from": spec["field"],
                "description": f"Names of the {fk.resource} rows the row points at through "
                f"{spec.get('resource', table.name)}.{spec['field']}, for search (derived).",
            }
        )
    return TypedTable(table.name, dict(table.schema, fields=fields), columns)


SOURCE_TEXTS = dpnames.SOURCE_TEXTS


def source_texts(package, tables: dict[str, TypedTable]) -> TypedTable | None:
    """The article texts as a table (source_id, text), for the site's reading pages: the package
    ships them as files, which the served database cannot reach. Read through the descriptor's
    resources (already checked: inside the package, hash verified by the validator)."""
    sources = next((t for t in tables.values() if t.schema.get("x-texts")), None)  # the table naming the texts
    if sources is None:
        return None
    key, path_field = primary_key(sources.schema)[0], sources.schema["x-texts"]["path"]
    by_path = {r.path: r for r in package.resources.values() if not r.is_table}
    ids, texts = [], []
    for source_id, path in zip(sources.columns[key].to_pylist(), sources.columns[path_field].to_pylist()):
        if path in by_path:
            ids.append(source_id)
            texts.append(by_path[path].file.read_text(encoding="utf-8"))
    schema = {
        "title": "Source texts",
        "description": "The verbatim text of each article (derived from articles/; the reading pages show it with every cited excerpt marked).",
        "fields": [
            {"name": key, "type": "string", "description": "The source.", "constraints": {"required": True}},
            {
                "name": "text",
                "type": "string",
                "description": "The article's text, verbatim.",
                "constraints": {"required": True},
                "x-source-text": True,  # its language is its source's (dpbuild/languages.py)
            },
        ],
        "primaryKey": [key],
        "foreignKeys": [{"fields": [key], "reference": {"resource": sources.name, "fields": [key]}}],
    }
    return TypedTable(SOURCE_TEXTS, schema, {key: pa.array(ids, pa.string()), "text": pa.array(texts, pa.string())})


BATCH_ROWS = 100_000  # rows handed to SQLite at once


def insert(conn: sqlite3.Connection, table: TypedTable) -> None:
    """The table's rows into its (empty) SQLite table with no Python object per row or per value.

    For each batch of rows, Polars writes each column as one JSON array, SQLite reads it into a
    one-column scratch table keyed by position (json_each), and one INSERT … SELECT joins the
    scratch tables by position into the table, in row order. Dates arrive as ISO text, booleans
    as 1 and 0, numbers as Polars writes them (shortest form, read back exactly)."""
    names = [f["name"] for f in table.schema["fields"]]
    frame = pl.from_arrow(table.to_arrow().select(names))
    scratch = [f"temp.dp_column_{i}" for i in range(len(names))]
    for name in scratch:
        conn.execute(f"CREATE TABLE {name} (v)")
    joins = " ".join(f"JOIN {s} ON {s}.rowid = {scratch[0]}.rowid" for s in scratch[1:])
    into = (
        f"INSERT INTO {quoted(table.name)} ({_quoted(names)}) SELECT {', '.join(f'{s}.v' for s in scratch)} "
        f"FROM {scratch[0]} {joins} ORDER BY {scratch[0]}.rowid"
    )
    for start in range(0, frame.height, BATCH_ROWS):
        batch = frame.slice(start, BATCH_ROWS)
        for name, column in zip(scratch, names):
            conn.execute(f"DELETE FROM {name}")
            array = batch.select(pl.col(column).alias("c").implode()).write_json()  # [{"c": [v0, v1, …]}]
            conn.execute(f"INSERT INTO {name} (rowid, v) SELECT key, value FROM json_each(?, '$[0].c')", (array,))
        conn.execute(into)
    for name in scratch:
        conn.execute(f"DROP TABLE {name}")


def write(tables: list[TypedTable], path: Path) -> None:
    if path.exists():
        path.unlink()
    db = sqlite_utils.Database(path)
    # A new file, written once and replaced whole on the next build: no journal is needed.
    db.execute("PRAGMA journal_mode = OFF")
    db.execute("PRAGMA synchronous = OFF")
    db.execute("PRAGMA cache_size = -262144")  # 256 MiB of pages: index builds and inserts stay in memory
    db.execute("PRAGMA temp_store = MEMORY")
    for table in _in_dependency_order(tables):
        pk = primary_key(table.schema)
        db.execute(create_sql(table))
        search = table.schema.get("x-search")
        if search:
            # Porter stemming ("hegemony" finds "hegemonism") over unicode61 with diacritics folded
            # ("Erevan" and "Erevàn" alike); the database is served immutable, so no triggers.
            # sqlite-utils fills an index as it creates it: created while the table is empty, it
            # is given a larger buffer first, and filled once the rows are in.
            db[table.name].enable_fts(search, create_triggers=False, tokenize="porter unicode61 remove_diacritics 2")
            _fts_buffer(db, dpnames.search_index(table.name))
        insert(db.conn, table)
        if search:
            db[table.name].populate_fts(search)
        for fk in foreign_keys(table.schema, table.name):
            if fk.fields != pk[: len(fk.fields)]:  # the primary key's own index already serves its leading columns
                db[table.name].create_index(
                    fk.fields, index_name=dpnames.index_name(table.name, "_".join(fk.fields)), find_unique_name=True
                )
        for field in table.schema["fields"]:
            if field["name"].endswith("_earliest") and field.get("x-derived-from"):
                # Date ranges and the default sort read these; at a million rows a scan would not do.
                db[table.name].create_index(
                    [field["name"]], index_name=dpnames.index_name(table.name, field["name"]), find_unique_name=True
                )
        spec = table.schema.get("x-record-reference")
        if spec:  # the polymorphic key: looked up as (record_table, record_id)
            db[table.name].create_index(
                [spec["table_field"], spec["id_field"]],
                index_name=dpnames.index_name(table.name, "record"),
                find_unique_name=True,
            )
    for table in tables:
        if table.schema.get("x-all-names"):
            # A trigram index of the name forms: "does any actor's name contain X?", which a page
            # asks when a query finds nothing, becomes a lookup instead of a scan of every actor.
            names = names_index(table.name)
            db.execute(f"CREATE VIRTUAL TABLE {quoted(names)} USING fts5({quoted(ALL_NAMES)}, tokenize='trigram')")
            _fts_buffer(db, names)
            db.execute(
                f"INSERT INTO {quoted(names)}(rowid, {quoted(ALL_NAMES)}) SELECT rowid, {quoted(ALL_NAMES)} FROM {quoted(table.name)}"
            )
            _name_forms(db, table, tables)
    for name, view in VIEWS.items():
        _create_view(db, name, view["sql"].strip())
    # No ANALYZE: statistics of today's few hundred rows would teach the planner that scans are
    # cheap; without them it assumes large tables and uses the indexes, the plans that stay right
    # as the data grows (tests/test_query_plans.py checks them).
    db.conn.commit()
    # No VACUUM: tables are filled once, in key order, and indexed after, so there is little to
    # reclaim (and the bytes are the same build after build either way).
    db.close()


def _name_forms(db, table: TypedTable, tables: list[TypedTable]) -> None:
    """The table of name forms: one row per (row, name form) with the form folded
    (dpmodel.names.fold), indexed, so that a canned query matches a whole name, in any case and
    with or without accents, by one lookup ("US" is no name of Russia). The forms are read where
    all_names reads them (the label column, and x-all-names' table of other forms), each whole:
    all_names joins them with ' | ', which a name may itself contain."""
    spec = table.schema["x-all-names"]
    key = primary_key(table.schema)[0]
    label = table.schema.get("x-datasette", {}).get("label_column") or key
    others = next(t for t in tables if t.name == spec["resource"])
    forms = (
        pl.concat(
            [
                _frame(table, *dict.fromkeys([key, label])).select(pl.col(key), pl.col(label).alias("form")),
                _frame(others, spec["key"], spec["name"]).select(
                    pl.col(spec["key"]).alias(key), pl.col(spec["name"]).alias("form")
                ),
            ]
        )
        .drop_nulls()
        .unique(maintain_order=True)
    )
    name = dpnames.name_forms_table(table.name)
    db[name].create({key: str, "form": str, "folded": str})
    db[name].insert_all({key: k, "form": form, "folded": dpnames.fold(form)} for k, form in forms.iter_rows())
    db[name].create_index(["folded"], index_name=dpnames.index_name(name, "folded"), find_unique_name=True)
    db[name].create_index([key], index_name=dpnames.index_name(name, key), find_unique_name=True)


def _create_view(db, name: str, sql: str) -> None:
    """The view, if its query runs on this package's tables; else an empty view of that name, so
    that the site's links and metadata find it (a package without events has no events to show)."""
    db.create_view(name, sql)
    try:
        db.execute(f"SELECT * FROM {quoted(name)} LIMIT 0")
    except sqlite3.OperationalError:
        db.execute(f"DROP VIEW {quoted(name)}")
        db.create_view(name, f"SELECT NULL AS {quoted('empty')} WHERE 0")


FTS_BUFFER = 16 * 1024 * 1024  # bytes of new index entries FTS5 gathers in memory before writing them


def _fts_buffer(db, index: str) -> None:
    """An empty FTS5 index set to gather up to FTS_BUFFER of entries before writing a segment:
    with FTS5's 1 MB default, a large table's index is written as thousands of small segments
    merged again and again (at ten million rows, 9.5 s instead of 6.2 s for the statements)."""
    db.execute(f"INSERT INTO {quoted(index)}({quoted(index)}, rank) VALUES ('hashsize', ?)", [FTS_BUFFER])


def foreign_key_problems(path: Path) -> list[tuple]:
    """PRAGMA foreign_key_check: every row whose foreign key points nowhere (should be none)."""
    with sqlite3.connect(path) as conn:
        return conn.execute("PRAGMA foreign_key_check").fetchall()
