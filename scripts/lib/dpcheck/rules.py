"""Rules across tables and against the article texts, which neither Frictionless nor pandera express.

Each rule takes the loaded tables (name -> Table) and returns problems. Rules read what they
need from the Table Schemas (foreign keys, reduced dates, date ranges, code lists, citation
requirements), so adding a column or a table needs no change here.

Rules find the failing rows with Polars (joins, masks, or a check of each distinct value), and
only those rows are turned into messages: the cost of a valid package is a few vectorised passes.
"""

from __future__ import annotations

import hashlib
import posixpath
import re
import unicodedata

import polars as pl

from dpmodel import dates, messages, safe_open, vocabulary
from dpmodel import excerpts as occurrences
from dpmodel.csvfile import Table, canonical_number
from dpmodel.descriptor import KEY_SEPARATOR, Package, safe_path
from dpmodel.descriptor import foreign_keys as schema_foreign_keys
from dpmodel.problems import MAX_LISTED, Problem, shown

# The rules' problem codes (dpmodel/codes.py gathers them for CONTRIBUTING.md): code -> (meaning, fix).
CODES: dict[str, tuple[str, str]] = {
    "key-dangling": (
        "An ID that refers to another row must name an existing row of the table it refers to.",
        "Correct the ID (the message suggests the nearest one), or add the row it names.",
    ),
    "key-record-dangling": (
        "A record_id must name an existing row of the table its record_table names.",
        "Correct record_id or record_table, or add the row it names.",
    ),
    "key-redirect-exists": (
        "A redirect's old ID must no longer exist: only a removed or renamed ID needs a redirect.",
        "Delete the redirect, or finish removing or renaming the old ID.",
    ),
    "key-redirect-dangling": (
        "A redirect's new ID must name an existing row of its table.",
        "Correct new_id to the ID that replaced the old one.",
    ),
    "cite-missing": (
        "Every row of a table that needs citations (events, event_participants, memberships, "
        "statements) has at least one citation.",
        "Add a row to citations with the record_table and record_id the message gives, "
        "and an excerpt that supports the row.",
    ),
    "cite-evidence-missing": (
        "A row that needs evidence must fill at least one group of evidence fields completely "
        "(an article and its excerpt, or a complete external reference).",
        "Fill one of the groups of fields the message lists.",
    ),
    "cite-evidence-partial": (
        "A group of evidence fields must be filled completely or not at all.",
        "Fill the other fields of the group, or empty the ones that are filled.",
    ),
    "row-unreferenced": (
        "Every actor takes part in some fact or is at least cited where an article names it.",
        "Use the row in a fact or cite where an article names it, or delete it.",
    ),
    "row-target-kind": (
        "A reference must point at a row of the right kind: a membership is in an organisation or "
        "a state, and an organisations row describes an organisation.",
        "Point the reference at a row of the kind the message names, or correct that row's kind.",
    ),
    "row-undescribed": (
        "A row of a given kind must have its row in the describing table: an actor of kind "
        "organisation needs its row in organisations.",
        "Add the row the message names to the describing table.",
    ),
    "row-cycle": (
        "No row may be its own ancestor through a parent field (a parent event, a parent organisation).",
        "Correct a parent ID in the cycle the message names so the chain ends.",
    ),
    "date-calendar": (
        "A date must exist in the calendar: no 2023-02-30 or 2023-13.",
        "Correct the date, keeping only the precision the text supports.",
    ),
    "date-range": ("An end date must not be before its start date.", "Correct the start or the end date."),
    "date-basis-missing": (
        "A row that gives a date must say whether the date is stated in the text or inferred.",
        "Fill the basis field with stated or inferred.",
    ),
    "date-after-source": (
        "A fact cannot be dated after an article citing it was published, unless it is planned or proposed.",
        "Check the date against the article; for an event only planned or proposed, set its status so.",
    ),
    "code-unknown": (
        "An ISO code (a country, a language) must exist in its code list, not just look right.",
        "Use the existing ISO 3166-1 alpha-3 or BCP 47 code for the country or language.",
    ),
    "text-formula": (
        "A text cell must not start with =, +, - or @, which spreadsheets run as a formula.",
        "Reword the start of the cell.",
    ),
    "text-control": (
        "A cell must not contain a control character (a tab, a line break, NUL and the like).",
        "Delete the control character, or replace a tab or line break with a space.",
    ),
    "text-invisible": (
        "A cell must not contain an invisible character that hides or reorders text (a zero-width "
        "character, a bidirectional control, the line or paragraph separator).",
        "Delete it; such characters often come with text copied from a web page.",
    ),
    "text-whitespace": ("A cell must not start or end with a space.", "Remove the leading or trailing whitespace."),
    "text-unsafe": (
        "More rows than are listed hold unsafe text: a formula-like start, a control or invisible "
        "character, or leading or trailing whitespace.",
        "Fix the rows listed, then validate again to see the rest.",
    ),
    "number-canonical": (
        "A number must be written in its one canonical form (27.559, not 27.5590; 0.0, never -0; "
        "no leading zeros), so that CSV, SQLite and Parquet agree.",
        "Run make fmt, which writes every number in its canonical form.",
    ),
    "article-missing": (
        "A source's text_path must name a readable plain file inside the package, not a missing "
        "file, a link, a URL or a path outside the package.",
        "Save the article text at text_path, or correct text_path to the file in articles/.",
    ),
    "article-too-large": (
        "An article text must not be larger than the size limit for texts.",
        "Keep only the article itself in the file: headline, byline and body.",
    ),
    "article-encoding": (
        "An article text must be valid UTF-8.",
        "Save the article text again, encoded as UTF-8, without changing its words.",
    ),
    "article-hash-mismatch": (
        "The hash recorded for an article text (text_sha256 in sources, hash in "
        "datapackage.json) must match the text; a mismatch means the text has changed.",
        "Restore the article text as published (texts are never edited); for a new text, "
        "record the hash sha256sum prints.",
    ),
    "article-hash-missing": (
        "An article text listed in datapackage.json must give its hash.",
        'Add the "hash" the message gives to the article\'s resource.',
    ),
    "article-hash-algorithm": (
        "A resource's hash must name a known algorithm, as in sha256:… (bare hex is MD5).",
        "Write the hash as sha256: followed by what sha256sum prints for the text.",
    ),
    "article-unlisted": (
        "Every article text must be listed as a resource in datapackage.json.",
        "Add the text as a resource in datapackage.json with its hash.",
    ),
    "article-no-source": (
        "Every article text listed in datapackage.json must have its row in sources (text_path).",
        "Add the article's row to data/sources.csv, with text_path naming the text.",
    ),
    "verbatim-excerpt": (
        "An excerpt must occur verbatim in its source's article text, character for character.",
        "Copy the excerpt again from the article file, from the point the message shows.",
    ),
    "verbatim-quote": (
        "A statement's quote and its context must occur verbatim in an article cited for the statement.",
        "Copy the words again from a cited article file, or cite the article that prints them.",
    ),
    "verbatim-contains": (
        "A statement's context must contain its quote verbatim.",
        "Make the context include the quote exactly as written, or correct the quote.",
    ),
    "verbatim-unprinted": (
        "A value recorded as printed (an alias; an upstream source's title, credit, date or "
        "address) must occur as a whole word in some article text.",
        "Copy the value exactly as an article prints it, as a whole word, or delete it.",
    ),
}

# The registry. A rule declares itself with @rule and the validator runs what is registered, in
# the order of this file: "table" rules judge each table on its own and always run; "package"
# rules work across tables and run only once every file could be read (a broken file would only
# echo as false dangling keys or missing citations). The article texts' checks (source_texts,
# then verbatim) take the texts as well and are the validator's own step after these.
PER_TABLE_RULES: list = []
CROSS_TABLE_RULES: list = []


def rule(scope: str):
    registry = {"table": PER_TABLE_RULES, "package": CROSS_TABLE_RULES}[scope]

    def register(function):
        registry.append(function)
        return function

    return register


# OWASP's CSV-injection guidance: a text cell may not start with a character a spreadsheet reads
# as a formula (tab and CR are control characters, refused anywhere). Numbers are not text.
FORMULA_START = ("=", "+", "-", "@")
# Characters that hide or reorder what a reader sees: bidirectional controls, zero-width
# characters and the byte order mark, and the Unicode line and paragraph separators.
INVISIBLE = {
    **{
        chr(c): "a bidirectional control"
        for c in [0x061C, 0x200E, 0x200F, *range(0x202A, 0x202F), *range(0x2066, 0x206A)]
    },
    **{chr(c): "a zero-width character" for c in [0x200B, 0x200C, 0x200D, 0x2060, 0xFEFF]},
    "\u2028": "the line separator",
    "\u2029": "the paragraph separator",
}
_INVISIBLE_CLASS = "".join(f"\\x{{{ord(c):04X}}}" for c in INVISIBLE)
UNSAFE_ANYWHERE = rf"[\x00-\x1F\x7F-\x9F{_INVISIBLE_CLASS}]|^\s|\s$"  # controls (Cc), invisibles, outer spaces
UNSAFE_TEXT = rf"^[=+\-@]|{UNSAFE_ANYWHERE}"
INDEX = "_index"


def _fields(table: Table) -> list[dict]:
    return table.resource.schema["fields"]


def _key_expr(table: Table) -> pl.Expr:
    """A row's key as citations and redirects write it: the primary key's values joined by KEY_SEPARATOR."""
    key = [pl.col(k).fill_null("") for k in table.resource.primary_key]
    return key[0] if len(key) == 1 else pl.concat_str(key, separator=KEY_SEPARATOR)


def _indexed(table: Table) -> pl.DataFrame:
    return table.frame.with_row_index(INDEX)


MAX_SUGGESTED_FROM = 5000  # "did you mean …?" only among at most this many keys


def _listed(
    frame: pl.DataFrame, problems: list[Problem], table: Table, field: str | None, what: str, *, code: str
) -> pl.DataFrame:
    """The first MAX_LISTED rows of frame (failing rows in file order); a line counts the rest,
    with `code`, the code of the rows it stands for."""
    if frame.height <= MAX_LISTED:
        return frame
    more = frame.height - MAX_LISTED
    problems.append(
        Problem(
            table.path,
            None,
            field,
            f"… and {more:,} more rows {what} (the first {MAX_LISTED:,} are listed)",
            count=more,
            code=code,
        )
    )
    return frame.head(MAX_LISTED)


def _rows_where(
    table: Table,
    condition: pl.Expr,
    problems: list[Problem] | None = None,
    field: str | None = None,
    what: str = "",
    code: str = "",
):
    """(file row, row as a dict) for each row meeting condition, in file order (with `problems`,
    at most MAX_LISTED of them, and a line there counting the rest, with `code`)."""
    found = _indexed(table).filter(condition)
    if problems is not None:
        found = _listed(found, problems, table, field, what, code=code)
    for row in found.iter_rows(named=True):
        yield table.row_number(row.pop(INDEX)), row


# --- references -------------------------------------------------------------------------------


@rule("package")
def foreign_keys(tables: dict[str, Table]) -> list[Problem]:
    """Every foreign key of every schema, self-references included; empty cells are not references."""
    problems = []
    for table in tables.values():
        for fk in schema_foreign_keys(table.resource.schema, table.name):
            fields, ref_fields = fk.fields, fk.ref_fields
            target = tables.get(fk.resource)
            if target is None:
                continue  # the target table could not be read; its own problems say why
            known = target.frame.select(pl.col(r).alias(f) for f, r in zip(fields, ref_fields))
            # First only whether a value is missing (an anti join keeps no index, sorts nothing and
            # needs no distinct keys: half the work); which rows, only if one is.
            if table.frame.select(fields).drop_nulls(fields).join(known, on=fields, how="anti").height == 0:
                continue
            known = known.drop_nulls().unique()
            values = _indexed(table).select(INDEX, *fields).drop_nulls(fields)
            missing = values.join(known, on=fields, how="anti").sort(INDEX)
            missing = _listed(
                missing,
                problems,
                table,
                ",".join(fields),
                f"whose {','.join(fields)} is not in {target.name}",
                code="key-dangling",
            )
            # A suggestion compares the value with every known key: only for short lists of keys.
            suggestions = (
                [KEY_SEPARATOR.join(k) for k in known.iter_rows()] if known.height <= MAX_SUGGESTED_FROM else []
            )
            for index, *value in missing.iter_rows():
                problems.append(
                    Problem(
                        table.path,
                        table.row_number(index),
                        ",".join(fields),
                        messages.missing_reference(
                            KEY_SEPARATOR.join(value), target.name, ",".join(ref_fields), suggestions
                        ),
                        code="key-dangling",
                    )
                )
    return problems


@rule("package")
def record_references(tables: dict[str, Table]) -> list[Problem]:
    """A polymorphic key (citations.record_table + record_id) must name an existing row."""
    problems = []
    for table in tables.values():
        spec = table.resource.schema.get("x-record-reference")
        if not spec:
            continue
        named, record = spec["table_field"], spec["id_field"]
        references = _indexed(table).select(INDEX, named, record).drop_nulls()
        # An unknown table name is reported by the field's enum constraint, not here.
        for name in sorted(set(references[named].unique().to_list()) & set(tables)):
            target = tables[name]
            keys = target.frame.select(_key_expr(target).alias(record))
            missing = _listed(
                references.filter(pl.col(named) == name).join(keys, on=record, how="anti").sort(INDEX),
                problems,
                table,
                record,
                f"whose {record} is not in {name}",
                code="key-record-dangling",
            )
            known = keys[record].to_list() if keys.height <= MAX_SUGGESTED_FROM else []
            for index, _, value in missing.iter_rows():
                problems.append(
                    Problem(
                        table.path,
                        table.row_number(index),
                        record,
                        messages.missing_reference(value, name, "/".join(target.resource.primary_key), known),
                        code="key-record-dangling",
                    )
                )
    return problems


@rule("package")
def redirects(tables: dict[str, Table]) -> list[Problem]:
    """A redirect points from an ID that no longer exists to one that does."""
    problems = []
    keys: dict[str, set[str]] = {}
    for table in tables.values():
        spec = table.resource.schema.get("x-redirects")
        if not spec:
            continue
        for number, row in table.numbered():
            target = tables.get(row[spec["table_field"]] or "")
            if target is None:
                continue  # an unknown table name is reported by the field's enum constraint
            if target.name not in keys:
                keys[target.name] = set(target.frame.select(_key_expr(target)).to_series().to_list())
            pk = "/".join(target.resource.primary_key)
            if row[spec["old_field"]] in keys[target.name]:
                problems.append(
                    Problem(
                        table.path,
                        number,
                        spec["old_field"],
                        f"{shown(row[spec['old_field']])} still exists in {target.name}; only a removed ID needs a redirect",
                        code="key-redirect-exists",
                    )
                )
            if row[spec["new_field"]] and row[spec["new_field"]] not in keys[target.name]:
                problems.append(
                    Problem(
                        table.path,
                        number,
                        spec["new_field"],
                        messages.missing_reference(row[spec["new_field"]], target.name, pk),
                        code="key-redirect-dangling",
                    )
                )
    return problems


def citations_of(tables: dict[str, Table]) -> pl.DataFrame:
    """Every citation as (record_table, record_id, source_id), from each table whose x-record-reference
    has the role citation (notes such as caveats are about rows, not evidence for them)."""
    frames = [
        t.frame.select(
            pl.col(spec["table_field"]).alias("record_table"),
            pl.col(spec["id_field"]).alias("record_id"),
            pl.col("source_id"),
        )
        for t in tables.values()
        if (spec := t.resource.schema.get("x-record-reference")) and spec.get("role", "citation") == "citation"
    ]
    empty = pl.DataFrame(schema={"record_table": pl.String, "record_id": pl.String, "source_id": pl.String})
    return pl.concat(frames) if frames else empty


def _cited(citations: pl.DataFrame, table: Table) -> pl.DataFrame:
    """The citations of one table's rows: record_id and source_id."""
    return citations.filter(pl.col("record_table") == table.name).select("record_id", "source_id")


@rule("package")
def uncited_rows(tables: dict[str, Table]) -> list[Problem]:
    """Every row of a table whose schema says x-citation-required has at least one citation."""
    citations = citations_of(tables)
    problems = []
    for table in tables.values():
        if not table.resource.schema.get("x-citation-required"):
            continue
        key_name = "/".join(table.resource.primary_key)
        keys = _indexed(table).select(INDEX, _key_expr(table).alias("record_id"))
        uncited = _listed(
            keys.join(_cited(citations, table), on="record_id", how="anti").sort(INDEX),
            problems,
            table,
            key_name,
            "without a citation",
            code="cite-missing",
        )
        for index, key in uncited.iter_rows():
            problems.append(
                Problem(
                    table.path,
                    table.row_number(index),
                    key_name,
                    f"{shown(key)} has no citation: add a row to citations with record_table={table.name}, record_id={key}",
                    code="cite-missing",
                )
            )
    return problems


@rule("package")
def unreferenced_rows(tables: dict[str, Table]) -> list[Problem]:
    """Every row of a table with x-referenced takes part in some fact (another table's foreign
    key points at it) or is at least cited (an actor an article names only in passing). A row
    about the row itself does not count: one from a table in `except` (its aliases), or one whose
    own primary key is the reference (its organisations row)."""
    problems = []
    citations = None
    for table in tables.values():
        spec = table.resource.schema.get("x-referenced")
        if not spec:
            continue
        citations = citations_of(tables) if citations is None else citations
        key = table.resource.primary_key[0]
        used = [_cited(citations, table)["record_id"]]
        for other in tables.values():
            if other.name == table.name or other.name in spec.get("except", []):
                continue
            for fk in schema_foreign_keys(other.resource.schema, other.name):
                if fk.resource == table.name and fk.fields != other.resource.primary_key:
                    used.append(other.frame[fk.fields[0]])
        used_ids = pl.concat(used).drop_nulls().unique()
        unused = list(
            _rows_where(
                table,
                ~pl.col(key).is_in(used_ids.implode()),
                problems,
                key,
                "referenced by nothing",
                code="row-unreferenced",
            )
        )
        problems += [
            Problem(
                table.path,
                number,
                key,
                f"{shown(row[key])} is not referenced by any {spec['by']}, nor cited where an article names it",
                code="row-unreferenced",
            )
            for number, row in unused
        ]
    return problems


@rule("package")
def target_kinds(tables: dict[str, Table]) -> list[Problem]:
    """A field with x-target-kind points (through its foreign key) only at rows of the given kinds:
    a membership is in an organisation or a state; an organisations row describes an organisation."""
    problems = []
    for table in tables.values():
        for field in _fields(table):
            spec, name = field.get("x-target-kind"), field["name"]
            fk = (
                next((fk for fk in schema_foreign_keys(table.resource.schema, table.name) if fk.fields == [name]), None)
                if spec
                else None
            )
            target = tables.get(fk.resource) if fk else None
            if target is None:
                continue
            if spec["field"] not in target.frame.columns:
                problems.append(
                    Problem(
                        table.resource.schema_path or table.path,
                        None,
                        name,
                        f"x-target-kind names {spec['field']!r}, which is not a field of {fk.resource}",
                        code="schema-reference",
                    )
                )
                continue
            kinds = target.frame.select(
                pl.col(fk.ref_fields[0]).alias("_target"), pl.col(spec["field"]).alias("_kind")
            ).unique("_target", keep="last")
            pointed = _indexed(table).select(INDEX, name).join(kinds, left_on=name, right_on="_target", how="inner")
            wrong = _listed(
                pointed.filter(~pl.col("_kind").is_in(spec["values"])).sort(INDEX),
                problems,
                table,
                name,
                f"pointing at a {fk.resource} row whose {spec['field']} is not one of {', '.join(spec['values'])}",
                code="row-target-kind",
            )
            for index, value, kind in wrong.select(INDEX, name, "_kind").iter_rows():
                problems.append(
                    Problem(
                        table.path,
                        table.row_number(index),
                        name,
                        f"{shown(value)} {messages.fill(spec['rule'], kind=kind)}",
                        code="row-target-kind",
                    )
                )
    return problems


@rule("package")
def described_rows(tables: dict[str, Table]) -> list[Problem]:
    """Each row of a table with x-described-by that is of the given kind has its row in the
    describing table (an organisation actor has its organisations row)."""
    problems = []
    for table in tables.values():
        spec = table.resource.schema.get("x-described-by")
        describing = tables.get(spec["resource"]) if spec else None
        if describing is None:
            continue
        key = table.resource.primary_key[0]
        undescribed = (pl.col(spec["when_field"]) == spec["when_value"]) & ~pl.col(key).is_in(
            describing.frame[spec["field"]].implode()
        )
        for number, row in _rows_where(
            table, undescribed, problems, key, f"without a row in {spec['resource']}", code="row-undescribed"
        ):
            problems.append(
                Problem(table.path, number, key, f"{shown(row[key])} {spec['rule']}", code="row-undescribed")
            )
    return problems


@rule("table")
def evidence(tables: dict[str, Table]) -> list[Problem]:
    """Each row of a table with x-evidence fills at least one group of fields completely (an
    article and its excerpt; an external reference's title, publisher, date and address), and
    no group only in part."""
    problems = []
    for table in tables.values():
        groups = table.resource.schema.get("x-evidence")
        if not groups:
            continue
        filled = [pl.all_horizontal(pl.col(f).is_not_null() for f in group) for group in groups]
        described = " or ".join("(" + ", ".join(group) + ")" for group in groups)
        for number, _ in _rows_where(
            table, ~pl.any_horizontal(filled), problems, groups[0][0], "without evidence", code="cite-evidence-missing"
        ):
            problems.append(
                Problem(
                    table.path,
                    number,
                    groups[0][0],
                    f"is empty, and so is every other piece of evidence: fill {described}",
                    code="cite-evidence-missing",
                )
            )
        for group in groups:
            for field in group:
                partly = pl.any_horizontal(pl.col(f).is_not_null() for f in group) & pl.col(field).is_null()
                for number, _ in _rows_where(
                    table,
                    partly,
                    problems,
                    field,
                    f"with {', '.join(group)} filled only in part",
                    code="cite-evidence-partial",
                ):
                    problems.append(
                        Problem(
                            table.path,
                            number,
                            field,
                            f"is required with {', '.join(g for g in group if g != field)}",
                            code="cite-evidence-partial",
                        )
                    )
    return problems


# --- dates ------------------------------------------------------------------------------------


def _date_fields(table: Table) -> list[str]:
    return [f["name"] for f in _fields(table) if f.get("x-reduced-date")]


def _spans(values: pl.Series) -> pl.DataFrame:
    """For each distinct valid reduced date among values: its first and last day as ordinals.
    Dates repeat a lot, so each distinct value is judged once, by the dates module."""
    spans = {}
    for value in values.drop_nulls().unique().to_list():
        if _valid(value):
            first, last = dates.span(value)
            spans[value] = (first.toordinal(), last.toordinal())
    return pl.DataFrame(
        {"value": list(spans), "earliest": [s[0] for s in spans.values()], "latest": [s[1] for s in spans.values()]},
        schema={"value": pl.String, "earliest": pl.Int64, "latest": pl.Int64},
    )


def _valid(value) -> bool:
    if value is None:
        return False
    try:
        dates.span(value)
        return True
    except dates.NotADate:
        return False


@rule("table")
def calendar_dates(tables: dict[str, Table]) -> list[Problem]:
    """A date that has the right shape must also exist: no 2023-02-30 or 2023-13."""
    problems = []
    for table in tables.values():
        for name in _date_fields(table):
            # Empty cells and values of the wrong shape are left to the pattern constraint.
            wrong = [
                v for v in table.frame[name].drop_nulls().unique().to_list() if dates.PATTERN.match(v) and not _valid(v)
            ]
            for number, row in _rows_where(
                table, pl.col(name).is_in(wrong), problems, name, "with dates not in the calendar", code="date-calendar"
            ):
                problems.append(
                    Problem(table.path, number, name, f"{row[name]} is not a calendar date", code="date-calendar")
                )
    return problems


@rule("table")
def date_ranges(tables: dict[str, Table]) -> list[Problem]:
    """End not before start, and a stated or inferred basis wherever a date is given."""
    problems = []
    for table in tables.values():
        schema = table.resource.schema
        start, end = schema.get("x-date-range", (None, None))
        basis = schema.get("x-date-basis")
        if start:
            spans = _spans(pl.concat([table.frame[start], table.frame[end]]))
            pairs = (
                _indexed(table)
                .select(INDEX, start, end)
                .join(spans.select(pl.col("value").alias(start), pl.col("earliest")), on=start, how="inner")
                .join(spans.select(pl.col("value").alias(end), pl.col("latest")), on=end, how="inner")
            )
            reversed_ = _listed(
                pairs.filter(pl.col("latest") < pl.col("earliest")).sort(INDEX),
                problems,
                table,
                end,
                f"ending before {start}",
                code="date-range",
            )
            for index, first, last, *_ in reversed_.iter_rows():
                problems.append(
                    Problem(
                        table.path, table.row_number(index), end, f"{last} is before {start} {first}", code="date-range"
                    )
                )
        if basis:
            undated = pl.col(basis["field"]).is_null() & pl.any_horizontal(
                pl.col(d).is_not_null() for d in basis["dates"]
            )
            for number, _ in _rows_where(
                table, undated, problems, basis["field"], "dated without a basis", code="date-basis-missing"
            ):
                problems.append(
                    Problem(
                        table.path,
                        number,
                        basis["field"],
                        f"is required when {' or '.join(basis['dates'])} is given (stated or inferred)",
                        code="date-basis-missing",
                    )
                )
    return problems


@rule("package")
def not_after_publication(tables: dict[str, Table]) -> list[Problem]:
    """A row whose schema says x-not-after-source cannot be dated after a source citing it was
    published (the sources' table says which field with x-published-date), unless its `unless`
    field points, through its foreign key, to a lookup row whose `flag` is true (an event with
    status planned or proposed)."""
    sources = next((t for t in tables.values() if t.resource.schema.get("x-published-date")), None)
    if sources is None:
        return []
    date_of = sources.resource.schema["x-published-date"]
    published = sources.frame.select(
        pl.col(sources.resource.primary_key[0]).alias("source_id"), pl.col(date_of).alias("published_date")
    ).join(
        _spans(sources.frame[date_of]).select(
            pl.col("value").alias("published_date"), pl.col("latest").alias("published_by")
        ),
        on="published_date",
        how="inner",
    )
    citations = citations_of(tables)
    problems = []
    for table in tables.values():
        spec = table.resource.schema.get("x-not-after-source")
        if not spec:
            continue
        date_field = spec["date"]
        rows = _indexed(table).select(INDEX, _key_expr(table).alias("record_id"), date_field)
        allowed = ""
        if spec.get("unless"):
            field, codes = spec["unless"]["field"], _flagged(tables, table, spec["unless"])
            rows = rows.filter(~table.frame[field].is_in(codes).fill_null(False))
            singular = table.name[:-1] if table.name.endswith("s") else table.name
            allowed = (
                f"; only {'an' if singular[:1] in 'aeiou' else 'a'} {singular} with {field} {' or '.join(codes)} may be"
            )
        late = (
            rows.join(
                _spans(table.frame[date_field]).select(pl.col("value").alias(date_field), "earliest"),
                on=date_field,
                how="inner",
            )
            .join(_cited(citations, table), on="record_id", how="inner")
            .join(published, on="source_id", how="inner")
            .filter(pl.col("earliest") > pl.col("published_by"))
            .sort(INDEX, maintain_order=True)
        )
        late = _listed(
            late, problems, table, date_field, "dated after their source was published", code="date-after-source"
        )
        for row in late.iter_rows(named=True):
            problems.append(
                Problem(
                    table.path,
                    table.row_number(row[INDEX]),
                    date_field,
                    f"{row[date_field]} is after {row['source_id']} was published ({row['published_date']}){allowed}",
                    code="date-after-source",
                )
            )
    return problems


def _flagged(tables: dict[str, Table], table: Table, unless: dict) -> list[str]:
    """The values of unless["field"] whose lookup row (through the field's foreign key) has
    unless["flag"] true, as that field's trueValues say."""
    fk = next(
        (fk for fk in schema_foreign_keys(table.resource.schema, table.name) if fk.fields == [unless["field"]]), None
    )
    lookup = tables.get(fk.resource) if fk else None
    if lookup is None:
        return []
    flag = next(f for f in _fields(lookup) if f["name"] == unless["flag"])
    return sorted(
        lookup.frame.filter(pl.col(unless["flag"]).is_in(vocabulary.true_values(flag)))[fk.ref_fields[0]].to_list()
    )


# --- codes and text ---------------------------------------------------------------------------


@rule("table")
def code_lists(tables: dict[str, Table]) -> list[Problem]:
    """ISO codes must exist (pycountry), not just look right."""
    problems = []
    for table in tables.values():
        for field in _fields(table):
            if not field.get("x-codelist"):
                continue
            codelist, name = vocabulary.CODELISTS[field["x-codelist"]], field["name"]
            unknown = [v for v in table.frame[name].drop_nulls().unique().to_list() if not codelist.known(v)]
            for number, row in _rows_where(
                table, pl.col(name).is_in(unknown), problems, name, f"that are not {codelist.what}", code="code-unknown"
            ):
                problems.append(
                    Problem(table.path, number, name, f"{shown(row[name])} is not {codelist.what}", code="code-unknown")
                )
    return problems


def _text_problems(value: str, is_text: bool) -> list[tuple[str, str]]:
    """What is unsafe in one cell (see FORMULA_START and INVISIBLE), as (code, message)."""
    found = []
    if is_text and value.startswith(FORMULA_START):
        found.append(("text-formula", f"starts with {value[0]!r}, which spreadsheets run as a formula"))
    control = next((ch for ch in value if unicodedata.category(ch) == "Cc"), None)
    if control is not None:
        found.append(("text-control", f"contains the control character U+{ord(control):04X}"))
    hidden = next((ch for ch in value if ch in INVISIBLE), None)
    if hidden is not None:
        found.append(
            ("text-invisible", f"contains {INVISIBLE[hidden]} U+{ord(hidden):04X}, which hides or reorders text")
        )
    if value[:1].isspace() and control is None:
        found.append(("text-whitespace", "starts with a space; remove leading whitespace"))
    if value[-1:].isspace() and control is None:
        found.append(("text-whitespace", "ends with a space; remove trailing whitespace"))
    return found


@rule("table")
def safe_text(tables: dict[str, Table]) -> list[Problem]:
    """No cell a spreadsheet would run as a formula, no control characters (tab, CR, NUL…), no
    invisible characters, no leading or trailing whitespace."""
    problems = []
    for table in tables.values():
        if not table.frame.columns:
            continue
        text = {f["name"] for f in _fields(table) if f.get("type", "string") == "string"}
        unsafe = pl.any_horizontal(
            pl.col(c).str.contains(UNSAFE_TEXT if c in text else UNSAFE_ANYWHERE).fill_null(False)
            for c in table.frame.columns
        )
        for number, row in _rows_where(table, unsafe, problems, None, "with unsafe text", code="text-unsafe"):
            for name, value in row.items():
                if value is not None:
                    problems += [
                        Problem(table.path, number, name, what, code=code)
                        for code, what in _text_problems(value, name in text)
                    ]
    return problems


@rule("table")
def canonical_numbers(tables: dict[str, Table]) -> list[Problem]:
    """One text per number, so that CSV, SQLite and Parquet agree cell for cell: a number is
    written as Python's shortest round-trip form (repr of the float: 27.559, not 27.5590; 0.0,
    never -0), an integer without sign or leading zeros beyond `-`. `make fmt` writes them so."""
    problems = []
    for table in tables.values():
        for field in _fields(table):
            kind = field.get("type", "string")
            if kind not in ("number", "integer"):
                continue
            name = field["name"]
            wrong = {}
            for value in table.frame[name].drop_nulls().unique().to_list():
                fixed = canonical_number(value, kind)
                if fixed is not None and fixed != value:
                    wrong[value] = fixed
            for number, row in _rows_where(
                table, pl.col(name).is_in(list(wrong)), problems, name, "not in canonical form", code="number-canonical"
            ):
                problems.append(
                    Problem(
                        table.path,
                        number,
                        name,
                        f"{shown(row[name])} is not in canonical form: write {wrong[row[name]]} "
                        "(one text per number, so CSV, SQLite and Parquet agree; make fmt does it)",
                        code="number-canonical",
                    )
                )
    return problems


@rule("table")
def parent_cycles(tables: dict[str, Table]) -> list[Problem]:
    """No row is its own ancestor through a self-referencing foreign key (a parent event, a
    parent organisation): a → b → a and a → a are refused, naming the cycle. A key refers back
    to its own table when it points at the table's primary key, or at the same target as the
    primary key does (organisations.parent_id and organisation_id both point at actors)."""
    problems = []
    for table in tables.values():
        pk = table.resource.primary_key
        keys = schema_foreign_keys(table.resource.schema, table.name)
        own = {(table.name, tuple(pk))} | {(fk.resource, tuple(fk.ref_fields)) for fk in keys if fk.fields == pk}
        for fk in keys:
            if len(fk.fields) != 1 or len(pk) != 1 or fk.fields == pk or (fk.resource, tuple(fk.ref_fields)) not in own:
                continue
            child, parent = fk.fields[0], pk[0]
            links = table.frame.select(child_key=pl.col(parent), parent_key=pl.col(child)).drop_nulls()
            parent_of = dict(links.iter_rows())
            for cycle in _cycles(parent_of):
                first = cycle[0]
                number = next(n for n, _ in _rows_where(table, pl.col(parent) == first))
                problems.append(
                    Problem(
                        table.path,
                        number,
                        child,
                        f"{' → '.join(map(repr, cycle + [first]))} is a cycle: "
                        f"no row may be its own ancestor through {child}",
                        code="row-cycle",
                    )
                )
    return problems


def _cycles(parent_of: dict[str, str]) -> list[list[str]]:
    """Each cycle of a parent map once, as a list starting at its smallest member."""
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    cycles = []
    for start in sorted(parent_of):
        path, node = [], start
        while node is not None and state.get(node) is None:
            state[node] = 1
            path.append(node)
            node = parent_of.get(node)
        if node is not None and state.get(node) == 1:
            cycle = path[path.index(node) :]
            at = cycle.index(min(cycle))
            cycles.append(cycle[at:] + cycle[:at])
        for visited in path:
            state[visited] = 2
    return cycles


# --- the article texts ------------------------------------------------------------------------


def _read_text(package: Package, path: str) -> tuple[bytes, str]:
    """A text's bytes and their SHA-256, read through safe_open (no link on its path, a regular
    file, at most the text limit: safe_open.TooLarge beyond it, safe_open.Refused if unreadable)."""
    data = safe_open.read(package.root, path, package.limits.text_bytes)
    return data, hashlib.sha256(data).hexdigest()


def read_texts(package: Package) -> dict[str, tuple[bytes, str]]:
    """Every text the descriptor lists, as _read_text gives it, by path: the validator reads them
    in a thread while Polars parses the tables (both mostly outside the GIL), not later beside the
    checks, where each read would wait for the interpreter. One that cannot be read is left to
    source_texts, which reads it again only if a source names it, as it would without this."""
    texts = {}
    for resource in package.resources.values():
        if not resource.is_table:
            try:
                texts[resource.path] = _read_text(package, resource.path)
            except safe_open.Refused:
                continue
    return texts


def source_texts(
    package: Package, tables: dict[str, Table], read: dict[str, tuple[bytes, str]] | None = None
) -> tuple[dict[str, str], list[Problem]]:
    """Each source's text, checked against its text_sha256 and its listing in the descriptor
    (`read`: texts already read by read_texts)."""
    texts: dict[str, str] = {}
    sources = tables.get("sources")
    if sources is None:
        return texts, []
    problems = []
    for number, row in sources.numbered():
        path = row["text_path"]
        if path is None:
            continue
        resource = package.resource_by_path(path)
        # A listed text's path was checked when the descriptor was loaded.
        why = None if resource is not None else safe_path(package.root, path)[1]
        if why:
            problems.append(Problem(sources.path, number, "text_path", why, code="article-missing"))
            continue
        try:
            data, digest = (read or {}).get(path) or _read_text(package, path)
        except safe_open.TooLarge:
            problems.append(
                Problem(
                    sources.path,
                    number,
                    "text_path",
                    f"{path} is larger than the {package.limits.text_bytes:,} bytes a text may be",
                    code="article-too-large",
                )
            )
            continue
        except safe_open.Refused as exc:
            problems.append(Problem(sources.path, number, "text_path", f"{path} {exc}", code="article-missing"))
            continue
        if row["text_sha256"] and digest != row["text_sha256"]:
            problems.append(
                Problem(
                    sources.path,
                    number,
                    "text_sha256",
                    f"does not match {path} (its SHA-256 is {digest}): the text has changed",
                    code="article-hash-mismatch",
                )
            )
        if resource is None:
            problems.append(
                Problem(
                    sources.path,
                    number,
                    "text_path",
                    f"{path} is not listed as a resource in {package.descriptor_name}",
                    code="article-unlisted",
                )
            )
        elif resource.hash is None:
            problems.append(
                Problem(
                    package.descriptor_name,
                    None,
                    f"resource {resource.name}",
                    f'has no hash; add "hash": "sha256:{digest}"',
                    code="article-hash-missing",
                )
            )
        else:
            problems += _descriptor_hash(package, resource, data, digest)
        try:
            texts[row["source_id"]] = data.decode("utf-8")
        except UnicodeDecodeError:
            problems.append(Problem(path, None, None, "is not valid UTF-8", code="article-encoding"))
    return texts, problems + _unaccounted_articles(package, sources)


def _descriptor_hash(package: Package, resource, data: bytes, sha256: str) -> list[Problem]:
    """The hash the descriptor lists for a text, "algorithm:hex" or bare hex meaning MD5 as in
    the Data Package spec, must be the text's (`sha256`, its SHA-256, already computed)."""
    algorithm, _, expected = resource.hash.rpartition(":")
    try:
        found = sha256 if algorithm == "sha256" else hashlib.new(algorithm or "md5", data).hexdigest()
    except ValueError:
        return [
            Problem(
                package.descriptor_name,
                None,
                f"resource {resource.name}",
                f"hash {shown(resource.hash)} names an unknown algorithm",
                code="article-hash-algorithm",
            )
        ]
    if found == expected.lower():
        return []
    label = {"sha256": "SHA-256", "md5": "MD5"}.get(algorithm or "md5", algorithm)
    return [
        Problem(
            resource.path,
            None,
            None,
            f"its {label} does not match the hash in {package.descriptor_name}: the text has changed "
            f"(listed {resource.hash}, found {algorithm or 'md5'}:{found})",
            code="article-hash-mismatch",
        )
    ]


def _unaccounted_articles(package: Package, sources: Table) -> list[Problem]:
    """Every article text is listed in the descriptor and has its row in sources: an article
    half added would otherwise escape the excerpt checks and the coverage measure."""
    described = {row["text_path"] for row in sources.rows}
    texts = [r for r in package.resources.values() if not r.is_table]
    problems = [
        Problem(
            package.descriptor_name,
            None,
            f"resource {r.name}",
            f"{r.path} has no row in {sources.path} (text_path); add its source row",
            code="article-no-source",
        )
        for r in texts
        if r.path not in described
    ]
    listed = {r.path for r in texts}
    for folder in sorted({posixpath.dirname(r.path) or "." for r in texts}):
        for name in sorted(file.name for file in (package.root / folder).glob("*.txt")):
            path = f"{folder}/{name}"
            if path not in listed:
                problems.append(
                    Problem(
                        path,
                        None,
                        None,
                        f"is not listed in {package.descriptor_name}; add it as a resource with its hash",
                        code="article-unlisted",
                    )
                )
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
    message = (
        f"not found verbatim in {where}: the first {n} characters match, then "
        f"{shown(needle[n : n + 30], 30)} differs from the text"
    )
    if n:
        at = text.find(needle[:n]) + n
        message += f", which has {shown(text[at : at + 30], 30)}"
    return message


# A mark put at every word boundary (between a word character and another, and at the edges of a
# string that starts or ends with one): a name occurs as a whole word exactly where its marked
# form occurs in the marked text ("NATO" in "la NATO", not in "sanzionato"), so the boundary
# check is part of the one search. A control character: never in a valid name (safe_text).
_BOUNDARY = "\x02"
_EDGES = re.compile(r"\b")


def _marked(text: str) -> str:
    return _EDGES.sub(_BOUNDARY, text.replace(_BOUNDARY, " "))


def _occurring(needles: set[str], texts) -> set[str]:
    """The needles found as whole words in any of the texts: one pass over all the texts for all
    the needles (dpmodel.excerpts, the first occurrence is enough), however names nest or repeat.
    Texts are joined by a space, itself a boundary, so no match spans two texts."""
    marked = {_marked(needle): needle for needle in needles if needle}
    found = occurrences.find(_marked(" ".join(texts)), marked, cap=1)
    return {marked[m] for m, starts in found.starts.items() if starts}


def _present(pairs: pl.DataFrame, value: str, texts: dict[str, str]) -> pl.DataFrame:
    """The (source_id, value) pairs whose value occurs in that source's text: each text searched
    once for all its distinct values together (dpmodel.excerpts, the first occurrence is enough),
    linear in the text and the values, however the values nest or repeat."""
    by_source: dict[str, list[str]] = {}
    for source, text_value in pairs.select("source_id", value).unique().iter_rows():
        if source in texts:
            by_source.setdefault(source, []).append(text_value)
    rows = [
        (source, needle)
        for source, values in by_source.items()
        for needle, starts in occurrences.find(texts[source], values, cap=1).starts.items()
        if starts
    ]
    return pl.DataFrame(rows, schema={"source_id": pl.String, value: pl.String}, orient="row")


def _verbatim_field(
    table: Table, field: dict, citations: pl.DataFrame, articles: pl.DataFrame, texts: dict[str, str]
) -> list[Problem]:
    """A field marked x-verbatim-in-cited-source (a statement's quote, its context) occurs in a
    source cited for its row; one marked x-contains holds the named field's value verbatim (a
    quote's context contains the quote)."""
    problems, name = [], field["name"]
    if field.get("x-contains"):
        inner = field["x-contains"]
        lacking = (
            pl.col(name).is_not_null()
            & pl.col(inner).is_not_null()
            & ~pl.col(name).str.contains(pl.col(inner), literal=True)
        )
        for number, row in _rows_where(
            table, lacking, problems, name, f"that do not contain their {inner}", code="verbatim-contains"
        ):
            problems.append(
                Problem(
                    table.path,
                    number,
                    name,
                    f"does not contain the {inner} {shown(row[inner])} verbatim",
                    code="verbatim-contains",
                )
            )
    if not field.get("x-verbatim-in-cited-source"):
        return problems
    quoted = (
        _indexed(table)
        .select(INDEX, _key_expr(table).alias("record_id"), pl.col(name).alias("_value"))
        .drop_nulls("_value")
        .join(_cited(citations, table), on="record_id", how="inner")
        .join(articles, on="source_id", how="inner")
    )
    present = _present(quoted, "_value", texts).with_columns(pl.lit(True).alias("_found"))
    unfound = (
        quoted.join(present, on=["source_id", "_value"], how="left")
        .group_by(INDEX)
        .agg(pl.col("_found").fill_null(False).any().alias("found"), pl.first("_value"), pl.col("source_id"))
        .filter(~pl.col("found"))
        .sort(INDEX)
    )
    unfound = _listed(
        unfound, problems, table, name, f"whose {name} is not found verbatim in a cited source", code="verbatim-quote"
    )
    for index, _, value, sources in unfound.iter_rows():
        cited_texts = [texts[source] for source in sources]
        problems.append(
            Problem(
                table.path,
                table.row_number(index),
                name,
                _not_found(value, max(cited_texts, key=lambda t: _matched_prefix(value, t)), "any cited source"),
                code="verbatim-quote",
            )
        )
    return problems


def verbatim(package: Package, tables: dict[str, Table], texts: dict[str, str]) -> list[Problem]:
    """Every excerpt occurs in its source, every field marked x-verbatim-in-cited-source (a
    statement's quote) in a source cited for its row, and every value of a field marked
    x-occurs-in-sources (an actor's name forms) in some article."""
    problems = []
    text_paths = (
        dict(tables["sources"].frame.select("source_id", "text_path").iter_rows()) if "sources" in tables else {}
    )
    articles = pl.DataFrame(
        {"source_id": list(texts), "_text": list(texts.values())}, schema={"source_id": pl.String, "_text": pl.String}
    )
    for table in tables.values():
        if not table.resource.schema.get("x-record-reference"):
            continue
        # Each distinct excerpt searched for once in its own source's text, all of a text's
        # excerpts in one pass (excerpts repeat: one passage supports several rows).
        excerpts = _indexed(table).select(INDEX, "source_id", "excerpt").drop_nulls()
        absent = (
            excerpts.select("source_id", "excerpt")
            .unique()
            .join(articles, on="source_id", how="inner")
            .join(_present(excerpts, "excerpt", texts), on=["source_id", "excerpt"], how="anti")
        )
        missing = _listed(
            excerpts.join(absent, on=["source_id", "excerpt"], how="inner").sort(INDEX),
            problems,
            table,
            "excerpt",
            "whose excerpt is not found verbatim in its source",
            code="verbatim-excerpt",
        )
        for index, source, excerpt, text in missing.iter_rows():
            problems.append(
                Problem(
                    table.path,
                    table.row_number(index),
                    "excerpt",
                    _not_found(excerpt, text, text_paths[source]),
                    code="verbatim-excerpt",
                )
            )
    occurring = [
        (table, f["name"]) for table in tables.values() for f in _fields(table) if f.get("x-occurs-in-sources")
    ]
    # Every such field's values searched for together: one pass over the texts, not one per field.
    printed = _occurring(
        {value for table, field in occurring for value in table.frame[field].drop_nulls().unique().to_list()},
        texts.values(),
    )
    for table, field in occurring:
        for number, row in _rows_where(
            table,
            pl.col(field).is_not_null() & ~pl.col(field).is_in(list(printed)),
            problems,
            field,
            "that occur in no article text",
            code="verbatim-unprinted",
        ):
            problems.append(
                Problem(
                    table.path,
                    number,
                    field,
                    f"{shown(row[field])} does not occur as a whole word in any article text",
                    code="verbatim-unprinted",
                )
            )
    citations = citations_of(tables)  # once, for every field checked against its row's sources
    for table in tables.values():
        for field in (f for f in _fields(table) if f.get("x-verbatim-in-cited-source") or f.get("x-contains")):
            problems += _verbatim_field(table, field, citations, articles, texts)
    return problems
