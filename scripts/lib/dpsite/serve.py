#!/usr/bin/env python3
"""Serve the built database read-only with Datasette: `python scripts/serve.py [--dist dist] [--port 8001]`.

The database is opened immutable (`-i`, with the inspect file written by build.py), so nothing
can write to it; SQL stays available, limited by `sql_time_limit_ms` and `max_returned_rows` so
one heavy query cannot stall the site. `make serve` builds first.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

SITE = Path(__file__).resolve().parent  # plugins/, templates/ and static/
STATIC = ("assets", SITE / "static")  # site.js, site.css and the offline basemap, under /assets/
# No suggested facets: to suggest one, Datasette 0.65 counts the page's rows without catching its
# time limit, so a view of a million rows answered 400 (and every table page paid for the
# suggestions). The facets each table's schema names (x-datasette) are still drawn.
SETTINGS = {
    "sql_time_limit_ms": 1000,
    "max_returned_rows": 1000,
    "default_page_size": 50,
    "facet_time_limit_ms": 500,
    "allow_download": True,
    "suggest_facets": False,
}


def command(dist: Path, host: str = "127.0.0.1", port: int = 8001) -> list[str]:
    """The datasette command line serving dist/ (used by make serve and by the tests)."""
    name = json.loads((dist / "datapackage.json").read_text(encoding="utf-8"))["name"]
    args = [
        str(Path(sys.executable).parent / "datasette"),
        "serve",
        "-i",
        str(dist / f"{name}.db"),
        "--inspect-file",
        str(dist / "inspect.json"),
        "-m",
        str(dist / "metadata.json"),
        "--plugins-dir",
        str(SITE / "plugins"),
        "--template-dir",
        str(SITE / "templates"),
        "--static",
        f"{STATIC[0]}:{STATIC[1]}",
        "-h",
        host,
        "-p",
        str(port),
    ]
    for key, value in SETTINGS.items():  # booleans as Datasette's command line spells them
        args += [
            "--setting",
            key,
            {True: "on", False: "off"}.get(value, str(value)) if isinstance(value, bool) else str(value),
        ]
    return args


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dist", default="dist")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8001)
    args = parser.parse_args(argv)
    dist = Path(args.dist)
    if not (dist / "datapackage.json").exists():
        print(f"{dist}: nothing built yet; run make build")
        return 1
    cmd = command(dist, args.host, args.port)
    print(f"Serving on http://{args.host}:{args.port}/ (read-only); Ctrl-C to stop")
    os.execv(cmd[0], cmd)


if __name__ == "__main__":
    sys.exit(main())
