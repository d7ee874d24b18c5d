#!/usr/bin/env python3
"""Whether a pull request changes code, for its job summary: `changed_code.py --repo PR_CHECKOUT --base REF`.

Run from the base branch's checkout (trusted code), on the pull request's checkout: lists the
files changed between the merge base of REF and HEAD (`git diff --name-only --no-renames`, so a
file moved out of scripts/ shows its old path too), and writes Markdown for the job summary. Data
is what the base's validator checks (datapackage.json, data/, schemas/*.json, articles/) and
documentation; anything else (scripts/, tests/, .ci/, .github/, the Makefile, requirements,
pyproject.toml, schemas/profile/, a new file anywhere) is code: the pull request's own test suite
ran it, so its passing says nothing about it, and the summary says a maintainer must review it.
Every path is quoted as inert text. Exits 0 when the files could be listed (code or not), 1 when
they could not (the summary then asks for a review too).
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys

from dpcheck.diff import markdown_text

# What is not code, by construction an allowlist: a path that matches none of these is code, so a
# kind of file no one thought of (a conftest.py at the top, a .pth, a pytest.ini) needs a review.
DATA = re.compile(r"^(datapackage\.json|data/[^/]+\.csv|schemas/[^/]+\.json|articles/[^/]+)$")
DOCUMENTATION = re.compile(r"^([^/]+\.md|CITATION\.cff|LICENSE)$")
SHOWN = 50  # paths listed; the count says how many more


def kind(path: str) -> str:
    """'data', 'documentation' or 'code' for a path of the repository as git names it."""
    if DATA.match(path):
        return "data"
    if DOCUMENTATION.match(path):
        return "documentation"
    return "code"


def summary(paths: list[str]) -> tuple[list[str], bool]:
    """The job summary's lines for these changed paths, and whether a maintainer must review them."""
    code = sorted(p for p in paths if kind(p) == "code")
    lines = ["## Code changes", ""]
    if not code:
        lines.append(
            f"No code changed: {len(paths)} file{'s' if len(paths) != 1 else ''} of data and documentation, "
            "validated above by the base branch's code."
        )
        return lines, False
    lines += [
        f"**Needs a maintainer's review:** this pull request changes {len(code)} file{'s' if len(code) != 1 else ''} "
        "of code or tooling. Its own test suite ran its own code, so a passing suite does not vouch for these files.",
        "",
    ]
    lines += [f"- {markdown_text(path)}" for path in code[:SHOWN]]
    if len(code) > SHOWN:
        lines.append(f"- … and {len(code) - SHOWN} more")
    return lines, True


def changed_paths(repo: str, base: str) -> list[str]:
    """The paths changed from the merge base of `base` to HEAD in `repo`, exactly as git names
    them (-z: no quoting, any byte in a name kept)."""
    result = subprocess.run(
        ["git", "-C", repo, "diff", "--name-only", "--no-renames", "-z", f"{base}...HEAD", "--"],
        capture_output=True,
        timeout=120,
    )
    if result.returncode != 0:
        raise RuntimeError(result.stderr.decode("utf-8", "replace").strip() or "git diff failed")
    return [p for p in result.stdout.decode("utf-8", "replace").split("\0") if p]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repo", default=".", help="the pull request's checkout")
    parser.add_argument("--base", required=True, help="the base branch as a ref, e.g. origin/main")
    args = parser.parse_args(argv)
    try:
        paths = changed_paths(args.repo, args.base)
    except (OSError, subprocess.TimeoutExpired, RuntimeError) as exc:
        print(
            "## Code changes\n\n**Needs a maintainer's review:** the changed files could not be listed "
            f"({markdown_text(str(exc))}).\n"
        )
        return 1
    print("\n".join(summary(paths)[0]) + "\n")  # a blank line before the next step's part of the summary
    return 0


if __name__ == "__main__":
    sys.exit(main())
