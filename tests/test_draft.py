"""make draft and make accept: an article's rows proposed from its text, each with a verbatim
excerpt, and the rows a contributor keeps moved into data/ with fresh IDs (issue 27). The texts
here are invented: the drafter has never seen them (held out)."""

from __future__ import annotations

import csv
import io
import json

import pytest
from dpcontrib import accept, add_article, draft, evaluate

from dpmodel import REPOSITORY, descriptor

ROME = """Colloqui a Roma tra Giulia Ferraris e Wang Yi

Testata di prova, 14 giugno 2024

La viceministra degli Esteri Giulia Ferraris ha incontrato mercoledì 12 giugno 2024 a Roma il ministro degli Esteri cinese Wang Yi.
«Il dialogo resta la via maestra», ha detto Ferraris al termine dell’incontro.
Ferraris ha aggiunto che i due governi si rivedranno in autunno.
"""
BEIJING = """Lavrov a Pechino (Testata di prova 17.05.24)

Il ministro degli Esteri russo Sergej Lavrov ha incontrato martedì a Pechino l’omologo cinese Wang Yi.
«La nostra cooperazione non è diretta contro nessuno», ha detto Lavrov ai giornalisti.
La Csto e la Cina, secondo Lavrov, hanno interessi comuni in Asia centrale.
"""


def _added(pkg, tmp_path, text: str, source_id: str):
    file = tmp_path / f"{source_id}.txt"
    file.write_text(text, encoding="utf-8")
    assert add_article.main([str(file), "--package", str(pkg.root), "--id", source_id]) == 0
    package, problems = descriptor.load(pkg.descriptor)
    assert package is not None, problems
    return package


def _draft_files(pkg, source_id: str) -> dict[str, list[dict]]:
    folder = pkg.root / "drafts" / source_id
    return {
        p.stem: list(csv.DictReader(io.StringIO(p.read_text(encoding="utf-8")))) for p in sorted(folder.glob("*.csv"))
    }


def test_an_unseen_article_yields_its_quotation_with_its_speaker_its_date_and_its_known_actors(pkg, tmp_path, capsys):
    package = _added(pkg, tmp_path, BEIJING, "2024-05-lavrov-beijing-test")
    found = draft.draft_rows(package, "2024-05-lavrov-beijing-test")
    (direct,) = [s for s in found.rows["statements"] if s["kind"] == "direct"]
    assert direct["quote"] == "La nostra cooperazione non è diretta contro nessuno"  # verbatim
    speakers = {s["statement_id"]: s["actor_id"] for s in found.rows["statement_speakers"]}
    assert speakers[direct["statement_id"]] == "sergey-lavrov"
    known = {m.actor_id for m in found.mentions}
    assert {"sergey-lavrov", "wang-yi", "csto", "china"} <= known  # "Csto" as the CSTO, "Cina" as China
    # "martedì" before Friday 17 May 2024 is the 14th, resolved, so inferred
    assert ("martedì", "2024-05-14", "inferred") in [(d[2], d[3], d[4]) for d in found.dates]
    (event,) = found.rows["events"]
    assert (event["event_type"], event["start_date"], event["place_id"]) == ("talks", "2024-05-14", "beijing")
    indirect = [s for s in found.rows["statements"] if s["kind"] == "indirect"]
    assert any(speakers.get(s["statement_id"]) == "sergey-lavrov" for s in indirect)
    text = BEIJING
    assert all(c["excerpt"] and c["excerpt"] in text for c in found.rows["citations"])  # verbatim by construction


def test_a_printed_date_is_stated_and_a_new_name_is_one_candidate_actor(pkg, tmp_path):
    package = _added(pkg, tmp_path, ROME, "2024-06-test-rome-talks")
    found = draft.draft_rows(package, "2024-06-test-rome-talks")
    (event,) = found.rows["events"]
    assert (event["start_date"], event["date_basis"]) == ("2024-06-12", "stated")  # "mercoledì 12 giugno 2024"
    assert [a["name"] for a in found.rows["actors"] if "ferraris" in a["actor_id"]] == ["Giulia Ferraris"]
    speakers = {s["actor_id"] for s in found.rows["statement_speakers"]}
    assert speakers == {"draft-actor-giulia-ferraris"}  # "Ferraris" alone is the same candidate


def _review(pkg, source_id: str, decide) -> None:
    """Write each drafted row back with what decide(table, row) makes of it (a reviewer's edits)."""
    for path in sorted((pkg.root / "drafts" / source_id).glob("*.csv")):
        rows = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))
        if not rows:
            continue
        out = io.StringIO()
        writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(decide(path.stem, dict(r)) for r in rows)
        path.write_text(out.getvalue(), encoding="utf-8")


def _rome_review(table: str, row: dict) -> dict:
    """The reviewer keeps Giulia Ferraris, the meeting and the quotation, fills in what the text
    cannot say (kind, country, a title, the translation, roles), and drops Roma and the rest."""
    drop = (
        "roma" in json.dumps(row)
        or row.get("statement_id") == "draft-statement-2"
        or row.get("record_id") == "draft-statement-2"
    )
    row["keep"] = "no" if drop else "yes"
    if table == "actors" and not drop:
        row.update(kind="person", country="ITA", description="Italian deputy foreign minister (invented).")
    if table == "events":
        row.update(title="Giulia Ferraris and Wang Yi meet in Rome", mode="in_person", description="A meeting in Rome.")
    if table == "event_participants":
        row["role"] = "visitor" if row["actor_id"] == "wang-yi" else "host"
    if table == "statements" and not drop:
        row.update(quote_en="Dialogue remains the main road", event_id="draft-event-1", date="2024-06-12",
                   date_basis="inferred", not_after="")  # fmt: skip
    return row


def test_from_text_to_a_passing_check_with_add_article_draft_and_accept(pkg, tmp_path, capsys):
    _added(pkg, tmp_path, ROME, "2024-06-test-rome-talks")
    assert draft.main(["2024-06-test-rome-talks", "--package", str(pkg.root)]) == 0
    code, lines = pkg.validate()
    assert code == 0 and any("proposals not reviewed yet" in line for line in lines), lines  # a note, not a problem
    _review(pkg, "2024-06-test-rome-talks", _rome_review)
    capsys.readouterr()
    assert accept.main(["2024-06-test-rome-talks", "--package", str(pkg.root)]) == 0
    printed = capsys.readouterr().out.splitlines()
    shown = (REPOSITORY / "CONTRIBUTING.md").read_text(encoding="utf-8").split("   data/actors.csv: 1 row added", 1)[1]
    shown_lines = ["data/actors.csv: 1 row added"] + [
        line.strip() for line in shown.split("```", 1)[0].splitlines() if line.strip()
    ]
    assert printed == shown_lines  # CONTRIBUTING.md shows this run's output
    code, lines = pkg.validate()
    assert code == 0, lines
    assert not any("not reviewed" in line for line in lines)
    _, events = pkg.read("events")
    (event,) = [e for e in events if "ferraris" in e["event_id"]]
    assert event["event_id"] == "giulia-ferraris-and-wang-yi-meet-2024-06-12"  # a fresh ID from title and date
    _, participants = pkg.read("event_participants")
    assert {(p["actor_id"], p["role"]) for p in participants if p["event_id"] == event["event_id"]} == {
        ("giulia-ferraris", "host"),
        ("wang-yi", "visitor"),
    }


@pytest.mark.parametrize(
    "change, message",
    [
        (lambda t, r: {**r, "keep": "maybe"}, "keep: 'maybe' is not yes or no"),
        (
            lambda t, r: {**r, "keep": "no" if t == "events" else "yes"},
            "names draft-event-1, which is not kept: keep it too, or drop this row",
        ),
    ],
    ids=["unknown decision", "kept row names a dropped one"],
)
def test_accept_refuses_what_it_cannot_move_and_moves_nothing(pkg, tmp_path, capsys, change, message):
    _added(pkg, tmp_path, ROME, "2024-06-test-rome-talks")
    assert draft.main(["2024-06-test-rome-talks", "--package", str(pkg.root)]) == 0
    _review(pkg, "2024-06-test-rome-talks", change)
    before = {p.name: p.read_bytes() for p in (pkg.root / "data").iterdir()}
    capsys.readouterr()
    assert accept.main(["2024-06-test-rome-talks", "--package", str(pkg.root)]) == 1
    out = capsys.readouterr().out
    assert out.startswith("accept: ") and message in out and "Traceback" not in out
    assert {p.name: p.read_bytes() for p in (pkg.root / "data").iterdir()} == before


def test_a_draft_is_never_written_through_a_link(pkg, tmp_path, capsys):
    _added(pkg, tmp_path, ROME, "2024-06-test-rome-talks")
    (pkg.root / "drafts").mkdir()
    (pkg.root / "drafts" / "2024-06-test-rome-talks").symlink_to(tmp_path)
    assert draft.main(["2024-06-test-rome-talks", "--package", str(pkg.root)]) == 1
    assert "is a link" in capsys.readouterr().out
    assert not list(tmp_path.glob("*.csv"))


def test_the_drafting_table_in_benchmarks_is_todays_and_meets_the_targets():
    results = evaluate.measure()
    text = (REPOSITORY / "BENCHMARKS.md").read_text(encoding="utf-8")
    assert evaluate.table(results) in text, "run make draft-eval"
    totals = evaluate.totals(results)
    assert totals["quotations"][0] >= 0.90 and totals["dates"][0] >= 0.90 and totals["known actors"][0] >= 0.95
    assert all(r["verbatim"] == 1 for r in results)


def test_contributing_shows_the_drafts_real_output(pkg, tmp_path, capsys):
    _added(pkg, tmp_path, ROME, "2024-06-test-rome-talks")
    capsys.readouterr()
    assert draft.main(["2024-06-test-rome-talks", "--package", str(pkg.root)]) == 0
    printed = [line.strip() for line in capsys.readouterr().out.splitlines()][1:]
    text = (REPOSITORY / "CONTRIBUTING.md").read_text(encoding="utf-8")
    shown = text.split("   Drafted drafts/2024-06-test-rome-talks/", 1)[1].split("```", 1)[0]
    shown_lines = [line.strip() for line in shown.splitlines()[1:] if line.strip()]
    assert printed[: len(shown_lines)] == shown_lines


@pytest.mark.parametrize(
    "sentence, printed, iso, basis",
    [
        ("Il 12 marzo 2024 Lavrov ha parlato.", "12 marzo 2024", "2024-03-12", "stated"),
        ("Il 20 giugno si è tenuto il vertice.", "20 giugno", "2023-06-20", "inferred"),  # past: the last 20 June
        ("A novembre si terrà il vertice.", "A novembre", "2024-11", "inferred"),  # future tense: the next November
        ("A novembre si è tenuto il vertice.", "A novembre", "2023-11", "inferred"),
        ("Martedì Lavrov ha parlato.", "Martedì", "2024-06-11", "inferred"),
        ("Lo scorso fine settimana Lavrov ha parlato.", "Lo scorso fine settimana", "2024-06", "inferred"),
        ("Il mese scorso Lavrov ha parlato.", "Il mese scorso", "2024-05", "inferred"),
        ("Ieri Lavrov ha parlato.", "Ieri", "2024-06-13", "inferred"),
        ("Martedì scorso Lavrov ha parlato.", "Martedì scorso", "2024-06-11", "inferred"),
    ],
)
def test_dates_as_the_text_states_them_are_resolved_against_the_publication(sentence, printed, iso, basis):
    (found,) = draft.find_dates(sentence, "2024-06-14")  # a Friday
    assert found[2:] == (printed, iso, basis)


def test_a_relative_day_is_not_resolved_past_what_the_publication_date_knows():
    (found,) = draft.find_dates("Martedì Lavrov ha parlato.", "2024-06")
    assert found[3:] == ("2024-06", "inferred")
