"""Hostile input: the valid package broken in many distinct ways, each a named case.

For every case the validator must exit 1 with a line naming the file, the row and the field (as
far as the problem has them), print no traceback, and write nothing. Foreign keys and free-text
columns are enumerated from the Table Schemas and broken all at once, in one validation, each
expected on a line of its own (a new table's keys and text columns are covered with no edit here).
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import os
from pathlib import Path

import pytest

from conftest import own_lines, uncoded
from dpcheck import validate
from parity import assert_parity, findings_in

ROOT = Path(__file__).resolve().parent.parent
SOURCE = "2023-04-putin-meets-li-shangfu"
MEETING = "putin-li-shangfu-meeting-2023-04-16"
STATE_VISIT = "xi-jinping-state-visit-moscow-2023-03"
SLUG = "^[a-z0-9]+(-[a-z0-9]+)*$"
DATE = "^[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?$"


def _schemas() -> dict[str, dict]:
    return {p.stem: json.loads(p.read_text()) for p in sorted((ROOT / "schemas").glob("*.json"))}


def _first_row_with(pkg, table: str, field: str) -> dict:
    return next(r for r in pkg.read(table)[1] if r[field])


def _key(pkg, table: str, row: dict) -> dict:
    return {k: row[k] for k in _schemas()[table]["primaryKey"]}


def _descriptor(pkg, change) -> None:
    descriptor = json.loads(pkg.descriptor.read_text())
    change(descriptor)
    pkg.descriptor.write_text(json.dumps(descriptor))


def _resource_index(pkg, name: str) -> int:
    return next(i for i, r in enumerate(json.loads(pkg.descriptor.read_text())["resources"]) if r["name"] == name)


def _raw_line(pkg, table: str, number: int, change) -> None:
    lines = pkg.path(table).read_bytes().split(b"\n")
    lines[number - 1] = change(lines[number - 1])
    pkg.path(table).write_bytes(b"\n".join(lines))


# --- the cases: each mutates the copy and returns the start of the line the report must contain
def malformed_descriptor_json(pkg):
    pkg.descriptor.write_text('{"name": "x",\n "resources": [}\n')
    return ["datapackage.json:2: is not valid JSON: Expecting value (column 16)"]


def descriptor_not_an_object(pkg):
    pkg.descriptor.write_text("[]")
    return "datapackage.json resources: the descriptor must be an object"


def duplicate_resource_name(pkg):
    _descriptor(pkg, lambda d: d["resources"][1].update(name="sources"))
    return "datapackage.json resources[1]: resource name 'sources' is used twice"


def path_with_parent_directory(pkg):
    descriptor = json.loads(pkg.descriptor.read_text())
    descriptor["resources"][6]["path"] = "../events.csv"
    pkg.descriptor.write_text(json.dumps(descriptor))
    return ["datapackage.json resources[6].path: resource 'events': '../events.csv' leads outside the package ('..')"]


def absolute_path(pkg):
    descriptor = json.loads(pkg.descriptor.read_text())
    descriptor["resources"][0]["path"] = "/etc/passwd"
    pkg.descriptor.write_text(json.dumps(descriptor))
    return [
        "datapackage.json resources[0].path: resource 'sources': '/etc/passwd' is an absolute path; resources must be relative to datapackage.json"
    ]


def url_path(pkg):
    _descriptor(pkg, lambda d: d["resources"][0].update(path="https://example.org/sources.csv"))
    return "datapackage.json resources[0].path: resource 'sources': 'https://example.org/sources.csv' is a URL"


def symlinked_file(pkg):
    target = pkg.root.parent / "elsewhere.csv"
    target.write_bytes(pkg.path("places").read_bytes())
    pkg.path("places").unlink()
    os.symlink(target, pkg.path("places"))
    return [
        "datapackage.json resources[5].path: resource 'places': 'data/places.csv' passes through a symbolic link; resources must be plain files"
    ]


def symlinked_folder(pkg):
    """Every text in a folder that is a symbolic link is refused, each on its own line (the loader
    looks each folder up once: it must not take a refused one for a checked one)."""
    target = pkg.root.parent / "elsewhere"
    (pkg.root / "articles").rename(target)
    os.symlink(target, pkg.root / "articles")
    texts = [
        (i, r)
        for i, r in enumerate(json.loads(pkg.descriptor.read_text())["resources"])
        if r["path"].startswith("articles/")
    ]
    assert len(texts) > 1
    return [
        f"datapackage.json resources[{i}].path: resource '{r['name']}': '{r['path']}' passes through a symbolic link; "
        "resources must be plain files"
        for i, r in texts
    ]


def missing_data_file(pkg):
    pkg.path("events").unlink()
    return ["data/events.csv: does not exist (listed as resource 'events' in datapackage.json)"]


def missing_schema_file(pkg):
    (pkg.root / "schemas" / "events.json").unlink()
    return f"datapackage.json resources[{_resource_index(pkg, 'events')}].schema: resource 'events': 'schemas/events.json' does not exist"


def malformed_schema_json(pkg):
    (pkg.root / "schemas" / "places.json").write_text('{"fields": [')
    return "schemas/places.json:1: is not valid JSON"


def pattern_the_checks_cannot_run(pkg):
    schema_file = pkg.root / "schemas" / "places.json"
    schema = json.loads(schema_file.read_text())
    next(f for f in schema["fields"] if f["name"] == "place_id")["constraints"]["pattern"] = "^(?!x)[a-z-]+$"
    schema_file.write_text(json.dumps(schema))
    return "schemas/places.json place_id: pattern '^(?!x)[a-z-]+$' is not a regular expression the checks can run"


def file_not_utf8(pkg):
    number = pkg.row_number("places", place_id="moscow-kremlin")
    data = pkg.path("places").read_bytes().replace("Cremlino".encode(), "Cr\xe9mlino".encode("latin-1"))
    pkg.path("places").write_bytes(data)
    return [f"data/places.csv:{number}: is not valid UTF-8 (byte 0xe9); save it as UTF-8"]


def byte_order_mark(pkg):
    pkg.path("places").write_bytes(b"\xef\xbb\xbf" + pkg.path("places").read_bytes())
    return ["data/places.csv:1: starts with a byte order mark (BOM); save it as UTF-8 without BOM"]


def crlf_line_endings(pkg):
    pkg.path("places").write_bytes(pkg.path("places").read_bytes().replace(b"\n", b"\r\n"))
    return ["data/places.csv:1: has a CR (CRLF or CR line ending); lines must end with LF only"]


def nul_byte(pkg):
    pkg.path("places").write_bytes(pkg.path("places").read_bytes().replace(b"Mosca", b"Mos\x00ca"))
    return [f"data/places.csv:{pkg.row_number('places', place_id='moscow')}: contains a NUL byte"]


def empty_file(pkg):
    pkg.path("places").write_bytes(b"")
    return "data/places.csv: is empty; expected the header"


def unterminated_quote(pkg):
    number = pkg.row_number("places", place_id="moscow")
    _raw_line(pkg, "places", number, lambda line: line.replace(b"Moscow,", b'"Moscow,', 1))
    return "data/places.csv:"


def ragged_row_extra_cell(pkg):
    number = pkg.row_number("places", place_id="moscow")
    lines = pkg.path("places").read_text().split("\n")
    lines[number - 1] += ",extra"
    pkg.path("places").write_text("\n".join(lines))
    return [f"data/places.csv:{number}: has 8 cells but the header has 7"]


def ragged_row_missing_cell(pkg):
    number = pkg.row_number("places", place_id="moscow")
    _raw_line(pkg, "places", number, lambda line: line.rsplit(b",", 1)[0])
    return f"data/places.csv:{number}: has 6 cells but the header has 7"


def blank_row(pkg):
    _raw_line(pkg, "places", 2, lambda line: b"\n" + line)
    return "data/places.csv:2: is a blank row"


def extra_column(pkg):
    fields, rows = pkg.read("places")
    pkg.write("places", fields + ["population"], [dict(r, population="1") for r in rows])
    return "data/places.csv:1: header does not match the schema: unexpected column population"


def missing_column(pkg):
    fields, rows = pkg.read("places")
    pkg.write(
        "places", [f for f in fields if f != "name_it"], [{k: v for k, v in r.items() if k != "name_it"} for r in rows]
    )
    return [
        "data/places.csv:1: header does not match the schema: missing column name_it "
        "(expected: place_id,name,name_it,country,latitude,longitude,coordinates_basis)"
    ]


def renamed_column(pkg):
    fields, rows = pkg.read("places")
    pkg.write(
        "places",
        ["lat" if f == "latitude" else f for f in fields],
        [{("lat" if k == "latitude" else k): v for k, v in r.items()} for r in rows],
    )
    return "data/places.csv:1: header does not match the schema: missing column latitude; unexpected column lat"


def reordered_columns(pkg):
    fields, rows = pkg.read("places")
    fails_with_order = [fields[1], fields[0], *fields[2:]]
    pkg.write("places", fails_with_order, rows)
    return [
        "data/places.csv:1: header does not match the schema: column place_id out of place (place_id belongs "
        "first); make fmt puts them in the schema's order "
        "(expected: place_id,name,name_it,country,latitude,longitude,coordinates_basis)"
    ]


def duplicate_primary_key(pkg):
    fields, rows = pkg.read("places")
    rows.insert(1, dict(rows[0]))
    first = rows[0]["place_id"]
    pkg.write("places", fields, rows)
    return [f"data/places.csv:3 place_id: duplicate primary key (place_id={first}) already used at row 2"]


def bad_slug(pkg):
    number = pkg.add(
        "places",
        {
            "place_id": "Minsk_City",
            "name": "Minsk",
            "country": "BLR",
            "latitude": "53.9",
            "longitude": "27.5667",
            "coordinates_basis": "inferred",
        },
    )
    return [f"data/places.csv:{number} place_id: 'Minsk_City' does not match the pattern {SLUG}"]


def required_value_empty(pkg):
    number = pkg.set("events", {"event_id": MEETING}, "title", "")
    return [f"data/events.csv:{number} title: is required but empty"]


def number_not_a_number(pkg):
    number = pkg.set("places", {"place_id": "moscow"}, "latitude", "55,7558")
    return [f"data/places.csv:{number} latitude: '55,7558' is not a number"]


def number_out_of_range(pkg):
    number = pkg.set("places", {"place_id": "moscow"}, "latitude", "95.5")
    return [f"data/places.csv:{number} latitude: '95.5' is above the maximum 90"]


def boolean_not_a_boolean(pkg):
    number = pkg.set("vocab_event_statuses", {"code": "planned"}, "may_postdate_source", "yes")
    return f"data/vocab_event_statuses.csv:{number} may_postdate_source: 'yes' is not true or false"


def date_wrong_shape(pkg):
    number = pkg.set("events", {"event_id": MEETING}, "start_date", "16/04/2023")
    return [f"data/events.csv:{number} start_date: '16/04/2023' does not match the pattern {DATE}"]


def date_with_a_time(pkg):
    number = pkg.set("events", {"event_id": MEETING}, "start_date", "2023-04-16T10:00")
    return f"data/events.csv:{number} start_date: '2023-04-16T10:00' does not match the pattern"


def date_impossible_day(pkg):
    number = pkg.set("events", {"event_id": STATE_VISIT}, "end_date", "2023-02-30")
    return [f"data/events.csv:{number} end_date: 2023-02-30 is not a calendar date"]


def date_impossible_month(pkg):
    number = pkg.set("statements", {"statement_id": "tan-kefei-joint-patrols-2023-03-30"}, "date", "2023-13")
    return [f"data/statements.csv:{number} date: 2023-13 is not a calendar date"]


def date_year_zero(pkg):
    number = pkg.set("organisations", {"organisation_id": "csto"}, "founding_date", "0000")
    return f"data/organisations.csv:{number} founding_date: 0000 is not a calendar date"


def end_before_start(pkg):
    number = pkg.set("events", {"event_id": STATE_VISIT}, "end_date", "2023-03-19")
    return [f"data/events.csv:{number} end_date: 2023-03-19 is before start_date 2023-03-20"]


def event_after_publication(pkg):
    number = pkg.set("events", {"event_id": MEETING}, "start_date", "2023-05-02")
    return [
        f"data/events.csv:{number} start_date: 2023-05-02 is after {SOURCE} was published (2023-04); "
        "only an event with status planned or proposed may be"
    ]


def statement_after_publication(pkg):
    number = pkg.set("statements", {"statement_id": "tan-kefei-joint-patrols-2023-03-30"}, "date", "2023-05")
    return [f"data/statements.csv:{number} date: 2023-05 is after {SOURCE} was published (2023-04)"]


def excerpt_not_in_source(pkg):
    number = pkg.set(
        "citations",
        {"record_table": "memberships", "record_id": "putin-president-russia", "source_id": SOURCE},
        "excerpt",
        "Il presidente russo Vladimir Putin ha incontrato al Cremlino il ministro degli Esteri cinese",
    )
    return [
        f"data/citations.csv:{number} excerpt: not found verbatim in articles/{SOURCE}.txt: "
        "the first 75 characters match, then 'gli Esteri cinese' differs from the text, which has 'lla Difesa cinese Li Shangfu, '"
    ]


def quote_altered_by_one_character(pkg):
    statement = "li-shangfu-very-strong-ties-2023-04-16"
    _, rows = pkg.read("statements")
    quote = next(r["quote"] for r in rows if r["statement_id"] == statement)
    number = pkg.set("statements", {"statement_id": statement}, "quote", quote.replace("molto forti", "molto forte"))
    return [
        f"data/statements.csv:{number} quote: not found verbatim in any cited source: "
        "the first 25 characters match, then 'e. Superano le alleanze politi' differs from the text, "
        "which has 'i. Superano le alleanze politi'"
    ]


def typographic_apostrophe_straightened(pkg):
    row = next(r for r in pkg.read("citations")[1] if r["source_id"] == SOURCE and "’" in r["excerpt"])
    number = pkg.set("citations", row, "excerpt", row["excerpt"].replace("’", "'"))
    return f"data/citations.csv:{number} excerpt: not found verbatim"


def changed_article_text(pkg):
    article = pkg.root / "articles" / f"{SOURCE}.txt"
    article.write_bytes(article.read_bytes().replace(b"Cremlino", b"Palazzo"))
    return f"articles/{SOURCE}.txt: its SHA-256 does not match the hash in datapackage.json"


def article_listed_without_hash(pkg):
    descriptor = json.loads(pkg.descriptor.read_text())
    index = next(i for i, r in enumerate(descriptor["resources"]) if r["path"] == f"articles/{SOURCE}.txt")
    del descriptor["resources"][index]["hash"]
    pkg.descriptor.write_text(json.dumps(descriptor))
    digest = hashlib.sha256((pkg.root / "articles" / f"{SOURCE}.txt").read_bytes()).hexdigest()
    return [f'datapackage.json resource article-{SOURCE}: has no hash; add "hash": "sha256:{digest}"']


def unknown_vocabulary_code(pkg):
    number = pkg.set("events", {"event_id": MEETING}, "event_type", "parade")
    return [f"data/events.csv:{number} event_type: 'parade' not found in vocab_event_types.code"]


def invalid_country_code(pkg):
    number = pkg.set("places", {"place_id": "moscow"}, "country", "RUX")
    return [f"data/places.csv:{number} country: 'RUX' is not an ISO 3166-1 alpha-3 country code"]


def invalid_language_code(pkg):
    number = pkg.set("aliases", {"actor_id": "china", "alias": "Cina"}, "lang", "qq")
    return [f"data/aliases.csv:{number} lang: 'qq' is not a BCP 47 tag of an ISO 639 language"]


def bad_wikidata_id(pkg):
    number = pkg.set("actors", {"actor_id": "russia"}, "wikidata_id", "159")
    return f"data/actors.csv:{number} wikidata_id: '159' does not match the pattern"


def citation_of_a_missing_row(pkg):
    number = pkg.add(
        "citations",
        {
            "record_table": "events",
            "record_id": "no-such-event",
            "source_id": SOURCE,
            "excerpt": "Il presidente russo Vladimir Putin",
        },
    )
    return [f"data/citations.csv:{number} record_id: 'no-such-event' not found in events.event_id"]


def uncited_fact_row(pkg):
    pkg.remove("citations", record_table="memberships", record_id="putin-president-russia")
    number = pkg.row_number("memberships", membership_id="putin-president-russia")
    return [
        f"data/memberships.csv:{number} membership_id: 'putin-president-russia' has no citation: "
        "add a row to citations with record_table=memberships, record_id=putin-president-russia"
    ]


def orphan_actor(pkg):
    number = pkg.add(
        "actors",
        {"actor_id": "ukraine-test", "kind": "state", "name": "Ukraine", "country": "UKR", "description": "Ukraine."},
    )
    return [
        f"data/actors.csv:{number} actor_id: 'ukraine-test' is not referenced by any membership, organisation, "
        "event participant, statement or subject, nor cited where an article names it"
    ]


def alias_no_article_prints(pkg):
    number = pkg.add("aliases", {"actor_id": "xi-jinping", "alias": "Xi Jinpeng", "lang": "it"})
    return [f"data/aliases.csv:{number} alias: 'Xi Jinpeng' does not occur as a whole word in any article text"]


def membership_in_a_person(pkg):
    number = pkg.set("memberships", {"membership_id": "li-shangfu-general-china"}, "organisation_id", "xi-jinping")
    return [
        f"data/memberships.csv:{number} organisation_id: 'xi-jinping' is a person; a membership must be in an organisation or a state"
    ]


def redirect_to_a_missing_id(pkg):
    number = pkg.add(
        "redirects", {"record_table": "places", "old_id": "old-minsk", "new_id": "new-minsk", "reason": "typo"}
    )
    return f"data/redirects.csv:{number} new_id: 'new-minsk' not found in places.place_id"


def unsorted_file(pkg):
    fields, rows = pkg.read("places")
    rows[0], rows[1] = rows[1], rows[0]
    pkg.write("places", fields, rows)
    return [
        f"data/places.csv:3: is out of order: rows must be sorted by place_id ('{rows[1]['place_id']}' belongs before row 2); run make fmt"
    ]


def text_not_in_nfc(pkg):
    number = pkg.set("places", {"place_id": "moscow"}, "name_it", "Mosca\u0301")
    return [
        f"data/places.csv:{number}: is not in NFC Unicode form; expected 'moscow,Moscow,Moscá,RUS,55.7558,37.6173,inferred'; run make fmt"
    ]


def control_character(pkg):
    number = pkg.set("actors", {"actor_id": "tan-kefei"}, "description", "Spokesperson\tof the ministry.")
    return [f"data/actors.csv:{number} description: contains the control character U+0009"]


def tab_in_a_cell(pkg):
    number = pkg.set("actors", {"actor_id": "russia"}, "description", "\tThe Russian Federation.")
    return f"data/actors.csv:{number} description: contains the control character U+0009"


def carriage_return_in_a_quoted_cell(pkg):
    number = pkg.row_number("actors", actor_id="russia")
    _raw_line(
        pkg, "actors", number, lambda line: line.replace(b"The Russian Federation.", b'"The Russian\rFederation."')
    )
    return f"data/actors.csv:{number} description: contains the control character U+000D"


def carriage_return_splitting_a_row(pkg):
    number = pkg.row_number("actors", actor_id="russia")
    _raw_line(pkg, "actors", number, lambda line: line.replace(b"The Russian Federation.", b"The Russian\rFederation."))
    return f"data/actors.csv:{number}: has a carriage return (CR) outside quotes"


def one_megabyte_cell(pkg):
    number = pkg.set("actors", {"actor_id": "russia"}, "description", "x" * 1_000_000)
    cut = "x" * 60  # a cell is shown cut to 60 characters
    return f"data/actors.csv:{number} description: '{cut}… (1000000 characters)' is longer than 2000 characters"


def hundred_thousand_rows(pkg):
    with open(pkg.path("aliases"), "a", encoding="utf-8") as f:
        for i in range(100_000):
            f.write(f"zz-unknown-{i:06d},Form {i},it\n")
    # Listed a thousand at a time (problems.MAX_LISTED), every row counted in the summary.
    return (
        "data/aliases.csv actor_id: … and 99,000 more rows whose actor_id is not in actors (the first 1,000 are listed)"
    )


def invalid_semver(pkg):
    _descriptor(pkg, lambda d: d.update(version="v1"))
    return "datapackage.json version: 'v1' is not a SemVer version"


CASES = [
    malformed_descriptor_json,
    descriptor_not_an_object,
    duplicate_resource_name,
    path_with_parent_directory,
    absolute_path,
    url_path,
    symlinked_file,
    symlinked_folder,
    missing_data_file,
    missing_schema_file,
    malformed_schema_json,
    pattern_the_checks_cannot_run,
    file_not_utf8,
    byte_order_mark,
    crlf_line_endings,
    nul_byte,
    empty_file,
    unterminated_quote,
    ragged_row_extra_cell,
    ragged_row_missing_cell,
    blank_row,
    extra_column,
    missing_column,
    renamed_column,
    reordered_columns,
    duplicate_primary_key,
    bad_slug,
    required_value_empty,
    number_not_a_number,
    number_out_of_range,
    boolean_not_a_boolean,
    date_wrong_shape,
    date_with_a_time,
    date_impossible_day,
    date_impossible_month,
    date_year_zero,
    end_before_start,
    event_after_publication,
    statement_after_publication,
    excerpt_not_in_source,
    quote_altered_by_one_character,
    typographic_apostrophe_straightened,
    changed_article_text,
    article_listed_without_hash,
    unknown_vocabulary_code,
    invalid_country_code,
    invalid_language_code,
    bad_wikidata_id,
    citation_of_a_missing_row,
    uncited_fact_row,
    orphan_actor,
    alias_no_article_prints,
    membership_in_a_person,
    redirect_to_a_missing_id,
    unsorted_file,
    text_not_in_nfc,
    control_character,
    tab_in_a_cell,
    carriage_return_in_a_quoted_cell,
    carriage_return_splitting_a_row,
    one_megabyte_cell,
    hundred_thousand_rows,
    invalid_semver,
]


# --- issue 10: remote references, names, wrong types, depth, sizes, patterns, integrity -------
# Cases that name a URL point it at the loopback listener, which must record no connection.

LISTENER = None  # the session's loopback listener, set by the test before each case runs


def _url(path="profile.json"):
    return LISTENER.url(path)


def profile_url(pkg):
    _descriptor(pkg, lambda d: d.update(profile=_url()))
    return "datapackage.json profile: "


def resource_profile_url(pkg):
    _descriptor(pkg, lambda d: d["resources"][0].update(profile=_url()))
    return "datapackage.json resources[0].profile: "


def dollar_schema_url(pkg):
    _descriptor(pkg, lambda d: d.update({"$schema": _url()}))
    return "datapackage.json: '$schema' is not allowed"


def dollar_schema_in_a_table_schema(pkg):
    schema_file = pkg.root / "schemas" / "places.json"
    schema_file.write_text(json.dumps({"$schema": _url(), **json.loads(schema_file.read_text())}))
    return "schemas/places.json: '$schema' is not allowed"


def schema_url(pkg):
    _descriptor(pkg, lambda d: d["resources"][0].update(schema=_url("sources.json")))
    return "datapackage.json resources[0].schema: resource 'sources': "


def dialect_url(pkg):
    _descriptor(pkg, lambda d: d["resources"][0].update(dialect=_url("dialect.json")))
    return "datapackage.json resources[0].dialect: must be an object, not a string"


def path_with_other_scheme(pkg):
    _descriptor(pkg, lambda d: d["resources"][0].update(path="file:/etc/passwd"))
    return "datapackage.json resources[0].path: resource 'sources': 'file:/etc/passwd' is a URL"


def dialect_as_a_string(pkg):
    _descriptor(pkg, lambda d: d["resources"][0].update(dialect="excel"))
    return "datapackage.json resources[0].dialect: must be an object, not a string"


def encoding_as_a_number(pkg):
    _descriptor(pkg, lambda d: d["resources"][0].update(encoding=8))
    return "datapackage.json resources[0].encoding: must be a string, not a whole number 8"


def foreign_key_resource_as_a_list(pkg):
    schema_file = pkg.root / "schemas" / "events.json"
    schema = json.loads(schema_file.read_text())
    schema["foreignKeys"][0]["reference"]["resource"] = ["places"]
    schema_file.write_text(json.dumps(schema))
    return "schemas/events.json foreignKeys[0].reference.resource: must be a string, not a list"


def descriptor_nested_100000_deep(pkg):
    pkg.descriptor.write_text(
        '{"resources": [{"name": "x", "path": "data/places.csv", "schema": ' + "[" * 100_000 + "]" * 100_000 + "}]}"
    )
    return "datapackage.json: is nested more than 16 levels deep"


def schema_nested_100000_deep(pkg):
    (pkg.root / "schemas" / "places.json").write_text('{"fields": ' + "[" * 100_000 + "]" * 100_000 + "}")
    return "schemas/places.json: is nested more than 16 levels deep"


def five_megabyte_descriptor(pkg):
    _descriptor(pkg, lambda d: d.update(description="x" * 5_000_000))
    return "datapackage.json: is larger than 2.0 MiB"


def oversized_table(pkg):
    with open(pkg.path("aliases"), "ab") as f:
        f.truncate(33 * 1024 * 1024)
    return "data/aliases.csv: is 33.0 MiB; a table may be at most 32.0 MiB"


def oversized_unlisted_text(pkg):
    """A source's text not listed in the descriptor is measured as it is read: never read whole."""
    with open(pkg.root / "articles" / "big.txt", "wb") as f:
        f.truncate(300 * 1024)
    number = pkg.set("sources", {"source_id": SOURCE}, "text_path", "articles/big.txt")
    return f"data/sources.csv:{number} text_path: articles/big.txt is larger than the 262,144 bytes a text may be"


def package_name_with_dot_dot(pkg):
    _descriptor(pkg, lambda d: d.update(name="../../outside"))
    return 'datapackage.json name: "../../outside" does not match'


def resource_name_with_dot_dot(pkg):
    _descriptor(pkg, lambda d: d["resources"][0].update(name="../sources"))
    return 'datapackage.json resources[0].name: "../sources" does not match'


def unknown_descriptor_key(pkg):
    _descriptor(pkg, lambda d: d["resources"][0].update(extrapaths=["x.csv"]))
    return "datapackage.json resources[0]: unknown key 'extrapaths'"


def unknown_schema_keyword(pkg):
    schema_file = pkg.root / "schemas" / "places.json"
    schema_file.write_text(json.dumps({**json.loads(schema_file.read_text()), "x-secret": 1}))
    return "schemas/places.json: unknown key 'x-secret'"


def same_article_listed_twice(pkg):
    def twice(d):
        text = next(r for r in d["resources"] if r["name"] == f"article-{SOURCE}")
        d["resources"].append(dict(text, name="article-copy"))

    _descriptor(pkg, twice)
    copy = _resource_index(pkg, "article-copy")
    return f"datapackage.json resources[{copy}].path: 'articles/{SOURCE}.txt' is already resource 'article-{SOURCE}'"


def catastrophic_pattern(pkg):
    schema_file = pkg.root / "schemas" / "places.json"
    schema = json.loads(schema_file.read_text())
    next(f for f in schema["fields"] if f["name"] == "name")["constraints"]["pattern"] = "(a+)+$"
    schema_file.write_text(json.dumps(schema))
    return "schemas/places.json name: pattern '(a+)+$' could backtrack catastrophically"


def licence_link_javascript(pkg):
    _descriptor(pkg, lambda d: d["licenses"][0].update(path="javascript:alert(document.cookie)"))
    return 'datapackage.json licenses[0].path: "javascript:alert(document.cookie)" does not match'


def organisation_parent_cycle(pkg):
    fields, rows = pkg.read("organisations")
    a, b = rows[0]["organisation_id"], rows[1]["organisation_id"]
    pkg.set("organisations", {"organisation_id": a}, "parent_id", b)
    pkg.set("organisations", {"organisation_id": b}, "parent_id", a)
    return f"data/organisations.csv:2 parent_id: '{a}' → '{b}' → '{a}' is a cycle"


def event_its_own_parent(pkg):
    number = pkg.set("events", {"event_id": MEETING}, "parent_event_id", MEETING)
    return f"data/events.csv:{number} parent_event_id: '{MEETING}' → '{MEETING}' is a cycle"


def bidi_control(pkg):
    number = pkg.set("actors", {"actor_id": "russia"}, "description", "The Russian \u202eFederation.")
    return f"data/actors.csv:{number} description: contains a bidirectional control U+202E"


def line_separator(pkg):
    number = pkg.set("actors", {"actor_id": "russia"}, "description", "The Russian\u2028Federation.")
    return f"data/actors.csv:{number} description: contains the line separator U+2028"


def zero_width_space(pkg):
    number = pkg.set("actors", {"actor_id": "russia"}, "description", "The Russian\u200bFederation.")
    return f"data/actors.csv:{number} description: contains a zero-width character U+200B"


def leading_space(pkg):
    number = pkg.set("actors", {"actor_id": "russia"}, "description", " The Russian Federation.")
    return f"data/actors.csv:{number} description: starts with a space"


def trailing_space(pkg):
    number = pkg.set("actors", {"actor_id": "russia"}, "description", "The Russian Federation.\u00a0")
    return f"data/actors.csv:{number} description: ends with a space"


def formula_starting_with_a_dash(pkg):
    number = pkg.set("actors", {"actor_id": "russia"}, "description", "-2+3+cmd|' /C calc'!A0")
    return f"data/actors.csv:{number} description: starts with '-', which spreadsheets run as a formula"


def alias_only_inside_another_word(pkg):
    number = pkg.add("aliases", {"actor_id": "nato", "alias": "nato", "lang": "it"})
    return f"data/aliases.csv:{number} alias: 'nato' does not occur as a whole word in any article text"


def number_not_in_canonical_form(pkg):
    number = pkg.set("places", {"place_id": "minsk"}, "longitude", "27.5590")
    return f"data/places.csv:{number} longitude: '27.5590' is not in canonical form: write 27.559"


def negative_zero(pkg):
    number = pkg.set("places", {"place_id": "minsk"}, "longitude", "-0.0")
    return f"data/places.csv:{number} longitude: '-0.0' is not in canonical form: write 0.0"


ISSUE_10_CASES = [
    profile_url,
    resource_profile_url,
    dollar_schema_url,
    dollar_schema_in_a_table_schema,
    schema_url,
    dialect_url,
    path_with_other_scheme,
    dialect_as_a_string,
    encoding_as_a_number,
    foreign_key_resource_as_a_list,
    descriptor_nested_100000_deep,
    schema_nested_100000_deep,
    five_megabyte_descriptor,
    oversized_table,
    oversized_unlisted_text,
    package_name_with_dot_dot,
    resource_name_with_dot_dot,
    unknown_descriptor_key,
    unknown_schema_keyword,
    same_article_listed_twice,
    catastrophic_pattern,
    licence_link_javascript,
    organisation_parent_cycle,
    event_its_own_parent,
    bidi_control,
    line_separator,
    zero_width_space,
    leading_space,
    trailing_space,
    formula_starting_with_a_dash,
    alias_only_inside_another_word,
    number_not_in_canonical_form,
    negative_zero,
]
CASES += ISSUE_10_CASES


# --- issue 11: the schemas hold the per-table rules, and a keyword's names are checked ----------
def target_kind_without_a_foreign_key(pkg):
    schema_file = pkg.root / "schemas" / "memberships.json"
    schema = json.loads(schema_file.read_text())
    next(f for f in schema["fields"] if f["name"] == "membership_id")["x-target-kind"] = {
        "field": "kind",
        "values": ["state"],
        "rule": "is a {kind}",
    }
    schema_file.write_text(json.dumps(schema))
    return ["schemas/memberships.json membership_id: x-target-kind needs a foreign key on this field alone"]


def target_kind_naming_a_missing_field(pkg):
    schema_file = pkg.root / "schemas" / "memberships.json"
    schema = json.loads(schema_file.read_text())
    next(f for f in schema["fields"] if f["name"] == "role")["x-target-kind"] = {
        "field": "kind",
        "values": ["state"],
        "rule": "is a {kind}",
    }
    schema_file.write_text(json.dumps(schema))
    return ["schemas/memberships.json role: x-target-kind names 'kind', which is not a field of vocab_membership_roles"]


def described_by_an_unknown_field(pkg):
    schema_file = pkg.root / "schemas" / "actors.json"
    schema = json.loads(schema_file.read_text())
    schema["x-described-by"]["when_field"] = "sort"
    schema_file.write_text(json.dumps(schema))
    return ["schemas/actors.json x-described-by: names 'sort', which is not a field of the schema"]


def organisations_row_for_a_state(pkg):
    number = pkg.add("organisations", {"organisation_id": "china", "classification": "intergovernmental_organisation"})
    return [
        f"data/organisations.csv:{number} organisation_id: 'china' is a state in actors; only organisations belong here"
    ]


ISSUE_11_CASES = [
    target_kind_without_a_foreign_key,
    target_kind_naming_a_missing_field,
    described_by_an_unknown_field,
    organisations_row_for_a_state,
]
CASES += ISSUE_11_CASES


# --- issue 12: caveats, quote frames, upstream sources ----------------------------------------

CAVEAT = "russia-chair-csto-2022-armenia-chaired"
LAVROV = "sergey-lavrov-no-meaningful-negotiations-2024-04-09"


def caveat_without_evidence(pkg):
    number = pkg.row_number("caveats", caveat_id=CAVEAT)
    for field in ("source_id", "excerpt", "ref_title", "ref_publisher", "ref_date", "ref_url"):
        pkg.set("caveats", {"caveat_id": CAVEAT}, field, "")
    return [
        f"data/caveats.csv:{number} source_id: is empty, and so is every other piece of evidence: "
        "fill (source_id, excerpt) or (ref_title, ref_publisher, ref_url)"
    ]


def caveat_reference_without_its_address(pkg):
    number = pkg.set("caveats", {"caveat_id": CAVEAT}, "ref_url", "")
    return [f"data/caveats.csv:{number} ref_url: is required with ref_title, ref_publisher, ref_date"]


def caveat_reference_missing_for_its_kind(pkg):
    # contradicted_by_record rests on the public record: the article's excerpt alone is not enough
    number = pkg.row_number("caveats", caveat_id=CAVEAT)
    for field in ("ref_title", "ref_publisher", "ref_date", "ref_url"):
        pkg.set("caveats", {"caveat_id": CAVEAT}, field, "")
    return [
        f"data/caveats.csv:{number} {field}: is empty, but kind 'contradicted_by_record' rests on the public record: "
        "fill ref_title, ref_publisher, ref_url"
        for field in ("ref_publisher", "ref_title", "ref_url")
    ]


def caveat_reference_quoted_empty(pkg):
    # a quoted empty cell ("") is an empty cell, for `required` and for every rule, whichever reader reads it
    number = pkg.set("caveats", {"caveat_id": CAVEAT}, "ref_title", "PLACEHOLDER")
    path = pkg.path("caveats")
    path.write_text(path.read_text("utf-8").replace("PLACEHOLDER", '""'), "utf-8")
    return [
        f"data/caveats.csv:{number} ref_title: is empty, but kind 'contradicted_by_record' rests on the public "
        "record: fill ref_title, ref_publisher, ref_url"
    ]


def required_when_flag_not_a_required_boolean(pkg):
    # a flag that is text, or a boolean a row may leave empty, would exempt rows by accident
    vocab_file = pkg.root / "schemas" / "vocab_caveat_kinds.json"
    vocab = json.loads(vocab_file.read_text())
    next(f for f in vocab["fields"] if f["name"] == "rests_on_record").pop("constraints")
    vocab_file.write_text(json.dumps(vocab))
    return [
        "schemas/caveats.json x-required-when: names 'rests_on_record', which is not a required boolean field of "
        "vocab_caveat_kinds"
    ]


def evidence_field_in_two_groups(pkg):
    schema_file = pkg.root / "schemas" / "caveats.json"
    schema = json.loads(schema_file.read_text())
    schema["x-evidence"][1]["optional"].append("source_id")
    schema_file.write_text(json.dumps(schema))
    return ["schemas/caveats.json x-evidence: names 'source_id' in two groups"]


def flag_true_and_false_at_once(pkg):
    # "false" read as true would flag every kind: a cell must read one way
    vocab_file = pkg.root / "schemas" / "vocab_caveat_kinds.json"
    vocab = json.loads(vocab_file.read_text())
    next(f for f in vocab["fields"] if f["name"] == "rests_on_record")["trueValues"] = ["true", "false"]
    vocab_file.write_text(json.dumps(vocab))
    return ["schemas/vocab_caveat_kinds.json rests_on_record: trueValues and falseValues both hold 'false'"]


def caveat_reference_not_http(pkg):
    number = pkg.set("caveats", {"caveat_id": CAVEAT}, "ref_url", "ftp://tass.com/world/1382261")
    return [f"data/caveats.csv:{number} ref_url: 'ftp://tass.com/world/1382261' is not an http(s) address"]


def caveat_on_a_missing_row(pkg):
    number = pkg.set("caveats", {"caveat_id": CAVEAT}, "record_id", "russia-chair-csto-2021")
    return [
        f"data/caveats.csv:{number} record_id: 'russia-chair-csto-2021' not found in memberships.membership_id "
        "(did you mean 'russia-chair-csto-2022'?)"
    ]


def caveat_evidence_not_in_its_article(pkg):
    number = pkg.set("caveats", {"caveat_id": CAVEAT}, "excerpt", "Anche al vertice di Erevan del dicembre 2022")
    return f"data/caveats.csv:{number} excerpt: not found verbatim in articles/2023-12-csto-belarus-chairmanship.txt"


def context_not_in_a_cited_source(pkg):
    _, rows = pkg.read("statements")
    context = next(r["context"] for r in rows if r["statement_id"] == LAVROV)
    number = pkg.set(
        "statements", {"statement_id": LAVROV}, "context", context.replace("Ma queste non erano", "Ma queste erano")
    )
    return f"data/statements.csv:{number} context: not found verbatim in any cited source"


def context_without_its_quote(pkg):
    number = pkg.set("statements", {"statement_id": LAVROV}, "context", "Ma queste non erano")
    return [
        f"data/statements.csv:{number} context: does not contain the quote 'strutture all’interno delle quali fosse possibile "
        "condurre n… (141 characters)' verbatim"
    ]


def upstream_title_not_as_printed(pkg):
    upstream = "belta-2023-11-12-tasmagambetov-armenia-not-leaving"
    number = pkg.set(
        "upstream_sources", {"upstream_id": upstream}, "title", "Tasmagambetov: l’Armenia non lascia la CSTO"
    )
    return [
        f"data/upstream_sources.csv:{number} title: 'Tasmagambetov: l’Armenia non lascia la CSTO' does not occur as a whole word in any article text"
    ]


def a_caveat_is_no_citation(pkg):
    pkg.remove("citations", record_table="memberships", record_id="russia-chair-csto-2022")
    number = pkg.row_number("memberships", membership_id="russia-chair-csto-2022")
    return [
        f"data/memberships.csv:{number} membership_id: 'russia-chair-csto-2022' has no citation: "
        "add a row to citations with record_table=memberships, record_id=russia-chair-csto-2022"
    ]


def upstream_without_title_or_credit(pkg):
    number = pkg.set("upstream_sources", {"upstream_id": "global-times-2024-04-lavrov-visit"}, "credit", "")
    return [
        f"data/upstream_sources.csv:{number} footnote: is empty, and so is every other piece of evidence: "
        "fill (footnote, title) or (credit)"
    ]


ISSUE_12_CASES = [
    upstream_without_title_or_credit,
    caveat_without_evidence,
    caveat_reference_without_its_address,
    caveat_reference_missing_for_its_kind,
    caveat_reference_quoted_empty,
    required_when_flag_not_a_required_boolean,
    evidence_field_in_two_groups,
    flag_true_and_false_at_once,
    caveat_reference_not_http,
    caveat_on_a_missing_row,
    caveat_evidence_not_in_its_article,
    context_not_in_a_cited_source,
    context_without_its_quote,
    upstream_title_not_as_printed,
    a_caveat_is_no_citation,
]
CASES += ISSUE_12_CASES


def _foreign_key_cases():
    for table, schema in _schemas().items():
        for fk in schema.get("foreignKeys", []):
            field = fk["fields"][0] if isinstance(fk["fields"], list) else fk["fields"]
            yield pytest.param(table, field, fk["reference"]["resource"], id=f"dangling_fk_{table}.{field}")


TEXT_FIELDS = [
    pytest.param(table, f["name"], id=f"formula_in_{table}.{f['name']}")
    for table, schema in _schemas().items()
    for f in schema["fields"]
    if f.get("type", "string") == "string"
    and not {"pattern", "enum"} & set(f.get("constraints", {}))
    and not f.get("format")
]


def snapshot(root: Path) -> dict[str, str]:
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        if p.is_file() and not p.is_symlink()
        else "link"
        for p in sorted(root.rglob("*"))
    }


def fails_cleanly(pkg, expected: str | list[str], *options: str) -> str:
    before = snapshot(pkg.root)
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = validate.main([str(pkg.descriptor), *options])
    text = "\n".join(uncoded(out.getvalue().splitlines()))  # and every problem line carries a listed code
    assert code == 1, text[-2000:]
    if isinstance(expected, list):  # the report of the rules the case is about, line for line
        assert own_lines(out.getvalue().splitlines(), expected) == expected, text[:3000]
    else:  # a line starting so (the case's other lines are not its point)
        assert any(line.startswith(expected) for line in text.splitlines()), (
            f"expected a line starting {expected!r}:\n{text[:3000]}"
        )
    assert "Traceback" not in text + err.getvalue()
    assert snapshot(pkg.root) == before, "the validator wrote to the package"
    return text


def _descriptor_loads(case) -> bool:
    return case not in (
        malformed_descriptor_json,
        descriptor_not_an_object,
        duplicate_resource_name,
        path_with_parent_directory,
        absolute_path,
        url_path,
        symlinked_file,
        symlinked_folder,
        missing_data_file,
        missing_schema_file,
        malformed_schema_json,
        pattern_the_checks_cannot_run,
        target_kind_without_a_foreign_key,
        described_by_an_unknown_field,
    )


# The cases also put to `frictionless validate` (parity.py): not those whose package it cannot open.
# Issue 10's cases are left out: their descriptors are refused before Frictionless may see them
# (remote references it would fetch, patterns it would backtrack on, sizes), or they break rules
# Frictionless does not have (cycles, invisible characters, canonical numbers).
# Issues 11 and 12 add rules Frictionless has no counterpart for (actor kinds, evidence, caveats'
# record references, quote contexts); only the one case of a Table Schema format is put to it.
RULES_ONLY = [c for c in ISSUE_11_CASES + ISSUE_12_CASES if c is not caveat_reference_not_http]
PARITY_CASES = [c for c in CASES if _descriptor_loads(c) and c not in ISSUE_10_CASES + RULES_ONLY]


@pytest.mark.parametrize("case", CASES, ids=[c.__name__ for c in CASES])
def test_hostile_input_is_refused_with_a_specific_line(pkg, case, listener):
    global LISTENER
    LISTENER = listener
    before = listener.connections
    report = fails_cleanly(pkg, case(pkg))
    assert listener.connections == before, "the validator opened a connection"
    if case in PARITY_CASES:  # and Frictionless finds nothing this report misses
        assert_parity(pkg, findings_in(report))


def _break_each(pkg, cases, value_for, filled: bool = False) -> list[str]:
    """Set value_for(case) in each case's (table, field); the line expected for each. A row whose key
    one case changed is left to that case, so its line stays its own; with `filled`, only a row
    where the field has a value is chosen."""
    expected, rekeyed = [], {}
    for case in cases:
        table, field = case.values[0], case.values[1]
        fields, rows = pkg.read(table)
        if not rows:
            pkg.add(table, {"record_table": "places", "old_id": "old-minsk", "new_id": "minsk", "reason": "x"})
            fields, rows = pkg.read(table)
        taken = rekeyed.setdefault(table, set())
        index = next(i for i, r in enumerate(rows) if (r[field] or not filled) and i not in taken)
        if field in _schemas()[table]["primaryKey"]:
            taken.add(index)
        bad, message = value_for(case)
        rows[index][field] = bad
        pkg.write(table, fields, rows)
        expected.append(f"data/{table}.csv:{index + 2} {field}: {message}")
    return expected


def fails_cleanly_with_each(pkg, expected: list[str]) -> None:
    """One validation of a package broken in many places: each expected line starts some line."""
    before = snapshot(pkg.root)
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = validate.main([str(pkg.descriptor)])
    lines = uncoded(out.getvalue().splitlines())
    assert code == 1
    missing = [e for e in expected if not any(line.startswith(e) for line in lines)]
    assert missing == [], "\n".join(lines[:200])
    assert "Traceback" not in out.getvalue() + err.getvalue()
    assert snapshot(pkg.root) == before


def _dangling(case) -> tuple[str, str]:
    table, field, target = case.values
    bad = "no_such_code" if target.startswith("vocab_") else "no-such-id"
    ref = _schemas()[table]
    ref_field = next(fk["reference"]["fields"] for fk in ref["foreignKeys"] if field in fk["fields"])
    ref_field = ref_field[0] if isinstance(ref_field, list) else ref_field
    return bad, f"'{bad}' not found in {target}.{ref_field}"


FORMULA = '=HYPERLINK("http://example.org")'


def break_every_foreign_key(pkg) -> list[str]:
    return _break_each(pkg, list(_foreign_key_cases()), _dangling, filled=True)


def test_every_dangling_foreign_key_is_refused(pkg):
    """Every foreign key of every schema pointed nowhere at once, each named on its own line."""
    fails_cleanly_with_each(pkg, break_every_foreign_key(pkg))


def test_formula_injection_is_refused_in_every_free_text_column(pkg):
    """A formula in every free-text column at once, each refused on its own line."""
    expected = _break_each(
        pkg, TEXT_FIELDS, lambda case: (FORMULA, "starts with '=', which spreadsheets run as a formula")
    )
    assert len(expected) == len(TEXT_FIELDS) > 40
    fails_cleanly_with_each(pkg, expected)


def test_a_removed_id_without_redirect_is_refused(repo):
    number = repo.row_number("places", place_id="new-york")
    events_fields, events = repo.read("events")
    repo.write(
        "events",
        events_fields,
        [dict(e, place_id="" if e["place_id"] == "new-york" else e["place_id"]) for e in events],
    )
    repo.remove("places", place_id="new-york")
    repo.raise_version()
    fails_cleanly(
        repo,
        f"data/places.csv place_id: 'new-york' (row {number} at HEAD) was removed without a redirect",
        "--base",
        "HEAD",
    )


def test_changed_data_with_the_same_version_is_refused(repo):
    repo.set("places", {"place_id": "moscow"}, "name_it", "Mosca (capitale)")
    fails_cleanly(
        repo, f"datapackage.json version: is {repo.version}, not higher than {repo.version} at HEAD", "--base", "HEAD"
    )
