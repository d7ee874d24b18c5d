"""Check a descriptor or Table Schema against the package's profile (schemas/profile/*.json)
before any other code reads it, so that a value of the wrong type, a key nobody reads, a remote
reference or JSON nested to any depth is a located message and never a traceback.

The profile is a JSON Schema, applied with the jsonschema library; this module only words its
findings the way the rest of the validator does ("resources[3].dialect: must be an object").
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from typing import TYPE_CHECKING

import jsonschema_rs

if TYPE_CHECKING:
    import jsonschema

from . import REPOSITORY
from .problems import Problem

PROFILE_DIR = REPOSITORY / "schemas" / "profile"
MAX_DEPTH = 16  # the deepest a descriptor or schema needs is 6 (resources[i].schema.fields[j].constraints.enum)
TYPE_NAMES = {
    "object": "an object",
    "array": "a list",
    "string": "a string",
    "integer": "a whole number",
    "number": "a number",
    "boolean": "true or false",
    "null": "null",
}
STRICTER = "(this package's profile, stricter than the Data Package standard)"


def _rule(meaning: str) -> str:
    return f"The descriptor or Table Schema breaks the profile's {meaning}"


# One code per JSON Schema keyword of schemas/profile/*.json that can fail (code_of: profile-<keyword in
# kebab case>), written out so that CONTRIBUTING.md lists them; the tests hold this list to the profile's
# keywords. The others never fail themselves: annotations, and keywords whose subschemas report instead.
UNREPORTED_KEYWORDS = frozenset(
    # the package's own annotations: x-names (what a property names, dpmodel/names.py), x-rule (who implements it)
    {"$schema", "$defs", "$ref", "title", "description", "properties", "items", "prefixItems", "if", "then"}
    | {"x-names", "x-rule"}
)
CODES: dict[str, tuple[str, str]] = {
    "profile-too-deep": (
        f"A descriptor or Table Schema may nest objects and lists at most {MAX_DEPTH} levels deep.",
        "Remove the extra nesting; no property of a descriptor or schema needs that depth.",
    ),
    "profile-additional-properties": (
        _rule("`additionalProperties` rule: an object has a key the profile does not list (unknown or misspelt)."),
        "Remove the key or correct its spelling; the message lists the keys allowed there.",
    ),
    "profile-const": (
        _rule("`const` rule: a value differs from the one value allowed there."),
        "Write exactly the value the message names.",
    ),
    "profile-dependent-required": (
        _rule("`dependentRequired` rule: a property is given without another that must go with it."),
        "Add the property the message names, or remove the one that needs it.",
    ),
    "profile-enum": (
        _rule("`enum` rule: a value is not one of those allowed there."),
        "Use one of the values the message lists.",
    ),
    "profile-max-items": (
        _rule("`maxItems` rule: a list has more items than allowed there."),
        "Remove items until the list is within the limit the message names.",
    ),
    "profile-max-length": (
        _rule("`maxLength` rule: a text is longer than allowed there."),
        "Shorten the text to the length the message names.",
    ),
    "profile-maximum": (
        _rule("`maximum` rule: a number is above the largest allowed there."),
        "Use a number no larger than the one the message names.",
    ),
    "profile-min-items": (
        _rule("`minItems` rule: a list has fewer items than it needs."),
        "Add items until the list has as many as the message names.",
    ),
    "profile-min-length": (
        _rule("`minLength` rule: a text is shorter than allowed there (often empty)."),
        "Fill in the text, at least as long as the message names.",
    ),
    "profile-minimum": (
        _rule("`minimum` rule: a number is below the smallest allowed there."),
        "Use a number no smaller than the one the message names.",
    ),
    "profile-one-of": (
        _rule("`oneOf` rule: a value has none of the forms allowed there."),
        "Write the value in one of the forms the message or the profile's description gives.",
    ),
    "profile-pattern": (
        _rule("`pattern` rule: a text does not have the form required there."),
        "Rewrite the value in the form the message describes.",
    ),
    "profile-required": (
        _rule("`required` rule: a property it must have is missing."),
        "Add the property the message names.",
    ),
    "profile-type": (
        _rule("`type` rule: a value has the wrong JSON type, such as a text where a list belongs."),
        "Write the value as the type the message names (for a number or true/false, without quotes).",
    ),
    "profile-unique-items": (
        _rule("`uniqueItems` rule: a list holds the same item twice."),
        "Remove the repeated item.",
    ),
}


def code_of(keyword: str) -> str:
    """The code of a profile keyword's finding: required -> profile-required, maxLength -> profile-max-length."""
    return "profile-" + re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "-", keyword.lstrip("$")).lower()


@lru_cache(maxsize=None)
def _profile(name: str) -> dict:
    """schemas/profile/<name>.json: the project's profile, not a contributor's copy."""
    return json.loads((PROFILE_DIR / f"{name}.json").read_text(encoding="utf-8"))


@lru_cache(maxsize=None)
def validator(name: str) -> jsonschema.Draft202012Validator:
    """jsonschema's validator, whose errors carry what the messages need (rule, limit, description).
    Imported only here, for a file found invalid: a tenth of a second of every validation otherwise."""
    import jsonschema

    return jsonschema.Draft202012Validator(_profile(name))


@lru_cache(maxsize=None)
def fast_validator(name: str):
    """jsonschema-rs's validator: the same profile, 100 times faster, for the common case of a valid
    file (7,300 resources take 8 ms instead of 1.2 s); only an invalid one is read again for messages."""
    return jsonschema_rs.validator_for(_profile(name))


def depth(value: object) -> int:
    """How deeply containers nest in value, without recursion (a hostile file may nest 100,000 deep)."""
    level, containers = 0, [value]
    while True:  # one level at a time: every load runs this on every schema
        containers = [item for item in containers if isinstance(item, (dict, list))]
        if not containers or level > MAX_DEPTH:
            return level
        level += 1
        children = []
        for item in containers:
            children.extend(item.values() if isinstance(item, dict) else item)
        containers = children


def location(path) -> str:
    """A JSON path as people write it: resources[3].schema.fields[0].name."""
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _shown(value: object) -> str:
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 60 else text[:60] + "…"


def _type_name(value: object) -> str:
    for name, kind in (
        ("boolean", bool),
        ("a whole number", int),
        ("a number", float),
        ("a string", str),
        ("a list", list),
        ("an object", dict),
    ):
        if isinstance(value, kind):
            return "true or false" if name == "boolean" else name
    return "null"


def _message(error: jsonschema.ValidationError) -> tuple[str, str]:
    """(where, what) for one profile violation."""
    where = location(error.absolute_path)
    rule, expected, value = error.validator, error.validator_value, error.instance
    description = error.schema.get("description", "") if isinstance(error.schema, dict) else ""
    if rule == "additionalProperties":
        extra = sorted(set(value) - set(error.schema.get("properties", {})))
        if "$schema" in extra:
            return where, f"'$schema' is not allowed {STRICTER}: remote profiles are never fetched"
        allowed = ", ".join(sorted(error.schema.get("properties", {})))
        return where, f"unknown key {', '.join(map(repr, extra))} {STRICTER}; allowed: {allowed}"
    if rule == "required":
        missing = [k for k in expected if k not in value]
        return where, f"needs {', '.join(map(repr, missing))}"
    if rule == "dependentRequired":
        missing = [
            f"{k!r} with {given!r}"
            for given, needed in expected.items()
            if given in value
            for k in needed
            if k not in value
        ]
        return where, f"needs {', '.join(missing)}"
    if rule == "type":
        wanted = " or ".join(TYPE_NAMES.get(t, t) for t in ([expected] if isinstance(expected, str) else expected))
        return where, f"must be {wanted}, not {_type_name(value)} {_shown(value)}" + (
            f" ({description})" if description else ""
        )
    if rule == "enum":
        shown = repr(value) if isinstance(value, str) and len(value) <= 60 else _shown(value)
        return where, f"{shown} is not one of: {', '.join(sorted(map(str, expected)))}" + (
            f" ({description})" if description else ""
        )
    if rule == "const":
        return where, f"must be {_shown(expected)}, not {_shown(value)}"
    if rule == "pattern":
        return where, f"{_shown(value)} does not match {expected}" + (f": {description}" if description else "")
    if rule in ("maxLength", "maxItems", "minLength", "minItems", "minimum", "maximum"):
        what = {
            "maxLength": f"is longer than {expected} characters",
            "minLength": f"is shorter than {expected} characters",
            "maxItems": f"has more than {expected} items",
            "minItems": f"needs at least {expected} item(s)",
            "minimum": f"is below {expected}",
            "maximum": f"is above {expected}",
        }[rule]
        return where, f"{what}"
    if rule == "oneOf":
        return where, f"{_shown(value)} has the wrong form" + (f": {description}" if description else "")
    return where, f"breaks the profile rule {rule} ({error.message[:120]})"


def _placed(value: object, path: list) -> tuple[str, str | None]:
    """(field, key) for a finding inside a Table Schema's field: the field's name where it has one,
    so that `schemas/places.json latitude: type 'geopoint' …` reads like the rest of the report."""
    if len(path) >= 2 and path[0] == "fields" and isinstance(path[1], int) and isinstance(value, dict):
        fields = value.get("fields")
        field = fields[path[1]] if isinstance(fields, list) and path[1] < len(fields) else None
        name = field.get("name") if isinstance(field, dict) else None
        if isinstance(name, str) and name:
            return name, location(path[2:]) or None  # None: the field itself
    return location(path), ""


def check(value: object, profile: str, shown_as: str, prefix: str = "") -> list[Problem]:
    """Problems of value (a parsed descriptor or Table Schema) against schemas/profile/<profile>.json.
    `prefix` places the findings of an inline schema (resources[3].schema)."""
    if depth(value) > MAX_DEPTH:
        return [
            Problem(
                shown_as,
                None,
                prefix or None,
                f"is nested more than {MAX_DEPTH} levels deep; no descriptor or schema needs that",
                code="profile-too-deep",
            )
        ]
    if fast_validator(profile).is_valid(value):
        return []
    problems = []
    for error in sorted(
        validator(profile).iter_errors(value), key=lambda e: (list(map(str, e.absolute_path)), e.validator)
    ):
        where, what = _message(error)
        place, key = _placed(value, list(error.absolute_path))
        if key:  # inside a named field: "latitude: type 'geopoint' is not one of …"
            where, what = place, f"{key} {what}"
        elif key is None:  # the named field itself: "day: needs 'constraints'"
            where = place
        field = ".".join(p for p in (prefix, where) if p) or None
        problems.append(Problem(shown_as, None, field, what, code=code_of(error.validator)))
    return problems
