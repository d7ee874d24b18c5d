"""Where the build may write: only inside --out, and --out only if it is a real folder.

The output folder is walked from where its path starts (the working folder, or / for an absolute
path), one component at a time, each opened relative to the one before (dir_fd) with O_NOFOLLOW:
a component that is a symbolic link is refused, a missing one is created there (mkdir with
dir_fd), so a `dist` committed as a link to somewhere else never receives a write or an rmtree.
Every output path below it is checked the same way (no '..', nothing absolute, no link on the
way: a `dist/parquet` that is a link is refused), whatever a name in the descriptor says; the
validator already holds names to the package's name rule, and this is the build's own guard.
"""

from __future__ import annotations

import errno
import os
import shutil
import stat
from pathlib import Path

FOLDER = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC


class OutsideOutput(Exception):
    """An output path that would land outside --out, or an --out that is not a real folder; the message names it."""


def _walk(start: str, parts: list[str], create: bool, shown: str, last: str | None = None) -> None:
    """Open each of parts below start as a folder without following links (creating missing ones
    with `create`), then look at `last` there (a file or a folder, never a link); OutsideOutput
    names the first that is a link or not a folder."""
    at = os.open(start, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    walked = [] if start == "." else [""]
    try:
        for part in parts:
            walked.append(part)
            try:
                inner = os.open(part, FOLDER, dir_fd=at)
            except FileNotFoundError:
                if not create:
                    return  # the rest does not exist yet: nothing on the way can be a link
                try:
                    os.mkdir(part, dir_fd=at)
                except FileExistsError:
                    pass  # made meanwhile, or a dangling link: the open below decides
                inner = _open_folder(at, part, "/".join(walked), shown)
            except OSError as exc:
                inner = _refuse(at, part, "/".join(walked), shown, exc)
            os.close(at)
            at = inner
        if last is not None and _is_link(at, last):
            raise OutsideOutput(
                f"refusing to write {shown}: {'/'.join(walked + [last])} is a symbolic link; "
                "the build writes only into real folders"
            )
    finally:
        os.close(at)


def _is_link(at: int, name: str) -> bool:
    try:
        return stat.S_ISLNK(os.lstat(name, dir_fd=at).st_mode)
    except OSError:  # not there yet: the caller makes it
        return False


def _open_folder(at: int, part: str, walked: str, shown: str) -> int:
    try:
        return os.open(part, FOLDER, dir_fd=at)
    except OSError as exc:
        return _refuse(at, part, walked, shown, exc)


def _refuse(at: int, part: str, walked: str, shown: str, exc: OSError) -> int:
    if _is_link(at, part) or exc.errno == errno.ELOOP:
        raise OutsideOutput(
            f"refusing to write {shown}: {walked or '/'} is a symbolic link; the build writes only into real folders"
        ) from None
    if exc.errno == errno.ENOTDIR:
        raise OutsideOutput(f"refusing to write {shown}: {walked} is not a folder") from None
    raise OutsideOutput(f"refusing to write {shown}: {walked} cannot be opened ({exc.strerror})") from None


def _components(path: Path) -> tuple[str, list[str]]:
    return ("/", list(path.parts[1:])) if path.is_absolute() else (".", list(path.parts))


def folder(out: Path) -> Path:
    """The output folder as an absolute path, created if missing, once every component of its path
    is known to be a real folder (no symbolic link)."""
    start, parts = _components(Path(out))
    _walk(start, parts, create=True, shown=f"into the output folder {out}")
    return Path(os.path.abspath(out))


def inside(out: Path, *parts: str) -> Path:
    """out/parts…, refused unless out is a real folder and the path stays strictly inside it with
    no symbolic link on the way (components not yet made are made by the caller, as files or folders)."""
    shown = repr("/".join(parts))
    names = [name for part in parts for name in part.split("/")]
    if not names or any(name in ("", ".", "..") for name in names) or any(os.path.isabs(part) for part in parts):
        raise OutsideOutput(f"refusing to write {shown}: it is not a plain path inside the output folder {out}")
    root = folder(out)
    start, above = _components(root)
    _walk(start, above + names[:-1], create=False, shown=shown, last=names[-1])
    return root.joinpath(*names)


def remove_tree(out: Path, *parts: str) -> None:
    """Remove out/parts… and everything in it, if it exists: checked by inside(), then removed by
    shutil.rmtree, which on this platform works through folder descriptors and never follows a
    link inside (shutil.rmtree.avoids_symlink_attacks)."""
    target = inside(out, *parts)
    if os.path.lexists(target):
        shutil.rmtree(target)
