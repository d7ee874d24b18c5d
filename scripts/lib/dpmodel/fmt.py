#!/usr/bin/env python3
"""Rewrite every CSV of the package in canonical form: `python scripts/fmt.py [--check] [DESCRIPTOR]`.

Canonical form is defined once, in scripts/lib/dpmodel/csvfile.py: header in schema order (columns in
another order are put in it), rows sorted by
primary key, NFC text, LF line endings, minimal quoting, numbers in their one canonical text
(27.5590 becomes 27.559). Values are never changed otherwise; a
file that cannot be read strictly is left alone and reported. With --check nothing is written
and the exit code is 1 if any file would change.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from dpmodel import csvfile, descriptor, hermetic, safe_open


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("descriptor", nargs="?", default="datapackage.json")
    parser.add_argument("--check", action="store_true", help="report files that would change; write nothing")
    args = parser.parse_args(argv)
    package, problems = descriptor.load(Path(args.descriptor))
    for problem in problems:
        print(problem)
    if package is None:
        return 1
    status = 0
    for resource in package.tables():
        table, problems = csvfile.read(resource, reorder=True)
        if table is None:
            for problem in problems:
                print(problem)
            status = 1
            continue
        fields = resource.schema["fields"]
        rows = sorted((csvfile.canonical_cells(fields, row) for row in table.rows), key=csvfile.sort_key(table))
        text = csvfile.render(resource.field_names, rows)
        root = safe_open.root_of(resource.file, resource.path)
        try:
            if text.encode("utf-8") != safe_open.read(root, resource.path, package.limits.table_bytes):
                status = 1 if args.check else status
                if not args.check:
                    safe_open.rewrite(root, resource.path, text.encode("utf-8"))
                print(f"{resource.path}: {'would be rewritten' if args.check else 'rewritten'} in canonical form")
        except safe_open.Refused as exc:  # changed since it was read above
            print(f"{resource.path}: {exc}")
            status = 1
    return status


if __name__ == "__main__":
    hermetic.forbid_network()
    sys.exit(main())
