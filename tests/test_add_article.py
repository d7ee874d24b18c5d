"""make add-article: a new article's text, resource and sources row from its file, with nothing
typed twice, and a clear refusal (never a traceback, never an overwrite) when it cannot."""

from __future__ import annotations

import csv
import hashlib
import json
import os

import pytest
from dpcontrib import add_article

from dpmodel import REPOSITORY

NEW = (
    "La Cina e la Russia tengono consultazioni sulla sicurezza (Opinione Pubblica 14.03.24)\n\n"
    "di Mario Rossi\n\n"
    "Il 12 marzo 2024 il ministro degli Esteri russo Sergej Lavrov ha incontrato a Mosca Wang Yi. "
    "«Siamo pronti a cooperare», ha detto Lavrov.\n"
)
SOURCE = "2024-03-cina-russia-tengono-consultazioni-sicurezza"


@pytest.fixture
def new_file(tmp_path):
    file = tmp_path / "received_0042.txt"
    file.write_text(NEW, encoding="utf-8")
    return file


def _row(pkg, source_id):
    with pkg.path("sources").open(newline="", encoding="utf-8") as f:
        return next(r for r in csv.DictReader(f) if r["source_id"] == source_id)


def test_an_article_is_added_with_its_hash_resource_and_row_and_the_package_validates(pkg, new_file, capsys):
    assert add_article.main([str(new_file), "--package", str(pkg.root)]) == 0
    out = capsys.readouterr().out
    text = (pkg.root / "articles" / f"{SOURCE}.txt").read_bytes()
    assert text == new_file.read_bytes()  # unchanged, byte for byte
    digest = hashlib.sha256(text).hexdigest()
    descriptor = json.loads(pkg.descriptor.read_text())
    (resource,) = [r for r in descriptor["resources"] if r["name"] == f"article-{SOURCE}"]
    assert resource["hash"] == f"sha256:{digest}" and resource["path"] == f"articles/{SOURCE}.txt"
    assert descriptor["sources"][-1] == {"title": resource["title"], "path": resource["path"]}
    row = _row(pkg, SOURCE)
    assert {
        k: row[k] for k in ("title", "outlet", "author", "published_date", "published_date_basis", "text_sha256")
    } == {
        "title": "La Cina e la Russia tengono consultazioni sulla sicurezza",
        "outlet": "Opinione Pubblica",
        "author": "Mario Rossi",
        "published_date": "2024-03-14",
        "published_date_basis": "stated",
        "text_sha256": digest,
    }
    assert row["original_filename"] == "received_0042.txt"
    assert f"row {SOURCE}: url" in out and f"make draft SOURCE={SOURCE}" in out
    code, lines = pkg.validate()
    assert code == 0, lines


def test_a_text_without_a_headline_or_date_says_what_is_required(pkg, tmp_path, capsys):
    file = tmp_path / "a.txt"
    file.write_text("Lavrov ha detto " + "molte cose, " * 40 + "e poi altre.\n", encoding="utf-8")
    assert add_article.main([str(file), "--package", str(pkg.root), "--id", "2024-05-lavrov-said"]) == 0
    out = capsys.readouterr().out
    assert "published_date (not found in the text: required)" in out
    assert "title (the text prints no headline" in out
    code, lines = pkg.validate()
    assert code == 1 and any("published_date" in line for line in lines)


def test_what_the_top_of_each_real_article_says_is_read_as_its_row_records_it():
    with (REPOSITORY / "data" / "sources.csv").open(newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    for row in rows:
        head = add_article.read_head((REPOSITORY / row["text_path"]).read_text(encoding="utf-8"))
        if row["published_date_basis"] == "stated":
            assert head["published_date"] == row["published_date"], row["source_id"]
            assert add_article.propose_id(head).startswith(row["published_date"][:7])
        if row["title"].startswith("["):  # supplied: the text prints no headline
            assert head["title"] == "", row["source_id"]
        else:
            assert head["title"] == row["title"], row["source_id"]


@pytest.mark.parametrize(
    "case, message",
    [
        ("twice", "is already in data/sources.csv; give another with ID="),
        ("not utf-8", "is not valid UTF-8 (byte 3); save it as UTF-8"),
        ("bad id", "an ID is lowercase letters and digits joined by single hyphens"),
        ("id too long", "at most 120 characters"),
        ("link in the way", f"articles/{SOURCE}.txt already exists"),
        ("missing file", "does not exist"),
        ("empty", "is empty"),
        # The file is read as the package reads its own: a regular file, no link, within the limit.
        ("file is a link", "passes through a symbolic link"),
        ("file is a FIFO", "is a FIFO (named pipe), not a file"),
        ("file is a device", "is a device, not a file"),
        ("file too large", "an article text may be at most 262,144 bytes"),
        # The text is held to the grammar of an article text (dpmodel.article_text).
        ("byte-order mark", "starts with a byte-order mark (U+FEFF)"),
        ("CRLF", "line 1 holds a carriage return (save it with LF line endings)"),
        ("NUL in headline", "line 1 holds the control character U+0000"),
        ("ESC in headline", "line 1 holds the control character U+001B"),
        ("not NFC", "line 5 is not in Unicode NFC"),
        ("invisible character", "line 5 holds a bidirectional control U+202E"),
        ("same text again", "this text is already in the package, as source 2023-04-putin-meets-li-shangfu"),
        ("file name not UTF-8", "the file's name is not UTF-8; rename it"),
        ("another tool at work", "the package folder is being changed by another"),
        # Every cell it would write is held to the cell rules first.
        ("newline in file name", "original_filename [text-control]: contains the control character U+000A"),
    ],
)
def test_an_article_that_cannot_be_added_is_refused_with_a_line(pkg, new_file, tmp_path, capsys, case, message):
    args = [str(new_file), "--package", str(pkg.root)]
    if case == "twice":
        assert add_article.main(args) == 0
        capsys.readouterr()
    elif case == "not utf-8":
        new_file.write_bytes(b"abc\xff\xfe")
    elif case == "bad id":
        args += ["--id", "../../etc/passwd"]
    elif case == "id too long":
        args += ["--id", "a" * 300]
    elif case == "link in the way":
        os.symlink("/tmp/nowhere-to-write", pkg.root / "articles" / f"{SOURCE}.txt")
    elif case == "missing file":
        args[0] = str(new_file.parent / "absent.txt")
    elif case == "empty":
        new_file.write_text("  \n")
    elif case == "file is a link":
        (tmp_path / "link.txt").symlink_to(new_file)
        args[0] = str(tmp_path / "link.txt")
    elif case == "file is a FIFO":
        os.mkfifo(tmp_path / "pipe.txt")  # never opened for writing: reading it would wait forever
        args[0] = str(tmp_path / "pipe.txt")
    elif case == "file is a device":
        args[0] = "/dev/zero"  # endless: reading it would never stop
    elif case == "file too large":
        new_file.write_text(NEW + "x" * 262_144)
    elif case == "byte-order mark":
        new_file.write_bytes(b"\xef\xbb\xbf" + NEW.encode())
    elif case == "CRLF":
        new_file.write_bytes(NEW.replace("\n", "\r\n").encode())
    elif case == "NUL in headline":
        new_file.write_text("La Cina\x00 e la Russia" + NEW)
    elif case == "ESC in headline":
        new_file.write_text("\x1b[31mLa Cina" + NEW)
    elif case == "not NFC":
        new_file.write_text(NEW.replace("Il 12 marzo", "Cosi\u0300 il 12 marzo"))
    elif case == "invisible character":
        new_file.write_text(NEW.replace("Il 12 marzo", "\u202eIl 12 marzo"))
    elif case == "same text again":
        new_file.write_bytes((pkg.root / "articles" / "2023-04-putin-meets-li-shangfu.txt").read_bytes())
    elif case == "file name not UTF-8":
        odd = os.fsencode(tmp_path) + b"/\xff.txt"
        with open(odd, "wb") as out:
            out.write(NEW.encode())
        args[0] = os.fsdecode(odd)
    elif case == "another tool at work":
        from dpmodel import safe_open

        held = safe_open.locked(pkg.root)
        held.__enter__()
    elif case == "newline in file name":
        args[0] = str(tmp_path / "received\n0042.txt")
        (tmp_path / "received\n0042.txt").write_text(NEW)
    before = {p: p.read_bytes() for p in [pkg.descriptor, pkg.path("sources")]}
    articles = sorted(os.listdir(pkg.root / "articles"))
    assert add_article.main(args) == 1
    out = capsys.readouterr().out
    assert out.startswith("add-article: ") and message in out and "Traceback" not in out, out
    if case != "twice":
        assert {p: p.read_bytes() for p in before} == before  # nothing written
        assert sorted(os.listdir(pkg.root / "articles")) == articles
    assert not os.path.exists("/tmp/nowhere-to-write")
    if case == "another tool at work":
        held.__exit__(None, None, None)


def test_an_impossible_publication_date_is_not_taken(pkg, new_file, capsys):
    new_file.write_text(NEW.replace("14.03.24", "31.02.24").replace("Il 12 marzo 2024", "Martedì"), encoding="utf-8")
    assert add_article.main([str(new_file), "--package", str(pkg.root), "--id", "feb-31"]) == 0
    assert _row(pkg, "feb-31")["published_date"] == ""
    assert "published_date (not found in the text: required)" in capsys.readouterr().out


def test_a_long_first_line_is_read_in_bounded_time():
    # 200,000 spaces before an opening bracket made the outlet's pattern quadratic; only the
    # first HEAD_CHARS characters of a line are read now, so this returns at once.
    head = add_article.read_head("A" + " " * 200_000 + "(x 01.01.24\n")
    assert head["title"] == ""


def test_contributing_shows_the_commands_real_output(pkg, new_file, capsys):
    text = (REPOSITORY / "CONTRIBUTING.md").read_text(encoding="utf-8")
    shown = text.split("   Added articles/", 1)[1].split("```", 1)[0]
    shown_lines = [line.strip() for line in ("Added articles/" + shown).splitlines() if line.strip()]
    assert add_article.main([str(new_file), "--package", str(pkg.root)]) == 0
    printed = [line.strip() for line in capsys.readouterr().out.splitlines()]
    assert printed[: len(shown_lines)] == shown_lines
