"""The Table Schema vocabulary of this package, written once.

For each field type, constraint, format and code list the package's profile admits, this module
says how a cell is checked (a Polars expression on the text as the CSV stores it), how the build
stores it (the cast from text, the Arrow and SQLite types), how a failure is worded and how the
codebook describes it. pandera_check, frictionless_check (which words Frictionless's findings),
rules, typed, sqlite and the codebook all read it, so adding a constraint is one entry here plus
its line in schemas/profile/table-schema.json (tests/test_schema_features.py holds the two equal).

Empty cells are never judged here: whether a value may be empty is the `required` constraint's.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

import polars as pl
import pycountry

from . import messages
from .descriptor import false_values, true_values

NUMBER = r"^[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?$"
INTEGER = r"^[+-]?[0-9]+$"
URI = r"^https?://[^\s]+$"


def _whole(pattern: str) -> str:
    return f"^(?:{pattern})$"  # Table Schema patterns match the whole value


@dataclass(frozen=True)
class FieldType:
    name: str
    expected: str  # completes "'x' is not …"
    arrow: str  # the pyarrow type constructor's name
    sqlite: str
    valid: Callable[[pl.Expr, dict], pl.Expr] | None  # whether a text cell has the type; None: any text
    column: Callable[[pl.Expr, dict], pl.Expr]  # from the CSV's text column to the values stored (valid cells only)
    # Whether a cell of the type is within what every output holds (SQLite, Parquet, the
    # spreadsheet): judged only where `valid` holds; None: every valid cell is.
    domain: Callable[[pl.Expr, dict], pl.Expr] | None = None
    domain_phrase: str = ""  # completes "'x' is outside …"


def _as_boolean(cell: pl.Expr, field: dict) -> pl.Expr:
    return pl.when(cell.is_null()).then(None).otherwise(cell.is_in(true_values(field)))


# The one value domain of each type, what every output holds exactly: text no longer than a
# spreadsheet cell (a schema's maxLength may say less, never more: the profile bounds it); numbers
# and integers as a spreadsheet keeps them, at most 15 significant digits and, when not zero,
# between the smallest normal double and Excel's largest number (SQLite and Parquet hold more: a
# spreadsheet's 15 digits are the narrowest). A cell outside is refused by the validator, so the
# build never meets one, and no output rounds a value silently (1e-400 is not taken as 0).
MAX_TEXT = 32_767  # characters: Excel's limit per cell (dpbuild/xlsx.py MAX_CELL is this)
INT64 = (-(2**63), 2**63 - 1)
MAX_DIGITS = 15  # significant digits: Excel's number precision
SMALLEST = 2.22507385850721e-308  # the smallest normal double rounded up to 15 digits; a spreadsheet reads anything nearer 0 as 0
LARGEST = 9.99999999999999e307  # Excel's largest number
TEXT_DOMAIN = (
    f"the {MAX_TEXT:,} characters a text may have (a spreadsheet cell's limit, "
    "where a character beyond U+FFFF counts twice)"
)
NUMBER_DOMAIN = (
    f"the numbers every download holds exactly: at most {MAX_DIGITS} significant digits "
    f"(a spreadsheet's precision), and 0 or between {SMALLEST:.15g} and {LARGEST:.15g} either way"
)
INTEGER_DOMAIN = (
    f"the integers every download holds exactly: at most {MAX_DIGITS} significant digits "
    f"(a spreadsheet's precision) and within a signed 64-bit integer ({INT64[0]:,} to {INT64[1]:,})"
)
_ASTRAL = r"[\x{10000}-\x{10FFFF}]"


def significant_digits(cell: pl.Expr) -> pl.Expr:
    """How many significant digits a number as written has: those of its mantissa without the
    leading and trailing zeros ('0.0250' and '25e-3' have two, '0' none)."""
    digits = cell.str.replace(r"[eE].*$", "").str.replace_all(r"[^0-9]", "")
    return digits.str.strip_chars_start("0").str.strip_chars_end("0").str.len_chars()


def _number_in_domain(cell: pl.Expr, field: dict) -> pl.Expr:
    size = cell.cast(pl.Float64, strict=False).abs()
    digits = significant_digits(cell)
    in_range = ((size == 0) & (digits == 0)) | ((size >= SMALLEST) & (size <= LARGEST))
    return (in_range & (digits <= MAX_DIGITS)).fill_null(False)


def _integer_in_domain(cell: pl.Expr, field: dict) -> pl.Expr:
    return (cell.cast(pl.Int64, strict=False).is_not_null() & (significant_digits(cell) <= MAX_DIGITS)).fill_null(False)


def utf16_length(cell: pl.Expr) -> pl.Expr:
    """A text's length as a spreadsheet counts it: in UTF-16 units (an emoji is two)."""
    return cell.str.len_chars() + cell.str.count_matches(_ASTRAL)


TYPES = {
    "string": FieldType(
        "string",
        "text",
        "string",
        "TEXT",
        None,
        lambda cell, field: cell,
        lambda cell, field: utf16_length(cell) <= MAX_TEXT,
        TEXT_DOMAIN,
    ),
    "number": FieldType(
        "number",
        "a number",
        "float64",
        "REAL",
        lambda cell, field: cell.str.contains(NUMBER),
        lambda cell, field: cell.cast(pl.Float64, strict=True),
        _number_in_domain,
        NUMBER_DOMAIN,
    ),
    "integer": FieldType(
        "integer",
        "an integer",
        "int64",
        "INTEGER",
        lambda cell, field: cell.str.contains(INTEGER),
        lambda cell, field: cell.cast(pl.Int64, strict=True),
        _integer_in_domain,
        INTEGER_DOMAIN,
    ),
    "boolean": FieldType(
        "boolean",
        "true or false",
        "bool_",
        "INTEGER",
        lambda cell, field: cell.is_in(true_values(field) + false_values(field)),
        _as_boolean,
    ),
}
# Columns the build derives (never in a schema a contributor writes): the calendar days of a reduced date.
DERIVED_TYPES = {"date": FieldType("date", "a date", "date32", "TEXT", None, lambda cell, field: cell)}


def outside_domain(value: str, field: dict) -> str:
    return f"{messages.shown(value)} is outside {field_type(field).domain_phrase}"


def field_type(field: dict) -> FieldType:
    name = field.get("type", "string")
    return TYPES.get(name) or DERIVED_TYPES[name]


def _as_number(cell: pl.Expr) -> pl.Expr:
    return cell.cast(pl.Float64, strict=False)


@dataclass(frozen=True)
class Constraint:
    name: str
    # Whether a non-empty text cell meets the constraint with this value; None where a whole
    # column is judged instead (required: the column's nullability; unique: pandera's own check).
    passes: Callable[[pl.Expr, Any], pl.Expr] | None
    message: Callable[[str, Any], str]  # a failing cell and the constraint's value
    phrase: Callable[[Any], str | None]  # the codebook's words; None says nothing


CONSTRAINTS = {
    "required": Constraint("required", None, lambda cell, value: messages.REQUIRED, lambda value: None),
    "unique": Constraint(
        "unique",
        None,
        lambda cell, value: f"{messages.shown(cell)} is not unique",
        lambda value: "unique" if value else None,
    ),
    "pattern": Constraint(
        "pattern", lambda cell, value: cell.str.contains(_whole(value)), messages.pattern, lambda value: f"`{value}`"
    ),
    "enum": Constraint(
        "enum",
        lambda cell, value: cell.is_in([str(o) for o in value]),
        messages.enum,
        lambda value: "one of " + ", ".join(f"`{v}`" for v in value),
    ),
    # A value that is not a number fails the type check; bounds only judge real numbers.
    "minimum": Constraint(
        "minimum",
        lambda cell, value: ~(_as_number(cell) < value).fill_null(False),
        messages.minimum,
        lambda value: f"at least {value}",
    ),
    "maximum": Constraint(
        "maximum",
        lambda cell, value: ~(_as_number(cell) > value).fill_null(False),
        messages.maximum,
        lambda value: f"at most {value}",
    ),
    "minLength": Constraint(
        "minLength",
        lambda cell, value: cell.str.len_chars() >= value,
        messages.min_length,
        lambda value: f"at least {value} characters",
    ),
    "maxLength": Constraint(
        "maxLength",
        lambda cell, value: cell.str.len_chars() <= value,
        messages.max_length,
        lambda value: f"at most {value} characters",
    ),
}


def constraints(field: dict) -> list[tuple[Constraint, Any]]:
    """The field's constraints with their values, in the order of CONSTRAINTS."""
    given = field.get("constraints") or {}
    return [(c, given[name]) for name, c in CONSTRAINTS.items() if name in given]


def is_required(field: dict) -> bool:
    return bool((field.get("constraints") or {}).get("required"))


def is_unique(field: dict) -> bool:
    return bool((field.get("constraints") or {}).get("unique"))


@dataclass(frozen=True)
class Format:
    name: str
    passes: Callable[[pl.Expr], pl.Expr] | None
    message: Callable[[str], str]
    phrase: str | None


FORMATS = {
    "default": Format("default", None, lambda cell: "", None),
    "uri": Format("uri", lambda cell: cell.str.contains(URI), messages.uri, "an http(s) address"),
}


def field_format(field: dict) -> Format:
    return FORMATS[field.get("format", "default")]


def _bcp47(value: str) -> bool:
    language = value.split("-")[0].lower()
    key = "alpha_2" if len(language) == 2 else "alpha_3"
    return pycountry.languages.get(**{key: language}) is not None


@dataclass(frozen=True)
class Codelist:
    name: str
    what: str  # completes "'x' is not …"
    phrase: str  # the codebook's words
    known: Callable[[str], bool]


CODELISTS = {
    "iso3166-1-alpha-3": Codelist(
        "iso3166-1-alpha-3",
        "an ISO 3166-1 alpha-3 country code",
        "ISO 3166-1 alpha-3",
        lambda value: pycountry.countries.get(alpha_3=value) is not None,
    ),
    "bcp47": Codelist("bcp47", "a BCP 47 tag of an ISO 639 language", "BCP 47", _bcp47),
}
