"""Every input is opened below the package root without following a symbolic link, and only if it
is a regular file within its size (dpmodel/safe_open.py); the build writes only into a real output
folder (dpbuild/outputs.py). Each hostile case is refused with one located line, and nothing
outside is read or written."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT, problems
from dpmodel import safe_open

EXCLUSIONS = "articles/coverage_exclusions.csv"
SECRET = "a line outside the package that must never be printed"


@pytest.fixture
def outside(tmp_path) -> Path:
    """A folder outside the package, with a file a link could point at."""
    folder = tmp_path / "outside"
    folder.mkdir()
    (folder / "secret.txt").write_text(SECRET + "\n")
    return folder


def _tree(folder: Path) -> dict:
    return {str(p.relative_to(folder)): p.read_bytes() if p.is_file() else None for p in sorted(folder.rglob("*"))}


# --- safe_open itself ---------------------------------------------------------------------


def _make(root: Path, kind: str, outside: Path) -> str:
    """A package path that is a hostile `kind` of thing; returns the path."""
    (root / "d").mkdir(parents=True, exist_ok=True)
    if kind == "link to a file outside":
        os.symlink(outside / "secret.txt", root / "d" / "x.csv")
    elif kind == "link to a file inside":
        (root / "d" / "real.csv").write_text("a\n")
        os.symlink("real.csv", root / "d" / "x.csv")
    elif kind == "file in a linked folder":
        os.symlink(outside, root / "d" / "linked")
        return "d/linked/secret.txt"
    elif kind == "fifo":
        os.mkfifo(root / "d" / "x.csv")
    elif kind == "folder":
        (root / "d" / "x.csv").mkdir()
    elif kind == "dangling link":
        os.symlink(outside / "nothing", root / "d" / "x.csv")
    return "d/x.csv"


@pytest.mark.parametrize(
    "kind, why",
    [
        ("link to a file outside", "passes through a symbolic link"),
        ("link to a file inside", "passes through a symbolic link"),
        ("file in a linked folder", "passes through a symbolic link"),
        ("dangling link", "passes through a symbolic link"),
        ("fifo", "is a FIFO (named pipe), not a file"),  # O_NONBLOCK: refused at once, never waits for a writer
        ("folder", "is a folder, not a file"),
    ],
)
def test_only_a_regular_file_below_the_root_is_opened(tmp_path, outside, kind, why):
    root = tmp_path / "package"
    path = _make(root, kind, outside)
    with pytest.raises(safe_open.Refused) as refused:
        safe_open.read(root, path, 1000)
    assert why in str(refused.value)


@pytest.mark.parametrize(
    "path, why",
    [
        ("../outside/secret.txt", "leads outside the package"),
        ("/etc/hostname", "is an absolute path"),
        ("d/../../outside/secret.txt", "leads outside the package"),
        ("", "is not a file"),
    ],
)
def test_paths_that_leave_the_root_are_refused_before_any_open(tmp_path, path, why):
    with pytest.raises(safe_open.Refused, match=why):
        safe_open.read(tmp_path, path, 1000)


def test_the_size_is_checked_on_the_open_file_and_the_read_is_bounded(tmp_path):
    (tmp_path / "big.csv").write_bytes(b"x" * 101)
    with pytest.raises(safe_open.TooLarge) as refused:
        safe_open.read(tmp_path, "big.csv", 100)
    assert refused.value.size == 101
    assert safe_open.read(tmp_path, "big.csv", 101) == b"x" * 101


def test_no_descriptor_is_left_open(tmp_path, outside):
    path = _make(tmp_path, "file in a linked folder", outside)
    before = len(os.listdir("/proc/self/fd"))
    for _ in range(50):
        with pytest.raises(safe_open.Refused):
            safe_open.read(tmp_path, path, 10)
    assert len(os.listdir("/proc/self/fd")) == before


# --- the package's inputs -----------------------------------------------------------------


def _coverage(pkg) -> tuple[int, list[str]]:
    """scripts/text_coverage.py on the copy, in its own process: a FIFO must not hang it (timeout)."""
    done = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "text_coverage.py"), str(pkg.descriptor)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert "Traceback" not in done.stderr, done.stderr
    return done.returncode, done.stdout.splitlines()


@pytest.mark.parametrize(
    "kind, why",
    [
        ("link", "passes through a symbolic link"),
        ("fifo", "is a FIFO (named pipe), not a file"),
        ("folder", "is a folder, not a file"),
        ("link inside", "passes through a symbolic link"),
    ],
)
def test_coverage_refuses_an_exclusions_file_that_is_not_a_plain_file(pkg, kind, why):
    exclusions = pkg.root / EXCLUSIONS
    exclusions.rename(pkg.root / "articles" / "kept.csv")
    if kind == "link":
        os.symlink("/etc/hostname", exclusions)  # git carries symlinks: the probe's case
    elif kind == "link inside":
        os.symlink("kept.csv", exclusions)
    elif kind == "fifo":
        os.mkfifo(exclusions)
    else:
        exclusions.mkdir()
    code, lines = _coverage(pkg)
    assert code == 1
    assert lines == [
        f"coverage: cannot measure: {EXCLUSIONS} [csv-unreadable]: cannot be read: it {why}"
        + ("; files must be plain files inside the package" if "link" in why else "")
    ]


def test_an_article_reached_through_a_linked_folder_is_refused_by_every_step(pkg, outside):
    """The articles folder moved outside and linked back: the validator names every text, the
    coverage stops with one line, and no text is read through the link."""
    moved = outside / "articles"
    (pkg.root / "articles").rename(moved)
    os.symlink(moved, pkg.root / "articles")
    code, lines = pkg.validate()
    assert code == 1
    assert problems(lines) and all("passes through a symbolic link" in line for line in problems(lines))
    code, lines = _coverage(pkg)
    assert code == 1 and len(lines) == 1 and "passes through a symbolic link" in lines[0]


@pytest.mark.parametrize("kind", ["fifo", "link", "folder"])
def test_a_table_that_is_not_a_plain_file_is_refused_at_loading(pkg, outside, kind):
    table = pkg.path("places")
    table.unlink()
    if kind == "fifo":
        os.mkfifo(table)
    elif kind == "link":
        os.symlink(outside / "secret.txt", table)
    else:
        table.mkdir()
    code, lines = pkg.validate()
    assert code == 1
    assert len(problems(lines)) == 1 and "'data/places.csv'" in problems(lines)[0]
    assert SECRET not in "\n".join(lines)


def test_a_descriptor_that_is_a_link_is_refused(pkg, outside):
    real = pkg.root / "real.json"
    pkg.descriptor.rename(real)
    os.symlink("real.json", pkg.descriptor)
    code, lines = pkg.validate()
    assert code == 1
    assert problems(lines) == [
        "datapackage.json: passes through a symbolic link; files must be plain files inside the package"
    ]


# --- the output folder --------------------------------------------------------------------


@pytest.fixture
def build_main(monkeypatch, capsys):
    """scripts/build.py's main with validation passed (the real package validates; these tests are
    about where the build writes): (exit code, printed lines)."""
    from dpbuild import build

    monkeypatch.setattr(build.validate, "validate", lambda *args, **kwargs: ([], ""))

    def run(out: Path) -> tuple[int, list[str]]:
        code = build.main([str(ROOT / "datapackage.json"), "--out", str(out), "--no-xlsx"])
        return code, capsys.readouterr().out.splitlines()

    return run


@pytest.mark.parametrize(
    "link", ["dist", "dist/parquet", "dist/parquet/by-year", "dist/metadata.json", "parent", "dangling"]
)
def test_the_build_writes_only_into_a_real_folder(tmp_path, outside, build_main, link):
    """--out a link, a link inside it where the build writes (and rmtree's: by-year), or a link on
    the way to it: one line, and the folder outside is left exactly as it was."""
    before = _tree(outside)
    work = tmp_path / "work"
    work.mkdir()
    if link == "parent":
        os.symlink(outside, work / "linked")
        out = work / "linked" / "dist"
    elif link == "dangling":
        out = work / "dist"
        os.symlink(outside / "dist", out)
    else:
        out = work / "dist"
        *above, last = link.split("/")
        (work.joinpath(*above)).mkdir(parents=True, exist_ok=True)
        os.symlink(outside, work / link)
    code, lines = build_main(out)
    assert code == 1
    assert len(lines) == 1 and "is a symbolic link; the build writes only into real folders" in lines[0], lines
    assert _tree(outside) == before


def test_a_missing_output_folder_is_made_component_by_component(tmp_path):
    from dpbuild import outputs

    out = tmp_path / "a" / "b" / "dist"
    assert outputs.folder(out) == out and out.is_dir()
    assert outputs.inside(out, "parquet", "x.parquet") == out / "parquet" / "x.parquet"


def test_a_build_over_an_earlier_one_writes_its_files_again(tmp_path):
    """Files and folders left by the last build are overwritten in place: only links are refused."""
    from dpbuild import outputs

    out = tmp_path / "dist"
    (out / "parquet" / "by-year").mkdir(parents=True)
    (out / "data.db").write_bytes(b"old")
    (out / "parquet" / "events.parquet").write_bytes(b"old")
    assert outputs.inside(out, "data.db") == out / "data.db"
    assert outputs.inside(out, "parquet", "events.parquet") == out / "parquet" / "events.parquet"
    assert outputs.inside(out, "parquet", "by-year") == out / "parquet" / "by-year"


def test_files_are_written_all_or_none_and_never_over_what_must_be_new(tmp_path):
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "a.csv").write_text("old a")
    (tmp_path / "data" / ".a.csv.stale.new").write_text("left by a killed run")  # never in the way
    # The last file's folder is missing: nothing is written, no temporary file is left.
    with pytest.raises(safe_open.Missing):
        safe_open.write_files(tmp_path, [("data/a.csv", b"new a"), ("nowhere/b.csv", b"b")])
    assert (tmp_path / "data" / "a.csv").read_text() == "old a"
    assert sorted(os.listdir(tmp_path / "data")) == [".a.csv.stale.new", "a.csv"]
    # A path that must be new and is there (a FIFO here: never opened, never waited on) refuses all.
    os.mkfifo(tmp_path / "data" / "c.csv")
    with pytest.raises(safe_open.Exists):
        safe_open.write_files(tmp_path, [("data/a.csv", b"new a"), ("data/c.csv", b"c")], new=frozenset(["data/c.csv"]))
    assert (tmp_path / "data" / "a.csv").read_text() == "old a"
    # A link in the way of a replaced file is replaced itself, never written through.
    (tmp_path / "outside.csv").write_text("outside")
    (tmp_path / "data" / "d.csv").symlink_to(tmp_path / "outside.csv")
    safe_open.write_files(tmp_path, [("data/a.csv", b"new a"), ("data/d.csv", b"d"), ("data/c.csv", None)])
    assert (tmp_path / "data" / "a.csv").read_text() == "new a" and (tmp_path / "outside.csv").read_text() == "outside"
    assert not (tmp_path / "data" / "d.csv").is_symlink() and not (tmp_path / "data" / "c.csv").exists()


def test_a_second_tool_changing_the_package_at_once_is_refused(tmp_path):
    with safe_open.locked(tmp_path):
        with pytest.raises(safe_open.Refused, match="is being changed by another"):
            with safe_open.locked(tmp_path):
                pass
    with safe_open.locked(tmp_path):  # released when the first ends
        pass


def test_a_write_that_fails_half_way_puts_back_what_it_moved(tmp_path, monkeypatch):
    (tmp_path / "data").mkdir()
    for name in ("a.csv", "b.csv"):
        (tmp_path / "data" / name).write_text(f"old {name}")
    # A folder where a file is to be replaced: refused before anything moves.
    (tmp_path / "data" / "c.csv").mkdir()
    with pytest.raises(safe_open.Refused, match="data/c.csv"):
        safe_open.write_files(tmp_path, [("data/a.csv", b"new"), ("data/c.csv", b"new")])
    # A rename that fails after others succeeded (a full disk, an immutable file): all put back.
    real_replace, calls = os.replace, []

    def failing_replace(*args, **kwargs):
        calls.append(args)
        if len(calls) == 2 and not str(args[0]).endswith(".old"):
            raise OSError(28, "No space left on device")
        return real_replace(*args, **kwargs)

    monkeypatch.setattr(os, "replace", failing_replace)
    with pytest.raises(safe_open.Refused, match="No space left"):
        safe_open.write_files(
            tmp_path,
            [("data/gone.csv", None), ("data/a.csv", b"new a"), ("data/b.csv", b"new b"), ("data/e.csv", b"e")],
            new=frozenset(["data/e.csv"]),
        )  # removing what is not there is no move to take back
    assert [(tmp_path / "data" / n).read_text() for n in ("a.csv", "b.csv")] == ["old a.csv", "old b.csv"]
    assert sorted(os.listdir(tmp_path / "data")) == ["a.csv", "b.csv", "c.csv"]  # no new file, no backup left
