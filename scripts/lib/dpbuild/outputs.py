"""Where the build may write: only inside --out. Every output path is resolved (symbolic links
followed) and refused if it lands outside, whatever a name in the descriptor says; the validator
already holds names to the Data Package name rule, and this is the build's own guard."""
from __future__ import annotations

from pathlib import Path


class OutsideOutput(Exception):
    """An output path that would land outside --out; the message names it."""


def inside(out: Path, *parts: str) -> Path:
    """out/parts…, refused unless it resolves to a path strictly inside out."""
    root = out.resolve()
    target = root.joinpath(*parts).resolve()
    if target == root or not target.is_relative_to(root):
        raise OutsideOutput(f"refusing to write {'/'.join(parts)!r}: it resolves to {target}, outside the output folder {root}")
    return target
