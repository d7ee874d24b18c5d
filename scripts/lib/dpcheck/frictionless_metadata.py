"""Frictionless's validation of a descriptor against the Data Package specification, one message
per error. It imports Frictionless and nothing of this package's model (nor Polars), so the
validator's separate process for it starts in a third of a second."""

from __future__ import annotations


def messages(descriptor: dict) -> list[str]:
    """What Frictionless finds wrong with a descriptor (its Table Schemas inlined)."""
    from frictionless import FrictionlessException, Package

    try:
        errors = list(Package.metadata_validate(descriptor))
    except FrictionlessException as exc:  # raised for some errors instead of yielded
        errors = exc.reasons or [exc.error]
    except Exception as exc:  # noqa: BLE001 - malformed input is reported, never a traceback
        return [f"frictionless could not validate the descriptor: {exc}"]
    return [f"frictionless {e.type}: {e.note or e.message}" for e in errors]
