"""Property: no mutation of a valid CSV makes the validator crash. Whatever hypothesis does to the
bytes of a table (insert, delete, duplicate, truncate, swap in quotes, commas, newlines, CR, NUL,
invalid UTF-8), the validator answers with exit 0 or 1 and report lines, never a traceback."""

from __future__ import annotations

import contextlib
import io
import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import PackageCopy
from dpcheck import validate

TABLES = ["places", "events", "citations", "aliases", "vocab_event_statuses"]
NASTY = [
    b",",
    b'"',
    b"\n",
    b"\r",
    b"\r\n",
    b"\x00",
    b"\xff",
    b"\xef\xbb\xbf",
    b"=",
    b"\t",
    b"2023-02-30",
    b"\xc3",
    "é".encode(),
    b"\xe2\x80\x99",
    b" ",
    b";",
    b"\\",
]
LINE = re.compile(r"^(\S+?)(:\d+)?( \S+)? \[[a-z][a-z0-9-]*\]: .+$")  # every line names its rule by code


@st.composite
def mutation(draw):
    table = draw(st.sampled_from(TABLES))
    kind = draw(st.sampled_from(["insert", "delete", "duplicate_line", "truncate", "replace"]))
    position = draw(st.floats(min_value=0, max_value=1))
    payload = draw(st.one_of(st.sampled_from(NASTY), st.binary(min_size=1, max_size=8)))
    length = draw(st.integers(min_value=1, max_value=40))
    return table, kind, position, payload, length


def apply(data: bytes, kind: str, position: float, payload: bytes, length: int) -> bytes:
    at = int(position * len(data))
    if kind == "insert":
        return data[:at] + payload + data[at:]
    if kind == "delete":
        return data[:at] + data[at + length :]
    if kind == "truncate":
        return data[:at]
    if kind == "replace":
        return data[:at] + payload + data[at + len(payload) :]
    lines = data.split(b"\n")
    i = min(int(position * len(lines)), len(lines) - 1)
    return b"\n".join(lines[: i + 1] + lines[i:])


def test_random_mutations_never_crash_the_validator(tmp_path):
    # Each example changes one table: the others' pandera checks and the descriptor's Frictionless
    # check, the same inputs every time, are run once (conftest's pandera_check_once and
    # frictionless_descriptor_check_once), and every mutated table is checked anew.
    pkg = PackageCopy(tmp_path / "package")
    originals = {t: pkg.path(t).read_bytes() for t in TABLES}

    @settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(mutation())
    def check(m):
        table, kind, position, payload, length = m
        for t, data in originals.items():
            pkg.path(t).write_bytes(data)
        pkg.path(table).write_bytes(apply(originals[table], kind, position, payload, length))
        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = validate.main([str(pkg.descriptor)])
        lines = [line for line in out.getvalue().splitlines() if line]
        assert code in (0, 1)
        assert "Traceback" not in out.getvalue() + err.getvalue()
        assert lines[-1].startswith(("OK: ", "FAILED: "))
        assert all(LINE.match(line) for line in lines[:-1]), lines[:5]

    check()
