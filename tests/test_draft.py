"""make draft and make accept: an article's rows proposed from its text, each with a verbatim
excerpt, and the rows a contributor keeps moved into data/ with fresh IDs (issue 27). The texts
here are invented: the drafter has never seen them (held out)."""

from __future__ import annotations

import csv
import io
import json
import os

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
    assert "passes through a symbolic link" in capsys.readouterr().out
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


# --- hostile input: the draft reads only what the package lists, writes only new files of its own,
# and accept moves everything or nothing (held-out variants of each class: SECURITY.md) ----------

ROME_ID = "2024-06-test-rome-talks"


def _break_text(pkg, case: str) -> None:
    article = pkg.root / "articles" / f"{ROME_ID}.txt"
    if case == "path outside the package":
        pkg.set("sources", {"source_id": ROME_ID}, "text_path", "articles/../../../../etc/passwd.txt")
    elif case == "path to another file":
        pkg.set("sources", {"source_id": ROME_ID}, "text_path", "articles/unlisted.txt")
        (pkg.root / "articles" / "unlisted.txt").write_text(ROME)
    elif case == "text is a link":
        article.unlink()
        article.symlink_to("/etc/passwd")
    elif case == "text is a FIFO":
        article.unlink()
        os.mkfifo(article)  # nobody writes to it: a plain open would wait forever
    elif case == "text is not UTF-8":
        article.write_bytes(b"\xff\xfe" + ROME.encode())
    elif case == "text is empty":
        article.write_text("\n")
    elif case == "text has a carriage return":
        article.write_bytes(ROME.replace("\n", "\r\n").encode())
    elif case == "publication date is no date":
        pkg.set("sources", {"source_id": ROME_ID}, "published_date", "2024-02-31")
    elif case == "publication date is empty":
        pkg.set("sources", {"source_id": ROME_ID}, "published_date", "")
    elif case == "more proposals than a review can take":
        article.write_text(ROME + "«uno due tre» ha detto Ferraris.\n" * 5001)
        pkg.set("sources", {"source_id": ROME_ID}, "text_sha256", "")


@pytest.mark.parametrize(
    "case, message",
    [
        ("path outside the package", "is not an article text datapackage.json lists"),
        ("path to another file", "'articles/unlisted.txt' (text_path of 2024-06-test-rome-talks) is not an article"),
        ("text is a link", "passes through a symbolic link"),
        ("text is a FIFO", "is a FIFO (named pipe), not a file"),
        ("text is not UTF-8", "is not valid UTF-8 (byte 0)"),
        ("text is empty", "is empty"),
        ("text has a carriage return", "line 1 holds a carriage return"),
        ("publication date is no date", "published_date: 2024-02-31 is not a calendar date; correct it first"),
        ("publication date is empty", "published_date: empty; fill it first"),
        ("more proposals than a review can take", "more than 5,000 proposals for one table"),
    ],
)
def test_a_draft_reads_only_a_listed_article_text_and_says_why_not(pkg, tmp_path, capsys, case, message):
    _added(pkg, tmp_path, ROME, ROME_ID)
    _break_text(pkg, case)
    capsys.readouterr()
    assert draft.main([ROME_ID, "--package", str(pkg.root)]) == 1
    out = capsys.readouterr().out
    assert out.startswith("draft: ") and message in out and "Traceback" not in out, out
    assert not (pkg.root / "drafts").exists()


def test_a_draft_already_there_is_never_overwritten_nor_waited_on(pkg, tmp_path, capsys):
    _added(pkg, tmp_path, ROME, ROME_ID)
    assert draft.main([ROME_ID, "--package", str(pkg.root)]) == 0
    _review(pkg, ROME_ID, lambda t, r: {**r, "keep": "no"})
    reviewed = {p.name: p.read_bytes() for p in (pkg.root / "drafts" / ROME_ID).iterdir()}
    capsys.readouterr()
    assert draft.main([ROME_ID, "--package", str(pkg.root)]) == 1
    assert "already holds a draft" in capsys.readouterr().out
    assert {p.name: p.read_bytes() for p in (pkg.root / "drafts" / ROME_ID).iterdir()} == reviewed
    # With --force it is replaced; a FIFO or a link left in the folder is replaced as an entry,
    # never opened (a FIFO would block the write) nor written through.
    (pkg.root / "drafts" / ROME_ID / "events.csv").unlink()
    os.mkfifo(pkg.root / "drafts" / ROME_ID / "events.csv")
    (pkg.root / "drafts" / ROME_ID / "actors.csv").unlink()
    (pkg.root / "drafts" / ROME_ID / "actors.csv").symlink_to(tmp_path / "outside.csv")
    assert draft.main([ROME_ID, "--package", str(pkg.root), "--force"]) == 0
    assert not (tmp_path / "outside.csv").exists()
    drafted = _draft_files(pkg, ROME_ID)
    assert drafted["events"] and all(r["keep"] == "" for rows in drafted.values() for r in rows)


def test_a_draft_made_again_after_accept_proposes_only_what_is_not_recorded(pkg, tmp_path, capsys):
    _added(pkg, tmp_path, ROME, ROME_ID)
    assert draft.main([ROME_ID, "--package", str(pkg.root)]) == 0
    _review(pkg, ROME_ID, _rome_review)
    assert accept.main([ROME_ID, "--package", str(pkg.root)]) == 0
    capsys.readouterr()
    assert draft.main([ROME_ID, "--package", str(pkg.root), "--force"]) == 0
    assert "left out: the package already records them" in capsys.readouterr().out
    drafted = _draft_files(pkg, ROME_ID)
    assert not drafted.get("events")  # the meeting is recorded
    assert [a["name"] for a in drafted["actors"]] == ["Roma"]  # dropped before; Giulia Ferraris is known now
    quotes = [r["quote"] for r in drafted.get("statements", [])]
    assert "Il dialogo resta la via maestra" not in quotes  # kept before: not proposed twice
    (again,) = [r for r in drafted["statements"] if r["quote"].startswith("Ferraris ha aggiunto")]  # dropped before
    speakers = {(r["statement_id"], r["actor_id"]) for r in drafted["statement_speakers"]}
    assert (again["statement_id"], "giulia-ferraris") in speakers  # a recorded actor still speaks


def test_rows_kept_in_a_later_round_find_the_rows_accepted_before(pkg, tmp_path, capsys):
    _added(pkg, tmp_path, ROME, ROME_ID)
    assert draft.main([ROME_ID, "--package", str(pkg.root)]) == 0

    def first_round(table, row):  # the meeting and who was there now, with their evidence; the quotation later
        row = _rome_review(table, row)
        later = table.startswith("statement") or row.get("record_table", "").startswith("statement")
        return {**row, "keep": ""} if later and row["keep"] == "yes" else row

    _review(pkg, ROME_ID, first_round)
    assert accept.main([ROME_ID, "--package", str(pkg.root)]) == 0
    left = _draft_files(pkg, ROME_ID)
    assert [r["event_id"] for r in left["statements"]] == ["giulia-ferraris-and-wang-yi-meet-2024-06-12"]
    _review(pkg, ROME_ID, lambda t, r: {**r, "keep": "yes"})
    assert accept.main([ROME_ID, "--package", str(pkg.root)]) == 0
    code, lines = pkg.validate()
    assert code == 0, lines


@pytest.mark.parametrize(
    "case, message",
    [
        ("formula", "drafts/2024-06-test-rome-talks/events.csv:2 title [text-formula]: starts with '='"),
        ("NUL", "events.csv:2 description [text-control]: contains the control character U+0000"),
        ("cell over its length", "events.csv:2 description [value-max-length]: is 140,000 characters; at most 2,000"),
        ("byte-order mark", "events.csv:1: starts with a byte-order mark (U+FEFF)"),
        ("draft file is a FIFO", "events.csv: is a FIFO (named pipe), not a file"),
        ("draft file is a link", "events.csv: passes through a symbolic link"),
        # Whatever make check would refuse once the rows are in data/, accept refuses first.
        ("a kept row twice", "[key-duplicate]"),
        ("a value not in its table", "place_id [key-dangling]: 'draft-place-1' not found in places.place_id"),
    ],
)
def test_accept_moves_everything_or_nothing(pkg, tmp_path, capsys, case, message):
    _added(pkg, tmp_path, ROME, ROME_ID)
    assert draft.main([ROME_ID, "--package", str(pkg.root)]) == 0
    _review(pkg, ROME_ID, _rome_review)
    events = pkg.root / "drafts" / ROME_ID / "events.csv"
    if case == "formula":
        events.write_text(events.read_text().replace("Giulia Ferraris and Wang Yi meet", "=HYPERLINK(1)"))
    elif case == "NUL":
        events.write_text(events.read_text().replace("A meeting in Rome.", "A meeting\x00"))
    elif case == "cell over its length":
        events.write_text(events.read_text().replace("A meeting in Rome.", "x" * 140_000))
    elif case == "byte-order mark":
        events.write_bytes(b"\xef\xbb\xbf" + events.read_bytes())
    elif case == "a kept row twice":
        lines = events.read_text().splitlines()
        events.write_text("\n".join([*lines, lines[-1]]) + "\n")
    elif case == "a value not in its table":
        _review(pkg, ROME_ID, lambda t, r: {**r, "place_id": "draft-place-1"} if t == "events" else r)
    elif case == "draft file is a FIFO":
        events.unlink()
        os.mkfifo(events)
    elif case == "draft file is a link":
        (tmp_path / "elsewhere.csv").write_bytes(events.read_bytes())
        events.unlink()
        events.symlink_to(tmp_path / "elsewhere.csv")
    before = {p: p.read_bytes() for p in (pkg.root / "data").iterdir()}
    drafts = {p: p.read_bytes() for p in (pkg.root / "drafts" / ROME_ID).iterdir() if p.is_file() and p != events}
    capsys.readouterr()
    assert accept.main([ROME_ID, "--package", str(pkg.root)]) == 1
    out = capsys.readouterr().out
    assert out.startswith("accept: ") and message in out and "Traceback" not in out, out
    assert {p: p.read_bytes() for p in (pkg.root / "data").iterdir()} == before
    assert {p: p.read_bytes() for p in drafts} == drafts
    code, lines = pkg.validate()  # make check says what is wrong with the draft, as a note, never a traceback
    assert not any("Traceback" in line for line in lines)
    if case in ("byte-order mark", "draft file is a FIFO", "draft file is a link"):  # the draft itself
        assert any(message.split(": ", 1)[-1][:30] in line for line in lines), lines


HOSTILE_NAMES = (
    "Vertice a Varsavia\n\nTestata di prova, 14 giugno 2024\n\n"
    "Il ministro polacco Łukasz  Nowak ha incontrato martedì Šarūnas Kęstutis a Varsavia.\n"
    "«\u00a0La sicurezza europea è indivisibile\u00a0», ha detto Nowak.\n"
    "«- Nessuno ci dividerà mai», ha aggiunto Zoc̈lek Brnc̈ic.\n"
    "Giulia\u00a0Ferraris e Dmitrij Ivanov’ sono attesi; Сергей Шойгу e Γιώργος Παπαδόπουλος anche.\n"
    + " ".join(["Abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyzabcdefgh"] * 6)
    + " è un titolo.\n"
)


def test_every_drafted_value_taken_from_the_text_is_verbatim(pkg, tmp_path):
    package = _added(pkg, tmp_path, HOSTILE_NAMES, "2024-06-test-warsaw")
    found = draft.draft_rows(package, "2024-06-test-warsaw")
    names = {a["name"] for a in found.rows["actors"]}
    assert {"Šarūnas Kęstutis", "Dmitrij Ivanov", "Zoc̈lek Brnc̈ic"} <= names  # any script's capitals, marks
    assert {"Сергей Шойгу", "Γιώργος Παπαδόπουλος"} <= names  # two people, two candidates
    assert len({a["actor_id"] for a in found.rows["actors"]}) == len(found.rows["actors"])
    assert not any("  " in n or "\u00a0" in n or "\n" in n for n in names)  # never joined across odd spaces
    assert all(len(a["name"]) <= 100 and len(a["actor_id"]) <= 80 for a in found.rows["actors"])  # no headings
    quotes = {s["quote"] for s in found.rows["statements"] if s["kind"] == "direct"}
    assert quotes == {"La sicurezza europea è indivisibile", "Nessuno ci dividerà mai"}  # cells a cell rule accepts
    taken = [a["alias"] for a in found.rows["aliases"]] + [c["excerpt"] for c in found.rows["citations"]]
    taken += [s["quote"] for s in found.rows["statements"]]
    assert taken and all(value and value in HOSTILE_NAMES for value in taken)


def test_a_statement_is_never_dated_after_the_publication_and_the_days_own_weekday_is_that_day():
    # Friday 14 June 2024: "venerdì" is that day, "venerdì scorso" the week before
    assert [d[3] for d in draft.find_dates("Venerdì Lavrov ha parlato.", "2024-06-14")] == ["2024-06-14"]
    assert [d[3] for d in draft.find_dates("Venerdì scorso Lavrov ha parlato.", "2024-06-14")] == ["2024-06-07"]
    assert draft._not_after("2024-06-20", "2024-06-14") is None
    assert draft._not_after("2024-06", "2024-06-14") == "2024-06"  # may lie before: kept
    # at the calendar's edges a relative date cannot be resolved, and is left out, never a crash
    assert draft.find_dates("Lunedì scorso Lavrov ha parlato.", "0001-01-01") == []  # a Monday
    assert [d[2] for d in draft.find_dates("Lunedì prossimo Lavrov parlerà.", "9999-12-31")] == []


def test_draft_force_makes_a_first_draft_too_and_a_draft_folder_for_no_table_is_named(pkg, tmp_path, capsys):
    _added(pkg, tmp_path, ROME, ROME_ID)
    assert draft.main([ROME_ID, "--package", str(pkg.root), "--force"]) == 0
    (pkg.root / "drafts" / "odd\nOK: all fine").mkdir()
    package, _ = descriptor.load(pkg.descriptor)
    del package.resources["aliases"]
    with pytest.raises(accept.Refused, match="the package has no table aliases"):
        accept.read_draft(package, pkg.root / "drafts" / ROME_ID)
    lines = accept.review_status(pkg.root)
    assert "drafts/'odd\\nOK: all fine': not named as a source ID; remove it" in lines  # never printed raw


def test_a_file_where_the_drafts_folder_should_be_is_named(pkg, tmp_path, capsys):
    _added(pkg, tmp_path, ROME, ROME_ID)
    (pkg.root / "drafts").write_text("not a folder")
    capsys.readouterr()
    assert draft.main([ROME_ID, "--package", str(pkg.root)]) == 1
    assert "passes through 'drafts', which is not a folder" in capsys.readouterr().out
    assert (pkg.root / "drafts").read_text() == "not a folder"


def test_a_problem_the_package_already_has_hides_no_new_one(pkg, tmp_path, capsys):
    _added(pkg, tmp_path, ROME, ROME_ID)
    _, statements = pkg.read("statements")
    pkg.set("statements", {"statement_id": statements[0]["statement_id"]}, "date_basis", "")  # one problem before
    assert draft.main([ROME_ID, "--package", str(pkg.root)]) == 0
    _review(pkg, ROME_ID, lambda t, r: {**_rome_review(t, r), **({"date_basis": ""} if t == "statements" else {})})
    capsys.readouterr()
    assert accept.main([ROME_ID, "--package", str(pkg.root)]) == 1
    out = capsys.readouterr().out
    assert "date_basis [value-required]" in out and out.count("[value-required]") == 1, out  # the new one only


def test_an_interrupted_accept_is_not_run_again_on_top_of_itself(pkg, tmp_path, capsys):
    _added(pkg, tmp_path, ROME, ROME_ID)
    assert draft.main([ROME_ID, "--package", str(pkg.root)]) == 0
    _review(pkg, ROME_ID, _rome_review)
    (pkg.root / "drafts" / ROME_ID / accept.INTERRUPTED).write_text("")  # as a kill -9 while writing leaves it
    capsys.readouterr()
    assert accept.main([ROME_ID, "--package", str(pkg.root)]) == 1
    assert "an earlier make accept of this draft was interrupted" in capsys.readouterr().out


def test_accept_copies_only_what_the_package_lists_and_leaves_real_ids_that_look_provisional(pkg, tmp_path, capsys):
    _added(pkg, tmp_path, ROME, ROME_ID)
    os.mkfifo(pkg.root / "data" / "pipe")  # not listed: never opened (it would block)
    with open(pkg.root / "data" / "big.bin", "wb") as big:
        big.truncate(4 * 1024**3)  # not listed: never copied
    pkg.add("actors", {"actor_id": "draft-actor-giulia-ferraris", "kind": "person", "name": "Lorenzo Bianchi"})
    assert draft.main([ROME_ID, "--package", str(pkg.root)]) == 0
    proposed = [a["actor_id"] for a in _draft_files(pkg, ROME_ID)["actors"]]
    assert "draft-actor-giulia-ferraris" not in proposed  # a real ID is never reused for a candidate
    _review(pkg, ROME_ID, _rome_review)
    capsys.readouterr()
    assert accept.main([ROME_ID, "--package", str(pkg.root)]) == 0, capsys.readouterr().out
    _, actors = pkg.read("actors")
    names = {a["actor_id"]: a["name"] for a in actors}
    assert names["draft-actor-giulia-ferraris"] == "Lorenzo Bianchi" and names["giulia-ferraris"] == "Giulia Ferraris"


def test_a_new_actor_named_as_one_the_package_has_is_pointed_out(pkg, tmp_path, capsys):
    _added(pkg, tmp_path, ROME, ROME_ID)
    _added(pkg, tmp_path, ROME.replace("Colloqui a Roma", "Incontro a Roma"), "2024-06-test-rome-again")
    for source in (ROME_ID, "2024-06-test-rome-again"):
        assert draft.main([source, "--package", str(pkg.root)]) == 0  # both drafted before either is accepted
    _review(pkg, ROME_ID, _rome_review)
    assert accept.main([ROME_ID, "--package", str(pkg.root)]) == 0
    _review(pkg, "2024-06-test-rome-again", _rome_review)
    capsys.readouterr()
    assert accept.main(["2024-06-test-rome-again", "--package", str(pkg.root)]) == 0
    assert "note: data/actors.csv: giulia-ferraris-2 is named 'Giulia Ferraris' like giulia-ferraris" in (
        capsys.readouterr().out
    )
