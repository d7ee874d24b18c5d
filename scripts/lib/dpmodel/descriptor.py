"""Load datapackage.json and its Table Schemas, refusing anything that could read outside the package."""
from __future__ import annotations

import json
import os
import re
import stat
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from . import limits, patterns, profile
from .problems import Problem

# How a composite primary key is written as one value (citations.record_id, redirects): the
# profile's x-record-reference.key_separator may only say "/", so the one value lives here.
KEY_SEPARATOR = "/"
CANONICAL_DIALECT = {"delimiter": ",", "lineTerminator": "\n", "quoteChar": '"', "doubleQuote": True, "header": True}


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


def primary_key(schema: dict) -> list[str]:
    """The primary key's fields as a list, however the schema writes it (a single name is allowed)."""
    return as_list(schema.get("primaryKey", []))


def foreign_keys(schema: dict, own_name: str = "") -> list[ForeignKey]:
    """A schema's foreignKeys with fields always as lists (Table Schema allows a single string)."""
    return [ForeignKey(as_list(fk["fields"]), fk["reference"].get("resource") or own_name, as_list(fk["reference"]["fields"]))
            for fk in schema.get("foreignKeys", [])]


URL = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")  # any scheme: http:, file:, javascript:, data:


def safe_path(root: Path, path: object) -> tuple[Path | None, str | None]:
    """The file `path` names inside `root`, or why it is refused.

    Only relative POSIX paths that stay inside the package and pass through no symlink are
    accepted: a contribution must not make the validator read /etc/passwd, a file elsewhere or a URL.
    """
    file, _, why = _safe_file(root, path, set())
    return (None if why else Path(file)), why


def _safe_file(root: Path, path: object, folders: set[str]) -> tuple[str | None, os.stat_result | None, str | None]:
    """safe_path's answer as a string, with the file's lstat (its size); `folders` holds the
    folders already found to be plain folders inside root, which a package with thousands of
    texts in one folder then looks up once, not once for each text."""
    if not isinstance(path, str) or not path:
        return None, None, "path must be a non-empty string"
    if "://" in path or URL.match(path):
        return None, None, f"{path!r} is a URL; resources must be files inside the package (nothing is ever fetched)"
    if "\\" in path or path.startswith("/"):
        return None, None, f"{path!r} is an absolute path; resources must be relative to datapackage.json"
    parts = [part for part in path.split("/") if part not in ("", ".")]  # as PurePosixPath(path).parts
    if ".." in parts:
        return None, None, f"{path!r} leads outside the package ('..')"
    if not parts:
        return None, None, f"{path!r} is not a file"
    current = str(root)
    for i, part in enumerate(parts):
        current = os.path.join(current, part)
        if i < len(parts) - 1 and current in folders:
            continue
        try:
            found = os.lstat(current)  # lstat: a symlink is seen, not followed
        except (OSError, ValueError):
            return None, None, f"{path!r} does not exist"
        if stat.S_ISLNK(found.st_mode):
            return None, None, f"{path!r} passes through a symbolic link; resources must be plain files"
        if i < len(parts) - 1 and stat.S_ISDIR(found.st_mode):
            folders.add(current)
    if not stat.S_ISREG(found.st_mode):
        return None, None, f"{path!r} is not a file"
    return current, found, None


def load_json(file: Path, shown_as: str, max_bytes: int) -> tuple[object | None, Problem | None]:
    try:
        with open(file, "rb") as f:
            raw = f.read(max_bytes + 1)
    except OSError as exc:
        return None, Problem(shown_as, None, None, f"cannot be read: {exc.strerror}")
    if len(raw) > max_bytes:
        return None, Problem(shown_as, None, None, f"is larger than {limits.size(max_bytes)}, the most a file of its kind may be")
    try:
        return json.loads(raw.decode("utf-8")), None
    except UnicodeDecodeError:
        return None, Problem(shown_as, None, None, "is not valid UTF-8")
    except json.JSONDecodeError as exc:
        return None, Problem(shown_as, exc.lineno, None, f"is not valid JSON: {exc.msg} (column {exc.colno})")
    except RecursionError:
        return None, Problem(shown_as, None, None, f"is nested more than {profile.MAX_DEPTH} levels deep; no descriptor or schema needs that")


def _check_schema(schema: dict, shown_as: str) -> list[Problem]:
    """What the profile cannot say: names that refer to other names, and patterns safe to run."""
    names = [f["name"] for f in schema["fields"]]
    problems = [Problem(shown_as, None, name, "is the name of two fields") for name in sorted({n for n in names if names.count(n) > 1})]
    for f in schema["fields"]:
        pattern = (f.get("constraints") or {}).get("pattern")
        why = patterns.problem(pattern) if pattern is not None else None
        if why:
            problems.append(Problem(shown_as, None, f["name"], f"pattern {pattern!r} {why}"))
    if "primaryKey" not in schema:
        problems.append(Problem(shown_as, None, "primaryKey", "is missing: every table needs a primary key "
                                                               "(this package's profile, stricter than the Data Package standard)"))
    elif any(k not in names for k in primary_key(schema)):
        problems.append(Problem(shown_as, None, "primaryKey", "must name fields of the schema"))
    for fk in schema.get("foreignKeys", []):
        if any(k not in names for k in as_list(fk["fields"])) or len(as_list(fk["fields"])) != len(as_list(fk["reference"]["fields"])):
            problems.append(Problem(shown_as, None, "foreignKeys", f"malformed foreign key {json.dumps(fk)[:80]}"))
    reduced = {f["name"] for f in schema["fields"] if f.get("x-reduced-date")}
    named = [("x-date-range", n) for n in schema.get("x-date-range", [])]
    if "x-date-basis" in schema:
        named += [("x-date-basis", schema["x-date-basis"]["field"])] + [("x-date-basis", n) for n in schema["x-date-basis"]["dates"]]
    named += [("x-record-reference", schema["x-record-reference"][k]) for k in ("table_field", "id_field") if k in schema.get("x-record-reference", {})]
    named += [("x-redirects", n) for n in schema.get("x-redirects", {}).values()]
    named += [("x-evidence", n) for group in schema.get("x-evidence", []) for n in group]
    derived = {f"{n}_{suffix}" for n in reduced for suffix in ("precision", "earliest", "latest")}
    browse = schema.get("x-datasette", {})
    shown_names = [browse[k] for k in ("label_column", "sort", "sort_desc") if k in browse] + browse.get("facets", [])
    named += [("x-datasette", n) for n in shown_names if n not in derived]
    added = {spec["column"] for spec in schema.get("x-search-names", [])} | ({"all_names"} if "x-all-names" in schema else set())
    named += [("x-search", n) for n in schema.get("x-search", []) if n not in added]
    named += [("x-search-names", spec["field"]) for spec in schema.get("x-search-names", []) if "resource" not in spec]
    if "x-partition-date" in schema:
        named.append(("x-partition-date", schema["x-partition-date"]))
    if "x-published-date" in schema:
        named.append(("x-published-date", schema["x-published-date"]))
    if "x-not-after-source" in schema:
        spec = schema["x-not-after-source"]
        named += [("x-not-after-source", spec["date"])] + ([("x-not-after-source", spec["unless"]["field"])] if "unless" in spec else [])
    named += [("x-contains", f["x-contains"]) for f in schema["fields"] if "x-contains" in f]
    if "x-described-by" in schema:
        named.append(("x-described-by", schema["x-described-by"]["when_field"]))
    single_keys = {tuple(fk.fields) for fk in foreign_keys(schema)}
    problems += [Problem(shown_as, None, f["name"], "x-target-kind needs a foreign key on this field alone")
                 for f in schema["fields"] if "x-target-kind" in f and (f["name"],) not in single_keys]
    for key, name in named:
        if name not in names:
            problems.append(Problem(shown_as, None, key, f"names {name!r}, which is not a field of the schema"))
        elif key in ("x-date-range", "x-partition-date") and name not in reduced:
            problems.append(Problem(shown_as, None, key, f"names {name!r}, which is not a reduced date (x-reduced-date)"))
    return problems


def as_list(fields) -> list[str]:
    return [fields] if isinstance(fields, str) else list(fields)


def load(descriptor_file: Path, limit: limits.Limits = limits.DEFAULT) -> tuple[Package | None, list[Problem]]:
    """The package, or None with the problems that make it unusable. Nothing outside the package
    is opened, nothing is fetched, and no value of a wrong type or size gets past the profile."""
    shown_as = descriptor_file.name
    root = descriptor_file.parent.resolve()
    if not descriptor_file.is_file():
        return None, [Problem(shown_as, None, None, f"descriptor not found at {descriptor_file}")]
    descriptor, problem = load_json(descriptor_file, shown_as, limit.descriptor_bytes)
    if problem:
        return None, [problem]
    if not isinstance(descriptor, dict) or not isinstance(descriptor.get("resources"), list) or not descriptor["resources"]:
        return None, [Problem(shown_as, None, "resources", "the descriptor must be an object with a non-empty list of resources")]
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
            problems.append(Problem(shown_as, None, where, f"resource name {name!r} is used twice"))
            continue
        if res["path"] in paths:
            problems.append(Problem(shown_as, None, f"{where}.path", f"{res['path']!r} is already resource {paths[res['path']]!r}; "
                                                                     "a file may be listed once"))
            continue
        paths[res["path"]] = name
        file, found, why = _safe_file(root, res["path"], folders)
        if why and why.endswith("does not exist"):
            problems.append(Problem(res["path"], None, None, f"does not exist (listed as resource {name!r} in {shown_as})"))
            continue
        if why:
            problems.append(Problem(shown_as, None, f"{where}.path", f"resource {name!r}: {why}"))
            continue
        resource = Resource(name, res["path"], Path(file), hash=res.get("hash"), size=found.st_size)
        schema = res.get("schema")
        if schema is not None:
            schema_problems = _load_schema(resource, schema, root, shown_as, where, limit)
            if schema_problems:
                problems.extend(schema_problems)
                continue
            dialect = {**CANONICAL_DIALECT, **res.get("dialect", {})}
            if dialect != CANONICAL_DIALECT or res.get("encoding", "utf-8").lower() != "utf-8":
                problems.append(Problem(shown_as, None, f"{where}.dialect",
                                        f"resource {name!r} must be UTF-8 CSV with comma, double quotes and LF line endings"))
        package.resources[name] = resource
    problems += _sizes(package, limit)

    # Names the descriptor declares, even for resources refused above: those already have their line.
    declared = {r["name"]: r for r in descriptor["resources"]}
    for table in package.tables():
        for fk in foreign_keys(table.schema, table.name):
            target = package.resources.get(fk.resource)
            if fk.resource not in declared:
                problems.append(Problem(table.schema_path or shown_as, None, "foreignKeys",
                                        f"references resource {fk.resource!r}, which is not in the package"))
            elif target is not None and (not target.is_table or any(f not in target.field_names for f in fk.ref_fields)):
                problems.append(Problem(table.schema_path or shown_as, None, "foreignKeys",
                                        f"references {fk.resource}.{','.join(fk.ref_fields)}, which is not a field of that table"))
    return (None if problems else package), problems


def _load_schema(resource: Resource, schema: object, root: Path, shown_as: str, where: str, limit: limits.Limits) -> list[Problem]:
    """Load (if a path), profile-check and cross-check a resource's Table Schema into resource.schema."""
    if isinstance(schema, str):
        schema_file, why = safe_path(root, schema)
        if why:
            return [Problem(shown_as, None, f"{where}.schema", f"resource {resource.name!r}: {why}")]
        resource.schema_path = schema
        schema, problem = load_json(schema_file, schema, limit.schema_bytes)
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
            problems.append(Problem(resource.path, None, None, f"is {limits.size(n)}; a {'table' if resource.is_table else 'text'} "
                                                               f"may be at most {limits.size(most)} (SECURITY.md: bounded CI steps)"))
        totals[resource.is_table] += n
    for is_table, most in ((True, limit.tables_bytes), (False, limit.texts_bytes)):
        if totals[is_table] > most:
            problems.append(Problem(package.descriptor_name, None, "resources",
                                    f"the {'tables' if is_table else 'texts'} come to {limits.size(totals[is_table])}; "
                                    f"at most {limits.size(most)} together (SECURITY.md: bounded CI steps)"))
    return problems
