"""The workflows that run contributors' code hold least privilege (SECURITY.md)."""
from __future__ import annotations

from pathlib import Path

import pytest
import yaml

WORKFLOWS = sorted((Path(__file__).resolve().parent.parent / ".github" / "workflows").glob("*.yml"))


@pytest.mark.parametrize("path", WORKFLOWS, ids=[p.name for p in WORKFLOWS])
def test_a_workflow_reads_only_and_never_runs_fork_code_with_a_token(path):
    text = path.read_text()
    workflow = yaml.safe_load(text)
    events = workflow.get(True) or workflow.get("on")  # YAML 1.1 reads the key `on` as True
    assert "pull_request_target" not in (events if isinstance(events, (dict, list)) else [events])
    code = "\n".join(line.split("#")[0] for line in text.splitlines())  # comments may name what is avoided
    assert "pull_request_target" not in code
    assert workflow["permissions"] == {"contents": "read"}
    for job in workflow["jobs"].values():
        assert job.get("permissions", {"contents": "read"}) == {"contents": "read"}
        assert job.get("timeout-minutes", 0) > 0
        assert "${{ github.head_ref" not in code and "${{ github.event.pull_request" not in code
        for step in job["steps"]:
            if step.get("uses", "").startswith("actions/checkout"):
                assert step.get("with", {}).get("persist-credentials") is False


def test_each_event_runs_one_workflow():
    events = [yaml.safe_load(p.read_text())[True] for p in WORKFLOWS]
    names = [name for e in events for name in (e if isinstance(e, dict) else [e])]
    assert len(names) == len(set(names)), names
