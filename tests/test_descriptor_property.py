"""Property: no change to the descriptor or a Table Schema makes loading crash. Whatever
hypothesis does to the JSON (a value swapped for one of another type, a key dropped or added, a
value nested deeply, a remote reference), descriptor.load answers with located problems or a
package, never an exception; and a package it accepts has no problems."""

from __future__ import annotations

import copy
import json
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import PackageCopy
from dpmodel import descriptor
from dpmodel.problems import Problem

ROOT = Path(__file__).resolve().parent.parent
TARGETS = ["datapackage.json", "schemas/events.json", "schemas/citations.json", "schemas/organisations.json"]
REPLACEMENTS = [
    None,
    True,
    0,
    -1,
    1.5,
    10**30,
    "",
    "x",
    "../../etc/passwd",
    "http://127.0.0.1:9/x.json",
    "javascript:alert(1)",
    "(a+)+$",
    [],
    [1, "a"],
    {},
    {"$ref": "http://127.0.0.1:9/"},
    "\u202e",
    "a" * 10_000,
]


def _walk(value, choices: list[int]):
    """The (container, key) a list of choices leads to, descending while there is something to enter."""
    parent, key = None, None
    for choice in choices:
        if isinstance(value, dict) and value:
            parent, key = value, sorted(value)[choice % len(value)]
        elif isinstance(value, list) and value:
            parent, key = value, choice % len(value)
        else:
            break
        value = parent[key]
    return parent, key


@st.composite
def mutation(draw):
    return (
        draw(st.sampled_from(TARGETS)),
        draw(st.lists(st.integers(0, 1000), min_size=1, max_size=6)),
        draw(st.sampled_from(["swap", "drop", "add", "nest"])),
        draw(st.sampled_from(REPLACEMENTS)),
        draw(st.integers(1, 3000)),
    )


NEST = "\u0000nest-here"


def mutate(document, choices, kind, replacement, depth) -> str:
    """The document's JSON text after one mutation (deep nesting is written as text: json.dumps
    itself cannot write 3,000 levels)."""
    document = copy.deepcopy(document)
    parent, key = _walk(document, choices)
    if parent is None:
        return json.dumps(replacement)
    nested = None
    if kind == "swap":
        parent[key] = copy.deepcopy(replacement)
    elif kind == "drop":
        del parent[key]
    elif kind == "add" and isinstance(parent, dict):
        parent[f"x-{key}-extra"] = copy.deepcopy(replacement)
    elif kind == "add":
        parent.append(copy.deepcopy(replacement))
    else:
        nested, parent[key] = "[" * depth + json.dumps(parent[key]) + "]" * depth, NEST
    text = json.dumps(document)
    return text.replace(json.dumps(NEST), nested) if nested is not None else text


def test_no_change_to_the_descriptor_or_a_schema_crashes_loading(tmp_path):
    pkg = PackageCopy(tmp_path / "package")
    originals = {t: json.loads((pkg.root / t).read_text()) for t in TARGETS}
    texts = {t: (pkg.root / t).read_text() for t in TARGETS}
    seen = {"refused": 0, "loaded": 0}
    # About half of the examples write a file an earlier one wrote already (choices that lead to
    # the same key, a drop whatever the replacement): loading is a function of the files, so such
    # an example is judged on the answer the same files gave, which every example asserts anew.
    answers: dict[tuple[str, str], tuple[bool, list]] = {}

    @settings(
        max_examples=1000,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(mutation())
    def check(m):
        target, choices, kind, replacement, depth = m
        text = mutate(originals[target], choices, kind, replacement, depth)
        if (target, text) not in answers:
            for name in seen.pop("mutated", []):  # put back only what the last load changed
                (pkg.root / name).write_text(texts[name])
            seen["mutated"] = [target]
            (pkg.root / target).write_text(text)
            package, problems = descriptor.load(pkg.descriptor)
            answers[target, text] = (package is None, problems)
        unloaded, problems = answers[target, text]
        assert all(isinstance(p, Problem) and p.file and p.message for p in problems)
        assert unloaded == bool(problems)
        seen["refused" if problems else "loaded"] += 1

    check()
    assert seen["refused"] > 500, seen  # the mutations do break things: the property is not vacuous


def _reference_file(root: Path, path: str) -> Path | None:
    """What safe_path accepts, written plainly with pathlib: a relative path without '..' or a
    backslash, every step of it an existing non-link, ending at a regular file."""
    from pathlib import PurePosixPath

    pure = PurePosixPath(path)
    if (
        not path
        or "\\" in path
        or pure.is_absolute()
        or ".." in pure.parts
        or not pure.parts
        or descriptor.URL.match(path)
    ):
        return None
    current = root
    for part in pure.parts:
        current = current / part
        if current.is_symlink() or not current.exists():
            return None
    return current if current.is_file() else None


def test_safe_path_accepts_exactly_the_plain_files_inside_the_package(tmp_path):
    """safe_path splits paths by hand and looks each folder up once per load; it must accept
    what pathlib would, and nothing else, over paths made of every awkward piece."""
    root = tmp_path / "package"
    (root / "d" / "e").mkdir(parents=True)
    (root / "d" / "f.txt").write_text("x")
    (root / "d" / "e" / "g.txt").write_text("x")
    (tmp_path / "outside.txt").write_text("x")
    (root / "link").symlink_to(root / "d")
    (root / "d" / "out.txt").symlink_to(tmp_path / "outside.txt")
    # Weighted toward real steps, so that a fair share of paths is accepted.
    pieces = st.sampled_from(
        ["d"] * 5
        + ["e"] * 3
        + ["f.txt"] * 4
        + ["g.txt"] * 4
        + [".."] * 3
        + ["."] * 2
        + [""] * 2
        + ["link", "out.txt", "x", "\\", ":"]
    )
    seen = {"accepted": 0, "refused": 0}

    @settings(max_examples=1500, deadline=None)
    @given(st.lists(pieces, min_size=1, max_size=4), st.booleans())
    def check(parts, absolute):
        path = ("/" if absolute else "") + "/".join(parts)
        file, why = descriptor.safe_path(root, path)
        expected = _reference_file(root, path)
        assert (file, why is None) == (expected, expected is not None), (path, why)
        seen["accepted" if file else "refused"] += 1

    check()
    assert seen["accepted"] and seen["refused"] > 500, seen  # few distinct paths can be accepted: listed below
    for path in ["d/f.txt", "./d/f.txt", "d//f.txt", "d/./f.txt", "d/f.txt/", "d/e/g.txt"]:
        assert descriptor.safe_path(root, path) == (root / path.replace("//", "/").replace("./", "").rstrip("/"), None)
    for path in ["d/../d/f.txt", "d/e/../f.txt", "link/f.txt", "d/out.txt", "/d/f.txt", "d\\f.txt", "d", "x:/d/f.txt"]:
        assert descriptor.safe_path(root, path)[0] is None, path
