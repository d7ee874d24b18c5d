"""The README's examples run against the real data and each finds something."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = [
    "in_2023",
    "chinese_officials",
    "csto_names",
    "csto_bodies",
    "csto_members_and_chairs",
    "event_places",
    "spring_2023",
    "minsk_summit",
    "lavrov",
    "utterances",
    "undated",
    "about_csto",
    "evidence",
    "chain",
    "contradicted",
]


def test_every_example_query_returns_rows(monkeypatch):
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = re.search(r"<!-- examples:start -->\n```python\n(.*?)```\n<!-- examples:end -->", readme, re.S).group(1)
    monkeypatch.chdir(ROOT)
    namespace: dict = {}
    exec(compile(block, "README.md examples", "exec"), namespace)
    empty = [name for name in EXAMPLES if len(namespace[name]) == 0]
    assert empty == []
    assert len(namespace["utterances"]) < len(namespace["statements"])  # some utterance is reported twice
    assert {"absent", "host", "participant"} <= set(namespace["minsk_summit"].role)
    chairs = namespace["csto_members_and_chairs"]
    assert "contradicted_by_record" in set(chairs[chairs.role == "chair"].kind)  # the contradicted chair is flagged
