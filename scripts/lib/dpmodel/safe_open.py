"""Open a file of the package without ever leaving it: the one way every check, the build and the
coverage read a file the package names (SECURITY.md: nothing outside the package is read).

The path is walked from the package root one component at a time, each folder opened relative to
the one before (dir_fd) with O_NOFOLLOW | O_DIRECTORY, and the file with O_NOFOLLOW | O_NONBLOCK:
the kernel refuses a symbolic link anywhere on the path, so no check made beforehand can be raced
(git carries symlinks; a link swapped in after a check would still be refused). The open
descriptor is then asked what it is (fstat): only a regular file is read, so a FIFO (which
O_NONBLOCK opened without waiting for a writer), a device or a folder is refused, and its size is
checked there, before reading, and the read stops at limit + 1 bytes whatever the file does after.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import os
import secrets
import stat
from pathlib import Path

FOLDER = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC
FILE = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC
REWRITE = (
    os.O_WRONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC
)  # make fmt: an existing file, truncated once known regular
CHUNK = 1024 * 1024


class Refused(Exception):
    """Why a file is not read, as a phrase that follows its quoted path: `'x.csv' does not exist`."""


class Missing(Refused):
    """Nothing is at the path (or a component on the way is not a folder)."""


class TooLarge(Refused):
    """A regular file over its limit; `size` is what its descriptor says (or limit + 1 if it grew)."""

    def __init__(self, size: int, limit: int):
        super().__init__(f"is {size:,} bytes; at most {limit:,} are read")
        self.size, self.limit = size, limit


def parts_of(path: str) -> list[str]:
    """A package path's components ('' and '.' dropped, as the descriptor's loader does); refused if
    it is absolute or climbs out ('..')."""
    if path.startswith("/"):
        raise Refused("is an absolute path; files must be relative to datapackage.json")
    if "\\" in path:
        raise Refused("holds a backslash; paths are written with / and names hold no backslash")
    parts = [part for part in path.split("/") if part not in ("", ".")]
    if ".." in parts:
        raise Refused("leads outside the package ('..')")
    if not parts:
        raise Refused("is not a file")
    return parts


def _kind(mode: int) -> str:
    for test, name in (
        (stat.S_ISDIR, "a folder"),
        (stat.S_ISFIFO, "a FIFO (named pipe)"),
        (stat.S_ISCHR, "a device"),
        (stat.S_ISBLK, "a device"),
        (stat.S_ISSOCK, "a socket"),
        (stat.S_ISLNK, "a symbolic link"),
    ):
        if test(mode):
            return name
    return "not a regular file"


def open_file(root: Path | str, path: str, flags: int = FILE) -> int:
    """A descriptor of the regular file `path` names under `root` (the caller closes it), or Refused."""
    parts = parts_of(path)
    at = _folder_of(root, parts, make=False, doing="read")
    try:
        fd = _step(at, parts[-1], flags)
    finally:
        os.close(at)
    found = os.fstat(fd)
    if not stat.S_ISREG(found.st_mode):
        os.close(fd)
        raise Refused(f"is {_kind(found.st_mode)}, not a file")
    return fd


def _step(at: int, name: str, flags: int) -> int:
    """The component `name` opened under the folder descriptor `at`, or Refused saying why."""
    try:
        return os.open(name, flags, dir_fd=at)
    except OSError as exc:
        if exc.errno == errno.ELOOP or (exc.errno == errno.ENOTDIR and _is_link(at, name)):
            raise Refused("passes through a symbolic link; files must be plain files inside the package") from None
        if exc.errno == errno.ENOTDIR and flags & os.O_DIRECTORY and _exists(at, name):
            raise Missing(f"passes through {name!r}, which is not a folder") from None
        if exc.errno in (errno.ENOENT, errno.ENOTDIR):
            raise Missing("does not exist") from None
        raise Refused(f"cannot be read: {exc.strerror}") from None


def _exists(at: int, name: str) -> bool:
    try:
        os.lstat(name, dir_fd=at)
        return True
    except OSError:
        return False


def _is_link(at: int, name: str) -> bool:
    try:
        return stat.S_ISLNK(os.lstat(name, dir_fd=at).st_mode)
    except OSError:
        return False


def size(root: Path | str, path: str) -> int:
    """The size of the regular file `path` names under `root`, from its open descriptor."""
    fd = open_file(root, path)
    try:
        return os.fstat(fd).st_size
    finally:
        os.close(fd)


def read(root: Path | str, path: str, limit: int) -> bytes:
    """The bytes of the regular file `path` names under `root`, at most `limit` (else TooLarge)."""
    fd = open_file(root, path)
    try:
        n = os.fstat(fd).st_size
        if n > limit:
            raise TooLarge(n, limit)
        chunks, total = [], 0
        while total <= limit:  # limit + 1 at most: a file growing after the fstat is still bounded
            chunk = os.read(fd, min(CHUNK, limit + 1 - total))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
    except OSError as exc:
        raise Refused(f"cannot be read: {exc.strerror}") from None
    finally:
        os.close(fd)
    if total > limit:
        raise TooLarge(limit + 1, limit)
    return b"".join(chunks)


def rewrite(root: Path | str, path: str, data: bytes) -> None:
    """Replace the contents of the existing regular file `path` names under `root` (make fmt),
    through the same walk: a link swapped in after loading is refused, never written through."""
    fd = open_file(root, path, REWRITE)
    try:
        os.ftruncate(fd, 0)
        _write_all(fd, data)
    except OSError as exc:
        raise Refused(f"cannot be written: {exc.strerror}") from None
    finally:
        os.close(fd)


class Exists(Refused):
    """A file to be created new is there already (a file, a folder, a link or a FIFO)."""

    def __init__(self):
        super().__init__("already exists")


CREATE = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


def _folder_of(root: Path | str, parts: list[str], make: bool, doing: str = "written") -> int:
    """A descriptor of the folder holding the last of `parts` (the caller closes it), walked from
    root one folder at a time with O_NOFOLLOW (the root is the caller's choice; below it, no
    link); with `make`, missing folders are made."""
    try:
        at = os.open(root, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    except OSError as exc:
        raise Refused(f"cannot be {doing}: the package folder cannot be opened ({exc.strerror})") from None
    try:
        for part in parts[:-1]:
            if make:
                try:
                    os.mkdir(part, 0o755, dir_fd=at)
                except FileExistsError:
                    pass
                except OSError as exc:
                    raise Refused(f"cannot be written: {exc.strerror}") from None
            inner = _step(at, part, FOLDER)
            os.close(at)
            at = inner
    except BaseException:
        os.close(at)
        raise
    return at


def write_files(
    root: Path | str, files: list[tuple[str, bytes | None]], *, new: frozenset = frozenset(), folders: bool = False
) -> None:
    """Write every file or none. Each file's data goes first to a new temporary file beside it
    (a fresh random name, created with O_EXCL: nothing there is opened, followed or waited on);
    only once all are written is each moved into place: renamed over its path (a rename replaces
    the entry itself, whatever it is, and never writes through it), or, for a path in `new`,
    linked to it (refused if anything is there, so nothing is overwritten). Data None removes the
    path's entry. Folders are walked as open_file walks them (with `folders`, missing ones made)."""
    staged: list[tuple[int, str | None, str, str]] = []  # folder, temporary name, name, path
    try:
        for path, data in files:
            parts = parts_of(path)
            try:
                at = _folder_of(root, parts, folders)
            except Missing:
                if data is None:
                    continue  # nothing to remove
                raise
            staged.append((at, None, parts[-1], path))
            if data is None:
                continue
            for _ in range(100):
                temporary = f".{parts[-1]}.{secrets.token_hex(8)}.new"
                try:
                    fd = os.open(temporary, CREATE, 0o644, dir_fd=at)
                    break
                except FileExistsError:
                    continue
                except OSError as exc:
                    raise Refused(f"cannot be written: {exc.strerror}") from None
            else:
                raise Refused("cannot be written: no free temporary name")
            staged[-1] = (at, temporary, parts[-1], path)
            try:
                _write_all(fd, data)
            except OSError as exc:
                raise Refused(f"cannot be written: {exc.strerror}") from None
            finally:
                os.close(fd)
        _move_into_place(staged, new)
    finally:
        for at, temporary, _, _ in staged:
            if temporary is not None:
                try:
                    os.unlink(temporary, dir_fd=at)
                except OSError:
                    pass  # renamed into place already
            os.close(at)


def _move_into_place(staged: list[tuple[int, str | None, str, str]], new: frozenset) -> None:
    """Move the staged files into place, all or none. Each entry to be replaced or removed is first
    kept under a backup name, a hard link to the entry itself (never what a link points to): an
    entry that cannot be kept (a folder, an immutable file) refuses the whole write here, before
    anything changes; a failure later puts every entry back as it was."""
    backups: list[tuple[int, str | None, str, str | None]] = []  # folder, backup, name, temporary
    made: list[tuple[int, str]] = []  # new files linked into place
    try:
        for at, temporary, name, path in staged:
            if path in new:
                continue
            backup = f".{name}.{secrets.token_hex(8)}.old"
            try:
                os.link(name, backup, src_dir_fd=at, dst_dir_fd=at, follow_symlinks=False)
            except FileNotFoundError:
                backup = None
            except OSError as exc:
                raise Refused(f"cannot be written ({path}: {exc.strerror})") from None
            backups.append((at, backup, name, temporary))
        moved: list[tuple[int, str | None, str]] = []
        try:
            for at, temporary, name, path in staged:
                if path in new:
                    os.link(temporary, name, src_dir_fd=at, dst_dir_fd=at, follow_symlinks=False)
                    made.append((at, name))
            for at, backup, name, temporary in backups:
                if temporary is None:
                    if backup is None:
                        continue  # nothing there to remove
                    os.unlink(name, dir_fd=at)
                else:
                    os.replace(temporary, name, src_dir_fd=at, dst_dir_fd=at)
                moved.append((at, backup, name))
        except OSError as exc:
            for at, name in made:
                os.unlink(name, dir_fd=at)
            for at, backup, name in reversed(moved):  # as they were
                if backup is None:
                    os.unlink(name, dir_fd=at)
                else:
                    os.replace(backup, name, src_dir_fd=at, dst_dir_fd=at)
            if isinstance(exc, FileExistsError):
                raise Exists() from None
            raise Refused(f"cannot be written: {exc.strerror}") from None
    finally:
        for at, backup, _, _ in backups:
            if backup is not None:
                try:
                    os.unlink(backup, dir_fd=at)
                except FileNotFoundError:
                    pass  # put back in place


def create(root: Path | str, path: str, data: bytes, *, replace: bool = False, folders: bool = False) -> None:
    """One new file (write_files): refused if anything is at the path, unless `replace`."""
    write_files(root, [(path, data)], new=frozenset() if replace else frozenset([path]), folders=folders)


@contextlib.contextmanager
def locked(root: Path | str):
    """Hold the package for one tool that rewrites it (add-article, accept): a second one at the
    same time is refused at once (flock, released by the kernel when the process ends)."""
    try:
        fd = os.open(root, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    except OSError as exc:
        raise Refused(f"cannot be opened ({exc.strerror})") from None
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            raise Refused(
                "is being changed by another make add-article, draft or accept; try again when it ends"
            ) from None
        yield
    finally:
        os.close(fd)


def root_of(file: Path, path: str) -> Path:
    """The package root that `file` was found under by its package path `path` (the loader joins
    the root and the path's components, so the root is the ancestor that many levels up)."""
    return file.parents[len(parts_of(path)) - 1]


def read_at(file: Path, path: str, limit: int) -> bytes:
    """read() for a file the loader located: `file` on disk, `path` as the package names it."""
    return read(root_of(file, path), path, limit)
