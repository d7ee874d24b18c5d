"""Load datapackage.json and its Table Schemas, refusing anything that could read outside the package."""
from __future__ import annotations

import json
import os
import stat
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path, PurePosixPath

import polars as pl

from .problems import Problem

FIELD_TYPES = {"string", "number", "integer", "boolean"}
CANONICAL_DIALECT = {"delimiter": ",", "lineTerminator": "\n", "quoteChar": '"', "doubleQuote": True, "header": True}


@dataclass
class Resource:
    name: str
    path: str  # as written in the descriptor, relative to the package root
    file: Path  # absolute location on disk
    schema: dict | None = None  # the Table Schema of a table; None for an article text
    schema_path: str | None = None
    hash: str | None = None

    @property
    def is_table(self) -> bool:
        return self.schema is not None

    @property
    def field_names(self) -> list[str]:
        return [f["name"] for f in self.schema["fields"]]

    @property
    def primary_key(self) -> list[str]:
        pk = self.schema.get("primaryKey", [])
        return [pk] if isinstance(pk, str) else list(pk)


@dataclass
class Package:
    root: Path
    descriptor_name: str
    descriptor: dict
    resources: dict[str, Resource] = field(default_factory=dict)

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


def foreign_keys(schema: dict, own_name: str = "") -> list[ForeignKey]:
    """A schema's foreignKeys with fields always as lists (Table Schema allows a single string)."""
    as_list = lambda fields: [fields] if isinstance(fields, str) else list(fields)  # noqa: E731
    return [ForeignKey(as_list(fk["fields"]), fk["reference"].get("resource") or own_name, as_list(fk["reference"]["fields"]))
            for fk in schema.get("foreignKeys", [])]


def safe_path(root: Path, path: object) -> tuple[Path | None, str | None]:
    """The file `path` names inside `root`, or why it is refused.

    Only relative POSIX paths that stay inside the package and pass through no symlink are
    accepted: a contribution must not make the validator read /etc/passwd or a file elsewhere.
    """
    if not isinstance(path, str) or not path:
        return None, "path must be a non-empty string"
    if "://" in path:
        return None, f"{path!r} is a URL; resources must be files inside the package"
    if "\\" in path or path.startswith("/") or PurePosixPath(path).is_absolute():
        return None, f"{path!r} is an absolute path; resources must be relative to datapackage.json"
    if ".." in PurePosixPath(path).parts:
        return None, f"{path!r} leads outside the package ('..')"
    parts = PurePosixPath(path).parts
    if not parts:
        return None, f"{path!r} is not a file"
    current = str(root)
    for part in parts:
        current = os.path.join(current, part)
        try:
            mode = os.lstat(current).st_mode  # lstat: a symlink is seen, not followed
        except OSError:
            return None, f"{path!r} does not exist"
        if stat.S_ISLNK(mode):
            return None, f"{path!r} passes through a symbolic link; resources must be plain files"
    if not stat.S_ISREG(mode):
        return None, f"{path!r} is not a file"
    return Path(current), None


def load_json(file: Path, shown_as: str) -> tuple[object | None, Problem | None]:
    try:
        raw = file.read_bytes()
    except OSError as exc:
        return None, Problem(shown_as, None, None, f"cannot be read: {exc.strerror}")
    try:
        return json.loads(raw.decode("utf-8")), None
    except UnicodeDecodeError:
        return None, Problem(shown_as, None, None, "is not valid UTF-8")
    except json.JSONDecodeError as exc:
        return None, Problem(shown_as, exc.lineno, None, f"is not valid JSON: {exc.msg} (column {exc.colno})")


def _runnable(pattern: object) -> bool:
    """Whether the checks, Polars expressions, can run this pattern (Rust's regex syntax)."""
    if not isinstance(pattern, str):
        return False
    try:
        pl.select(pl.lit("").str.contains(pattern))
        return True
    except pl.exceptions.PolarsError:
        return False


def _check_schema(schema: object, shown_as: str) -> list[Problem]:
    if not isinstance(schema, dict):
        return [Problem(shown_as, None, None, "a Table Schema must be a JSON object")]
    fields = schema.get("fields")
    if not isinstance(fields, list) or not fields:
        return [Problem(shown_as, None, "fields", "a Table Schema needs a non-empty list of fields")]
    problems = []
    names = []
    for i, f in enumerate(fields):
        if not isinstance(f, dict) or not isinstance(f.get("name"), str):
            problems.append(Problem(shown_as, None, f"fields[{i}]", "each field needs a name"))
            continue
        names.append(f["name"])
        if f.get("type", "string") not in FIELD_TYPES:
            problems.append(Problem(shown_as, None, f["name"], f"type {f.get('type')!r} is not one of: {', '.join(sorted(FIELD_TYPES))}"))
        pattern = (f.get("constraints") or {}).get("pattern") if isinstance(f.get("constraints"), dict) else None
        if pattern is not None and not _runnable(pattern):
            problems.append(Problem(shown_as, None, f["name"], f"pattern {pattern!r} is not a regular expression the checks can run "
                                                               "(Rust syntax: no look-around, no backreferences)"))
    pk = schema.get("primaryKey")
    pk = [pk] if isinstance(pk, str) else pk
    if not isinstance(pk, list) or not pk or any(k not in names for k in pk):
        problems.append(Problem(shown_as, None, "primaryKey", "must name fields of the schema"))
    for fk in schema.get("foreignKeys", []):
        fk_fields = fk.get("fields") if isinstance(fk, dict) else None
        ref = fk.get("reference") if isinstance(fk, dict) else None
        fk_fields = [fk_fields] if isinstance(fk_fields, str) else fk_fields
        if not isinstance(fk_fields, list) or any(k not in names for k in fk_fields) or not isinstance(ref, dict):
            problems.append(Problem(shown_as, None, "foreignKeys", f"malformed foreign key {json.dumps(fk)[:80]}"))
    return problems


def load(descriptor_file: Path) -> tuple[Package | None, list[Problem]]:
    """The package, or None with the problems that make it unusable."""
    shown_as = descriptor_file.name
    root = descriptor_file.parent.resolve()
    if not descriptor_file.is_file():
        return None, [Problem(shown_as, None, None, f"descriptor not found at {descriptor_file}")]
    descriptor, problem = load_json(descriptor_file, shown_as)
    if problem:
        return None, [problem]
    if not isinstance(descriptor, dict) or not isinstance(descriptor.get("resources"), list) or not descriptor["resources"]:
        return None, [Problem(shown_as, None, "resources", "the descriptor must be an object with a non-empty list of resources")]

    package = Package(root, shown_as, descriptor)
    problems: list[Problem] = []
    for i, res in enumerate(descriptor["resources"]):
        where = f"resources[{i}]"
        if not isinstance(res, dict) or not isinstance(res.get("name"), str):
            problems.append(Problem(shown_as, None, where, "each resource needs a name"))
            continue
        name = res["name"]
        if name in package.resources:
            problems.append(Problem(shown_as, None, where, f"resource name {name!r} is used twice"))
            continue
        file, why = safe_path(root, res.get("path"))
        if why and why.endswith("does not exist"):
            problems.append(Problem(res["path"], None, None, f"does not exist (listed as resource {name!r} in {shown_as})"))
            continue
        if why:
            problems.append(Problem(shown_as, None, f"{where}.path", f"resource {name!r}: {why}"))
            continue
        resource = Resource(name, res["path"], file, hash=res.get("hash"))
        schema = res.get("schema")
        if schema is not None:
            if isinstance(schema, str):
                schema_file, why = safe_path(root, schema)
                if why:
                    problems.append(Problem(shown_as, None, f"{where}.schema", f"resource {name!r}: {why}"))
                    continue
                resource.schema_path = schema
                schema, problem = load_json(schema_file, schema)
                if problem:
                    problems.append(problem)
                    continue
            schema_problems = _check_schema(schema, resource.schema_path or shown_as)
            if schema_problems:
                problems.extend(schema_problems)
                continue
            resource.schema = schema
            dialect = {**CANONICAL_DIALECT, **(res.get("dialect") or {})}
            if dialect != CANONICAL_DIALECT or res.get("encoding", "utf-8").lower() != "utf-8":
                problems.append(Problem(shown_as, None, f"{where}.dialect",
                                        f"resource {name!r} must be UTF-8 CSV with comma, double quotes and LF line endings"))
        package.resources[name] = resource

    # Names the descriptor declares, even for resources refused above: those already have their line.
    names = {r.get("name") for r in descriptor["resources"] if isinstance(r, dict)}
    for table in package.tables():
        for fk in table.schema.get("foreignKeys", []):
            target = fk["reference"].get("resource") or table.name
            if target not in names:
                problems.append(Problem(table.schema_path or shown_as, None, "foreignKeys",
                                        f"references resource {target!r}, which is not in the package"))
    return (None if problems else package), problems
