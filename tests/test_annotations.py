"""With --annotations FILE the validator also writes each problem as a GitHub workflow command,
`::error file=…,line=…,title=<code>::<field>: <message>`, which CI prints after the log's
stop-commands block, so a pull request shows it on the file and line; escaped as GitHub documents,
so no value can end the command or start another."""

from __future__ import annotations

import json
import re

from conftest import problems
from dpcheck import validate
from dpmodel.problems import Problem

SOURCE = "2023-04-putin-meets-li-shangfu"
MEETING = "putin-li-shangfu-meeting-2023-04-16"
# A report line: file, row, field, [code], message.
LINE = re.compile(r"^(?P<file>\S+?)(?::(?P<row>\d+))?(?: (?P<field>\S+))? \[(?P<code>[a-z0-9-]+)\]: (?P<message>.*)$")


def _broken(pkg) -> int:
    """A copy with problems in three files, one without a row: the file row of a citation of a table
    that does not exist (a value outside its enum)."""
    pkg.set("places", {"place_id": "moscow"}, "latitude", "95.5")
    descriptor = json.loads(pkg.descriptor.read_text())
    descriptor["version"] = "1.0"
    pkg.descriptor.write_text(json.dumps(descriptor, indent=2, ensure_ascii=False) + "\n")
    return pkg.add(
        "citations",
        {"record_table": "meetings", "record_id": MEETING, "source_id": SOURCE, "excerpt": "L’incontro di domenica"},
    )


def _run(pkg, capsys, *options: str) -> tuple[int, list[str]]:
    """Exit code and printed lines of validate.main, codes included (PackageCopy.validate takes them out)."""
    capsys.readouterr()
    code = validate.main([str(pkg.descriptor), *options])
    return code, capsys.readouterr().out.splitlines()


def test_each_problem_is_annotated_on_its_file_and_line(pkg, capsys, tmp_path):
    number = _broken(pkg)
    file = tmp_path / "annotations.txt"
    code, lines = _run(pkg, capsys, "--annotations", str(file))
    assert code == 1, lines
    report, commands = problems(lines), file.read_text(encoding="utf-8").splitlines()
    assert not any(line.startswith("::") for line in lines), "the report itself is unchanged"
    assert (
        f"::error file=data/citations.csv,line={number},title=value-enum::record_table: 'meetings' is not one of: "
        "actors, event_participants, events, memberships, organisations, places, statement_subjects, statements"
        in commands
    ), "\n".join(lines)
    # Each line of the report has its command.
    assert len(commands) == len(report) >= 3, "\n".join(lines)
    expected = []
    for line in report:
        found = LINE.match(line)
        assert found, f"no code in {line!r}"
        where = f"file={found['file']}" + (f",line={found['row']}" if found["row"] else "") + f",title={found['code']}"
        message = f"{found['field']}: {found['message']}" if found["field"] else found["message"]
        expected.append(f"::error {where}::{validate.escape(message)}")
    assert sorted(commands) == sorted(expected)


def test_without_the_option_nothing_more_is_printed_or_written(pkg, capsys, tmp_path):
    _broken(pkg)
    code, lines = _run(pkg, capsys)
    assert code == 1, lines
    assert not any(line.startswith("::") for line in lines), "\n".join(lines)


def test_a_package_without_problems_writes_no_annotation(pkg, capsys, tmp_path):
    file = tmp_path / "annotations.txt"
    file.write_text("::error file=stale::from an earlier run\n")
    code, lines = _run(pkg, capsys, "--annotations", str(file))
    assert code == 0, lines
    assert file.read_text() == ""


def test_escaping():
    # The message: '%' first (so an escape is never escaped again), then line breaks; ':' and ',' stay.
    assert validate.escape("100% sure: a, b\r\nc%0A") == "100%25 sure: a, b%0D%0Ac%250A"
    # A property's value (file=, title=): ':' and ',' too, or they would end it.
    assert validate.escape("data/a,b:c%\n.csv", in_property=True) == "data/a%2Cb%3Ac%25%0A.csv"


def test_annotation_of_a_problem_without_row_or_field():
    problem = Problem("data/x,y.csv", None, None, "50% of rows: bad,\nsee: above", code="some-code")
    assert validate.annotations([problem, problem]) == [
        "::error file=data/x%2Cy.csv,title=some-code::50%25 of rows: bad,%0Asee: above"
    ]
    with_field = Problem("data/x.csv", 3, "name", "is: wrong", code="some-code")
    assert validate.annotations([with_field]) == ["::error file=data/x.csv,line=3,title=some-code::name: is: wrong"]
