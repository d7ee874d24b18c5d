#!/usr/bin/env python3
"""Write the codebook from the Table Schemas: `python scripts/codebook.py [--check]`.

CODEBOOK.md lists every table and column with its type, whether it may be empty, its rule and
its description; README.md gets the list of tables, the row counts, the list of sources and
the citation (with the version) between marker comments, and CONTRIBUTING.md the list of every
problem code the validator reports, with its meaning and fix (dpmodel/codes.py). The
descriptions live only in schemas/*.json and data/sources.csv; this script copies them, so they
are never written twice by hand. With --check nothing is written and the exit code is 1 if either
file is out of date.

Every package the loader accepts gets a codebook: whatever the profile leaves optional (a
description, a title, a contributor's name, a table of sources, README.md itself) may be missing,
and is then written as "(no description)" or left out, never a traceback. `--descriptor` points
at another package (its files are written beside its datapackage.json).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
from pathlib import Path

from dpmodel import REPOSITORY, codes, csvfile, descriptor, hermetic, safe_open, vocabulary
from dpmodel.descriptor import primary_key

ROOT = REPOSITORY
NO_DESCRIPTION = "(no description)"
GENERATED_BYTES = 16 * 1024 * 1024  # README.md, CODEBOOK.md, CITATION.cff: far above any real one


def _rule(field: dict, fks: dict) -> str:
    """The column's rules in words: its foreign key, the vocabulary's phrase for each constraint,
    format and code list, and the package's own x-* keywords."""
    parts = []
    if field["name"] in fks:
        parts.append(f"→ {fks[field['name']]}")
    if field.get("x-reduced-date"):
        parts.append("reduced ISO date")  # said instead of its pattern
    parts += [
        c.phrase(value)
        for c, value in vocabulary.constraints(field)
        if not (c.name == "pattern" and field.get("x-reduced-date"))
    ]
    parts.append(vocabulary.field_format(field).phrase)
    if field.get("x-codelist") in vocabulary.CODELISTS:
        parts.append(vocabulary.CODELISTS[field["x-codelist"]].phrase)
    if field.get("x-occurs-in-sources"):
        parts.append("found verbatim in an article")
    if field.get("x-added"):
        parts.append("*added to the published contract*")
    return "; ".join(p for p in parts if p)


def _foreign_keys(schema: dict) -> dict[str, str]:
    """For each column in a foreign key, where the key points: `actors.actor_id`, or for a composite
    key `(event_id, actor_id) → event_participants.(event_id, actor_id)` on each of its columns."""
    found = {}
    for fk in descriptor.foreign_keys(schema):
        target = (
            f"{fk.resource}.{fk.ref_fields[0]}"
            if len(fk.fields) == 1
            else f"{fk.resource}.({', '.join(fk.ref_fields)}) with ({', '.join(fk.fields)})"
        )
        for name in fk.fields:
            found[name] = target
    return found


def columns(schema: dict) -> list[dict]:
    """One entry per column of a table: its name, type, whether it is required, its rule in words
    and its description (the codebook's table, and the spreadsheet's Columns sheet)."""
    fks = _foreign_keys(schema)
    return [
        {
            "column": field["name"],
            "type": field.get("type", "string"),
            "required": "yes" if vocabulary.is_required(field) else "",
            "rule": _rule(field, fks),
            "description": field.get("description", ""),
        }
        for field in schema["fields"]
    ]


def _cell(text: str) -> str:
    """Text for one cell of a Markdown table: a line break or a '|' in a description would end
    the cell or the row (and the real package's texts have neither, so they are unchanged)."""
    return " ".join(text.splitlines()).replace("|", "\\|")


def _description(schema: dict) -> str:
    return _cell(schema.get("description") or NO_DESCRIPTION)


def codebook(package) -> str:
    lines = [
        "# Codebook",
        "",
        "Generated from `schemas/*.json` by `scripts/codebook.py`; edit the schemas, not this file.",
        "",
        "Columns marked *added to the published contract* extend the table contract; the contract's "
        "own names are unchanged.",
        "",
    ]
    for table in package.tables():
        schema = table.schema
        pk = ", ".join(table.primary_key) or "none"
        where = (
            f"schema `{table.schema_path}`" if table.schema_path else f"schema inline in `{package.descriptor_name}`"
        )
        lines += [
            f"## {table.name}",
            "",
            schema.get("description") or NO_DESCRIPTION,
            "",
            f"File `{table.path}`, {where}, primary key ({pk}).",
            "",
        ]
        notes = []
        if schema.get("x-citation-required"):
            notes.append("every row must be cited in `citations`")
        if len(schema.get("x-date-range") or []) == 2:
            notes.append(f"{schema['x-date-range'][1]} may not be before {schema['x-date-range'][0]}")
        if notes:
            lines += ["Rules: " + "; ".join(notes) + ".", ""]
        lines += ["| column | type | required | rule | description |", "|---|---|---|---|---|"]
        for column in columns(schema):
            lines.append(
                f"| `{column['column']}` | {column['type']} | {column['required']} | {_cell(column['rule'])} | "
                f"{_cell(column['description'])} |"
            )
        lines.append("")
    return "\n".join(lines)


def tables_section(package) -> str:
    lines = ["| table | one row is | primary key |", "|---|---|---|"]
    for table in package.tables():
        lines.append(
            f"| [`{table.name}`](CODEBOOK.md#{table.name}) | {_description(table.schema)} | {', '.join(table.primary_key)} |"
        )
    return "\n".join(lines)


def _rows(resource) -> list[dict] | None:
    """A table's rows through the validator's own reader (cells None where empty), or None if it
    cannot be read: the codebook does not validate, and must not stop at a file the checks refuse."""
    table, _ = csvfile.read(resource)
    return None if table is None else table.rows


def counts_section(package) -> str:
    lines = ["| table | rows |", "|---|---|"]
    for table in package.tables():
        if not table.name.startswith("vocab_"):
            rows = _rows(table)
            lines.append(f"| `{table.name}` | {'?' if rows is None else len(rows)}{_distinct(table, rows)} |")
    return "\n".join(lines)


def _distinct(table, rows: list[dict] | None) -> str:
    """For a table with an x-same-as field (statements: one utterance, several reports), how many
    distinct things its rows stand for, each group counted once."""
    same = next((f["name"] for f in table.schema["fields"] if f.get("x-same-as")), None)
    if rows is None or same is None:
        return ""
    key = primary_key(table.schema)[0]
    things = {row.get(same) or row.get(key) for row in rows}
    return f" ({len(things)} counting the rows that share a {same} once)"


def _authors(descriptor: dict) -> list[str]:
    return [
        c["title"]
        for c in descriptor.get("contributors", [])
        if c.get("title") and c.get("role", "author") in ("author", "creator")
    ]


def _licence(descriptor: dict) -> dict:
    return (descriptor.get("licenses") or [{}])[0]


def cite_section(package) -> str:
    """The README's cite line, from datapackage.json: authors, year, title, version, licence."""
    d = package.descriptor
    year = (d.get("created") or "")[:4] or "n.d."
    where = f" {d['homepage']}" if d.get("homepage") else ""
    return (
        f"> {'; '.join(_authors(d)) or 'Anonymous'} ({year}). *{d.get('title') or d['name']}*, "
        f"version {d.get('version') or 'unstated'} [data set]. "
        f"Licence: {_licence(d).get('name', 'unstated')}.{where}\n\n"
        "The same in machine-readable form: [`CITATION.cff`](CITATION.cff)."
    )


def _yaml_text(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)  # a JSON string is a valid YAML double-quoted scalar


def citation_cff(package) -> str:
    """CITATION.cff (Citation File Format 1.2.0), from the same fields of datapackage.json."""
    d = package.descriptor
    lines = [
        "# Generated from datapackage.json by `make codebook`; edit that file, not this one.",
        "cff-version: 1.2.0",
        'message: "If you use this dataset, please cite it as below, and cite the articles behind the facts you use."',
        "type: dataset",
        f"title: {_yaml_text(d.get('title', ''))}",
        f"version: {_yaml_text(d.get('version', ''))}",
    ]
    if _licence(d).get("name"):
        lines.append(f"license: {_yaml_text(_licence(d)['name'])}")
    if d.get("homepage"):
        lines.append(f"url: {_yaml_text(d['homepage'])}")
    lines.append("authors:")
    lines += [f"  - name: {_yaml_text(name)}" for name in _authors(d) or ["Anonymous"]]
    if d.get("keywords"):
        lines.append("keywords:")
        lines += [f"  - {_yaml_text(k)}" for k in d["keywords"]]
    if d.get("description"):
        lines.append(f"abstract: {_yaml_text(d['description'])}")
    return "\n".join(lines) + "\n"


def _sources(package):
    """The table of sources: the one saying where its publication date is (x-published-date), else
    a table named sources; None if the package has neither."""
    tables = package.tables()
    return next((t for t in tables if t.schema.get("x-published-date")), None) or next(
        (t for t in tables if t.name == "sources"), None
    )


def sources_section(package) -> str:
    lines = ["| source_id | title | outlet | published |", "|---|---|---|---|"]
    table = _sources(package)
    rows = _rows(table) if table is not None else None
    if not rows:
        return "\n".join(lines)
    key, published = (table.primary_key or table.field_names)[0], table.schema.get("x-published-date", "published_date")
    for row in rows:
        text = lambda name, row=row: _cell(row.get(name) or "")  # noqa: E731 - any column may be missing or empty
        basis = " (inferred)" if row.get(f"{published}_basis") == "inferred" else ""
        lines.append(f"| `{text(key)}` | {text('title')} | {text('outlet') or '—'} | {text(published)}{basis} |")
    return "\n".join(lines)


def readme_with_sections(readme: str, package) -> str:
    for name, body in [
        ("tables", tables_section(package)),
        ("sources", sources_section(package)),
        ("counts", counts_section(package)),
        ("cite", cite_section(package)),
    ]:
        readme = with_section(readme, name, body)
    return readme


def codes_section() -> str:
    """CONTRIBUTING.md's list of every problem code, from the CODES each reporting module declares."""
    lines = ["| code | what it means | how to fix it |", "|---|---|---|"]
    lines += [
        f"| `{code}` | {_cell(meaning)} | {_cell(fix)} |" for code, (_, meaning, fix) in codes.all_codes().items()
    ]
    return "\n".join(lines)


def reasons_section() -> str:
    """CONTRIBUTING.md's list of the reasons a sentence, quotation or date may be excluded from coverage."""
    from dpcheck.text_coverage import REASONS

    lines = ["   | reason | when |", "   |---|---|"]
    lines += [f"   | `{code}` | {_cell(meaning)} |" for code, meaning in REASONS.items()]
    return "\n".join(lines)


def with_section(text: str, name: str, body: str, file: str = "README.md") -> str:
    pattern = re.compile(rf"(<!-- {name}:start -->\n).*?(<!-- {name}:end -->)", re.S)
    if not pattern.search(text):
        raise SystemExit(f"{file} has no <!-- {name}:start --> … <!-- {name}:end --> markers")
    return pattern.sub(lambda m: m.group(1) + body + "\n" + m.group(2), text)


def _write(root: Path, name: str, text: str) -> None:
    """Write a generated file in the package folder, never through a symbolic link: created if
    missing, else rewritten in place (safe_open refuses a link, a FIFO or a folder there)."""
    data = text.encode("utf-8")
    folder = os.open(root, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    try:
        fd = os.open(name, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC, 0o644, dir_fd=folder)
    except FileExistsError:
        safe_open.rewrite(root, name, data)
        return
    finally:
        os.close(folder)
    with os.fdopen(fd, "wb") as f:
        f.write(data)


def _read(root: Path, name: str) -> str | None:
    """A generated file's text, or None if it is missing (or not a plain file of the package)."""
    try:
        return safe_open.read(root, name, GENERATED_BYTES).decode("utf-8", "replace")
    except safe_open.Refused:
        return None


def generated(package, readme: str | None, contributing: str | None = None) -> dict[str, str]:
    """Every file the codebook writes, by name, with its text (README.md and CONTRIBUTING.md only
    if there is one)."""
    wanted = {"CODEBOOK.md": codebook(package), "CITATION.cff": citation_cff(package)}
    if readme is not None:
        wanted["README.md"] = readme_with_sections(readme, package)
    if contributing is not None:
        contributing = with_section(contributing, "reasons", reasons_section(), "CONTRIBUTING.md")
        wanted["CONTRIBUTING.md"] = with_section(contributing, "codes", codes_section(), "CONTRIBUTING.md")
    return wanted


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true")
    parser.add_argument("--descriptor", type=Path, default=ROOT / "datapackage.json", help="path to datapackage.json")
    args = parser.parse_args(argv)
    package, problems = descriptor.load(args.descriptor)
    if package is None:
        for problem in problems:
            print(problem)
        return 1
    root = package.root
    current = {name: _read(root, name) for name in ("CODEBOOK.md", "CITATION.cff", "README.md", "CONTRIBUTING.md")}
    if current["README.md"] is None:
        print("README.md: not found (or not a plain file), so its tables, sources, counts and citation are not written")
    wanted = generated(package, current["README.md"], current["CONTRIBUTING.md"])
    stale = [name for name, text in wanted.items() if current[name] != text]
    unwritten = []
    for name in stale:
        if not args.check:
            try:
                _write(root, name, wanted[name])
            except safe_open.Refused as exc:
                unwritten.append(f"{name}: cannot be written: it {exc}")
                continue
            except OSError as exc:
                unwritten.append(f"{name}: cannot be written: {exc.strerror}")
                continue
        print(f"{name}: {'is out of date; run make codebook' if args.check else 'rewritten'}")
    for line in unwritten:
        print(line)
    if unwritten:
        return 1
    return 1 if (stale and args.check) else 0


if __name__ == "__main__":
    hermetic.forbid_network()
    sys.exit(main())
