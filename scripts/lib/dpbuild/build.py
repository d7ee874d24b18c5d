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
import subprocess
import sys
from pathlib import Path


from dpcheck import validate
from dpbuild import metadata, outputs, parquet, sqlite, xlsx
from dpbuild.typed import typed
from dpmodel import csvfile, descriptor, hermetic, limits


def build(descriptor_file: Path, out: Path, limit: limits.Limits = limits.DEFAULT, spreadsheet: bool = True) -> Path:
    package, _ = descriptor.load(descriptor_file, limit)
    tables = [typed(csvfile.read(resource)[0]) for resource in package.tables()]
    by_name = {t.name: t for t in tables}
    out.mkdir(parents=True, exist_ok=True)
    parquet.write(tables, package.descriptor, out)
    if spreadsheet:
        workbook = outputs.inside(out, f"{package.descriptor.get('name', 'data')}.xlsx")
        try:
            xlsx.write(tables, package.descriptor, workbook)
        except xlsx.TooBigForExcel as exc:  # the data is valid; only Excel cannot hold it whole
            workbook.unlink(missing_ok=True)
            print(f"{workbook}: not written, because Excel cannot hold {exc}; the CSV, Parquet and SQLite files have it all",
                  file=sys.stderr)
    database = package.descriptor.get("name", "data")
    db_path = outputs.inside(out, f"{database}.db")
    named = {t.name: sqlite.with_all_names(t, by_name) for t in tables}
    texts = sqlite.source_texts(package, by_name)
    served = [sqlite.with_search_names(t, named) for t in named.values()]
    sqlite.write(served + ([texts] if texts else []), db_path)
    problems = sqlite.foreign_key_problems(db_path)
    if problems:
        raise SystemExit(f"{db_path}: PRAGMA foreign_key_check found {len(problems)} dangling keys, e.g. {problems[0]}")
    meta = metadata.metadata(package.descriptor, served, database, db_path)
    outputs.inside(out, "metadata.json").write_text(json.dumps(meta, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    # Run inside OUT so the inspect file names the database relatively: builds elsewhere match.
    subprocess.run([str(Path(sys.executable).parent / "datasette"), "inspect", db_path.name,
                    "--inspect-file", outputs.inside(out, "inspect.json").name], check=True, cwd=out.resolve(), timeout=300)
    return db_path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("descriptor", nargs="?", default="datapackage.json")
    parser.add_argument("--out", default="dist", help="output folder (default dist/)")
    parser.add_argument("--large", action="store_true", help="accept files 100 times the usual size limits (benchmarks only)")
    parser.add_argument("--no-xlsx", action="store_true", help="skip the spreadsheet (benchmarks: the peer writes none)")
    args = parser.parse_args(argv)
    limit = limits.Limits.large() if args.large else limits.DEFAULT
    problems, _ = validate.validate(Path(args.descriptor), limit=limit)
    if problems:
        print(f"{args.descriptor}: the package does not validate ({len(problems)} problems); run make check")
        return 1
    try:
        db_path = build(Path(args.descriptor), Path(args.out), limit, spreadsheet=not args.no_xlsx)
    except outputs.OutsideOutput as exc:
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
