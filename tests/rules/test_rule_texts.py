import pytest
from rule_tables import edited, package, row_of, tables

from dpcheck.rules import texts
from dpmodel import csvfile, descriptor

SOURCE = "2023-04-putin-meets-li-shangfu"


def _checked(root) -> tuple[dict, list[str]]:
    """The texts rule on a copy of the package (its files changed by the test)."""
    copy, problems = descriptor.load(root / "datapackage.json")
    assert copy is not None, problems
    read = {r.name: csvfile.read(r)[0] for r in copy.tables()}
    found, problems = texts.check(copy, read)
    return found, [str(problem) for problem in problems]


def test_every_text_of_the_package_matches_its_hashes():
    found, problems = texts.check(package(), tables())
    assert problems == []
    assert sorted(found) == sorted(tables()["sources"].frame["source_id"].to_list())


def test_a_changed_text_fails_both_of_its_hashes(pkg):
    article = pkg.root / "articles" / f"{SOURCE}.txt"
    article.write_bytes(article.read_bytes().replace("Cremlino".encode(), "Palazzo".encode(), 1))
    _, problems = _checked(pkg.root)
    row = pkg.row_number("sources", source_id=SOURCE)
    assert [line.split(" (")[0] for line in problems] == [
        f"data/sources.csv:{row} text_sha256 [article-hash-mismatch]: does not match articles/{SOURCE}.txt",
        f"articles/{SOURCE}.txt [article-hash-mismatch]: its SHA-256 does not match the hash in datapackage.json: "
        "the text has changed",
    ]


def test_a_text_path_outside_the_package_is_refused():
    broken = edited("sources", {"source_id": SOURCE}, text_path="../outside.txt")
    _, problems = texts.check(package(), broken)
    row = row_of("sources", source_id=SOURCE)
    assert [str(p).split(":", 2)[:2] for p in problems if p.code == "article-missing"] == [
        ["data/sources.csv", f"{row} text_path [article-missing]"]
    ]


def test_a_text_gone_after_loading_is_left_to_the_rule(pkg):
    """The texts are read ahead, while the tables are parsed; one that cannot be read then is not
    the whole step's failure there, only left out (the rule reads it again if a source names it)."""
    copy, _ = descriptor.load(pkg.descriptor)
    listed = [r for r in copy.resources.values() if not r.is_table]
    listed[0].file.unlink()
    read = texts.read_texts(copy)
    assert sorted(read) == sorted(r.path for r in listed[1:])
    assert all(len(data) == r.size for r, (data, _) in zip(listed[1:], (read[r.path] for r in listed[1:])))


@pytest.mark.parametrize(
    "change, line",
    [
        (lambda b: b.replace(b"\n", b"\r\n"), "[article-control]: line 1 holds a carriage return"),
        (lambda b: b"\xef\xbb\xbf" + b, "[article-encoding]: starts with a byte-order mark"),
        (lambda b: b.replace("è".encode(), "e\u0300".encode(), 1), "[article-not-nfc]: line "),
        (lambda b: b + b"\x00", "[article-control]: line "),
    ],
    ids=["CRLF", "BOM", "NFD", "NUL"],
)
def test_a_text_is_held_to_the_grammar_of_an_article_text(pkg, change, line):
    """dpmodel.article_text: what make add-article and make draft also refuse, so that every
    excerpt can be cut from the text and recorded in a cell."""
    article = pkg.root / "articles" / f"{SOURCE}.txt"
    article.write_bytes(change(article.read_bytes()))
    _, problems = _checked(pkg.root)
    assert [p for p in problems if line in p and p.startswith(f"articles/{SOURCE}.txt ")], problems
