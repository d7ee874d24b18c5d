"""Property: no change to the descriptor or a Table Schema makes loading crash. Whatever
hypothesis does to the JSON (a value swapped for one of another type, a key dropped or added, a
value nested deeply, a remote reference), descriptor.load answers with located problems or a
package, never an exception; and a package it accepts has no problems."""
from __future__ import annotations

import copy
import json
from pathlib import Path

from hypothesis import HealthCheck, given, settings, strategies as st

from conftest import PackageCopy
from dpmodel import descriptor
from dpmodel.problems import Problem

ROOT = Path(__file__).resolve().parent.parent
TARGETS = ["datapackage.json", "schemas/events.json", "schemas/citations.json", "schemas/organisations.json"]
REPLACEMENTS = [None, True, 0, -1, 1.5, 10**30, "", "x", "../../etc/passwd", "http://127.0.0.1:9/x.json", "javascript:alert(1)",
                "(a+)+$", [], [1, "a"], {}, {"$ref": "http://127.0.0.1:9/"}, "\u202e", "a" * 10_000]


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
    return (draw(st.sampled_from(TARGETS)), draw(st.lists(st.integers(0, 1000), min_size=1, max_size=6)),
            draw(st.sampled_from(["swap", "drop", "add", "nest"])), draw(st.sampled_from(REPLACEMENTS)),
            draw(st.integers(1, 3000)))


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

    @settings(max_examples=2000, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
    @given(mutation())
    def check(m):
        target, choices, kind, replacement, depth = m
        for name, text in texts.items():
            (pkg.root / name).write_text(text)
        (pkg.root / target).write_text(mutate(originals[target], choices, kind, replacement, depth))
        package, problems = descriptor.load(pkg.descriptor)
        assert all(isinstance(p, Problem) and p.file and p.message for p in problems)
        assert (package is None) == bool(problems)
        seen["refused" if problems else "loaded"] += 1

    check()
    assert seen["refused"] > 1000, seen  # the mutations do break things: the property is not vacuous
