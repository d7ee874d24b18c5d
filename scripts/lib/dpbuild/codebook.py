#!/usr/bin/env python3
"""Write the codebook from the Table Schemas: `python scripts/codebook.py [--check]`.

CODEBOOK.md lists every table and column with its type, whether it may be empty, its rule and
its description; README.md gets the list of tables, the row counts, the list of sources and
the citation (with the version) between marker comments. The
descriptions live only in schemas/*.json and data/sources.csv; this script copies them, so they
are never written twice by hand. With --check nothing is written and the exit code is 1 if either
file is out of date.
"""
from __future__ import annotations

import argparse
import json
import csv
import re
import sys


from dpmodel import REPOSITORY, descriptor, hermetic, vocabulary

ROOT = REPOSITORY


def _rule(field: dict, fks: dict) -> str:
    """The column's rules in words: its foreign key, the vocabulary's phrase for each constraint,
    format and code list, and the package's own x-* keywords."""
    parts = []
    if field["name"] in fks:
        parts.append(f"→ {fks[field['name']]}")
    if field.get("x-reduced-date"):
        parts.append("reduced ISO date")  # said instead of its pattern
    parts += [c.phrase(value) for c, value in vocabulary.constraints(field)
              if not (c.name == "pattern" and field.get("x-reduced-date"))]
    parts.append(vocabulary.field_format(field).phrase)
    if field.get("x-codelist"):
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
        target = f"{fk.resource}.{fk.ref_fields[0]}" if len(fk.fields) == 1 else \
            f"{fk.resource}.({', '.join(fk.ref_fields)}) with ({', '.join(fk.fields)})"
        for name in fk.fields:
            found[name] = target
    return found


def columns(schema: dict) -> list[dict]:
    """One entry per column of a table: its name, type, whether it is required, its rule in words
    and its description (the codebook's table, and the spreadsheet's Columns sheet)."""
    fks = _foreign_keys(schema)
    return [{"column": field["name"], "type": field.get("type", "string"),
             "required": "yes" if vocabulary.is_required(field) else "", "rule": _rule(field, fks),
             "description": field.get("description", "")}
            for field in schema["fields"]]


def codebook(package) -> str:
    lines = ["# Codebook", "",
             "Generated from `schemas/*.json` by `scripts/codebook.py`; edit the schemas, not this file.", "",
             "Columns marked *added to the published contract* extend the table contract; the contract's "
             "own names are unchanged.", ""]
    for table in package.tables():
        schema = table.schema
        pk = ", ".join(table.primary_key)
        lines += [f"## {table.name}", "", schema["description"], "",
                  f"File `{table.path}`, schema `{table.schema_path}`, primary key ({pk}).", ""]
        notes = []
        if schema.get("x-citation-required"):
            notes.append("every row must be cited in `citations`")
        if schema.get("x-date-range"):
            notes.append(f"{schema['x-date-range'][1]} may not be before {schema['x-date-range'][0]}")
        if notes:
            lines += ["Rules: " + "; ".join(notes) + ".", ""]
        lines += ["| column | type | required | rule | description |", "|---|---|---|---|---|"]
        for column in columns(schema):
            lines.append(f"| `{column['column']}` | {column['type']} | {column['required']} | {column['rule']} | {column['description']} |")
        lines.append("")
    return "\n".join(lines)


def tables_section(package) -> str:
    lines = ["| table | one row is | primary key |", "|---|---|---|"]
    for table in package.tables():
        lines.append(f"| [`{table.name}`](CODEBOOK.md#{table.name}) | {table.schema['description']} | {', '.join(table.primary_key)} |")
    return "\n".join(lines)


def counts_section(package) -> str:
    lines = ["| table | rows |", "|---|---|"]
    for table in package.tables():
        if not table.name.startswith("vocab_"):
            with open(table.file, encoding="utf-8", newline="") as f:
                lines.append(f"| `{table.name}` | {sum(1 for _ in csv.DictReader(f))} |")
    return "\n".join(lines)


def _authors(descriptor: dict) -> list[str]:
    return [c["title"] for c in descriptor.get("contributors", []) if c.get("role", "author") in ("author", "creator")]


def _licence(descriptor: dict) -> dict:
    return (descriptor.get("licenses") or [{}])[0]


def cite_section(package) -> str:
    """The README's cite line, from datapackage.json: authors, year, title, version, licence."""
    d = package.descriptor
    year = (d.get("created") or "")[:4] or "n.d."
    where = f" {d['homepage']}" if d.get("homepage") else ""
    return (f"> {'; '.join(_authors(d)) or 'Anonymous'} ({year}). *{d.get('title')}*, version {d.get('version')} [data set]. "
            f"Licence: {_licence(d).get('name', 'unstated')}.{where}\n\n"
            "The same in machine-readable form: [`CITATION.cff`](CITATION.cff).")


def _yaml_text(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)  # a JSON string is a valid YAML double-quoted scalar


def citation_cff(package) -> str:
    """CITATION.cff (Citation File Format 1.2.0), from the same fields of datapackage.json."""
    d = package.descriptor
    lines = ["# Generated from datapackage.json by `make codebook`; edit that file, not this one.", "cff-version: 1.2.0",
             'message: "If you use this dataset, please cite it as below, and cite the articles behind the facts you use."',
             "type: dataset", f"title: {_yaml_text(d.get('title', ''))}", f"version: {_yaml_text(d.get('version', ''))}"]
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


def sources_section(package) -> str:
    lines = ["| source_id | title | outlet | published |", "|---|---|---|---|"]
    with open(package.resources["sources"].file, encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            basis = " (inferred)" if row["published_date_basis"] == "inferred" else ""
            lines.append(f"| `{row['source_id']}` | {row['title']} | {row['outlet'] or '—'} | {row['published_date']}{basis} |")
    return "\n".join(lines)


def readme_with_sections(readme: str, package) -> str:
    for name, body in [("tables", tables_section(package)), ("sources", sources_section(package)),
                       ("counts", counts_section(package)), ("cite", cite_section(package))]:
        readme = with_section(readme, name, body)
    return readme


def with_section(text: str, name: str, body: str) -> str:
    pattern = re.compile(rf"(<!-- {name}:start -->\n).*?(<!-- {name}:end -->)", re.S)
    if not pattern.search(text):
        raise SystemExit(f"README.md has no <!-- {name}:start --> … <!-- {name}:end --> markers")
    return pattern.sub(lambda m: m.group(1) + body + "\n" + m.group(2), text)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true")
    args = parser.parse_args(argv)
    package, problems = descriptor.load(ROOT / "datapackage.json")
    if package is None:
        for problem in problems:
            print(problem)
        return 1
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    wanted = {
        ROOT / "CODEBOOK.md": codebook(package),
        ROOT / "README.md": readme_with_sections(readme, package),
        ROOT / "CITATION.cff": citation_cff(package),
    }
    stale = [path for path, text in wanted.items() if not path.exists() or path.read_text(encoding="utf-8") != text]
    for path in stale:
        print(f"{path.name}: {'is out of date; run make codebook' if args.check else 'rewritten'}")
        if not args.check:
            path.write_text(wanted[path], encoding="utf-8")
    return 1 if (stale and args.check) else 0


if __name__ == "__main__":
    hermetic.forbid_network()
    sys.exit(main())
