"""The pattern rule: patterns that make a backtracking engine explode are refused before
Frictionless (Python's re) sees them; the package's own patterns pass."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from dpmodel.patterns import problem

ROOT = Path(__file__).resolve().parent.parent

# Textbook ReDoS shapes (OWASP, Davis et al.), and the one from issue 10.
EXPLOSIVE = [
    "(a+)+$",
    "(a|a)*$",
    "(a*)*$",
    "(a|aa)+$",
    "(.*a){10}$",
    "a*a*a*b",
    "(\\w+\\s?)+$",
    "^(([a-z])+.)+[A-Z]([a-z])+$",
    "(x+x+)+y",
    "^(\\d+)*$",
    "^(a{1,100}){1,100}$",
    "^.*.*=.*$",
    "^(ab|a)*c$",
    "a?" * 25 + "a" * 25,
    "^a*aa*$",
    "^(a+){3}$",
    "^([a-zA-Z0-9])(([\\-.]|[_]+)?([a-zA-Z0-9]+))*(@){1}[a-z0-9]+[.]{1}(([a-z]{2,3})|([a-z]{2,3}[.]{1}[a-z]{2,3}))$",
]
SAFE = [
    "^[a-z0-9]+(-[a-z0-9]+)*$",
    "^[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?$",
    "^(a|b)*$",
    "^[a-z]+@[a-z]+\\.com$",
    "^Q[1-9][0-9]*$",
    "^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$",
]


@pytest.mark.parametrize("pattern", EXPLOSIVE)
def test_an_explosive_pattern_is_refused(pattern):
    assert problem(pattern) and "backtrack" in problem(pattern)


@pytest.mark.parametrize("pattern", SAFE)
def test_a_safe_pattern_is_accepted(pattern):
    assert problem(pattern) is None


def test_every_pattern_of_the_package_is_accepted():
    patterns = {
        f["constraints"]["pattern"]
        for path in (ROOT / "schemas").glob("*.json")
        for f in json.loads(path.read_text())["fields"]
        if "pattern" in f.get("constraints", {})
    }
    assert patterns and [p for p in patterns if problem(p)] == []


@pytest.mark.parametrize(
    "pattern, says", [("(?=a)a", "Rust syntax"), ("\\p{L}+", "Python can compile"), ("(a)\\1", "Rust syntax")]
)
def test_a_pattern_one_engine_cannot_run_is_refused(pattern, says):
    assert says in problem(pattern)
