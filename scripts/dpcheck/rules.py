"""Rules across tables and against the article texts, which neither Frictionless nor pandera express.

Each rule takes the loaded tables (name -> Table) and returns problems. Rules read what they
need from the Table Schemas (foreign keys, reduced dates, date ranges, code lists, citation
requirements), so adding a column or a table needs no change here.
"""
from __future__ import annotations

import hashlib
import unicodedata
from collections import defaultdict
from pathlib import Path

import ahocorasick
import pycountry

from . import dates, messages
from .csvfile import Table
from .descriptor import Package, safe_path
from .descriptor import foreign_keys as schema_foreign_keys
from .problems import Problem, shown

FORMULA_START = ("=", "+", "@")


def _fields(table: Table) -> list[dict]:
    return table.resource.schema["fields"]


def _key(table: Table, row: dict) -> str:
    return "/".join(row[k] or "" for k in table.resource.primary_key)


# --- references -------------------------------------------------------------------------------

def foreign_keys(tables: dict[str, Table]) -> list[Problem]:
    """Every foreign key of every schema, self-references included; empty cells are not references."""
    problems = []
    for table in tables.values():
        for fk in schema_foreign_keys(table.resource.schema, table.name):
            fields, ref_fields = fk.fields, fk.ref_fields
            target = tables.get(fk.resource)
            if target is None:
                continue  # the target table could not be read; its own problems say why
            known = {tuple(r[f] for f in ref_fields) for r in target.rows}
            for number, row in table.numbered():
                value = tuple(row[f] for f in fields)
                if any(v is None for v in value) or value in known:
                    continue
                problems.append(Problem(table.path, number, ",".join(fields),
                                        messages.missing_reference("/".join(value), target.name, ",".join(ref_fields),
                                                                   ["/".join(k) for k in known])))
    return problems


def record_references(tables: dict[str, Table]) -> list[Problem]:
    """A polymorphic key (citations.record_table + record_id) must name an existing row."""
    problems = []
    for table in tables.values():
        spec = table.resource.schema.get("x-record-reference")
        if not spec:
            continue
        keys = {name: {_key(t, r) for r in t.rows} for name, t in tables.items()}
        for number, row in table.numbered():
            target, record = row[spec["table_field"]], row[spec["id_field"]]
            if target is None or record is None:
                continue
            if target not in tables:
                continue  # an unknown table name is reported by the field's enum constraint
            if record not in keys[target]:
                problems.append(Problem(table.path, number, spec["id_field"],
                                        messages.missing_reference(record, target, "/".join(tables[target].resource.primary_key),
                                                                   keys[target])))
    return problems


def redirects(tables: dict[str, Table]) -> list[Problem]:
    """A redirect points from an ID that no longer exists to one that does."""
    problems = []
    for table in tables.values():
        spec = table.resource.schema.get("x-redirects")
        if not spec:
            continue
        for number, row in table.numbered():
            target = tables.get(row[spec["table_field"]] or "")
            if target is None:
                continue  # an unknown table name is reported by the field's enum constraint
            keys = {_key(target, r) for r in target.rows}
            pk = "/".join(target.resource.primary_key)
            if row[spec["old_field"]] in keys:
                problems.append(Problem(table.path, number, spec["old_field"],
                                        f"{shown(row[spec['old_field']])} still exists in {target.name}; only a removed ID needs a redirect"))
            if row[spec["new_field"]] and row[spec["new_field"]] not in keys:
                problems.append(Problem(table.path, number, spec["new_field"],
                                        messages.missing_reference(row[spec["new_field"]], target.name, pk)))
    return problems


def citations_of(tables: dict[str, Table]) -> dict[tuple[str, str], list[dict]]:
    """Citation rows by (record_table, record_id)."""
    cited = defaultdict(list)
    for table in tables.values():
        spec = table.resource.schema.get("x-record-reference")
        if spec:
            for row in table.rows:
                cited[(row[spec["table_field"]], row[spec["id_field"]])].append(row)
    return cited


def uncited_rows(tables: dict[str, Table]) -> list[Problem]:
    """Every row of a table whose schema says x-citation-required has at least one citation."""
    cited = citations_of(tables)
    problems = []
    for table in tables.values():
        if not table.resource.schema.get("x-citation-required"):
            continue
        key_name = "/".join(table.resource.primary_key)
        for number, row in table.numbered():
            key = _key(table, row)
            if not cited.get((table.name, key)):
                problems.append(Problem(table.path, number, key_name,
                                        f"{shown(key)} has no citation: add a row to citations with record_table={table.name}, record_id={key}"))
    return problems


def orphan_actors(tables: dict[str, Table]) -> list[Problem]:
    """Every actor takes part in some fact, or is at least cited where an article names it (an
    actor mentioned only in passing). A row about the actor itself (its aliases, its own
    organisations row) does not count."""
    actors = tables.get("actors")
    if actors is None:
        return []
    used = {record_id for (table, record_id) in citations_of(tables) if table == "actors"}
    for table in tables.values():
        if table.name in ("actors", "aliases"):
            continue
        own_key = table.resource.primary_key
        for fk in schema_foreign_keys(table.resource.schema, table.name):
            if fk.resource != "actors" or fk.fields == own_key:
                continue
            used.update(row[fk.fields[0]] for row in table.rows)
    return [Problem(actors.path, number, "actor_id",
                    f"{shown(row['actor_id'])} is not referenced by any membership, organisation, event participant, statement "
                    "or subject, nor cited where an article names it")
            for number, row in actors.numbered() if row["actor_id"] not in used]


# --- actors and memberships -------------------------------------------------------------------

def actor_kinds(tables: dict[str, Table]) -> list[Problem]:
    """Memberships are in an organisation or a state; organisations rows describe organisations,
    and every organisation has one."""
    if "actors" not in tables:
        return []
    kind = {r["actor_id"]: r["kind"] for r in tables["actors"].rows}
    problems = []
    if "memberships" in tables:
        for number, row in tables["memberships"].numbered():
            target = row["organisation_id"]
            if target in kind and kind[target] not in ("organisation", "state"):
                problems.append(Problem(tables["memberships"].path, number, "organisation_id",
                                        f"{shown(target)} is a {kind[target]}; a membership must be in an organisation or a state"))
    if "organisations" in tables:
        described = set()
        for number, row in tables["organisations"].numbered():
            org = row["organisation_id"]
            described.add(org)
            if org in kind and kind[org] != "organisation":
                problems.append(Problem(tables["organisations"].path, number, "organisation_id",
                                        f"{shown(org)} is a {kind[org]} in actors; only organisations belong here"))
        for number, row in tables["actors"].numbered():
            if row["kind"] == "organisation" and row["actor_id"] not in described:
                problems.append(Problem(tables["actors"].path, number, "actor_id",
                                        f"{shown(row['actor_id'])} is an organisation but has no row in organisations"))
    return problems


# --- dates ------------------------------------------------------------------------------------

def _date_fields(table: Table) -> list[str]:
    return [f["name"] for f in _fields(table) if f.get("x-reduced-date")]


def _valid(value) -> bool:
    if value is None:
        return False
    try:
        dates.span(value)
        return True
    except dates.NotADate:
        return False


def calendar_dates(tables: dict[str, Table]) -> list[Problem]:
    """A date that has the right shape must also exist: no 2023-02-30 or 2023-13."""
    problems = []
    for table in tables.values():
        for name in _date_fields(table):
            for number, row in table.numbered():
                value = row[name]
                if value is None or not dates.PATTERN.match(value):
                    continue  # empty, or already reported by the pattern constraint
                try:
                    dates.span(value)
                except dates.NotADate:
                    problems.append(Problem(table.path, number, name, f"{value} is not a calendar date"))
    return problems


def date_ranges(tables: dict[str, Table]) -> list[Problem]:
    """End not before start, and a stated or inferred basis wherever a date is given."""
    problems = []
    for table in tables.values():
        schema = table.resource.schema
        start, end = schema.get("x-date-range", (None, None))
        basis = schema.get("x-date-basis")
        for number, row in table.numbered():
            if start and _valid(row[start]) and _valid(row[end]) and dates.latest(row[end]) < dates.earliest(row[start]):
                problems.append(Problem(table.path, number, end, f"{row[end]} is before {start} {row[start]}"))
            if basis and row[basis["field"]] is None and any(row[d] for d in basis["dates"]):
                problems.append(Problem(table.path, number, basis["field"],
                                        f"is required when {' or '.join(basis['dates'])} is given (stated or inferred)"))
    return problems


def not_after_publication(tables: dict[str, Table]) -> list[Problem]:
    """An event or statement cannot be dated after the source reporting it was published, unless
    the event's status allows it (vocab_event_statuses.may_postdate_source)."""
    if "sources" not in tables:
        return []
    published = {r["source_id"]: r["published_date"] for r in tables["sources"].rows if _valid(r["published_date"])}
    future_ok = {r["code"] for r in tables["vocab_event_statuses"].rows if r["may_postdate_source"] == "true"} \
        if "vocab_event_statuses" in tables else set()
    cited = citations_of(tables)
    problems = []
    for name, date_field, status_field in (("events", "start_date", "status"), ("statements", "date", None)):
        table = tables.get(name)
        if table is None:
            continue
        for number, row in table.numbered():
            if not _valid(row[date_field]) or (status_field and row[status_field] in future_ok):
                continue
            for citation in cited.get((name, _key(table, row)), []):
                source = citation["source_id"]
                if source in published and dates.earliest(row[date_field]) > dates.latest(published[source]):
                    allowed = f"; only an event with status {' or '.join(sorted(future_ok))} may be" if status_field else ""
                    problems.append(Problem(table.path, number, date_field,
                                            f"{row[date_field]} is after {source} was published ({published[source]}){allowed}"))
    return problems


# --- codes and text ---------------------------------------------------------------------------

def _known_code(codelist: str, value: str) -> bool:
    if codelist == "iso3166-1-alpha-3":
        return pycountry.countries.get(alpha_3=value) is not None
    if codelist == "bcp47":
        language = value.split("-")[0].lower()
        key = "alpha_2" if len(language) == 2 else "alpha_3"
        return pycountry.languages.get(**{key: language}) is not None
    return True


def code_lists(tables: dict[str, Table]) -> list[Problem]:
    """ISO codes must exist (pycountry), not just look right."""
    names = {"iso3166-1-alpha-3": "an ISO 3166-1 alpha-3 country code", "bcp47": "a BCP 47 tag of an ISO 639 language"}
    problems = []
    for table in tables.values():
        for field in _fields(table):
            codelist = field.get("x-codelist")
            if not codelist:
                continue
            for number, row in table.numbered():
                value = row[field["name"]]
                if value is not None and not _known_code(codelist, value):
                    problems.append(Problem(table.path, number, field["name"], f"{shown(value)} is not {names.get(codelist, codelist)}"))
    return problems


def safe_text(tables: dict[str, Table]) -> list[Problem]:
    """No cell a spreadsheet would run as a formula, and no control characters (tab, CR, NUL…)."""
    problems = []
    for table in tables.values():
        for number, row in table.numbered():
            for name, value in row.items():
                if value is None:
                    continue
                if value.startswith(FORMULA_START):
                    problems.append(Problem(table.path, number, name,
                                            f"starts with {value[0]!r}, which spreadsheets run as a formula"))
                control = next((ch for ch in value if unicodedata.category(ch) == "Cc"), None)
                if control is not None:
                    problems.append(Problem(table.path, number, name,
                                            f"contains the control character U+{ord(control):04X}"))
    return problems


# --- the article texts ------------------------------------------------------------------------

def source_texts(package: Package, tables: dict[str, Table]) -> tuple[dict[str, str], list[Problem]]:
    """Each source's text, checked against its text_sha256 and its listing in the descriptor."""
    texts: dict[str, str] = {}
    sources = tables.get("sources")
    if sources is None:
        return texts, []
    problems = []
    for number, row in sources.numbered():
        path = row["text_path"]
        if path is None:
            continue
        file, why = safe_path(package.root, path)
        if why:
            problems.append(Problem(sources.path, number, "text_path", why))
            continue
        data = file.read_bytes()
        digest = hashlib.sha256(data).hexdigest()
        if row["text_sha256"] and digest != row["text_sha256"]:
            problems.append(Problem(sources.path, number, "text_sha256",
                                    f"does not match {path} (its SHA-256 is {digest}): the text has changed"))
        resource = package.resource_by_path(path)
        if resource is None:
            problems.append(Problem(sources.path, number, "text_path", f"{path} is not listed as a resource in {package.descriptor_name}"))
        elif resource.hash is None:
            # Frictionless checks a listed hash; a missing one would leave the text unguarded.
            problems.append(Problem(package.descriptor_name, None, f"resource {resource.name}",
                                    f"has no hash; add \"hash\": \"sha256:{digest}\""))
        try:
            texts[row["source_id"]] = data.decode("utf-8")
        except UnicodeDecodeError:
            problems.append(Problem(path, None, None, "is not valid UTF-8"))
    return texts, problems + _unaccounted_articles(package, sources)


def _unaccounted_articles(package: Package, sources: Table) -> list[Problem]:
    """Every article text is listed in the descriptor and has its row in sources: an article
    half added would otherwise escape the excerpt checks and the coverage measure."""
    described = {row["text_path"] for row in sources.rows}
    texts = [r for r in package.resources.values() if not r.is_table]
    problems = [Problem(package.descriptor_name, None, f"resource {r.name}",
                        f"{r.path} has no row in {sources.path} (text_path); add its source row")
                for r in texts if r.path not in described]
    listed = {r.path for r in texts}
    for folder in sorted({str(Path(r.path).parent) for r in texts}):
        for file in sorted((package.root / folder).glob("*.txt")):
            path = f"{folder}/{file.name}"
            if path not in listed:
                problems.append(Problem(path, None, None, f"is not listed in {package.descriptor_name}; add it as a resource with its hash"))
    return problems


def _matched_prefix(needle: str, text: str) -> int:
    """How many leading characters of needle occur in text (a substring's prefixes do too)."""
    low, high = 0, len(needle)
    while low < high:
        mid = (low + high + 1) // 2
        if needle[:mid] in text:
            low = mid
        else:
            high = mid - 1
    return low


def _not_found(needle: str, text: str, where: str) -> str:
    n = _matched_prefix(needle, text)
    message = (f"not found verbatim in {where}: the first {n} characters match, then "
               f"{shown(needle[n:n + 30], 30)} differs from the text")
    if n:
        at = text.find(needle[:n]) + n
        message += f", which has {shown(text[at:at + 30], 30)}"
    return message


def _occurring(needles: set[str], texts) -> set[str]:
    """The needles found in any of the texts: one Aho-Corasick pass over each text, instead of
    searching every text for every needle (quadratic as aliases and articles grow together)."""
    automaton = ahocorasick.Automaton()
    for needle in needles:
        automaton.add_word(needle, needle)
    if not needles:
        return set()
    automaton.make_automaton()
    return {found for text in texts for _, found in automaton.iter(text)}


def verbatim(package: Package, tables: dict[str, Table], texts: dict[str, str]) -> list[Problem]:
    """Every excerpt occurs in its source, every statement's quote in a source cited for it, and
    every value of a field marked x-occurs-in-sources (an actor's name forms) in some article."""
    problems = []
    sources = {r["source_id"]: r for r in tables["sources"].rows} if "sources" in tables else {}
    for table in tables.values():
        spec = table.resource.schema.get("x-record-reference")
        if not spec:
            continue
        for number, row in table.numbered():
            text = texts.get(row["source_id"])
            if text is not None and row["excerpt"] and row["excerpt"] not in text:
                problems.append(Problem(table.path, number, "excerpt",
                                        _not_found(row["excerpt"], text, sources[row["source_id"]]["text_path"])))
    for table in tables.values():
        for field in (f["name"] for f in _fields(table) if f.get("x-occurs-in-sources")):
            printed = _occurring({row[field] for row in table.rows if row[field]}, texts.values())
            for number, row in table.numbered():
                if row[field] and row[field] not in printed:
                    problems.append(Problem(table.path, number, field, f"{shown(row[field])} does not occur in any article text"))
    statements = tables.get("statements")
    if statements is not None:
        cited = citations_of(tables)
        for number, row in statements.numbered():
            quote = row["quote"]
            cited_texts = [texts[c["source_id"]] for c in cited.get(("statements", row["statement_id"]), []) if c["source_id"] in texts]
            if quote and cited_texts and not any(quote in t for t in cited_texts):
                problems.append(Problem(statements.path, number, "quote",
                                        _not_found(quote, max(cited_texts, key=lambda t: _matched_prefix(quote, t)), "any cited source")))
    return problems


TABLE_RULES = (foreign_keys, record_references, uncited_rows, orphan_actors, actor_kinds,
               calendar_dates, date_ranges, not_after_publication, code_lists, safe_text)
