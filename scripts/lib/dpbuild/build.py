#!/usr/bin/env python3
"""Build the derived outputs: `python scripts/build.py [DESCRIPTOR] [--out dist]`.

Writes, from the canonical CSVs:
- OUT/parquet/<table>.parquet (zstd) and OUT/datapackage.json describing them;
- OUT/<name>.db, a SQLite database (keys, indexed foreign keys, full-text search, views, and the
  article texts in source_texts, for the site's reading pages);
- OUT/metadata.json for Datasette and OUT/inspect.json for serving it immutable.

Refuses to build from a package that does not validate. Two builds of the same CSVs give
identical files.
"""

from __future__ import annotations

import argparse
import json
import sqlite3
import sys
from concurrent.futures import ThreadPoolExecutor
from contextlib import closing
from pathlib import Path

from datasette.inspect import inspect_hash

from dpbuild import downloads, metadata, outputs, parquet, sqlite, xlsx
from dpbuild.typed import typed
from dpcheck import validate
from dpmodel import csvfile, descriptor, hermetic, limits
from dpmodel.names import quoted


def build(descriptor_file: Path, out: Path, limit: limits.Limits = limits.DEFAULT, spreadsheet: bool = True) -> Path:
    package, _ = descriptor.load(descriptor_file, limit)
    tables = [typed(csvfile.read(resource)[0]) for resource in package.tables()]
    by_name = {t.name: t for t in tables}
    out = outputs.folder(out)  # a real folder, made without following a link on the way
    # Parquet and the spreadsheet are written beside the database, on the other core: pyarrow and
    # SQLite both work outside Python's lock, and each output is its own file.
    with ThreadPoolExecutor(max_workers=1) as beside:
        files = beside.submit(_files, tables, package, out, spreadsheet)
        db_path = _database(package, tables, by_name, out)
        files.result()
    # Last, once every other output is whole: `make` takes this file's date as the build's.
    outputs.inside(out, "inspect.json").write_text(json.dumps(inspect(db_path), indent=2), encoding="utf-8")
    return db_path


def _files(tables, package, out: Path, spreadsheet: bool) -> None:
    descriptor = package.descriptor
    parquet.write(tables, descriptor, out)
    downloads.write(package, out)
    if spreadsheet:
        workbook = outputs.inside(out, f"{descriptor.get('name', 'data')}.xlsx")
        try:
            xlsx.write(tables, descriptor, workbook)
        except xlsx.TooBigForExcel as exc:
            # Never a download silently missing: the build fails, naming what Excel cannot hold.
            workbook.unlink(missing_ok=True)
            raise xlsx.TooBigForExcel(
                f"{workbook.name}: not written, because Excel cannot hold {exc}; "
                "the build stops (--no-xlsx builds without the spreadsheet)"
            ) from None


def _database(package, tables, by_name, out: Path) -> Path:
    database = package.descriptor.get("name", "data")
    db_path = outputs.inside(out, f"{database}.db")
    named = {t.name: sqlite.with_all_names(t, by_name) for t in tables}
    texts = sqlite.source_texts(package, by_name)
    served = [sqlite.with_search_names(t, named) for t in named.values()]
    sqlite.write(served + ([texts] if texts else []), db_path)
    problems = sqlite.foreign_key_problems(db_path)
    if problems:
        raise SystemExit(f"{db_path}: PRAGMA foreign_key_check found {len(problems)} dangling keys, e.g. {problems[0]}")
    meta = metadata.metadata(package.descriptor, served, database, db_path, texts)
    outputs.inside(out, "metadata.json").write_text(
        json.dumps(meta, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    return db_path


def inspect(db_path: Path) -> dict:
    """What `datasette inspect` writes for the database (its hash, size and each table's row
    count, so that the immutable database's pages need not count rows), computed here rather
    than in a second Python process; the file is named relatively, so builds elsewhere match.
    tests/test_build.py holds it equal to Datasette's own output."""
    with closing(sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)) as conn:
        tables = [name for (name,) in conn.execute("select name from sqlite_master where type='table'")]
        counts = {
            name: {"count": conn.execute(f"select count(*) from {quoted(name)}").fetchone()[0]} for name in tables
        }
    return {
        db_path.stem: {
            "hash": inspect_hash(db_path),
            "size": db_path.stat().st_size,
            "file": db_path.name,
            "tables": counts,
        }
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("descriptor", nargs="?", default="datapackage.json")
    parser.add_argument("--out", default="dist", help="output folder (default dist/)")
    parser.add_argument(
        "--large", action="store_true", help="accept files 100 times the usual size limits (benchmarks only)"
    )
    parser.add_argument(
        "--no-xlsx", action="store_true", help="skip the spreadsheet (benchmarks: the peer writes none)"
    )
    args = parser.parse_args(argv)
    limit = limits.Limits.large() if args.large else limits.DEFAULT
    problems, _ = validate.validate(Path(args.descriptor), limit=limit)
    if problems:
        print(f"{args.descriptor}: the package does not validate ({len(problems)} problems); run make check")
        return 1
    try:
        db_path = build(Path(args.descriptor), Path(args.out), limit, spreadsheet=not args.no_xlsx)
    except (outputs.OutsideOutput, xlsx.TooBigForExcel) as exc:
        print(f"{args.descriptor}: {exc}")
        return 1
    for path in sorted(Path(args.out).rglob("*")):
        if path.is_file():
            print(f"{path}  {path.stat().st_size:,} bytes")
    print(f"built {db_path}")
    return 0


if __name__ == "__main__":
    hermetic.forbid_network()
    sys.exit(main())
