"""One failing fixture per rule of the validator: each breaks the real package in one way and
asserts the exact report line (file, row, field, message) and exit code 1."""
from __future__ import annotations

import json
import os

import pytest

from conftest import problems

SOURCE = "2023-04-putin-meets-li-shangfu"
MEETING = "putin-li-shangfu-meeting-2023-04-16"
STATE_VISIT = "xi-jinping-state-visit-moscow-2023-03"
SLUG = "^[a-z0-9]+(-[a-z0-9]+)*$"
DATE = "^[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?$"


def fails_with(pkg, *expected: str) -> None:
    code, lines = pkg.validate()
    assert code == 1, lines
    assert problems(lines) == list(expected), "\n".join(lines)
    assert lines[-1].startswith("FAILED: ")


def test_the_real_package_passes(pkg):
    code, lines = pkg.validate()
    assert code == 0, "\n".join(lines)
    assert lines[-1].startswith("OK: ")


# --- the descriptor ---------------------------------------------------------------------------

def test_malformed_descriptor_json(pkg):
    pkg.descriptor.write_text('{"name": "x",\n "resources": [}\n')
    fails_with(pkg, "datapackage.json:2: is not valid JSON: Expecting value (column 16)")


def test_resource_path_outside_the_package(pkg):
    descriptor = json.loads(pkg.descriptor.read_text())
    descriptor["resources"][6]["path"] = "../events.csv"
    pkg.descriptor.write_text(json.dumps(descriptor))
    fails_with(pkg, "datapackage.json resources[6].path: resource 'events': '../events.csv' leads outside the package ('..')")


def test_absolute_resource_path(pkg):
    descriptor = json.loads(pkg.descriptor.read_text())
    descriptor["resources"][0]["path"] = "/etc/passwd"
    pkg.descriptor.write_text(json.dumps(descriptor))
    fails_with(pkg, "datapackage.json resources[0].path: resource 'sources': '/etc/passwd' is an absolute path; resources must be relative to datapackage.json")


def test_resource_behind_a_symlink(pkg):
    target = pkg.root.parent / "elsewhere.csv"
    target.write_bytes(pkg.path("places").read_bytes())
    pkg.path("places").unlink()
    os.symlink(target, pkg.path("places"))
    fails_with(pkg, "datapackage.json resources[5].path: resource 'places': 'data/places.csv' passes through a symbolic link; resources must be plain files")


def test_missing_data_file(pkg):
    pkg.path("events").unlink()
    fails_with(pkg, "data/events.csv: does not exist (listed as resource 'events' in datapackage.json)")


def test_schema_with_unknown_field_type(pkg):
    schema_file = pkg.root / "schemas" / "places.json"
    schema = json.loads(schema_file.read_text())
    schema["fields"][4]["type"] = "geopoint"
    schema_file.write_text(json.dumps(schema))
    fails_with(pkg, "schemas/places.json latitude: type 'geopoint' is not one of: boolean, integer, number, string "
                    "(this package's profile, stricter than the Data Package standard: dates are reduced-date strings with x-reduced-date)")


# --- file form --------------------------------------------------------------------------------

def test_file_that_is_not_utf8(pkg):
    number = pkg.row_number("places", place_id="moscow-kremlin")
    data = pkg.path("places").read_bytes().replace("Cremlino".encode(), "Cr\xe9mlino".encode("latin-1"))
    pkg.path("places").write_bytes(data)
    fails_with(pkg, f"data/places.csv:{number}: is not valid UTF-8 (byte 0xe9); save it as UTF-8")


def test_byte_order_mark(pkg):
    pkg.path("places").write_bytes(b"\xef\xbb\xbf" + pkg.path("places").read_bytes())
    fails_with(pkg, "data/places.csv:1: starts with a byte order mark (BOM); save it as UTF-8 without BOM")


def test_crlf_line_endings(pkg):
    pkg.path("places").write_bytes(pkg.path("places").read_bytes().replace(b"\n", b"\r\n"))
    fails_with(pkg, "data/places.csv:1: has a CR (CRLF or CR line ending); lines must end with LF only")


def test_nul_byte(pkg):
    pkg.path("places").write_bytes(pkg.path("places").read_bytes().replace(b"Mosca", b"Mos\x00ca"))
    fails_with(pkg, f"data/places.csv:{pkg.row_number('places', place_id='moscow')}: contains a NUL byte")


def test_ragged_row(pkg):
    number = pkg.row_number("places", place_id="moscow")
    lines = pkg.path("places").read_text().split("\n")
    lines[number - 1] += ",extra"
    pkg.path("places").write_text("\n".join(lines))
    fails_with(pkg, f"data/places.csv:{number}: has 8 cells but the header has 7")


def test_missing_column(pkg):
    fields, rows = pkg.read("places")
    pkg.write("places", [f for f in fields if f != "name_it"], [{k: v for k, v in r.items() if k != "name_it"} for r in rows])
    fails_with(pkg, "data/places.csv:1: header does not match the schema: missing column name_it "
                    "(expected: place_id,name,name_it,country,latitude,longitude,coordinates_basis)")


def test_reordered_columns(pkg):
    fields, rows = pkg.read("places")
    fails_with_order = [fields[1], fields[0], *fields[2:]]
    pkg.write("places", fails_with_order, rows)
    fails_with(pkg, "data/places.csv:1: header does not match the schema: columns are out of order "
                    "(expected: place_id,name,name_it,country,latitude,longitude,coordinates_basis)")


def test_unsorted_rows(pkg):
    fields, rows = pkg.read("places")
    rows[0], rows[1] = rows[1], rows[0]
    pkg.write("places", fields, rows)
    fails_with(pkg, f"data/places.csv:3: is out of order: rows must be sorted by place_id ('{rows[1]['place_id']}' belongs before row 2); run make fmt")


def test_text_not_in_nfc(pkg):
    number = pkg.set("places", {"place_id": "moscow"}, "name_it", "Mosca\u0301")
    fails_with(pkg, f"data/places.csv:{number}: is not in NFC Unicode form; expected 'moscow,Moscow,Moscá,RUS,55.7558,37.6173,inferred'; run make fmt")


# --- Table Schema constraints (frictionless and pandera agree on the wording) -----------------

def test_required_value_missing(pkg):
    number = pkg.set("events", {"event_id": MEETING}, "title", "")
    fails_with(pkg, f"data/events.csv:{number} title: is required but empty")


def test_bad_slug(pkg):
    number = pkg.add("places", {"place_id": "Minsk_City", "name": "Minsk", "country": "BLR", "latitude": "53.9",
                                "longitude": "27.5667", "coordinates_basis": "inferred"})
    fails_with(pkg, f"data/places.csv:{number} place_id: 'Minsk_City' does not match the pattern {SLUG}")


def test_duplicate_primary_key(pkg):
    fields, rows = pkg.read("places")
    rows.insert(1, dict(rows[0]))
    first = rows[0]["place_id"]
    pkg.write("places", fields, rows)
    fails_with(pkg, f"data/places.csv:3 place_id: duplicate primary key (place_id={first}) already used at row 2")


def test_number_that_is_not_a_number(pkg):
    number = pkg.set("places", {"place_id": "moscow"}, "latitude", "55,7558")
    fails_with(pkg, f"data/places.csv:{number} latitude: '55,7558' is not a number")


def test_number_out_of_range(pkg):
    number = pkg.set("places", {"place_id": "moscow"}, "latitude", "95.5")
    fails_with(pkg, f"data/places.csv:{number} latitude: '95.5' is above the maximum 90")


def test_value_outside_an_enum(pkg):
    number = pkg.add("citations", {"record_table": "meetings", "record_id": MEETING, "source_id": SOURCE,
                                   "excerpt": "L’incontro di domenica"})
    fails_with(pkg, f"data/citations.csv:{number} record_table: 'meetings' is not one of: actors, event_participants, events, "
                    "memberships, organisations, places, statement_subjects, statements")


# --- dates ------------------------------------------------------------------------------------

def test_date_with_the_wrong_shape(pkg):
    number = pkg.set("events", {"event_id": MEETING}, "start_date", "16/04/2023")
    fails_with(pkg, f"data/events.csv:{number} start_date: '16/04/2023' does not match the pattern {DATE}")


def test_date_that_is_not_a_calendar_date(pkg):
    number = pkg.set("events", {"event_id": STATE_VISIT}, "end_date", "2023-02-30")
    fails_with(pkg, f"data/events.csv:{number} end_date: 2023-02-30 is not a calendar date")


def test_month_that_does_not_exist(pkg):
    number = pkg.set("statements", {"statement_id": "tan-kefei-joint-patrols-2023-03-30"}, "date", "2023-13")
    fails_with(pkg, f"data/statements.csv:{number} date: 2023-13 is not a calendar date")


def test_end_before_start(pkg):
    number = pkg.set("events", {"event_id": STATE_VISIT}, "end_date", "2023-03-19")
    fails_with(pkg, f"data/events.csv:{number} end_date: 2023-03-19 is before start_date 2023-03-20")


def test_dates_without_a_basis(pkg):
    number = pkg.set("memberships", {"membership_id": "li-shangfu-defence-minister-china"}, "date_basis", "")
    fails_with(pkg, f"data/memberships.csv:{number} date_basis: is required when start_date or end_date is given (stated or inferred)")


def test_event_after_its_source_was_published(pkg):
    number = pkg.set("events", {"event_id": MEETING}, "start_date", "2023-05-02")
    fails_with(pkg, f"data/events.csv:{number} start_date: 2023-05-02 is after {SOURCE} was published (2023-04); "
                    "only an event with status planned or proposed may be")


def test_planned_event_may_postdate_its_source(pkg):
    pkg.set("events", {"event_id": MEETING}, "start_date", "2023-05-02")
    pkg.set("events", {"event_id": MEETING}, "status", "planned")
    code, lines = pkg.validate()
    assert code == 0, "\n".join(lines)


def test_statement_after_its_source_was_published(pkg):
    number = pkg.set("statements", {"statement_id": "tan-kefei-joint-patrols-2023-03-30"}, "date", "2023-05")
    fails_with(pkg, f"data/statements.csv:{number} date: 2023-05 is after {SOURCE} was published (2023-04)")


# --- references -------------------------------------------------------------------------------

def test_unknown_vocabulary_code(pkg):
    number = pkg.set("events", {"event_id": MEETING}, "event_type", "parade")
    fails_with(pkg, f"data/events.csv:{number} event_type: 'parade' not found in vocab_event_types.code")


def test_dangling_actor_reference(pkg):
    number = pkg.set("statements", {"statement_id": "tan-kefei-joint-patrols-2023-03-30"}, "speaker_id", "tan-kefai")
    fails_with(pkg, f"data/statements.csv:{number} speaker_id: 'tan-kefai' not found in actors.actor_id (did you mean 'tan-kefei'?)")


def test_dangling_self_reference(pkg):
    number = pkg.set("events", {"event_id": MEETING}, "parent_event_id", "li-shangfu-visit")
    fails_with(pkg, f"data/events.csv:{number} parent_event_id: 'li-shangfu-visit' not found in events.event_id")


def test_citation_of_a_row_that_does_not_exist(pkg):
    number = pkg.add("citations", {"record_table": "events", "record_id": "no-such-event", "source_id": SOURCE,
                                   "excerpt": "Il presidente russo Vladimir Putin"})
    fails_with(pkg, f"data/citations.csv:{number} record_id: 'no-such-event' not found in events.event_id")


def test_citation_of_a_participant_uses_the_composite_key(pkg):
    number = pkg.add("citations", {"record_table": "event_participants", "record_id": f"{MEETING}/xi-jinping",
                                   "source_id": SOURCE, "excerpt": "Il presidente russo Vladimir Putin"})
    fails_with(pkg, f"data/citations.csv:{number} record_id: '{MEETING}/xi-jinping' not found in event_participants.event_id/actor_id")


def test_uncited_fact_row(pkg):
    pkg.remove("citations", record_table="memberships", record_id="putin-president-russia")
    number = pkg.row_number("memberships", membership_id="putin-president-russia")
    fails_with(pkg, f"data/memberships.csv:{number} membership_id: 'putin-president-russia' has no citation: "
                    "add a row to citations with record_table=memberships, record_id=putin-president-russia")


def test_orphan_actor(pkg):
    number = pkg.add("actors", {"actor_id": "ukraine-test", "kind": "state", "name": "Ukraine", "country": "UKR", "description": "Ukraine."})
    fails_with(pkg, f"data/actors.csv:{number} actor_id: 'ukraine-test' is not referenced by any membership, organisation, "
                    "event participant, statement or subject, nor cited where an article names it")


def test_an_actor_named_only_in_passing_is_cited(pkg):
    pkg.add("actors", {"actor_id": "ukraine-test", "kind": "state", "name": "Ukraine", "country": "UKR", "description": "Ukraine."})
    pkg.add("citations", {"record_table": "actors", "record_id": "ukraine-test", "source_id": SOURCE,
                          "excerpt": "la guerra mortale in Ucraina"})
    code, lines = pkg.validate()
    assert code == 0, "\n".join(lines)


def test_membership_in_a_person(pkg):
    number = pkg.set("memberships", {"membership_id": "li-shangfu-general-china"}, "organisation_id", "xi-jinping")
    fails_with(pkg, f"data/memberships.csv:{number} organisation_id: 'xi-jinping' is a person; a membership must be in an organisation or a state")


def test_organisation_without_an_organisations_row(pkg):
    pkg.remove("organisations", organisation_id="russian-armed-forces")
    number = pkg.row_number("actors", actor_id="russian-armed-forces")
    fails_with(pkg, f"data/actors.csv:{number} actor_id: 'russian-armed-forces' is an organisation but has no row in organisations")


# --- codes ------------------------------------------------------------------------------------

def test_country_code_that_does_not_exist(pkg):
    number = pkg.set("places", {"place_id": "moscow"}, "country", "RUX")
    fails_with(pkg, f"data/places.csv:{number} country: 'RUX' is not an ISO 3166-1 alpha-3 country code")


def test_language_code_that_does_not_exist(pkg):
    number = pkg.set("aliases", {"actor_id": "china", "alias": "Cina"}, "lang", "qq")
    fails_with(pkg, f"data/aliases.csv:{number} lang: 'qq' is not a BCP 47 tag of an ISO 639 language")


# --- text -------------------------------------------------------------------------------------

@pytest.mark.parametrize("start", ["=", "+", "@"])
def test_formula_injection(pkg, start):
    number = pkg.set("events", {"event_id": MEETING}, "description", f"{start}HYPERLINK(\"http://example.org\")")
    fails_with(pkg, f"data/events.csv:{number} description: starts with {start!r}, which spreadsheets run as a formula")


def test_control_character(pkg):
    number = pkg.set("actors", {"actor_id": "tan-kefei"}, "description", "Spokesperson\tof the ministry.")
    fails_with(pkg, f"data/actors.csv:{number} description: contains the control character U+0009")


# --- the article texts ------------------------------------------------------------------------

def test_excerpt_not_in_its_source(pkg):
    number = pkg.set("citations", {"record_table": "memberships", "record_id": "putin-president-russia", "source_id": SOURCE},
                     "excerpt", "Il presidente russo Vladimir Putin ha incontrato al Cremlino il ministro degli Esteri cinese")
    fails_with(pkg, f"data/citations.csv:{number} excerpt: not found verbatim in articles/{SOURCE}.txt: "
                    "the first 75 characters match, then 'gli Esteri cinese' differs from the text, which has 'lla Difesa cinese Li Shangfu, '")


def test_quote_altered_by_one_character(pkg):
    statement = "li-shangfu-very-strong-ties-2023-04-16"
    _, rows = pkg.read("statements")
    quote = next(r["quote"] for r in rows if r["statement_id"] == statement)
    number = pkg.set("statements", {"statement_id": statement}, "quote", quote.replace("molto forti", "molto forte"))
    fails_with(pkg, f"data/statements.csv:{number} quote: not found verbatim in any cited source: "
                    "the first 25 characters match, then 'e. Superano le alleanze politi' differs from the text, "
                    "which has 'i. Superano le alleanze politi'")


def test_alias_that_no_article_prints(pkg):
    number = pkg.add("aliases", {"actor_id": "xi-jinping", "alias": "Xi Jinpeng", "lang": "it"})
    fails_with(pkg, f"data/aliases.csv:{number} alias: 'Xi Jinpeng' does not occur as a whole word in any article text")


def test_an_article_listed_without_a_source_row(pkg):
    pkg.remove("sources", source_id="2022-12-putin-xi-video-call")
    pkg.remove("citations", source_id="2022-12-putin-xi-video-call")
    code, lines = pkg.validate()
    assert "datapackage.json resource article-2022-12-putin-xi-video-call: articles/2022-12-putin-xi-video-call.txt " \
           "has no row in data/sources.csv (text_path); add its source row" in problems(lines)


def test_an_article_file_not_listed_in_the_descriptor(pkg):
    (pkg.root / "articles" / "2025-01-new-article.txt").write_text("Testo.\n")
    fails_with(pkg, "articles/2025-01-new-article.txt: is not listed in datapackage.json; add it as a resource with its hash")


def test_changed_article_text(pkg):
    article = pkg.root / "articles" / f"{SOURCE}.txt"
    article.write_bytes(article.read_bytes().replace("Cremlino".encode(), "Palazzo".encode(), 1))
    code, lines = pkg.validate()
    assert code == 1
    found = problems(lines)
    row = pkg.row_number("sources", source_id=SOURCE)
    assert any(line.startswith(f"articles/{SOURCE}.txt: its SHA-256 does not match the hash in datapackage.json: the text has changed")
               for line in found), found
    assert any(line.startswith(f"data/sources.csv:{row} text_sha256: does not match articles/{SOURCE}.txt (its SHA-256 is ")
               for line in found), found
    # The excerpts that quoted the changed words no longer match either.
    assert any(line.startswith("data/citations.csv:") and "excerpt: not found verbatim" in line for line in found)


def test_wrong_hash_in_the_descriptor_is_reported_once(pkg):
    descriptor = json.loads(pkg.descriptor.read_text())
    article = next(r for r in descriptor["resources"] if r["path"] == f"articles/{SOURCE}.txt")
    article["hash"] = "sha256:" + "0" * 64
    pkg.descriptor.write_text(json.dumps(descriptor))
    code, lines = pkg.validate()
    assert code == 1
    assert len(problems(lines)) == 1
    assert problems(lines)[0].startswith(f"articles/{SOURCE}.txt: its SHA-256 does not match the hash in datapackage.json")


def test_article_listed_without_a_hash(pkg):
    descriptor = json.loads(pkg.descriptor.read_text())
    index = next(i for i, r in enumerate(descriptor["resources"]) if r["path"] == f"articles/{SOURCE}.txt")
    del descriptor["resources"][index]["hash"]
    pkg.descriptor.write_text(json.dumps(descriptor))
    digest = _sha256(pkg.root / "articles" / f"{SOURCE}.txt")
    fails_with(pkg, f'datapackage.json resource article-{SOURCE}: has no hash; add "hash": "sha256:{digest}"')


def _sha256(path) -> str:
    import hashlib
    return hashlib.sha256(path.read_bytes()).hexdigest()

