"""Read a CSV strictly, and render rows in the package's canonical CSV form.

Canonical form: UTF-8 without BOM, LF line endings, the header in schema order, rows sorted by
primary key, text in Unicode NFC, quotes only where a cell needs them, and one text per number
(canonical_number), so that the CSV, SQLite and Parquet copies agree cell for cell.

Two readers give the same Table. The fast one parses with Polars and accepts the file only if it
is already canonical: writing the parsed frame back gives the file's exact bytes, so the parse
cannot have misread anything. Any other file (a problem in itself) goes to the strict reader,
Python's csv module line by line, which says exactly what is wrong and where.
"""

from __future__ import annotations

import csv
import io
import unicodedata
from decimal import Decimal

import polars as pl

from . import limits, safe_open
from .descriptor import Resource
from .problems import MAX_LISTED, Problem, shown

BOM = b"\xef\xbb\xbf"

CODES: dict[str, tuple[str, str]] = {
    "csv-too-large": (
        "A table's CSV file must be no larger than the size limit for a table (SECURITY.md: bounded CI steps).",
        "Check that the file is the table you meant to add; if it must hold this much, ask the "
        "maintainers about splitting it.",
    ),
    "csv-unreadable": (
        "A table's file must be a readable plain file inside the package.",
        "Replace a symbolic link, folder or special file at that path with the CSV file itself.",
    ),
    "csv-too-many-rows": (
        "A table must have no more lines after its header than the row limit for a table.",
        "Remove blank or unneeded lines; if the table must hold this many rows, ask the maintainers.",
    ),
    "csv-too-many-cells": (
        "A table must have no more cells (rows times columns) than the cell limit for a table.",
        "Remove blank or unneeded lines; if the table must hold this many cells, ask the maintainers.",
    ),
    "csv-bom": (
        "A CSV file must not start with a byte order mark (BOM).",
        "Save the file as UTF-8 without BOM, or run `make fmt`.",
    ),
    "csv-encoding": (
        "A CSV file must be valid UTF-8 text.",
        "Save the file with the UTF-8 encoding (not Latin-1 or Windows-1252) and check the named line.",
    ),
    "csv-nul": (
        "A CSV file must not contain a NUL byte.",
        "Remove the NUL byte from the named line; save the file from a text editor or spreadsheet as UTF-8 CSV.",
    ),
    "csv-carriage-return": (
        "Lines of a CSV file must end with LF only, never with CR or CRLF.",
        "Save the file with LF (Unix) line endings.",
    ),
    "csv-empty": (
        "A CSV file must have at least its header line.",
        "Write the header the message names as the first line, followed by the rows.",
    ),
    "csv-malformed": (
        "A CSV file must be well-formed: quotes balanced and used only around whole cells.",
        "Fix the quoting on the named line: a cell with a comma, quote or line break is enclosed in "
        "double quotes, and a quote inside it is doubled.",
    ),
    "csv-header": (
        "The first line must name the schema's fields, in the schema's order.",
        "Make the header exactly the list the message gives as expected.",
    ),
    "csv-cell-count": (
        "Every row must have as many cells as the header has columns; a blank line is a row with none.",
        "Remove blank lines, and give the named row one cell per column (quote a cell that contains a comma).",
    ),
    "csv-row-order": ("Rows must be sorted by the table's primary key.", "Run `make fmt`, which sorts the rows."),
    "csv-not-nfc": (
        "Text must be in Unicode normalization form NFC (an accented letter as one character).",
        "Run `make fmt`, which normalises the text.",
    ),
    "csv-not-canonical": (
        "A CSV file must be written in canonical form: quotes only where a cell needs them, "
        "numbers in their one canonical text, and exactly one LF after the last row.",
        "Run `make fmt`, which rewrites the file in canonical form.",
    ),
}


class Table:
    """A table's cells as text, None where empty: a Polars frame (one String column per field)
    for the checks, and rows as dicts with their file row numbers for messages and scripts."""

    def __init__(
        self,
        resource: Resource,
        frame: pl.DataFrame,
        text: str = "",
        canonical: bool = False,
        rows: list[dict] | None = None,
        row_numbers: list[int] | None = None,
        key_unique: bool = False,
    ):
        self.resource = resource
        self.frame = frame
        self.text = (
            text  # the file's text, kept by the strict reader only (to say where it differs from canonical form)
        )
        self.canonical = canonical  # known to be in canonical form already (the fast reader's proof)
        # Known to have no primary key twice: the fast reader found each row's key greater than
        # the one before (no key: nothing to repeat). pandera_check then need not hash every key.
        self.key_unique = key_unique
        self._rows = rows
        self._row_numbers = row_numbers

    @property
    def name(self) -> str:
        return self.resource.name

    @property
    def path(self) -> str:
        return self.resource.path

    @property
    def rows(self) -> list[dict]:
        if self._rows is None:  # built on first use: the checks themselves work on the frame
            self._rows = self.frame.to_dicts()
        return self._rows

    @property
    def row_numbers(self) -> list[int]:
        if self._row_numbers is None:  # the fast reader only accepts files with one line per row
            self._row_numbers = list(range(2, self.frame.height + 2))
        return self._row_numbers

    def row_number(self, index: int) -> int:
        return self.row_numbers[index] if self._row_numbers is not None else index + 2

    def numbered(self):
        return zip(self.row_numbers, self.rows)


def _frame(fields: list[str], rows: list[dict]) -> pl.DataFrame:
    return pl.DataFrame({f: [row[f] for row in rows] for f in fields}, schema={f: pl.String for f in fields})


def _line_of(data: bytes, offset: int) -> int:
    return data.count(b"\n", 0, offset) + 1


def read(resource: Resource, reorder: bool = False) -> tuple[Table | None, list[Problem]]:
    """The table, or None when its file cannot be trusted row by row (encoding, header, NUL, or
    more rows or cells than the limits allow, counted before anything is parsed). With `reorder`
    (make fmt), a header holding exactly the schema's columns in another order is read by name,
    so the file can be written back in the schema's order."""
    most = getattr(
        resource, "limits", limits.DEFAULT
    )  # set by descriptor.load; a Resource made by hand gets the defaults
    try:
        data = safe_open.read_at(resource.file, resource.path, most.table_bytes)
    except safe_open.TooLarge as exc:
        return None, [
            Problem(
                resource.path,
                None,
                None,
                f"is {limits.size(exc.size)}; a table may be at most "
                f"{limits.size(most.table_bytes)} (SECURITY.md: bounded CI steps)",
                code="csv-too-large",
            )
        ]
    except safe_open.Refused as exc:
        return None, [Problem(resource.path, None, None, f"cannot be read: it {exc}", code="csv-unreadable")]
    too_many = _too_many(resource, data, most)
    if too_many:
        return None, [too_many]
    table = _read_canonical(resource, data)
    if table is not None:
        return table, []
    return _read_strictly(resource, data, reorder)


def _too_many(resource: Resource, data: bytes, most: limits.Limits) -> Problem | None:
    """More rows or cells than a table may have, counted on the bytes: every line but the header
    is a row to the parsers (a blank line too, which is why 31 MiB of them cost minutes), and each
    row has as many cells as the header has fields. One pass of a byte count, no parsing."""
    rows = data.count(b"\n") + (0 if data.endswith(b"\n") else 1) - 1
    fields = max(len(resource.field_names), 1)
    if rows > most.table_rows:
        return Problem(
            resource.path,
            None,
            None,
            f"has {rows:,} lines after the header; a table may have at most "
            f"{most.table_rows:,} rows (SECURITY.md: bounded CI steps)",
            code="csv-too-many-rows",
        )
    if rows * fields > most.table_cells:
        return Problem(
            resource.path,
            None,
            None,
            f"has {rows:,} rows of {fields} fields, {rows * fields:,} cells; a table may have at most "
            f"{most.table_cells:,} (SECURITY.md: bounded CI steps)",
            code="csv-too-many-cells",
        )
    return None


def _read_canonical(resource: Resource, data: bytes) -> Table | None:
    """The table if the file is exactly in canonical form, else None (the strict reader decides)."""
    if data.startswith(BOM) or b"\r" in data or b"\x00" in data or not data.endswith(b"\n"):
        return None
    try:
        # Polars refuses bytes that are not UTF-8, and writing back proves it changed none.
        frame = pl.read_csv(
            data, infer_schema=False, has_header=True, quote_char='"', empty_string_is_null=True, raise_if_empty=True
        )
    except Exception:  # noqa: BLE001 - any doubt sends the file to the strict reader
        return None
    if frame.columns != resource.field_names or frame.height + 1 != data.count(b"\n"):
        return None  # a wrong header, or a cell spanning lines (row numbers would drift)
    if b'""' in data and frame.select(pl.any_horizontal(pl.col(c) == "" for c in frame.columns).any()).item():
        return None  # a quoted empty cell ("") is empty too, as the strict reader reads it
    if not _writes_back(frame, data) or not _nfc(data):
        return None
    in_order, strictly = _key_order(frame, resource.primary_key)
    if not in_order:
        return None
    return Table(resource, frame, canonical=True, key_unique=strictly)


# The first bytes of UTF-8 characters from U+0300 on. Every character below U+0300 (ASCII, Latin-1,
# Latin Extended, IPA) is a starter that NFC leaves as it is and that composes with nothing else
# below U+0300 (tests/test_engines.py checks every pair), so a text without these bytes is NFC.
_BELOW_U0300 = bytes(range(0xCC))


def _nfc(data: bytes) -> bool:
    """Whether UTF-8 text is in Unicode NFC, decoding it only if it has characters from U+0300 on
    (a pass over bytes, ten times faster than decoding and normalising)."""
    if not data.translate(None, _BELOW_U0300):
        return True
    return unicodedata.is_normalized("NFC", data.decode("utf-8"))


def _key_order(frame: pl.DataFrame, key: list[str]) -> tuple[bool, bool]:
    """Whether the rows are in key order, as sort_key orders them (an empty cell as ""), and
    whether strictly so, each key greater than the one before: then no key repeats (an empty cell
    is never "" here, so no two keys read alike). Each row compared with the one before, one pass
    instead of a sort."""
    if not key or frame.height < 2:
        return True, True
    # Built from the last key column back: a row is in order if at its first key cell that differs
    # from the row before it is greater, or if no cell differs (strictly: only the former).
    in_order, ahead = pl.lit(True), pl.lit(False)
    for k in reversed(key):
        cell, before = pl.col(k).fill_null(""), pl.col(k).fill_null("").shift(1)
        greater, same = before < cell, before == cell
        in_order, ahead = greater | (same & in_order), greater | (same & ahead)
    return frame.select(in_order.slice(1).all().alias("in_order"), ahead.slice(1).all().alias("strictly")).row(0)


class _Comparer:
    """A file for Polars to write CSV into that keeps nothing: it compares each chunk written
    with the bytes at the same place in `data` (no copy of a table the size of the file)."""

    def __init__(self, data: bytes):
        self.data, self.at, self.same = data, 0, True

    def write(self, chunk) -> int:
        n = len(chunk)
        self.same = self.same and self.data.startswith(chunk, self.at)
        self.at += n
        return n

    def flush(self) -> None:
        pass


def _writes_back(frame: pl.DataFrame, data: bytes) -> bool:
    """Whether the frame written as canonical CSV (as render() writes the same rows) is `data`,
    byte for byte."""
    comparer = _Comparer(data)
    frame.write_csv(comparer, quote_style="necessary", line_terminator="\n", null_value="")
    return comparer.same and comparer.at == len(data)


def _read_strictly(resource: Resource, data: bytes, reorder: bool = False) -> tuple[Table | None, list[Problem]]:
    path = resource.path
    problems: list[Problem] = []
    if data.startswith(BOM):
        problems.append(
            Problem(path, 1, None, "starts with a byte order mark (BOM); save it as UTF-8 without BOM", code="csv-bom")
        )
        data = data[len(BOM) :]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        bad = data[exc.start : exc.start + 1].hex()
        return None, problems + [
            Problem(
                path,
                _line_of(data, exc.start),
                None,
                f"is not valid UTF-8 (byte 0x{bad}); save it as UTF-8",
                code="csv-encoding",
            )
        ]
    if "\x00" in text:
        return None, problems + [
            Problem(path, text.count("\n", 0, text.index("\x00")) + 1, None, "contains a NUL byte", code="csv-nul")
        ]
    if "\r" in text:
        problems.append(
            Problem(
                path,
                text.count("\n", 0, text.index("\r")) + 1,
                None,
                "has a CR (CRLF or CR line ending); lines must end with LF only",
                code="csv-carriage-return",
            )
        )
    if not text:
        return None, problems + [
            Problem(
                path, None, None, f"is empty; expected the header {','.join(resource.field_names)}", code="csv-empty"
            )
        ]

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
            return None, problems + [
                Problem(
                    path,
                    reader.line_num,
                    None,
                    "has a carriage return (CR) outside quotes, splitting the row; lines must end with LF only",
                    code="csv-carriage-return",
                )
            ]
        return None, problems + [
            Problem(path, reader.line_num, None, f"is not well-formed CSV: {exc}", code="csv-malformed")
        ]

    header_line, header = records[0]
    expected = resource.field_names
    reordered = reorder and len(set(header)) == len(header) and sorted(header) == sorted(expected)
    if header != expected and not reordered:
        problems.append(Problem(path, 1, None, _header_problem(header, expected), code="csv-header"))
        return None, problems

    rows, numbers = [], []
    structure_ok = True
    broken = 0
    for number, record in records[1:]:
        if not record or len(record) != len(header):
            structure_ok = False
            broken += 1
            if broken > MAX_LISTED:
                continue
        if not record:
            problems.append(Problem(path, number, None, "is a blank row", code="csv-cell-count"))
        elif len(record) != len(header):
            problems.append(
                Problem(
                    path,
                    number,
                    None,
                    f"has {len(record)} cells but the header has {len(header)}",
                    code="csv-cell-count",
                )
            )
        else:
            rows.append({k: (v if v != "" else None) for k, v in zip(header, record)})
            numbers.append(number)
    if broken > MAX_LISTED:
        problems.append(
            Problem(
                path,
                None,
                None,
                f"… and {broken - MAX_LISTED:,} more blank or ragged rows (the first {MAX_LISTED:,} are listed)",
                count=broken - MAX_LISTED,
                code="csv-cell-count",
            )
        )
    table = Table(resource, _frame(header, rows), text=text, rows=rows, row_numbers=numbers)
    return (table if structure_ok else None), problems


def _header_problem(found: list[str], expected: list[str]) -> str:
    missing = [c for c in expected if c not in found]
    extra = [c for c in found if c not in expected]
    parts = []
    if missing:
        parts.append("missing column" + ("s " if len(missing) > 1 else " ") + ", ".join(missing))
    if extra:
        parts.append("unexpected column" + ("s " if len(extra) > 1 else " ") + ", ".join(extra))
    if not parts and len(set(found)) < len(found):
        twice = sorted({c for c in found if found.count(c) > 1})
        parts.append("column" + ("s " if len(twice) > 1 else " ") + ", ".join(twice) + " more than once")
    elif not parts:
        parts.append(_misplaced(found, expected) + "; make fmt puts them in the schema's order")
    return f"header does not match the schema: {'; '.join(parts)} (expected: {','.join(expected)})"


def _misplaced(found: list[str], expected: list[str]) -> str:
    """The columns out of place, named: those outside the longest run of columns already in the
    schema's order (one swap names one column), each with the column it belongs after."""
    rank = [expected.index(c) for c in found]
    # The longest increasing subsequence of the ranks (a table has few columns: quadratic is fine).
    best, before = [1] * len(rank), [-1] * len(rank)
    for i in range(len(rank)):
        for j in range(i):
            if rank[j] < rank[i] and best[j] + 1 > best[i]:
                best[i], before[i] = best[j] + 1, j
    kept, i = set(), max(range(len(rank)), key=best.__getitem__)
    while i >= 0:
        kept.add(found[i])
        i = before[i]
    moved = [c for c in expected if c not in kept]
    where = [
        f"{c} belongs {'after ' + expected[expected.index(c) - 1] if expected.index(c) else 'first'}" for c in moved
    ]
    return "column" + ("s " if len(moved) > 1 else " ") + ", ".join(moved) + " out of place (" + "; ".join(where) + ")"


def canonical_number(value: str, kind: str) -> str | None:
    """The canonical text of a number or integer cell, or None if it is not one (the type check says so)."""
    try:
        if kind == "integer":
            return str(int(value))
        number = float(value)
    except ValueError:
        return None
    if number != number or number in (float("inf"), float("-inf")):
        return None
    text = repr(number + 0.0)  # + 0.0 turns -0.0 into 0.0: SQLite cannot keep the sign of zero
    # Only the form may change, never the value: a cell no double holds exactly (1e-400, or more
    # digits than a double keeps) has no canonical text; the domain check refuses it, and `make
    # fmt` leaves it as written rather than round it.
    return text if Decimal(text) == Decimal(value) else None


def canonical_cells(fields: list[dict], row: dict) -> dict:
    """row with every number and integer written in canonical form (cells that are not numbers kept)."""
    out = dict(row)
    for field in fields:
        kind, name = field.get("type", "string"), field["name"]
        if kind in ("number", "integer") and out.get(name) is not None:
            out[name] = canonical_number(out[name], kind) or out[name]
    return out


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
    if table.canonical:
        return []
    key = sort_key(table)
    for (n1, r1), (n2, r2) in zip(table.numbered(), list(table.numbered())[1:]):
        if key(r2) < key(r1):
            return [
                Problem(
                    table.path,
                    n2,
                    None,
                    f"is out of order: rows must be sorted by {', '.join(table.resource.primary_key)} "
                    f"({shown('/'.join(key(r2)), 40)} belongs before row {n1}); run make fmt",
                    code="csv-row-order",
                )
            ]
    expected = render(table.resource.field_names, table.rows)
    if expected == table.text:
        return []
    for number, (have, want) in enumerate(zip(table.text.split("\n"), expected.split("\n")), start=1):
        if have != want:
            if unicodedata.normalize("NFC", have) != have:
                reason, code = "is not in NFC Unicode form", "csv-not-nfc"
            else:
                reason, code = "is not written in canonical CSV form (quoting or spacing)", "csv-not-canonical"
            return [Problem(table.path, number, None, f"{reason}; expected {want[:80]!r}; run make fmt", code=code)]
    return [
        Problem(
            table.path,
            None,
            None,
            "does not end with exactly one LF after the last row; run make fmt",
            code="csv-not-canonical",
        )
    ]
