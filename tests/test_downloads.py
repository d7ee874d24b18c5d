"""The downloads page (plugins/downloads.py): every file the build writes for users, each served,
and nothing else: a path is looked up in the list of those files, never joined to a folder."""

from __future__ import annotations

import io
import zipfile

import pyarrow.parquet as pq
import pytest

from conftest import NAME, ROOT


def test_the_page_lists_every_format_and_each_file_downloads(site, dist):
    page = site.get("/-/downloads").text
    for heading in ("Data package (zip)", "CSV", "Parquet", "Parquet by year", "Spreadsheet"):
        assert f"<h2>{heading}</h2>" in page
    assert f'href="/{NAME}.db"' in page
    csv = site.get("/-/downloads/csv/events.csv")
    assert csv.status_code == 200 and csv.content == (ROOT / "data" / "events.csv").read_bytes()
    year = site.get("/-/downloads/parquet/by-year/events/year=2023/part-0.parquet")
    assert year.status_code == 200 and pq.read_table(io.BytesIO(year.content)).num_rows > 0
    assert site.get(f"/-/downloads/{NAME}.xlsx").content[:2] == b"PK"


def test_the_package_zip_holds_the_package_as_in_git(site):
    archive = zipfile.ZipFile(io.BytesIO(site.get(f"/-/downloads/{NAME}-package.zip").content))
    names = set(archive.namelist())
    assert {"datapackage.json", "data/events.csv", "schemas/events.json"} <= names
    assert any(n.startswith("articles/") for n in names)
    assert archive.read("data/statements.csv") == (ROOT / "data" / "statements.csv").read_bytes()


@pytest.mark.parametrize(
    "path",
    [
        "metadata.json",
        "inspect.json",
        f"{NAME}.db",
        "csv/../inspect.json",
        "csv/..%2finspect.json",
        "csv/%2e%2e/metadata.json",
        "/etc/passwd",
        "parquet/by-year/../../metadata.json",
    ],
)
def test_nothing_but_the_listed_files_is_served(site, path):
    response = site.get("/-/downloads/" + path)
    if response.status_code == 302:  # Datasette's own redirect of %-escapes to its ~ escapes
        response = site.get(response.headers["location"])
    assert response.status_code == 404


def test_the_listing_follows_no_link(tmp_path):
    from dpsite.plugins.downloads import listing

    (tmp_path / "csv").mkdir()
    (tmp_path / "csv" / "events.csv").write_text("a\n")
    (tmp_path / "secret.txt").write_text("x")
    (tmp_path / "csv" / "linked.csv").symlink_to(tmp_path / "secret.txt")
    (tmp_path / "parquet").mkdir()
    (tmp_path / "parquet" / "by-year").symlink_to("/etc", target_is_directory=True)
    found = listing(tmp_path)
    assert list(found["CSV"]) == ["csv/events.csv"]
    assert found["Parquet by year"] == {}
