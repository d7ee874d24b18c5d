"""What the rules share: finding failing rows with Polars and listing them, keys as citations write
them, the citations of every table, and reduced dates as day ranges.

Rules find the failing rows with Polars (joins, masks, or a check of each distinct value), and
only those rows are turned into messages: the cost of a valid package is a few vectorised passes.
A huge broken file is listed MAX_LISTED rows at a time, with one line counting the rest.
"""

from __future__ import annotations

import difflib

import polars as pl

from dpmodel import dates
from dpmodel.csvfile import Table
from dpmodel.descriptor import KEY_SEPARATOR, foreign_key_of, true_values
from dpmodel.descriptor import foreign_keys as schema_foreign_keys
from dpmodel.problems import MAX_LISTED, Problem

INDEX = "_index"
MAX_SUGGESTED_FROM = 5000  # "did you mean …?" only among at most this many keys


def field_list(*, at_least: int) -> dict:
    """A keyword's fragment for a list of distinct field names of the schema (its profile part)."""
    return {
        "type": "array",
        "minItems": at_least,
        "maxItems": 20,
        "uniqueItems": True,
        "items": {"type": "string", "maxLength": 300},
        "x-names": "field",
    }


def fields(table: Table) -> list[dict]:
    return table.resource.schema["fields"]


def flagged(tables: dict[str, Table], table: Table, field: str, flag: str) -> list[str]:
    """The values of `field` whose lookup row (through the field's foreign key) has the boolean
    `flag` true, as that field's trueValues say: an event status that may lie ahead, a caveat kind
    that rests on the public record."""
    fk = foreign_key_of(table.resource.schema, table.name, field)
    lookup = tables.get(fk.resource) if fk else None
    if lookup is None:
        return []
    spec = next(f for f in fields(lookup) if f["name"] == flag)
    return sorted(lookup.frame.filter(pl.col(flag).is_in(true_values(spec)))[fk.ref_fields[0]].to_list())


def alternatives(codes: list[str], most: int = 5) -> str:
    """Codes for a message, 'a or b or c', the first `most` of them and a count of the rest: a lookup
    list of 100,000 flagged codes must not become 100,000 words on every line."""
    shown = " or ".join(codes[:most])
    return shown + (f" (or {len(codes) - most:,} more)" if len(codes) > most else "")


def key_expr(table: Table) -> pl.Expr:
    """A row's key as citations and redirects write it: the primary key's values joined by KEY_SEPARATOR."""
    key = [pl.col(k).fill_null("") for k in table.resource.primary_key]
    return key[0] if len(key) == 1 else pl.concat_str(key, separator=KEY_SEPARATOR)


def indexed(table: Table) -> pl.DataFrame:
    return table.frame.with_row_index(INDEX)


def listed(
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


def rows_where(
    table: Table,
    condition: pl.Expr,
    problems: list[Problem] | None = None,
    field: str | None = None,
    what: str = "",
    code: str = "",
):
    """(file row, row as a dict) for each row meeting condition, in file order (with `problems`,
    at most MAX_LISTED of them, and a line there counting the rest, with `code`)."""
    found = indexed(table).filter(condition)
    if problems is not None:
        found = listed(found, problems, table, field, what, code=code)
    for row in found.iter_rows(named=True):
        yield table.row_number(row.pop(INDEX)), row


# --- citations --------------------------------------------------------------------------------


def source_field(table: Table) -> str | None:
    """The field naming the article a row quotes: the one its excerpt field's x-excerpt-of names."""
    return next((f["x-excerpt-of"] for f in fields(table) if f.get("x-excerpt-of")), None)


def citations_of(tables: dict[str, Table]) -> pl.DataFrame:
    """Every citation as (record_table, record_id, source_id), from each table whose x-record-reference
    has the role citation (notes such as caveats are about rows, not evidence for them); source_id
    is the article its excerpt is from (x-excerpt-of), empty if it quotes none."""
    frames = [
        t.frame.select(
            pl.col(spec["table_field"]).alias("record_table"),
            pl.col(spec["id_field"]).alias("record_id"),
            (pl.col(source) if (source := source_field(t)) else pl.lit(None, pl.String)).alias("source_id"),
        )
        for t in tables.values()
        if (spec := t.resource.schema.get("x-record-reference")) and spec.get("role", "citation") == "citation"
    ]
    empty = pl.DataFrame(schema={"record_table": pl.String, "record_id": pl.String, "source_id": pl.String})
    return pl.concat(frames) if frames else empty


def cited(citations: pl.DataFrame, table: Table) -> pl.DataFrame:
    """The citations of one table's rows: record_id and source_id."""
    return citations.filter(pl.col("record_table") == table.name).select("record_id", "source_id")


# --- keys misspelled ---------------------------------------------------------------------------


def misspelled_keys(tables: dict[str, Table]) -> dict[str, dict[str, str | None]]:
    """For each table, the rows whose primary key holds a one-field foreign key that names no row
    (an ID typo: rule foreign_keys reports it, with the nearest ID): each such row's key, as
    citations write it, mapped to the key it has with that nearest ID put in (None when no ID is
    near). Other rules use it to report the typo once, where it is: the row is not asked to be
    cited under its misspelt key, and a citation already naming the corrected key is not wrong."""
    found: dict[str, dict[str, str | None]] = {}
    for table in tables.values():
        key = table.resource.primary_key
        for fk in schema_foreign_keys(table.resource.schema, table.name):
            target = tables.get(fk.resource)
            if target is None or len(fk.fields) != 1 or fk.fields[0] not in key:
                continue
            field, known = fk.fields[0], target.frame[fk.ref_fields[0]].drop_nulls()
            bad = table.frame.filter(pl.col(field).is_not_null() & ~pl.col(field).is_in(known.implode()))
            if bad.height == 0:
                continue
            choices = known.unique().to_list() if known.len() <= MAX_SUGGESTED_FROM else []
            for row in bad.head(MAX_LISTED).iter_rows(named=True):
                near = difflib.get_close_matches(row[field], choices, n=1, cutoff=0.8)
                parts = [row[k] or "" for k in key]
                fixed = [near[0] if k == field else v for k, v in zip(key, parts)] if near else None
                found.setdefault(table.name, {})[KEY_SEPARATOR.join(parts)] = (
                    KEY_SEPARATOR.join(fixed) if fixed else None
                )
    return found


# --- dates ------------------------------------------------------------------------------------


def date_fields(table: Table) -> list[str]:
    return [f["name"] for f in fields(table) if f.get("x-reduced-date")]


def is_date(value) -> bool:
    """Whether value is a reduced date that exists in the calendar."""
    if value is None:
        return False
    try:
        dates.span(value)
        return True
    except dates.NotADate:
        return False


def spans(values: pl.Series) -> pl.DataFrame:
    """For each distinct valid reduced date among values: its first and last day as ordinals
    (columns value, earliest, latest). Dates repeat a lot, so each distinct value is judged once."""
    found = {}
    for value in values.drop_nulls().unique().to_list():
        if is_date(value):
            first, last = dates.span(value)
            found[value] = (first.toordinal(), last.toordinal())
    return pl.DataFrame(
        {"value": list(found), "earliest": [s[0] for s in found.values()], "latest": [s[1] for s in found.values()]},
        schema={"value": pl.String, "earliest": pl.Int64, "latest": pl.Int64},
    )
