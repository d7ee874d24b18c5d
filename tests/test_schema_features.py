"""Table Schema content is honoured end to end, never silently ignored: `unique`,
`trueValues`/`falseValues`, a primary key written as a string, composite foreign keys."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from dpbuild import build, codebook
from dpmodel import descriptor


def _schema(pkg, table: str, change) -> None:
    path = pkg.root / "schemas" / f"{table}.json"
    schema = json.loads(path.read_text())
    change(schema)
    path.write_text(json.dumps(schema, indent=2))


def _field(schema: dict, name: str) -> dict:
    return next(f for f in schema["fields"] if f["name"] == name)


def test_a_unique_column_is_checked(pkg):
    _schema(pkg, "places", lambda s: _field(s, "country")["constraints"].update(unique=True))
    code, lines = pkg.validate()
    first = pkg.row_number("places", place_id="moscow")
    again = pkg.row_number("places", place_id="moscow-kremlin")
    assert code == 1
    assert f"data/places.csv:{again} country: 'RUS' is already used at row {first}; the column is unique" in lines


def test_true_and_false_values_are_read_from_the_schema(pkg):
    _schema(
        pkg,
        "vocab_event_statuses",
        lambda s: _field(s, "may_postdate_source").update(trueValues=["yes"], falseValues=["no"]),
    )
    fields, rows = pkg.read("vocab_event_statuses")
    pkg.write(
        "vocab_event_statuses",
        fields,
        [dict(r, may_postdate_source={"true": "yes", "false": "no"}[r["may_postdate_source"]]) for r in rows],
    )
    code, lines = pkg.validate()
    assert code == 0, lines  # planned and proposed events after their source stay allowed: "yes" is true


def test_a_string_primary_key_is_accepted_everywhere(pkg, tmp_path):
    _schema(pkg, "places", lambda s: s.update(primaryKey="place_id"))
    code, lines = pkg.validate()
    assert code == 0, lines
    db = build.build(pkg.descriptor, tmp_path / "dist")
    pk = [row[1] for row in sqlite3.connect(db).execute("PRAGMA table_info(places)") if row[5]]
    assert pk == ["place_id"]


def test_a_composite_foreign_key_is_kept_whole(pkg, tmp_path):
    def composite(schema):
        schema["foreignKeys"].append(
            {
                "fields": ["event_id", "actor_id"],
                "reference": {"resource": "event_participants", "fields": ["event_id", "actor_id"]},
            }
        )

    _schema(pkg, "event_participants", composite)
    code, lines = pkg.validate()
    assert code == 0, lines
    db = build.build(pkg.descriptor, tmp_path / "dist")
    keys = sqlite3.connect(db).execute("PRAGMA foreign_key_list(event_participants)").fetchall()
    whole = [(k[3], k[4]) for k in keys if k[2] == "event_participants"]
    assert whole == [("event_id", "event_id"), ("actor_id", "actor_id")]
    package, _ = descriptor.load(pkg.descriptor)
    text = codebook.codebook(package)
    assert "event_participants.(event_id, actor_id) with (event_id, actor_id)" in text


def test_the_profile_admits_exactly_the_vocabulary_the_tools_implement():
    """One vocabulary: a type, constraint, format or code list is admitted by the profile only if
    dpmodel.vocabulary says how to check, store, word and describe it, and the other way round."""
    from dpmodel import vocabulary

    profile = json.loads(
        (Path(__file__).resolve().parent.parent / "schemas" / "profile" / "table-schema.json").read_text()
    )
    field = profile["$defs"]["field"]["properties"]
    assert set(field["type"]["enum"]) == set(vocabulary.TYPES)
    assert set(field["format"]["enum"]) == set(vocabulary.FORMATS)
    assert set(field["x-codelist"]["enum"]) == set(vocabulary.CODELISTS)
    assert set(profile["$defs"]["constraints"]["properties"]) == set(vocabulary.CONSTRAINTS)
