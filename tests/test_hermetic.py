"""No network from the checks: the command line refuses remote references without connecting,
and the audit hook every entry point installs refuses any socket a library might open."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SCRIPTS = ROOT / "scripts"
FETCH = "import urllib.request; urllib.request.urlopen({url!r}, timeout=5)"


def _python(code: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, cwd=SCRIPTS)


def test_without_the_guard_the_listener_does_see_a_fetch(listener):
    before = listener.connections
    _python(FETCH.format(url=listener.url()))
    assert listener.connections == before + 1  # the listener works: the next test can fail


def test_the_guard_refuses_every_socket(listener):
    before = listener.connections
    result = _python("from dpmodel import hermetic; hermetic.forbid_network()\n" + FETCH.format(url=listener.url()))
    assert "PermissionError: network access refused" in result.stderr
    assert listener.connections == before


@pytest.mark.parametrize(
    "where", ["profile", "$schema", "resources.0.profile", "resources.0.schema", "resources.0.dialect"]
)
def test_the_validator_cli_refuses_a_remote_reference_without_connecting(pkg, listener, where):
    descriptor = json.loads(pkg.descriptor.read_text())
    target = descriptor
    *path, key = where.split(".")
    for part in path:
        target = target[int(part)] if part.isdigit() else target[part]
    target[key] = listener.url()
    pkg.descriptor.write_text(json.dumps(descriptor))
    before = listener.connections
    result = subprocess.run(
        [sys.executable, str(SCRIPTS / "validate.py"), str(pkg.descriptor), "--frictionless"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 1, result.stdout[-500:]
    assert "Traceback" not in result.stdout + result.stderr
    assert listener.connections == before
