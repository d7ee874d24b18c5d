"""The registry of rules: a rule is a module of dpcheck/rules/ with its keywords, codes and tests,
and the profile every schema is checked against is assembled from the rules' keywords."""

from pathlib import Path

import pytest

from dpcheck import profile_parts, rules
from dpmodel import names

HERE = Path(__file__).resolve().parent


@pytest.mark.parametrize("rule", rules.RULES, ids=rules.MODULES)
def test_each_rule_declares_itself_and_has_its_tests_beside_it(rule):
    assert rule.SCOPE in rules.SCOPES
    assert callable(rule.check)
    assert isinstance(rule.KEYWORDS, dict) and isinstance(rule.FIELD_KEYWORDS, dict)
    assert rule.CODES, "a rule reports its problems with its own codes"
    assert (HERE / f"test_rule_{rules.name_of(rule)}.py").exists()


def test_the_committed_profile_and_keyword_table_are_the_assembled_ones(capsys):
    assert profile_parts.main(["--check"]) == 0, capsys.readouterr().out


def test_a_keyword_a_rule_declares_reaches_the_profile_marked_with_its_rule(monkeypatch):
    fragment = {"type": "string", "x-names": "reduced", "description": "A new keyword."}
    monkeypatch.setattr(rules.date_range, "KEYWORDS", {**rules.date_range.KEYWORDS, "x-new": fragment})
    profile = profile_parts.assemble()
    assert profile["properties"]["x-new"] == {**fragment, "x-rule": "date_range"}
    assert ("/x-new", "reduced", None) in names._references(profile)
    assert "| `x-new` | table | a name | rule `date_range` | A new keyword. |" in profile_parts.keyword_table(profile)


def test_a_keyword_declared_twice_is_an_error(monkeypatch):
    monkeypatch.setattr(rules.date_basis, "KEYWORDS", {**rules.date_basis.KEYWORDS, **rules.date_range.KEYWORDS})
    with pytest.raises(ValueError, match="x-date-range is already in the profile"):
        profile_parts.assemble()


def test_field_keywords_name_what_the_loader_resolves():
    # A field keyword's x-names is read under each field; a table keyword's at the schema's top.
    assert ("/fields/*/x-excerpt-of", "field", None) in names.REFERENCES
    assert ("/fields/*/x-target-kind/field", "field_in", ("key", "../name")) in names.REFERENCES
    assert ("/foreignKeys/*/reference/fields", "field_in", ("table", "resource")) in names.REFERENCES
