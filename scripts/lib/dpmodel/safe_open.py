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

import errno
import os
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


class TooLarge(Refused):
    """A regular file over its limit; `size` is what its descriptor says (or limit + 1 if it grew)."""

    def __init__(self, size: int, limit: int):
        super().__init__(f"is {size:,} bytes; at most {limit:,} are read")
        self.size, self.limit = size, limit


def parts_of(path: str) -> list[str]:
    """A package path's components ('' and '.' dropped, as the descriptor's loader does); refused if
    it is absolute or climbs out ('..')."""
    if path.startswith("/") or "\\" in path:
        raise Refused("is an absolute path; files must be relative to datapackage.json")
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
    try:
        at = os.open(
            root, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC
        )  # the root is the caller's choice; below it, no link
    except OSError as exc:
        raise Refused(f"cannot be read: the package folder cannot be opened ({exc.strerror})") from None
    try:
        for part in parts[:-1]:
            inner = _step(at, part, FOLDER)
            os.close(at)  # one folder held open at a time
            at = inner
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
        if exc.errno in (errno.ENOENT, errno.ENOTDIR):
            raise Refused("does not exist") from None
        raise Refused(f"cannot be read: {exc.strerror}") from None


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
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view) :]
    except OSError as exc:
        raise Refused(f"cannot be written: {exc.strerror}") from None
    finally:
        os.close(fd)


class Exists(Refused):
    """create() found something at the path already (a file, a folder, a link or a FIFO)."""

    def __init__(self):
        super().__init__("already exists")


CREATE = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC


def create(root: Path | str, path: str, data: bytes, *, replace: bool = False, folders: bool = False) -> None:
    """Write `data` as the new file `path` names under `root`, through the same walk as open_file
    (no link on the way; with `folders`, missing folders are made). O_EXCL creates only what is not
    there, so nothing existing is opened, followed or waited on (a FIFO, a link). With `replace`,
    the data goes to a new file beside it, renamed over the old entry: a rename replaces the entry
    itself, whatever it is, and never writes through it."""
    parts = parts_of(path)
    try:
        at = os.open(root, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    except OSError as exc:
        raise Refused(f"cannot be written: the package folder cannot be opened ({exc.strerror})") from None
    try:
        for part in parts[:-1]:
            if folders:
                try:
                    os.mkdir(part, 0o755, dir_fd=at)
                except FileExistsError:
                    pass
                except OSError as exc:
                    raise Refused(f"cannot be written: {exc.strerror}") from None
            inner = _step(at, part, FOLDER)
            os.close(at)
            at = inner
        name = parts[-1]
        target = f".{name}.{os.getpid()}.new" if replace else name
        try:
            fd = os.open(target, CREATE, 0o644, dir_fd=at)
        except FileExistsError:
            raise Exists() from None
        except OSError as exc:
            raise Refused(f"cannot be written: {exc.strerror}") from None
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view) :]
        except OSError as exc:
            os.close(fd)
            os.unlink(target, dir_fd=at)
            raise Refused(f"cannot be written: {exc.strerror}") from None
        os.close(fd)
        if replace:
            try:
                os.replace(target, name, src_dir_fd=at, dst_dir_fd=at)
            except OSError as exc:  # a folder of that name: rename will not replace it
                os.unlink(target, dir_fd=at)
                raise Refused(f"cannot be written: {exc.strerror}") from None
    finally:
        os.close(at)


def remove(root: Path | str, path: str) -> None:
    """Delete the entry `path` names under `root` (the entry itself, never what a link points to);
    nothing if it is not there."""
    parts = parts_of(path)
    at = os.open(root, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    try:
        for part in parts[:-1]:
            inner = _step(at, part, FOLDER)
            os.close(at)
            at = inner
        try:
            os.unlink(parts[-1], dir_fd=at)
        except FileNotFoundError:
            pass
        except OSError as exc:
            raise Refused(f"cannot be removed: {exc.strerror}") from None
    finally:
        os.close(at)


def root_of(file: Path, path: str) -> Path:
    """The package root that `file` was found under by its package path `path` (the loader joins
    the root and the path's components, so the root is the ancestor that many levels up)."""
    return file.parents[len(parts_of(path)) - 1]


def read_at(file: Path, path: str, limit: int) -> bytes:
    """read() for a file the loader located: `file` on disk, `path` as the package names it."""
    return read(root_of(file, path), path, limit)
