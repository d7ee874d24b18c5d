"""Every actor is findable by every form in which the articles name it."""

from __future__ import annotations

import csv
import re
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _rows(table: str) -> list[dict]:
    with open(ROOT / "data" / f"{table}.csv", encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def _texts() -> list[str]:
    return [(ROOT / row["text_path"]).read_text(encoding="utf-8") for row in _rows("sources")]


def _occurs(form: str, texts: list[str]) -> bool:
    pattern = re.compile(rf"(?<!\w){re.escape(form)}(?!\w)")
    return any(pattern.search(text) for text in texts)


def test_every_actor_has_an_alias():
    named = {row["actor_id"] for row in _rows("aliases")}
    assert [row["actor_id"] for row in _rows("actors") if row["actor_id"] not in named] == []


def missing_forms(alias_rows: list[dict]) -> list[str]:
    """Known forms of each actor (English name, Italian name, acronym) that an article prints as a
    whole word but that are not listed among the actor's aliases."""
    texts = _texts()
    aliases = defaultdict(set)
    for row in alias_rows:
        aliases[row["actor_id"]].add(row["alias"])
    acronyms = {row["organisation_id"]: row["acronym"] for row in _rows("organisations")}
    missing = []
    for actor in _rows("actors"):
        forms = {actor["name"], actor["name_it"], acronyms.get(actor["actor_id"], "")} - {""}
        for form in sorted(forms):
            if form not in aliases[actor["actor_id"]] and _occurs(form, texts):
                missing.append(f"{actor['actor_id']}: {form!r}")
    return missing


def test_every_known_form_found_in_an_article_is_an_alias():
    """Wherever an article prints an actor's name, Italian name or acronym, it is an alias, so a
    search for the printed form finds the actor."""
    assert missing_forms(_rows("aliases")) == []


def test_a_dropped_alias_is_noticed():
    rows = [r for r in _rows("aliases") if not (r["actor_id"] == "csto" and r["alias"] == "CSTO")]
    assert missing_forms(rows) == ["csto: 'CSTO'"]


def test_forms_are_matched_as_whole_words():
    texts = _texts()
    assert _occurs("Csto", texts)
    assert not _occurs("Cst", texts)
