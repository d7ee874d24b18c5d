"""Read a CSV strictly, and render rows in the package's canonical CSV form.

Canonical form: UTF-8 without BOM, LF line endings, the header in schema order, rows sorted by
primary key, text in Unicode NFC, and quotes only where a cell needs them.
"""
from __future__ import annotations

import csv
import io
import unicodedata
from dataclasses import dataclass, field

from .descriptor import Resource
from .problems import Problem, shown

BOM = b"\xef\xbb\xbf"


@dataclass
class Table:
    """A table's rows as strings, each cell None where empty, with the file row of each."""

    resource: Resource
    rows: list[dict] = field(default_factory=list)
    row_numbers: list[int] = field(default_factory=list)
    text: str = ""

    @property
    def name(self) -> str:
        return self.resource.name

    @property
    def path(self) -> str:
        return self.resource.path

    def numbered(self):
        return zip(self.row_numbers, self.rows)


def _line_of(data: bytes, offset: int) -> int:
    return data.count(b"\n", 0, offset) + 1


def read(resource: Resource) -> tuple[Table | None, list[Problem]]:
    """The table, or None when its file cannot be trusted row by row (encoding, header, NUL)."""
    path = resource.path
    try:
        data = resource.file.read_bytes()
    except OSError as exc:
        return None, [Problem(path, None, None, f"cannot be read: {exc.strerror}")]
    problems: list[Problem] = []
    if data.startswith(BOM):
        problems.append(Problem(path, 1, None, "starts with a byte order mark (BOM); save it as UTF-8 without BOM"))
        data = data[len(BOM):]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        bad = data[exc.start:exc.start + 1].hex()
        return None, problems + [Problem(path, _line_of(data, exc.start), None, f"is not valid UTF-8 (byte 0x{bad}); save it as UTF-8")]
    if "\x00" in text:
        return None, problems + [Problem(path, text.count("\n", 0, text.index("\x00")) + 1, None, "contains a NUL byte")]
    if "\r" in text:
        problems.append(Problem(path, text.count("\n", 0, text.index("\r")) + 1, None,
                                "has a CR (CRLF or CR line ending); lines must end with LF only"))
    if not text:
        return None, problems + [Problem(path, None, None, f"is empty; expected the header {','.join(resource.field_names)}")]

    # Lines end at LF only: a CR is never a line break here, so row numbers stay true and a CR
    # inside a quoted cell stays in its cell (where the control-character rule names the field).
    reader = csv.reader(io.StringIO(text, newline="\n"), strict=True)
    try:
        records = []
        start = 1
        for record in reader:
            records.append((start, record))
            start = reader.line_num + 1
    except csv.Error as exc:
        if "new-line character" in str(exc):
            return None, problems + [Problem(path, reader.line_num, None,
                                             "has a carriage return (CR) outside quotes, splitting the row; lines must end with LF only")]
        return None, problems + [Problem(path, reader.line_num, None, f"is not well-formed CSV: {exc}")]

    header_line, header = records[0]
    expected = resource.field_names
    if header != expected:
        problems.append(Problem(path, 1, None, _header_problem(header, expected)))
        return None, problems

    table = Table(resource, text=text)
    structure_ok = True
    for number, record in records[1:]:
        if not record:
            problems.append(Problem(path, number, None, "is a blank row"))
            structure_ok = False
        elif len(record) != len(header):
            problems.append(Problem(path, number, None, f"has {len(record)} cells but the header has {len(header)}"))
            structure_ok = False
        else:
            table.rows.append({k: (v if v != "" else None) for k, v in zip(header, record)})
            table.row_numbers.append(number)
    return (table if structure_ok else None), problems


def _header_problem(found: list[str], expected: list[str]) -> str:
    missing = [c for c in expected if c not in found]
    extra = [c for c in found if c not in expected]
    parts = []
    if missing:
        parts.append("missing column" + ("s " if len(missing) > 1 else " ") + ", ".join(missing))
    if extra:
        parts.append("unexpected column" + ("s " if len(extra) > 1 else " ") + ", ".join(extra))
    if not parts:
        parts.append("columns are out of order")
    return f"header does not match the schema: {'; '.join(parts)} (expected: {','.join(expected)})"


def sort_key(table: Table):
    pk = table.resource.primary_key
    return lambda row: tuple(row[k] or "" for k in pk)


def render(fields: list[str], rows: list[dict]) -> str:
    """Canonical CSV text for rows already in the order they should appear."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(fields)
    for row in rows:
        writer.writerow([unicodedata.normalize("NFC", row[f]) if row[f] is not None else "" for f in fields])
    return out.getvalue()


def canonical_problems(table: Table) -> list[Problem]:
    """Why the file differs from its canonical form: rows out of order, or the first line written differently."""
    key = sort_key(table)
    for (n1, r1), (n2, r2) in zip(table.numbered(), list(table.numbered())[1:]):
        if key(r2) < key(r1):
            return [Problem(table.path, n2, None,
                            f"is out of order: rows must be sorted by {', '.join(table.resource.primary_key)} "
                            f"({shown('/'.join(key(r2)), 40)} belongs before row {n1}); run make fmt")]
    expected = render(table.resource.field_names, table.rows)
    if expected == table.text:
        return []
    for number, (have, want) in enumerate(zip(table.text.split("\n"), expected.split("\n")), start=1):
        if have != want:
            reason = "is not in NFC Unicode form" if unicodedata.normalize("NFC", have) != have else "is not written in canonical CSV form (quoting or spacing)"
            return [Problem(table.path, number, None, f"{reason}; expected {want[:80]!r}; run make fmt")]
    return [Problem(table.path, None, None, "does not end with exactly one LF after the last row; run make fmt")]
