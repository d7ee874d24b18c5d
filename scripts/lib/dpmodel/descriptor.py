"""Load datapackage.json and its Table Schemas, refusing anything that could read outside the package."""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from . import limits, patterns, profile, safe_open
from . import names as dpnames
from .problems import Problem

# How a composite primary key is written as one value (citations.record_id, redirects): the
# profile's x-record-reference.key_separator may only say "/", so the one value lives here.
KEY_SEPARATOR = "/"
CANONICAL_DIALECT = {"delimiter": ",", "lineTerminator": "\n", "quoteChar": '"', "doubleQuote": True, "header": True}

# Two codes used here are declared where the same rule is found again: csv-too-large (csvfile, a table
# over its size limit when read) and profile-too-deep (profile, nesting too deep to be parsed at all).
CODES: dict[str, tuple[str, str]] = {
    "descriptor-not-found": (
        "The validator must find datapackage.json at the path it is given.",
        "Run the check from the repository root, or pass the path of datapackage.json.",
    ),
    "descriptor-json-too-large": (
        "datapackage.json and each Table Schema file must be no larger than the size limit for a file of their kind.",
        "Check that the file holds only the package's descriptor or one table's schema; "
        "remove whatever else was pasted into it.",
    ),
    "descriptor-json-encoding": (
        "datapackage.json and each Table Schema file must be valid UTF-8 text.",
        "Save the file with the UTF-8 encoding.",
    ),
    "descriptor-json-syntax": (
        "datapackage.json and each Table Schema file must be valid JSON.",
        "Fix the JSON at the named line and column (often a missing or extra comma, or an unclosed quote or bracket).",
    ),
    "descriptor-no-resources": (
        "datapackage.json must be a JSON object with a non-empty list of resources.",
        "Restore the `resources` list of datapackage.json.",
    ),
    "descriptor-path-refused": (
        "A path in the package must name a readable plain file inside it: relative to "
        "datapackage.json, without '..', a URL or a symbolic link.",
        "Put the file inside the package and write its path relative to datapackage.json, with '/' between folders.",
    ),
    "descriptor-file-missing": (
        "Every file a resource lists must exist.",
        "Add the file at the listed path, or correct the resource's path in datapackage.json.",
    ),
    "descriptor-duplicate-name": (
        "Each resource in datapackage.json must have a name of its own.",
        "Rename one of the two resources, or remove the one listed twice.",
    ),
    "descriptor-duplicate-path": (
        "Each file may be listed as one resource only.",
        "Remove the second resource that lists the same path.",
    ),
    "descriptor-dialect": (
        "Every table must be UTF-8 CSV with commas, double quotes and LF line endings.",
        "Remove the resource's `dialect` and `encoding`, or set them to those values, and save the file that way.",
    ),
    "descriptor-text-too-large": (
        "An article text must be no larger than the size limit for a text (SECURITY.md: bounded CI steps).",
        "Check that the file holds only the article's text; remove whatever else was pasted into it.",
    ),
    "descriptor-total-too-large": (
        "The tables together, and the article texts together, must be no larger than the "
        "package's size limits (SECURITY.md: bounded CI steps).",
        "Ask the maintainers: the package has outgrown its limits.",
    ),
    "descriptor-reserved-name": (
        "A table may not have a name SQLite or the build keeps for its own tables and indexes.",
        "Rename the resource (and every reference to it) to a name the message does not refuse.",
    ),
    "schema-duplicate-field": (
        "Each field of a Table Schema must have a name of its own.",
        "Rename or remove one of the two fields.",
    ),
    "schema-reserved-name": (
        "A field, key or search column may not have a name SQLite, its full-text search or the build keeps for itself.",
        "Rename the field (and every reference to it) to a name the message does not refuse.",
    ),
    "schema-too-many-columns": (
        f"A table may have at most {dpnames.MAX_COLUMNS} columns, counting those the build adds to it.",
        "Move some fields to a table of their own, linked by a foreign key.",
    ),
    "schema-created-name": (
        "A field may not have the name of a column the build creates (a reduced date's parts, "
        "x-all-names, x-search-names), and the build may not create one name twice.",
        "Rename the field, or change the x-search-names column, so that every name is unique.",
    ),
    "schema-boolean-values": (
        "A boolean field's trueValues and falseValues may not share a value: a cell must read one way.",
        "Remove the value from one of the two lists.",
    ),
    "schema-evidence-overlap": (
        "A field belongs to at most one group of x-evidence: each group is one piece of evidence.",
        "Keep the field in the one group it completes.",
    ),
    "schema-pattern": (
        "A field's constraints.pattern must be a regular expression the validator can run safely.",
        "Rewrite the pattern as the message says: one both Rust and Python accept, without "
        "look-around, backreferences or repetition that could backtrack.",
    ),
    "schema-no-primary-key": (
        "Every table must have a primary key (this package's profile, stricter than the Data Package standard).",
        "Add `primaryKey` to the schema, naming the field or fields that identify a row.",
    ),
    "schema-reference": (
        "Every name a Table Schema gives (in primaryKey, foreignKeys or an x- keyword) must be a "
        "field, column, reduced date or table of the kind the message names (a rule's flag: a "
        "required boolean field).",
        "Correct the spelling of the name, or add the field or table it refers to.",
    ),
    "schema-key-repeated-field": (
        "A primary or foreign key may name each field only once.",
        "Remove the repeated field from the key.",
    ),
    "schema-foreign-key": (
        "A foreign key must list fields of its own table, as many as the fields it references.",
        "Correct the foreign key's `fields` and `reference.fields` so that they pair up.",
    ),
    "schema-foreign-key-target": (
        "A foreign key must reference the primary key of the table it points to.",
        "Make `reference.fields` the referenced table's primary key.",
    ),
    "schema-foreign-key-type": (
        "A foreign key's field must have the same type as the field it references.",
        "Give the two fields the same `type`.",
    ),
    "schema-needs-foreign-key": (
        "A keyword that follows a field to another table (such as x-target-kind or "
        "x-search-names) needs a foreign key on that field alone.",
        "Add a foreign key whose `fields` is just that field, or remove the keyword.",
    ),
}


@dataclass
class Resource:
    name: str
    path: str  # as written in the descriptor, relative to the package root
    file: Path  # absolute location on disk
    schema: dict | None = None  # the Table Schema of a table; None for an article text
    schema_path: str | None = None
    hash: str | None = None
    size: int | None = None  # bytes, when the file was found

    @property
    def is_table(self) -> bool:
        return self.schema is not None

    @property
    def field_names(self) -> list[str]:
        return [f["name"] for f in self.schema["fields"]]

    @property
    def primary_key(self) -> list[str]:
        return primary_key(self.schema)


@dataclass
class Package:
    root: Path
    descriptor_name: str
    descriptor: dict
    resources: dict[str, Resource] = field(default_factory=dict)
    limits: limits.Limits = limits.DEFAULT

    def tables(self) -> list[Resource]:
        return [r for r in self.resources.values() if r.is_table]

    @cached_property
    def _by_path(self) -> dict[str, Resource]:
        return {r.path: r for r in self.resources.values()}  # built on first use, after loading

    def resource_by_path(self, path: str) -> Resource | None:
        return self._by_path.get(path)


@dataclass(frozen=True)
class ForeignKey:
    fields: list[str]
    resource: str  # the referenced resource ("" in the schema means the table itself)
    ref_fields: list[str]


def true_values(field: dict) -> list[str]:
    """The texts a boolean field reads as true (Table Schema's default: "true")."""
    return field.get("trueValues", ["true"])


def false_values(field: dict) -> list[str]:
    """The texts a boolean field reads as false (Table Schema's default: "false")."""
    return field.get("falseValues", ["false"])


def primary_key(schema: dict) -> list[str]:
    """The primary key's fields as a list, however the schema writes it (a single name is allowed)."""
    return as_list(schema.get("primaryKey", []))


def foreign_keys(schema: dict, own_name: str = "") -> list[ForeignKey]:
    """A schema's foreignKeys with fields always as lists (Table Schema allows a single string)."""
    return [
        ForeignKey(
            as_list(fk["fields"]), fk["reference"].get("resource") or own_name, as_list(fk["reference"]["fields"])
        )
        for fk in schema.get("foreignKeys", [])
    ]


def foreign_key_of(schema: dict, own_name: str, field: str | None) -> ForeignKey | None:
    """The foreign key on `field` alone (the one a keyword's field leads through), or None."""
    return next((fk for fk in foreign_keys(schema, own_name) if fk.fields == [field]), None)


URL = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")  # any scheme: http:, file:, javascript:, data:


def safe_path(root: Path, path: object) -> tuple[Path | None, str | None]:
    """The file `path` names inside `root`, or why it is refused.

    Only relative POSIX paths that stay inside the package and pass through no symlink are
    accepted: a contribution must not make the validator read /etc/passwd, a file elsewhere or a URL.
    """
    file, _, why = _safe_file(root, path, set())
    return (None if why else Path(file)), why


def _safe_file(
    root: Path, path: object, folders: set[str] | None = None
) -> tuple[str | None, os.stat_result | None, str | None]:
    """safe_path's answer as a string, with the file's fstat (its size), taken on a descriptor
    opened by safe_open: no symbolic link anywhere on the path, only a regular file (a FIFO, a
    device or a folder is refused without waiting on it). `folders` is no longer needed (each
    open walks its folders relative to the one before) and kept for callers that pass it."""
    if not isinstance(path, str) or not path:
        return None, None, "path must be a non-empty string"
    if "://" in path or URL.match(path):
        return None, None, f"{path!r} is a URL; resources must be files inside the package (nothing is ever fetched)"
    if "\\" in path or path.startswith("/"):
        return None, None, f"{path!r} is an absolute path; resources must be relative to datapackage.json"
    try:
        fd = safe_open.open_file(root, path)
    except safe_open.Refused as exc:
        why = str(exc).replace("files must be plain files inside the package", "resources must be plain files")
        return None, None, f"{path!r} {why}"
    try:
        found = os.fstat(fd)
    finally:
        os.close(fd)
    return os.path.join(str(root), *safe_open.parts_of(path)), found, None


def load_json(root: Path, path: str, shown_as: str, max_bytes: int) -> tuple[object | None, Problem | None]:
    """The JSON file `path` names under `root`, read through safe_open (no link, a regular file,
    its size checked on the open descriptor), or the problem that stops it."""
    try:
        raw = safe_open.read(root, path, max_bytes)
    except safe_open.TooLarge:
        return None, Problem(
            shown_as,
            None,
            None,
            f"is larger than {limits.size(max_bytes)}, the most a file of its kind may be",
            code="descriptor-json-too-large",
        )
    except safe_open.Refused as exc:
        return None, Problem(shown_as, None, None, str(exc), code="descriptor-path-refused")
    try:
        return json.loads(raw.decode("utf-8")), None
    except UnicodeDecodeError:
        return None, Problem(shown_as, None, None, "is not valid UTF-8", code="descriptor-json-encoding")
    except json.JSONDecodeError as exc:
        return None, Problem(
            shown_as,
            exc.lineno,
            None,
            f"is not valid JSON: {exc.msg} (column {exc.colno})",
            code="descriptor-json-syntax",
        )
    except RecursionError:
        return None, Problem(
            shown_as,
            None,
            None,  # the rule profile.check applies to what could be parsed
            f"is nested more than {profile.MAX_DEPTH} levels deep; no descriptor or schema needs that",
            code="profile-too-deep",
        )


def _check_schema(schema: dict, shown_as: str) -> list[Problem]:
    """What the profile cannot say: names that refer to other names within the schema (names.REFERENCES;
    those naming another table are resolved with the package, by check_tables), names the build
    would also create, and patterns safe to run."""
    names = [f["name"] for f in schema["fields"]]
    problems = [
        Problem(shown_as, None, name, "is the name of two fields", code="schema-duplicate-field")
        for name in sorted({n for n in names if names.count(n) > 1})
    ]
    created = dpnames.created_columns(schema)
    made = [name for name, _ in created]
    # Reserved for fields and for the columns the build creates alike (an x-search-names column "rank").
    problems += [
        Problem(shown_as, None, name, f"is {why}'s name; a column may not have it", code="schema-reserved-name")
        for name, why in dpnames.RESERVED_COLUMNS.items()
        if name in names or name in made
    ]
    if len(names) + len(made) > dpnames.MAX_COLUMNS:
        problems.append(
            Problem(
                shown_as,
                None,
                "fields",
                f"{len(names)} fields and {len(made)} columns the build creates "
                f"make {len(names) + len(made)}; a table holds at most {dpnames.MAX_COLUMNS} "
                "(SQLite joins at most 64 tables, one a column, when the build moves the rows in)",
                code="schema-too-many-columns",
            )
        )
    problems += [
        Problem(
            shown_as, None, name, f"is a name the build creates for {why}: rename the field", code="schema-created-name"
        )
        for name, why in created
        if name in names
    ]
    problems += [
        Problem(
            shown_as,
            None,
            name,
            f"is a column the build would create twice ({'; '.join(w for n, w in created if n == name)})",
            code="schema-created-name",
        )
        for name in sorted({n for n in made if made.count(n) > 1})
    ]
    for f in schema["fields"]:
        both = set(true_values(f)) & set(false_values(f))
        if f.get("type") == "boolean" and both:
            problems.append(
                Problem(
                    shown_as,
                    None,
                    f["name"],
                    f"trueValues and falseValues both hold {', '.join(repr(v) for v in sorted(both)[:5])}",
                    code="schema-boolean-values",
                )
            )
    grouped = [
        name for group in schema.get("x-evidence", []) for name in {*group["fields"], *group.get("optional", [])}
    ]
    problems += [
        Problem(shown_as, None, "x-evidence", f"names {name!r} in two groups", code="schema-evidence-overlap")
        for name in sorted({n for n in grouped if grouped.count(n) > 1})
    ]
    for f in schema["fields"]:
        pattern = (f.get("constraints") or {}).get("pattern")
        why = patterns.problem(pattern) if pattern is not None else None
        if why:
            problems.append(Problem(shown_as, None, f["name"], f"pattern {pattern!r} {why}", code="schema-pattern"))
    if "primaryKey" not in schema:
        problems.append(
            Problem(
                shown_as,
                None,
                "primaryKey",
                "is missing: every table needs a primary key "
                "(this package's profile, stricter than the Data Package standard)",
                code="schema-no-primary-key",
            )
        )
    elif any(k not in names for k in primary_key(schema)):
        problems.append(
            Problem(shown_as, None, "primaryKey", "must name fields of the schema", code="schema-reference")
        )
    keys = [("primaryKey", primary_key(schema))] + [
        ("foreignKeys", as_list(fk[side]["fields"] if side else fk["fields"]))
        for fk in schema.get("foreignKeys", [])
        for side in ("", "reference")
    ]
    problems += [
        Problem(
            shown_as,
            None,
            keyword,
            f"names a field twice in one key ({', '.join(key)})",
            code="schema-key-repeated-field",
        )
        for keyword, key in keys
        if len(set(key)) != len(key)
    ]
    for fk in schema.get("foreignKeys", []):
        if any(k not in names for k in as_list(fk["fields"])) or len(as_list(fk["fields"])) != len(
            as_list(fk["reference"]["fields"])
        ):
            problems.append(
                Problem(
                    shown_as,
                    None,
                    "foreignKeys",
                    f"malformed foreign key {json.dumps(fk)[:80]}",
                    code="schema-foreign-key",
                )
            )
        elif not fk["reference"].get("resource") and as_list(fk["reference"]["fields"]) != primary_key(schema):
            problems.append(
                Problem(
                    shown_as,
                    None,
                    "foreignKeys",
                    f"references {', '.join(as_list(fk['reference']['fields']))}, "
                    "which is not this table's primary key (a foreign key points at a row by its key)",
                    code="schema-foreign-key-target",
                )
            )
    reduced = {f["name"] for f in schema["fields"] if f.get("x-reduced-date")}
    columns = set(names) | {n for n in made if n != dpnames.PARTITION_COLUMN}
    single_keys = {tuple(fk.fields) for fk in foreign_keys(schema)}
    problems += [
        Problem(
            shown_as,
            None,
            f["name"],
            "x-target-kind needs a foreign key on this field alone",
            code="schema-needs-foreign-key",
        )
        for f in schema["fields"]
        if "x-target-kind" in f and (f["name"],) not in single_keys
    ]
    for path, name, kind, via in dpnames.references(schema):
        where, keyword = dpnames.place(schema, path)
        said = "" if where == keyword else f"{keyword} "
        if kind == "field_in" and via[0] == "table" and dpnames.beside(schema, path, via[1]):
            continue  # a field of another table: check_tables, with the package
        if kind == "field_in" and via[0] == "key":
            key = dpnames.beside(schema, path, via[1])
            if isinstance(key, str) and (key,) not in single_keys and keyword != "x-target-kind":
                problems.append(
                    Problem(
                        shown_as,
                        None,
                        where,
                        f"{said}needs a foreign key on {key!r} alone",
                        code="schema-needs-foreign-key",
                    )
                )
            continue  # a field of the table that key points to: check_tables
        if kind in ("field", "reduced", "field_in") and name not in names:
            missing = "a field of the schema"
        elif kind == "column" and name not in columns:
            missing = "a field of the schema nor a column the build adds to it"
        elif kind == "reduced" and name not in reduced:
            missing = "a reduced date (x-reduced-date)"
        else:
            continue
        problems.append(
            Problem(shown_as, None, where, f"{said}names {name!r}, which is not {missing}", code="schema-reference")
        )
    for spec in schema.get("x-search-names", []):
        if "resource" not in spec and spec["field"] in names and (spec["field"],) not in single_keys:
            problems.append(
                Problem(
                    shown_as,
                    None,
                    "x-search-names",
                    f"needs a foreign key on {spec['field']!r} alone",
                    code="schema-needs-foreign-key",
                )
            )
    if "x-published-date" in schema and "text" in primary_key(schema):
        problems.append(
            Problem(
                shown_as,
                None,
                "primaryKey",
                f"may not be named 'text': the build's table {dpnames.SOURCE_TEXTS} "
                "holds each source's key beside its column text",
                code="schema-reserved-name",
            )
        )
    return problems


def as_list(fields) -> list[str]:
    return [fields] if isinstance(fields, str) else list(fields)


def load(descriptor_file: Path, limit: limits.Limits = limits.DEFAULT) -> tuple[Package | None, list[Problem]]:
    """The package, or None with the problems that make it unusable. Nothing outside the package
    is opened, nothing is fetched, and no value of a wrong type or size gets past the profile."""
    shown_as = descriptor_file.name
    root = descriptor_file.parent.resolve()
    if not descriptor_file.exists() and not descriptor_file.is_symlink():
        return None, [
            Problem(shown_as, None, None, f"descriptor not found at {descriptor_file}", code="descriptor-not-found")
        ]
    descriptor, problem = load_json(root, shown_as, shown_as, limit.descriptor_bytes)
    if problem:
        return None, [problem]
    if (
        not isinstance(descriptor, dict)
        or not isinstance(descriptor.get("resources"), list)
        or not descriptor["resources"]
    ):
        return None, [
            Problem(
                shown_as,
                None,
                "resources",
                "the descriptor must be an object with a non-empty list of resources",
                code="descriptor-no-resources",
            )
        ]
    problems = profile.check(descriptor, "data-package", shown_as)
    if problems:
        return None, problems

    package = Package(root, shown_as, descriptor, limits=limit)
    paths: dict[str, str] = {}
    folders: set[str] = set()
    for i, res in enumerate(descriptor["resources"]):
        where = f"resources[{i}]"
        name = res["name"]
        if name in package.resources:
            problems.append(
                Problem(
                    shown_as, None, where, f"resource name {name!r} is used twice", code="descriptor-duplicate-name"
                )
            )
            continue
        if res["path"] in paths:
            problems.append(
                Problem(
                    shown_as,
                    None,
                    f"{where}.path",
                    f"{res['path']!r} is already resource {paths[res['path']]!r}; a file may be listed once",
                    code="descriptor-duplicate-path",
                )
            )
            continue
        paths[res["path"]] = name
        file, found, why = _safe_file(root, res["path"], folders)
        if why and why.endswith("does not exist"):
            problems.append(
                Problem(
                    res["path"],
                    None,
                    None,
                    f"does not exist (listed as resource {name!r} in {shown_as})",
                    code="descriptor-file-missing",
                )
            )
            continue
        if why:
            problems.append(
                Problem(shown_as, None, f"{where}.path", f"resource {name!r}: {why}", code="descriptor-path-refused")
            )
            continue
        resource = Resource(name, res["path"], Path(file), hash=res.get("hash"), size=found.st_size)
        resource.limits = limit  # what csvfile.read may read of it (bytes, rows, cells): this load's limits
        schema = res.get("schema")
        if schema is not None:
            schema_problems = _load_schema(resource, schema, root, shown_as, where, limit)
            if schema_problems:
                problems.extend(schema_problems)
                continue
            dialect = {**CANONICAL_DIALECT, **res.get("dialect", {})}
            if dialect != CANONICAL_DIALECT or res.get("encoding", "utf-8").lower() != "utf-8":
                problems.append(
                    Problem(
                        shown_as,
                        None,
                        f"{where}.dialect",
                        f"resource {name!r} must be UTF-8 CSV with comma, double quotes and LF line endings",
                        code="descriptor-dialect",
                    )
                )
        package.resources[name] = resource
    problems += _sizes(package, limit)
    problems += check_tables(package)

    # Names the descriptor declares, even for resources refused above: those already have their line.
    declared = {r["name"]: r for r in descriptor["resources"]}
    for table in package.tables():
        for fk in foreign_keys(table.schema, table.name):
            target = package.resources.get(fk.resource)
            if fk.resource not in declared:
                problems.append(
                    Problem(
                        table.schema_path or shown_as,
                        None,
                        "foreignKeys",
                        f"references resource {fk.resource!r}, which is not in the package",
                        code="schema-reference",
                    )
                )
            elif target is not None and (
                not target.is_table or any(f not in target.field_names for f in fk.ref_fields)
            ):
                problems.append(
                    Problem(
                        table.schema_path or shown_as,
                        None,
                        "foreignKeys",
                        f"references {fk.resource}.{','.join(fk.ref_fields)}, which is not a field of that table",
                        code="schema-reference",
                    )
                )
    return (None if problems else package), problems


def _load_schema(
    resource: Resource, schema: object, root: Path, shown_as: str, where: str, limit: limits.Limits
) -> list[Problem]:
    """Load (if a path), profile-check and cross-check a resource's Table Schema into resource.schema."""
    if isinstance(schema, str):
        schema_file, why = safe_path(root, schema)
        if why:
            return [
                Problem(
                    shown_as,
                    None,
                    f"{where}.schema",
                    f"resource {resource.name!r}: {why}",
                    code="descriptor-path-refused",
                )
            ]
        resource.schema_path = schema
        schema, problem = load_json(root, schema, schema, limit.schema_bytes)
        if problem:
            return [problem]
        problems = profile.check(schema, "table-schema", resource.schema_path)
    else:
        problems = profile.check(schema, "table-schema", shown_as, prefix=f"{where}.schema")
    if problems:
        return problems
    problems = _check_schema(schema, resource.schema_path or shown_as)
    if not problems:
        resource.schema = schema
    return problems


def _sizes(package: Package, limit: limits.Limits) -> list[Problem]:
    """Every file within its limit, and the tables and texts within theirs together."""
    problems = []
    totals = {True: 0, False: 0}
    for resource in package.resources.values():
        n = resource.size  # measured when its path was checked, above
        most = limit.table_bytes if resource.is_table else limit.text_bytes
        if n > most:
            problems.append(
                Problem(
                    resource.path,
                    None,
                    None,
                    f"is {limits.size(n)}; a {'table' if resource.is_table else 'text'} "
                    f"may be at most {limits.size(most)} (SECURITY.md: bounded CI steps)",
                    code="csv-too-large" if resource.is_table else "descriptor-text-too-large",
                )
            )
        totals[resource.is_table] += n
    for is_table, most in ((True, limit.tables_bytes), (False, limit.texts_bytes)):
        if totals[is_table] > most:
            problems.append(
                Problem(
                    package.descriptor_name,
                    None,
                    "resources",
                    f"the {'tables' if is_table else 'texts'} come to {limits.size(totals[is_table])}; "
                    f"at most {limits.size(most)} together (SECURITY.md: bounded CI steps)",
                    code="descriptor-total-too-large",
                )
            )
    return problems


def _is_flag(schema: dict, name: str) -> bool:
    """Whether field `name` is a required boolean: the kind of field a rule's flag must name."""
    field = next((f for f in schema.get("fields", []) if f.get("name") == name), {})
    return field.get("type") == "boolean" and bool(field.get("constraints", {}).get("required"))


def check_tables(package: Package) -> list[Problem]:
    """What needs the whole package: no table named like an object the build creates for another
    (names.table_name_problem), and every name a schema gives of another table's field or of a
    table (names.REFERENCES) resolved, so a rule or the build never meets a name pointing nowhere.
    Foreign keys also point at their table's primary key, with fields of the same types."""
    problems = []
    tables = {t.name: t for t in package.tables()}
    schemas = {name: t.schema for name, t in tables.items()}
    for i, res in enumerate(package.descriptor.get("resources", [])):
        if res.get("name") in tables:
            why = dpnames.table_name_problem(res["name"], schemas)
            if why:
                problems.append(
                    Problem(package.descriptor_name, None, f"resources[{i}].name", why, code="descriptor-reserved-name")
                )
    for table in tables.values():
        schema, shown_as = table.schema, table.schema_path or package.descriptor_name
        fields = {f["name"]: f for f in schema["fields"]}
        for path, name, kind, via in dpnames.references(schema):
            where, keyword = dpnames.place(schema, path)
            said = "" if where == keyword else f"{keyword} "
            if kind == "table" and path[0] != "foreignKeys" and name not in tables:  # foreign keys: load() says so
                problems.append(
                    Problem(
                        shown_as,
                        None,
                        where,
                        f"{said}names {name!r}, which is not a table of the package",
                        code="schema-reference",
                    )
                )
            if kind != "field_in":
                continue
            if via[0] == "table":
                target = dpnames.beside(schema, path, via[1]) or table.name
            else:
                key = dpnames.beside(schema, path, via[1])
                fk = foreign_key_of(schema, table.name, key)
                target = fk.resource if fk else None
            if target in tables and name not in tables[target].field_names:
                problems.append(
                    Problem(
                        shown_as,
                        None,
                        where,
                        f"{said}names {name!r}, which is not a field of {target}",
                        code="schema-reference",
                    )
                )
            elif target in tables and via[2:] == ("flag",) and not _is_flag(tables[target].schema, name):
                problems.append(
                    Problem(
                        shown_as,
                        None,
                        where,
                        f"{said}names {name!r}, which is not a required boolean field of {target}",
                        code="schema-reference",
                    )
                )
        if schema.get("x-search") and dpnames.search_index(table.name) in schema["x-search"]:
            problems.append(
                Problem(
                    shown_as,
                    None,
                    "x-search",
                    f"{dpnames.search_index(table.name)!r} is the name of the "
                    "full-text index itself, which FTS5 keeps for its own column",
                    code="schema-reserved-name",
                )
            )
        for spec in schema.get("x-search-names", []):
            link = tables.get(spec.get("resource"))
            if link is not None and [spec["field"]] not in [fk.fields for fk in foreign_keys(link.schema, link.name)]:
                problems.append(
                    Problem(
                        shown_as,
                        None,
                        "x-search-names",
                        f"needs a foreign key on {link.name}.{spec['field']} alone",
                        code="schema-needs-foreign-key",
                    )
                )
        for fk in foreign_keys(schema, table.name):
            target = tables.get(fk.resource)
            if (
                target is None
                or any(f not in target.field_names for f in fk.ref_fields)
                or any(f not in fields for f in fk.fields)
            ):
                continue  # load() and _check_schema say so
            if fk.ref_fields != target.primary_key:
                problems.append(
                    Problem(
                        shown_as,
                        None,
                        "foreignKeys",
                        f"references {fk.resource}.{','.join(fk.ref_fields)}, which is not "
                        f"the primary key of {fk.resource} ({','.join(target.primary_key)})",
                        code="schema-foreign-key-target",
                    )
                )
            target_fields = {f["name"]: f for f in target.schema["fields"]}
            for own, ref in zip(fk.fields, fk.ref_fields):
                kinds = (fields[own].get("type", "string"), target_fields[ref].get("type", "string"))
                if kinds[0] != kinds[1]:
                    problems.append(
                        Problem(
                            shown_as,
                            None,
                            own,
                            f"is {kinds[0]}, but the field it references, {fk.resource}.{ref}, is {kinds[1]}",
                            code="schema-foreign-key-type",
                        )
                    )
    return problems
