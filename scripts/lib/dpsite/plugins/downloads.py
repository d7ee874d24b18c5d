"""The downloads page, /-/downloads: every file the build wrote for users, by format (the package
zipped, each table's canonical CSV, Parquet, Parquet by year, the spreadsheet, the SQLite
database), each with its size, served from /-/downloads/<path>.

Only files found when the site starts, in the build's own folders, can be served: a request's
path is looked up in that list (a dict), never joined to a folder, so no path a visitor writes
reaches the file system. Links are not followed while the list is made."""

from __future__ import annotations

import os
from pathlib import Path

from datasette import Response, hookimpl

from dpbuild.downloads import CSV_FOLDER
from dpsite.datasette_internals import AsgiFileDownload, NotFound

PARQUET = "parquet"
BY_YEAR = "by-year"
TYPES = {
    ".csv": "text/csv; charset=utf-8",
    ".parquet": "application/vnd.apache.parquet",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".zip": "application/zip",
    ".json": "application/json",
}
MOST_FILES = 100_000  # files listed at most: the by-year folders of a huge package stay bounded
_FILES: dict[str, dict[str, Path]] = {}


def _files_in(folder: Path, suffix: str, depth: int = 0, prefix: str = "") -> list[tuple[str, Path]]:
    """Regular files (not links) ending in suffix, `depth` folders down (no links followed)."""
    found: list[tuple[str, Path]] = []
    try:
        entries = sorted(os.scandir(folder), key=lambda e: e.name)
    except OSError:
        return found
    for entry in entries:
        if len(found) >= MOST_FILES:
            break
        if depth and entry.is_dir(follow_symlinks=False):
            found += _files_in(Path(entry.path), suffix, depth - 1, f"{prefix}{entry.name}/")
        elif not depth and entry.is_file(follow_symlinks=False) and entry.name.endswith(suffix):
            found.append((prefix + entry.name, Path(entry.path)))
    return found


def listing(dist: Path) -> dict[str, dict[str, Path]]:
    """Format -> {path under /-/downloads/ -> file}: what the build wrote for users."""
    return {
        "Data package (zip)": dict(_files_in(dist, "-package.zip")),
        "CSV": {f"{CSV_FOLDER}/{n}": p for n, p in _files_in(dist / CSV_FOLDER, ".csv")},
        # The Parquet files' own descriptor (dpbuild/parquet.py) first, then the files.
        "Parquet": dict(_files_in(dist, "datapackage.json"))
        | {f"{PARQUET}/{n}": p for n, p in _files_in(dist / PARQUET, ".parquet")},
        "Parquet by year": {
            f"{PARQUET}/{BY_YEAR}/{n}": p for n, p in _files_in(dist / PARQUET / BY_YEAR, ".parquet", depth=2)
        },
        "Spreadsheet": dict(_files_in(dist, ".xlsx")),
    }


def _dist(datasette) -> tuple[str | None, Path | None]:
    for name, db in datasette.databases.items():
        if name != "_internal" and db.path:
            return name, Path(db.path).parent
    return None, None


def _listed(datasette) -> dict[str, dict[str, Path]]:
    name, dist = _dist(datasette)
    if name not in _FILES:
        _FILES[name] = listing(dist) if dist else {}
    return _FILES[name]


def _size(path: Path) -> str:
    size = path.stat().st_size
    for unit in ("bytes", "KB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{size:,.0f} {unit}" if unit == "bytes" else f"{size:,.1f} {unit}"
        size /= 1024
    return ""


@hookimpl
def register_routes():
    return [
        (r"^/-/downloads$", downloads_page),
        (r"^/-/downloads/(?P<path>[A-Za-z0-9_=./-]{1,300})$", download),
    ]


async def downloads_page(datasette, request):
    database, _ = _dist(datasette)
    formats = [
        {"title": title, "files": [{"path": path, "size": _size(file)} for path, file in files.items()]}
        for title, files in _listed(datasette).items()
        if files
    ]
    return Response.html(
        await datasette.render_template("downloads.html", {"formats": formats, "database": database}, request=request)
    )


async def download(datasette, request):
    path = request.url_vars["path"]
    for files in _listed(datasette).values():
        if path in files:
            suffix = next((s for s in TYPES if path.endswith(s)), "")
            return AsgiFileDownload(
                files[path], filename=path.replace("/", "_"), content_type=TYPES.get(suffix, "application/octet-stream")
            )
    raise NotFound("No such download")
