"""The validator as a whole on the real package with one change: the engines' agreement on a cell
(pandera and Frictionless), and the article texts, where one change is reported by several rules.
What each rule finds and allows on its own is tested beside it, in tests/rules/.

Each way of breaking the package is one case in one table, test_hostile.CASES, which asserts the
report of its own rules, no traceback, no write and no connection; test_frictionless_parity runs the same
table through Frictionless. A scenario is written once, there."""

from __future__ import annotations

import json

from conftest import own_lines, problems

SOURCE = "2023-04-putin-meets-li-shangfu"
MEETING = "putin-li-shangfu-meeting-2023-04-16"


def fails_with(pkg, *expected: str) -> None:
    """The report of the rules the expected lines come from is exactly those lines."""
    code, lines = pkg.validate(coded=True)
    assert code == 1, lines
    assert own_lines(lines, list(expected)) == list(expected), "\n".join(lines)
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
