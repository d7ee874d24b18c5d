"""A contribution as CONTRIBUTING.md describes it: a sixth, invented article added end to end in
a copy of the repository passes validation against its base and the coverage measure; typical
mistakes fail with lines that say what to fix."""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import re
from pathlib import Path

import pytest

from conftest import problems
from dpcheck import text_coverage

ROOT = Path(__file__).resolve().parent.parent
SOURCE = "2024-06-test-rome-talks"
TEXT = """Colloqui a Roma tra Giulia Ferraris e Wang Yi

Testata di prova, 14 giugno 2024

La viceministra degli Esteri Giulia Ferraris ha incontrato mercoledì 12 giugno 2024 a Roma il ministro degli Esteri cinese Wang Yi.
«Il dialogo resta la via maestra», ha detto Ferraris al termine dell’incontro.
Ferraris ha aggiunto che i due governi si rivedranno in autunno.
"""


def next_minor(version: str) -> str:
    major, minor, _ = version.split("-")[0].split("+")[0].split(".")
    return f"{major}.{int(minor) + 1}.0"


def add_article(pkg) -> str:
    """Section 5 of CONTRIBUTING.md done by hand, step by step (tests/test_draft.py does it with
    add-article, draft and accept); returns the new version."""
    article = pkg.root / "articles" / f"{SOURCE}.txt"
    article.write_text(TEXT, encoding="utf-8")
    digest = hashlib.sha256(article.read_bytes()).hexdigest()
    descriptor = json.loads(pkg.descriptor.read_text())
    descriptor["resources"].append(
        {
            "name": f"article-{SOURCE}",
            "title": "Colloqui a Roma tra Giulia Ferraris e Wang Yi",
            "path": f"articles/{SOURCE}.txt",
            "format": "txt",
            "mediatype": "text/plain",
            "encoding": "utf-8",
            "hash": f"sha256:{digest}",
            "licenses": [{"name": "other-closed", "title": "Copyright remains with the publisher"}],
        }
    )
    version = descriptor["version"] = next_minor(descriptor["version"])
    pkg.descriptor.write_text(json.dumps(descriptor, indent=2, ensure_ascii=False) + "\n")
    pkg.add(
        "sources",
        {
            "source_id": SOURCE,
            "title": "Colloqui a Roma tra Giulia Ferraris e Wang Yi",
            "outlet": "Testata di prova",
            "published_date": "2024-06-14",
            "published_date_basis": "stated",
            "language": "it",
            "text_path": f"articles/{SOURCE}.txt",
            "text_sha256": digest,
            "original_filename": f"{SOURCE}.txt",
        },
    )
    pkg.add(
        "actors",
        {
            "actor_id": "giulia-ferraris",
            "kind": "person",
            "name": "Giulia Ferraris",
            "country": "ITA",
            "description": "Italian deputy foreign minister (invented, for a test).",
        },
    )
    pkg.add(
        "actors",
        {
            "actor_id": "italy",
            "kind": "state",
            "name": "Italy",
            "country": "ITA",
            "description": "The Italian Republic.",
        },
    )
    for actor, alias in [("giulia-ferraris", "Giulia Ferraris"), ("giulia-ferraris", "Ferraris")]:
        pkg.add("aliases", {"actor_id": actor, "alias": alias, "lang": "it"})
    pkg.add(
        "memberships",
        {
            "membership_id": "giulia-ferraris-deputy-foreign-minister-italy",
            "member_id": "giulia-ferraris",
            "organisation_id": "italy",
            "role": "deputy_minister",
            "label": "Deputy Foreign Minister",
        },
    )
    pkg.add(
        "places",
        {
            "place_id": "rome",
            "name": "Rome",
            "name_it": "Roma",
            "country": "ITA",
            "latitude": "41.9028",
            "longitude": "12.4964",
            "coordinates_basis": "inferred",
        },
    )
    event = "giulia-ferraris-wang-yi-talks-2024-06-12"
    pkg.add(
        "events",
        {
            "event_id": event,
            "title": "Giulia Ferraris and Wang Yi meet in Rome",
            "event_type": "talks",
            "status": "occurred",
            "mode": "in_person",
            "start_date": "2024-06-12",
            "date_basis": "stated",
            "place_id": "rome",
            "description": "Meeting in Rome between the Italian deputy foreign minister and the Chinese foreign minister.",
        },
    )
    pkg.add(
        "event_participants",
        {"event_id": event, "actor_id": "giulia-ferraris", "role": "host", "on_behalf_of_id": "italy"},
    )
    pkg.add(
        "event_participants", {"event_id": event, "actor_id": "wang-yi", "role": "visitor", "on_behalf_of_id": "china"}
    )
    pkg.add(
        "statement_speakers", {"statement_id": "giulia-ferraris-dialogue-2024-06-12", "actor_id": "giulia-ferraris"}
    )
    pkg.add(
        "statements",
        {
            "statement_id": "giulia-ferraris-dialogue-2024-06-12",
            "event_id": event,
            "date": "2024-06-12",
            "date_basis": "stated",
            "kind": "direct",
            "quote": "Il dialogo resta la via maestra",
            "quote_en": "Dialogue remains the main road",
        },
    )
    pkg.add("statement_subjects", {"statement_id": "giulia-ferraris-dialogue-2024-06-12", "actor_id": "china"})
    meeting = "La viceministra degli Esteri Giulia Ferraris ha incontrato mercoledì 12 giugno 2024 a Roma il ministro degli Esteri cinese Wang Yi."
    # A happening the text gives no date for is recorded with the bound it gives: the publication.
    autumn = "giulia-ferraris-wang-yi-next-meeting"
    pkg.add(
        "events",
        {
            "event_id": autumn,
            "title": "Italy and China plan to meet again in the autumn",
            "event_type": "talks",
            "status": "planned",
            "date_basis": "inferred",
            "not_after": "2024-06-14",
            "description": "Ferraris said the two governments would meet again in the autumn.",
        },
    )
    for table, record, excerpt in [
        ("events", autumn, "Ferraris ha aggiunto che i due governi si rivedranno in autunno."),
        (
            "memberships",
            "giulia-ferraris-deputy-foreign-minister-italy",
            "La viceministra degli Esteri Giulia Ferraris",
        ),
        ("events", event, meeting),
        ("event_participants", f"{event}/giulia-ferraris", meeting),
        ("event_participants", f"{event}/wang-yi", meeting),
        (
            "statements",
            "giulia-ferraris-dialogue-2024-06-12",
            "«Il dialogo resta la via maestra», ha detto Ferraris al termine dell’incontro.",
        ),
        ("actors", "italy", "a Roma"),
    ]:
        pkg.add("citations", {"record_table": table, "record_id": record, "source_id": SOURCE, "excerpt": excerpt})
    exclusions = pkg.root / "coverage_exclusions.csv"
    exclusions.write_text(
        (ROOT / "articles" / "coverage_exclusions.csv").read_text()
        + f"{SOURCE},14 giugno 2024,byline,the publication-date line\n"
        + f'{SOURCE},"Testata di prova, 14 giugno 2024",byline,the outlet and date line\n'
        + f"{SOURCE},Colloqui a Roma tra Giulia Ferraris e Wang Yi,headline,the headline\n"
    )
    changelog = pkg.root / "CHANGELOG.md"
    text = changelog.read_text()
    first = re.search(r"^## ", text, re.M).start()
    changelog.write_text(text[:first] + f"## {version} (2024-06-15)\n\n- Added {SOURCE}.\n\n" + text[first:])
    return version


def coverage_of(pkg) -> tuple[int, str]:
    module = text_coverage
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        code = module.main([str(pkg.descriptor), "--exclusions", str(pkg.root / "coverage_exclusions.csv")])
    return code, out.getvalue()


def test_a_new_article_added_as_documented_passes(repo):
    add_article(repo)
    code, lines = repo.validate("--base", "HEAD")
    assert code == 0, "\n".join(lines)
    code, report = coverage_of(repo)
    assert code == 0, report
    assert f"{SOURCE}: sentences 5/5 (3 cited, 2 excluded), 100%\n  quotes 1/1, dates 2/2, 100%" in report


@pytest.mark.parametrize(
    "mistake, expected",
    [
        ("straight apostrophe in an excerpt", "excerpt: not found verbatim in articles/2024-06-test-rome-talks.txt"),
        ("misspelt actor ID", "actor_id: 'wang-yl' not found in actors.actor_id (did you mean 'wang-yi'?)"),
        ("no CHANGELOG heading", "CHANGELOG.md: has no entry for version"),
        ("article not listed", "articles/2024-06-test-rome-talks.txt: is not listed in datapackage.json"),
    ],
)
def test_typical_mistakes_say_what_to_fix(repo, mistake, expected):
    version = add_article(repo)
    if mistake == "straight apostrophe in an excerpt":
        fields, rows = repo.read("citations")
        for row in rows:
            row["excerpt"] = row["excerpt"].replace("dell’incontro", "dell'incontro")
        repo.write("citations", fields, rows)
    elif mistake == "misspelt actor ID":
        repo.set(
            "event_participants",
            {"event_id": "giulia-ferraris-wang-yi-talks-2024-06-12", "actor_id": "wang-yi"},
            "actor_id",
            "wang-yl",
        )
    elif mistake == "no CHANGELOG heading":
        changelog = repo.root / "CHANGELOG.md"
        changelog.write_text(changelog.read_text().replace(f"## {version} (2024-06-15)", "## Unreleased"))
    elif mistake == "article not listed":
        descriptor = json.loads(repo.descriptor.read_text())
        descriptor["resources"] = [r for r in descriptor["resources"] if r["name"] != f"article-{SOURCE}"]
        repo.descriptor.write_text(json.dumps(descriptor, indent=2, ensure_ascii=False) + "\n")
    code, lines = repo.validate("--base", "HEAD")
    assert code == 1
    assert any(expected in line for line in problems(lines)), "\n".join(lines)
