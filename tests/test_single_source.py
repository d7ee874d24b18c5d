"""The schemas are the single source of truth: a new lookup table and a new optional column on
events, added with CSV, schema and descriptor entries only, reach the validator, the build
(SQLite, Parquet, Datasette metadata), the codebook, the synthetic packages and the served site,
with no change to the code."""

from __future__ import annotations

import json
import sqlite3

import pyarrow.parquet as pq

from conftest import NAME, Site
from dpbench import synth
from dpbuild import build, codebook
from dpmodel import descriptor

REGIONS = {
    "title": "Regions",
    "description": "Regions an event may be placed in.",
    "fields": [
        {
            "name": "code",
            "type": "string",
            "description": "Code.",
            "constraints": {"required": True, "pattern": "^[a-z]+(_[a-z]+)*$", "maxLength": 50},
        },
        {
            "name": "label",
            "type": "string",
            "description": "Label.",
            "constraints": {"required": True, "maxLength": 100},
        },
    ],
    "primaryKey": ["code"],
    "x-datasette": {"label_column": "label", "sort": "code"},
}


def extend(pkg) -> None:
    (pkg.root / "schemas" / "vocab_regions.json").write_text(json.dumps(REGIONS, indent=2))
    pkg.path("vocab_regions").write_text("code,label\ncentral_asia,Central Asia\neast_asia,East Asia\n")
    events_schema = pkg.root / "schemas" / "events.json"
    schema = json.loads(events_schema.read_text())
    schema["fields"].append(
        {
            "name": "region",
            "type": "string",
            "description": "Region of the event (see vocab_regions).",
            "constraints": {"pattern": "^[a-z]+(_[a-z]+)*$", "maxLength": 50},
        }
    )
    schema["foreignKeys"].append({"fields": ["region"], "reference": {"resource": "vocab_regions", "fields": ["code"]}})
    schema["x-datasette"]["facets"].append("region")
    events_schema.write_text(json.dumps(schema, indent=2))
    fields, rows = pkg.read("events")
    pkg.write(
        "events",
        fields + ["region"],
        [dict(r, region="east_asia" if r["event_id"].startswith("putin-xi") else "") for r in rows],
    )
    d = json.loads(pkg.descriptor.read_text())
    regions = dict(
        next(r for r in d["resources"] if r["name"] == "vocab_event_modes"),
        name="vocab_regions",
        title="Regions",
        description="Regions.",
        path="data/vocab_regions.csv",
        schema="schemas/vocab_regions.json",
    )
    d["resources"].insert(next(i for i, r in enumerate(d["resources"]) if "schema" not in r), regions)
    pkg.descriptor.write_text(json.dumps(d, indent=2, ensure_ascii=False))


def test_a_new_table_and_column_reach_every_output_without_code(pkg, tmp_path):
    extend(pkg)
    code, lines = pkg.validate()
    assert code == 0, lines

    pkg.set("events", {"event_id": "putin-li-shangfu-meeting-2023-04-16"}, "region", "south_pole")
    code, lines = pkg.validate()
    assert any("region: 'south_pole' not found in vocab_regions.code" in line for line in lines)
    pkg.set("events", {"event_id": "putin-li-shangfu-meeting-2023-04-16"}, "region", "")

    dist = tmp_path / "dist"
    db = build.build(pkg.descriptor, dist)
    conn = sqlite3.connect(db)
    assert conn.execute("select label from vocab_regions where code = 'east_asia'").fetchone() == ("East Asia",)
    assert ("region", "vocab_regions", "code") in {
        (k[3], k[2], k[4]) for k in conn.execute("PRAGMA foreign_key_list(events)")
    }
    assert conn.execute("select count(*) from events where region = 'east_asia'").fetchone()[0] > 0
    assert "region" in pq.read_table(dist / "parquet" / "events.parquet").column_names
    metadata = json.loads((dist / "metadata.json").read_text())["databases"][NAME]["tables"]
    assert "region" in metadata["events"]["facets"] and metadata["vocab_regions"]["label_column"] == "label"

    package, _ = descriptor.load(pkg.descriptor)
    text = codebook.codebook(package)
    assert "## vocab_regions" in text and "| `region` |" in text and "→ vocab_regions.code" in text

    out = tmp_path / "synthetic"
    synth.write(out, 2000, 1, pkg.descriptor)
    assert (out / "data" / "vocab_regions.csv").read_text() == pkg.path("vocab_regions").read_text()
    code, lines = pkg.validate_other(out / "datapackage.json")
    assert code == 0, lines[-5:]

    site = Site(dist)
    try:
        page = site.get(f"/{NAME}/events.json?_facet=region")
        assert page.status_code == 200
        assert any(f["name"] == "region" for f in page.json()["facet_results"].values())
        assert site.get(f"/{NAME}/vocab_regions").status_code == 200
    finally:
        site.close()


def test_the_home_page_counts_the_articles_from_the_data():
    """'the five source articles' is counted in the sources table, not typed: a sixth article
    changes it with no edit."""
    import pyarrow as pa

    from dpbuild import metadata
    from dpbuild.typed import TypedTable

    schema = {"fields": [{"name": "source_id", "type": "string"}], "x-published-date": "published"}
    for n, words in (
        (5, "the five source articles"),
        (6, "the six source articles"),
        (1, "the one source article"),
        (12, "the 12 source articles"),
    ):
        sources = TypedTable("sources", schema, {"source_id": pa.array([f"s{i}" for i in range(n)])})
        note = next(item["note"] for item in metadata.landing([sources], "db")["start"] if item["title"] == "Articles")
        assert note.startswith(words + ","), note


def test_the_home_page_links_the_newest_articles_reading_pages():
    import pyarrow as pa

    from dpbuild import metadata
    from dpbuild.typed import TypedTable

    schema = {
        "primaryKey": ["source_id"],
        "x-published-date": "published",
        "x-texts": {"path": "text_path"},
        "x-datasette": {"label_column": "title"},
    }
    n = metadata.MOST_ARTICLES_LISTED + 2
    columns = {
        "source_id": pa.array([f"s{i:02}" for i in range(n)]),
        "title": pa.array([f"Title {i}" for i in range(n)]),
        "published": pa.array([f"2024-{i % 12 + 1:02}" for i in range(n)]),
    }
    start = metadata.landing([TypedTable("sources", schema, columns)], "db")["start"]
    (articles,) = [item for item in start if item["title"] == "Articles"]
    assert len(articles["items"]) == metadata.MOST_ARTICLES_LISTED
    assert articles["items"][0] == {
        "text": "Title 11",
        "date": "2024-12",
        "href": "/-/articles/s11",
        "source_id": "s11",
    }
    assert "(the newest 10 below)" in articles["note"]
