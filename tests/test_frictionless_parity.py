"""The validator without Frictionless's row pass finds everything that pass finds (see parity.py):
here every dangling foreign key at once, and a check that the comparison can fail. Each hostile
case is put to Frictionless by test_hostile, on the report it checks anyway.
"""

from __future__ import annotations

import pytest
import test_hostile

from dpcheck import pandera_check
from parity import assert_parity


def test_every_dangling_foreign_key_frictionless_catches_is_caught_without_it(pkg):
    test_hostile.break_every_foreign_key(pkg)
    assert_parity(pkg)


def test_the_parity_check_can_fail(pkg, monkeypatch):
    """With the pandera pass switched off, an out-of-range number is found by Frictionless alone."""
    pkg.set("places", {"place_id": "moscow"}, "latitude", "95.5")
    monkeypatch.setattr(pandera_check, "check", lambda table: [])
    with pytest.raises(AssertionError, match="frictionless found errors the validator missed"):
        assert_parity(pkg)
