"""Every problem names its rule by a stable code: `data/events.csv:14 end_date [date-calendar]: …`.
The codes are declared beside the code that reports them (each module's CODES) and listed in
CONTRIBUTING.md by `make codebook`; these tests hold the declarations, the uses and the profile
to one another. (Every line of the hostile suite is held to a declared code by conftest.uncoded.)"""

from __future__ import annotations

import json
import re
from pathlib import Path

from dpmodel import codes, profile
from dpmodel.problems import Problem

ROOT = Path(__file__).resolve().parent.parent
LIB = ROOT / "scripts" / "lib"


def _source() -> str:
    return "\n".join(p.read_text(encoding="utf-8") for p in sorted(LIB.rglob("*.py")))


def test_every_code_is_declared_once_with_a_meaning_and_a_fix():
    found = codes.all_codes()
    assert len(found) > 100
    for code, (_module, meaning, fix) in found.items():
        assert codes.CODE.match(code), code
        assert meaning.endswith(".") and fix.endswith((".", ")")), (code, meaning, fix)
        assert "{" not in meaning + fix, (code, "a placeholder left unfilled")


def test_every_code_written_in_the_code_is_declared():
    source = _source()
    written = {m.group(1) for m in re.finditer(r'code="([^"]*)"', source)}  # a keyword argument, as PEP 8 spaces it
    assert written, "no code= found: the scan is broken"
    assert written - set(codes.all_codes()) == set()


def test_every_declared_code_is_used_somewhere():
    """A code's name appears in the source beyond its declaration (a code= argument, a table of
    codes such as pandera_check.CHECK_CODES), or it is a profile keyword's, made by profile.code_of."""
    source = _source()
    made_at_run_time = {profile.code_of(k) for k in _profile_keywords() - profile.UNREPORTED_KEYWORDS}
    unused = [code for code in codes.all_codes() if source.count(f'"{code}"') < 2 and code not in made_at_run_time]
    assert unused == []


# Keywords whose object maps names (of properties, definitions) to schemas or lists, not keywords.
NAME_MAPS = ("properties", "$defs", "definitions", "patternProperties", "dependentRequired", "dependentSchemas")


def _profile_keywords() -> set[str]:
    found: set[str] = set()

    def walk(value, in_properties=False):
        if isinstance(value, dict):
            for key, item in value.items():
                if not in_properties:
                    found.add(key)
                if key.startswith("x-") and not in_properties:
                    continue  # an annotation's value is data, not schemas
                walk(item, in_properties=key in NAME_MAPS and not in_properties)
        elif isinstance(value, list):
            for item in value:
                walk(item)

    for path in (ROOT / "schemas" / "profile").glob("*.json"):
        walk(json.loads(path.read_text(encoding="utf-8")))
    return found


def test_each_keyword_of_the_profile_has_its_code():
    """A finding of the profile is coded by its JSON Schema keyword; every keyword the profile uses
    that jsonschema reports on has its entry, and no entry names a keyword the profile lacks."""
    declared = {c for c in profile.CODES if c != "profile-too-deep"}
    wanted = {profile.code_of(k) for k in _profile_keywords() - profile.UNREPORTED_KEYWORDS}
    assert declared == wanted
    assert profile.code_of("additionalProperties") == "profile-additional-properties"


def test_a_line_reads_place_code_message():
    assert (
        str(Problem("data/events.csv", 14, "end_date", "2023-02-30 is not a calendar date", code="date-calendar"))
        == "data/events.csv:14 end_date [date-calendar]: 2023-02-30 is not a calendar date"
    )
    assert (
        str(Problem("datapackage.json", None, None, "is not valid JSON", code="descriptor-json-syntax"))
        == "datapackage.json [descriptor-json-syntax]: is not valid JSON"
    )


def test_the_same_cell_problem_has_one_code_whichever_engine_finds_it(pkg):
    """pandera and Frictionless (--frictionless) report a latitude above its maximum alike, code
    included, so the report shows it once."""
    number = pkg.set("places", {"place_id": "moscow"}, "latitude", "95.5")
    from dpcheck import validate

    found, _ = validate.validate(pkg.descriptor, frictionless_rows=True)
    assert [str(p) for p in set(found)] == [
        f"data/places.csv:{number} latitude [value-maximum]: '95.5' is above the maximum 90"
    ]


def test_contributing_lists_every_code():
    text = (ROOT / "CONTRIBUTING.md").read_text(encoding="utf-8")
    listed = re.findall(
        r"^\| `([a-z0-9-]+)` \|", text.split("<!-- codes:start -->")[1].split("<!-- codes:end -->")[0], re.M
    )
    assert listed == list(codes.all_codes())


def test_a_problem_is_one_line_whatever_it_quotes():
    """A column name or value from the data may hold any character that ends a line for some
    reader (the fuzz test found a vertical tab in a header); the line escapes each, so a report
    has one line per problem and each line its code."""
    breaking = [chr(c) for c in range(0x110000) if len(f"a{chr(c)}b".splitlines()) > 1] + ["\x00", "\x1b", "\t"]
    assert "\x0b" in breaking and "\u2028" in breaking
    for char in breaking:
        line = str(Problem("data/x.csv", 1, "col" + char, f"unexpected column {char}name", code="csv-header"))
        assert len(line.splitlines()) == 1 and char not in line, repr(char)
        assert line.startswith("data/x.csv:1 col") and " [csv-header]: unexpected column " in line


def test_a_problem_shows_what_would_hide_or_reorder_it_as_escapes():
    """A schema's own message text (x-required-when's `because`) or a quoted value may hold a
    bidirectional control or an invisible filler: the report shows them escaped, never live."""
    for char in ["\u202e", "\u2066", "\u200b", "\u3164", "\u00ad"]:
        line = str(Problem("data/x.csv", 1, "f", f"is empty, but kind {char}x", code="cite-reference-missing"))
        assert char not in line and line.endswith("is empty, but kind " + char.encode("unicode_escape").decode() + "x")
