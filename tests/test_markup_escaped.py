"""A package whose every free-text value carries markup, served, shows the markup as text on
every page type that draws data: the home page's and a table's lists, a row page with its
evidence and caveats, a view, a canned query, a search with its highlight, a reading page and the
dashboard. Removing one escape anywhere (a `|safe` on a caveat's note, a Markup() around a label)
makes the raw tag reach a page and this test fail. (The map's popups are built in the browser:
tests/test_browser.py holds them.)"""

from __future__ import annotations

import csv
import io
import json
from urllib.parse import quote

import pytest

from conftest import NAME, ROOT, PackageCopy, Site
from dpbuild import build

MARK = '<i class="pwn">x</i>'
RAW = '<i class="pwn">'
ESCAPED = "&lt;i class=&#34;pwn&#34;&gt;"  # as Jinja escapes it; quotes as &#34;


def _free_text_fields(schema: dict) -> list[str]:
    """The text columns a contributor writes freely: no pattern, enum, format or key."""
    keyed = {
        f
        for fk in schema.get("foreignKeys", [])
        for f in ([fk["fields"]] if isinstance(fk["fields"], str) else fk["fields"])
    }
    keyed |= set(schema.get("primaryKey", []))
    return [
        f["name"]
        for f in schema["fields"]
        if f.get("type", "string") == "string"
        and not {"pattern", "enum"} & set(f.get("constraints", {}))
        and not f.get("format")
        and not f.get("x-reduced-date")
        and f["name"] not in keyed
    ]


@pytest.fixture(scope="module")
def marked(tmp_path_factory) -> Site:
    """The real package with MARK appended to every non-empty free-text cell, built and served."""
    root = tmp_path_factory.mktemp("marked")
    pkg = PackageCopy(root / "package")
    descriptor = json.loads(pkg.descriptor.read_text())
    for resource in descriptor["resources"]:
        if not str(resource.get("path", "")).endswith(".csv"):
            continue
        schema = json.loads((pkg.root / resource["schema"]).read_text())
        fields, rows = pkg.read(resource["name"])
        for row in rows:
            for name in _free_text_fields(schema):
                if row.get(name):
                    row[name] += " " + MARK
        pkg.write(resource["name"], fields, rows)
    dist = root / "dist"
    build.build(pkg.descriptor, dist, spreadsheet=False)
    site = Site(dist)
    yield site
    site.close()


def _first(site: Site, sql: str) -> str:
    return site.run(site.ds.get_database(NAME).execute(sql)).rows[0][0]


def _pages(site: Site) -> dict[str, str]:
    db = f"/{NAME}"
    caveated = _first(
        site, "SELECT record_id FROM caveats WHERE record_table = 'memberships' ORDER BY caveat_id LIMIT 1"
    )
    event = _first(site, "SELECT record_id FROM caveats WHERE record_table = 'events' ORDER BY caveat_id LIMIT 1")
    source = _first(site, "SELECT source_id FROM sources ORDER BY source_id LIMIT 1")
    return {
        "home": "/",
        "database": db,
        "table": f"{db}/caveats",
        "row with caveats": f"{db}/memberships/{quote(caveated)}",
        "event row": f"{db}/events/{quote(event)}",
        "view": f"{db}/events_full",
        "canned query": f"{db}/actor_profile?actor=Lavrov",
        "search": f"{db}/statements?_search=pwn",
        "reading page": f"/-/articles/{source}",
        "dashboard": "/-/dashboards/overview",
    }


def test_markup_in_the_data_is_text_on_every_page_type(marked):
    shown = {}
    for label, path in _pages(marked).items():
        response = marked.get(path)
        assert response.status_code == 200, (label, path, response.text[:300])
        assert RAW not in response.text, f"{label} ({path}) draws the data's markup as HTML"
        shown[label] = ESCAPED in response.text
    # The test sees the data on the pages that show free text (so a missing escape would show).
    assert [label for label, seen in shown.items() if not seen] == ["database", "dashboard"], shown


def test_the_csv_download_keeps_the_markup_as_it_is(marked):
    """Escaping is the page's: the data itself is not rewritten."""
    response = marked.get(f"/{NAME}/caveats.csv")
    assert response.status_code == 200
    notes = [row["note"] for row in csv.DictReader(io.StringIO(response.text))]
    assert notes and all(note.endswith(" " + MARK) for note in notes if note)


def test_the_free_text_fields_are_found_from_the_schemas():
    schema = json.loads((ROOT / "schemas" / "caveats.json").read_text())
    assert "note" in _free_text_fields(schema)
