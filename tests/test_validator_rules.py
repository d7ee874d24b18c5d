"""The validator's rules beyond the hostile cases: what a rule allows (a planned event after its
source, an actor cited where an article names it), and rules whose report is more than one line.

Each way of breaking the package is one case in one table, test_hostile.CASES, which asserts the
exact report, no traceback, no write and no connection; test_frictionless_parity runs the same
table through Frictionless. A scenario is written once, there."""

from __future__ import annotations

import json

import pytest

from conftest import problems

SOURCE = "2023-04-putin-meets-li-shangfu"
MEETING = "putin-li-shangfu-meeting-2023-04-16"


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


def test_schema_with_unknown_field_type(pkg):
    schema_file = pkg.root / "schemas" / "places.json"
    schema = json.loads(schema_file.read_text())
    schema["fields"][4]["type"] = "geopoint"
    schema_file.write_text(json.dumps(schema))
    fails_with(
        pkg,
        "schemas/places.json latitude: type 'geopoint' is not one of: boolean, integer, number, string "
        "(this package's profile, stricter than the Data Package standard: dates are reduced-date strings with x-reduced-date)",
    )


# --- file form --------------------------------------------------------------------------------


# --- Table Schema constraints (frictionless and pandera agree on the wording) -----------------


def test_value_outside_an_enum(pkg):
    number = pkg.add(
        "citations",
        {"record_table": "meetings", "record_id": MEETING, "source_id": SOURCE, "excerpt": "L’incontro di domenica"},
    )
    fails_with(
        pkg,
        f"data/citations.csv:{number} record_table: 'meetings' is not one of: actors, event_participants, events, "
        "memberships, organisations, places, statement_subjects, statements",
    )


# --- dates ------------------------------------------------------------------------------------


def test_dates_without_a_basis(pkg):
    number = pkg.set("memberships", {"membership_id": "li-shangfu-defence-minister-china"}, "date_basis", "")
    fails_with(
        pkg,
        f"data/memberships.csv:{number} date_basis: is required when start_date or end_date is given (stated or inferred)",
    )


def test_planned_event_may_postdate_its_source(pkg):
    pkg.set("events", {"event_id": MEETING}, "start_date", "2023-05-02")
    pkg.set("events", {"event_id": MEETING}, "status", "planned")
    code, lines = pkg.validate()
    assert code == 0, "\n".join(lines)


# --- references -------------------------------------------------------------------------------


def test_dangling_actor_reference(pkg):
    number = pkg.set(
        "statement_subjects",
        {"statement_id": "tan-kefei-joint-patrols-2023-03-30", "actor_id": "russia"},
        "actor_id",
        "rusia",
    )
    fails_with(
        pkg,
        f"data/statement_subjects.csv:{number} actor_id: 'rusia' not found in actors.actor_id (did you mean 'russia'?)",
    )


def test_dangling_self_reference(pkg):
    number = pkg.set("events", {"event_id": MEETING}, "parent_event_id", "li-shangfu-visit")
    fails_with(pkg, f"data/events.csv:{number} parent_event_id: 'li-shangfu-visit' not found in events.event_id")


def test_citation_of_a_participant_uses_the_composite_key(pkg):
    number = pkg.add(
        "citations",
        {
            "record_table": "event_participants",
            "record_id": f"{MEETING}/xi-jinping",
            "source_id": SOURCE,
            "excerpt": "Il presidente russo Vladimir Putin",
        },
    )
    fails_with(
        pkg,
        f"data/citations.csv:{number} record_id: '{MEETING}/xi-jinping' not found in event_participants.event_id/actor_id",
    )


def test_an_actor_named_only_in_passing_is_cited(pkg):
    pkg.add(
        "actors",
        {"actor_id": "ukraine-test", "kind": "state", "name": "Ukraine", "country": "UKR", "description": "Ukraine."},
    )
    pkg.add(
        "citations",
        {
            "record_table": "actors",
            "record_id": "ukraine-test",
            "source_id": SOURCE,
            "excerpt": "la guerra mortale in Ucraina",
        },
    )
    code, lines = pkg.validate()
    assert code == 0, "\n".join(lines)


def test_organisation_without_an_organisations_row(pkg):
    pkg.remove("organisations", organisation_id="russian-armed-forces")
    number = pkg.row_number("actors", actor_id="russian-armed-forces")
    fails_with(
        pkg,
        f"data/actors.csv:{number} actor_id: 'russian-armed-forces' is an organisation but has no row in organisations",
    )


# --- codes ------------------------------------------------------------------------------------


# --- text -------------------------------------------------------------------------------------


@pytest.mark.parametrize("start", ["=", "+", "@"])
def test_formula_injection(pkg, start):
    number = pkg.set("events", {"event_id": MEETING}, "description", f'{start}HYPERLINK("http://example.org")')
    fails_with(pkg, f"data/events.csv:{number} description: starts with {start!r}, which spreadsheets run as a formula")


# --- the article texts ------------------------------------------------------------------------


def test_an_article_listed_without_a_source_row(pkg):
    pkg.remove("sources", source_id="2022-12-putin-xi-video-call")
    pkg.remove("citations", source_id="2022-12-putin-xi-video-call")
    code, lines = pkg.validate()
    assert (
        "datapackage.json resource article-2022-12-putin-xi-video-call: articles/2022-12-putin-xi-video-call.txt "
        "has no row in data/sources.csv (text_path); add its source row" in problems(lines)
    )


def test_an_article_file_not_listed_in_the_descriptor(pkg):
    (pkg.root / "articles" / "2025-01-new-article.txt").write_text("Testo.\n")
    fails_with(
        pkg, "articles/2025-01-new-article.txt: is not listed in datapackage.json; add it as a resource with its hash"
    )


def test_the_same_missing_excerpt_is_reported_on_each_of_its_rows(pkg):
    """Each distinct excerpt is searched for once; every row that quotes it gets its line."""
    cited = [r for r in pkg.read("citations")[1] if r["source_id"] == SOURCE][:2]
    wrong = "Il presidente russo Vladimir Putin ha incontrato al Cremlino il ministro degli Esteri cinese"
    numbers = [
        pkg.set("citations", {k: row[k] for k in ("record_table", "record_id", "source_id")}, "excerpt", wrong)
        for row in cited
    ]
    message = (
        f"excerpt: not found verbatim in articles/{SOURCE}.txt: the first 75 characters match, then "
        "'gli Esteri cinese' differs from the text, which has 'lla Difesa cinese Li Shangfu, '"
    )
    fails_with(pkg, *(f"data/citations.csv:{number} {message}" for number in sorted(numbers)))


def test_changed_article_text(pkg):
    article = pkg.root / "articles" / f"{SOURCE}.txt"
    article.write_bytes(article.read_bytes().replace("Cremlino".encode(), "Palazzo".encode(), 1))
    code, lines = pkg.validate()
    assert code == 1
    found = problems(lines)
    row = pkg.row_number("sources", source_id=SOURCE)
    assert any(
        line.startswith(
            f"articles/{SOURCE}.txt: its SHA-256 does not match the hash in datapackage.json: the text has changed"
        )
        for line in found
    ), found
    assert any(
        line.startswith(f"data/sources.csv:{row} text_sha256: does not match articles/{SOURCE}.txt (its SHA-256 is ")
        for line in found
    ), found
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
    assert problems(lines)[0].startswith(
        f"articles/{SOURCE}.txt: its SHA-256 does not match the hash in datapackage.json"
    )


def test_a_text_gone_after_loading_is_left_to_the_sources_check(pkg):
    """The texts are read ahead, while the tables are parsed; one that cannot be read then is not
    the whole step's failure there, only left out (source_texts reads it again if a source names it)."""
    from dpcheck import rules
    from dpmodel import descriptor

    package, _ = descriptor.load(pkg.descriptor)
    texts = [r for r in package.resources.values() if not r.is_table]
    texts[0].file.unlink()
    read = rules.read_texts(package)
    assert sorted(read) == sorted(r.path for r in texts[1:])
    assert all(len(data) == r.size for r, (data, _) in zip(texts[1:], (read[r.path] for r in texts[1:])))
