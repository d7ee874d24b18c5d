"""The spreadsheet download: dist/<name>.xlsx, written with XlsxWriter. An About sheet (title,
version, licence, how to cite), a Columns sheet (every column of every table: type, whether
required, rule and description, from the same code as CODEBOOK.md), then one sheet per table
with the columns of its CSV.

Excel opens a UTF-8 CSV without a byte-order mark as garbled text for every accented letter and
curly quote; a workbook stores text as Unicode, so it reads true. Every text cell is written as
text (never as a formula, number or link, whatever it starts with), numbers and booleans as
such, dates in their ISO form. A value Excel cannot hold whole (over 32,767 characters, or a
table over 1,048,575 rows) stops the build with a message naming it: nothing is cut."""

from __future__ import annotations

import datetime
from pathlib import Path

import xlsxwriter

from dpmodel import names, vocabulary

from . import codebook
from .metadata import derived_columns, wide_columns
from .typed import TypedTable

MAX_CELL = vocabulary.MAX_TEXT  # 32,767: the text domain the validator holds every cell to
MAX_ROWS = 1_048_576 - 1  # one row for the header
MAX_SHEET_NAME = names.MAX_TABLE_NAME  # 31, Excel's bound: the name grammar holds every table within it
OPTIONS = {"constant_memory": True, "strings_to_numbers": False, "strings_to_formulas": False, "strings_to_urls": False}


class TooBigForExcel(Exception):
    """A table or value Excel cannot hold whole; the message names it."""


def _created(descriptor: dict) -> datetime.datetime:
    """The package's own creation time, so two builds of the same package give the same file."""
    try:
        return datetime.datetime.fromisoformat((descriptor.get("created") or "").replace("Z", "+00:00")).replace(
            tzinfo=None
        )
    except ValueError:
        return datetime.datetime(2000, 1, 1)


def _cell(sheet, row: int, col: int, value, table: str, column: str) -> None:
    """One cell; the place (`table`, `column`, the row) is put into words only when it fails
    (a large build writes millions of cells)."""
    if value is None:
        return
    if isinstance(value, bool):
        status = sheet.write_boolean(row, col, value)
    elif isinstance(value, (int, float)):
        status = sheet.write_number(row, col, value)
    else:
        text = value.isoformat() if isinstance(value, datetime.date) else str(value)
        # Excel counts UTF-16 units (an emoji is two), at most two a character: only a text of
        # over half the limit in characters needs counting.
        units = len(text.encode("utf-16-le")) // 2 if len(text) > MAX_CELL // 2 else len(text)
        if units > MAX_CELL:
            raise TooBigForExcel(
                f"{table} row {row}, column {column}: {units:,} characters (UTF-16 units), "
                f"over Excel's {MAX_CELL:,} per cell"
            )
        status = sheet.write_string(row, col, text)
    if status:  # XlsxWriter cuts or drops a value it cannot hold and says so only by this code
        raise TooBigForExcel(
            f"{table} row {row}, column {column}: the spreadsheet cannot hold this value as it is "
            f"(XlsxWriter code {status})"
        )


def _table_sheet(book, table: TypedTable, bold) -> None:
    derived = set(derived_columns(table))
    fields = [f["name"] for f in table.schema["fields"] if f["name"] not in derived]  # the CSV's columns
    rows = len(table.columns[fields[0]]) if fields else 0
    if rows > MAX_ROWS:
        raise TooBigForExcel(f"{table.name}: {rows:,} rows, over Excel's {MAX_ROWS:,} per sheet")
    if len(table.name) > MAX_SHEET_NAME:
        raise TooBigForExcel(f"{table.name}: a sheet name may have at most {MAX_SHEET_NAME} characters")
    sheet = book.add_worksheet(table.name)
    wide = set(wide_columns(table))
    for col, name in enumerate(fields):
        sheet.set_column(col, col, 60 if name in wide else min(max(len(name) + 2, 12), 30))
        sheet.write_string(0, col, name, bold)
    values = [table.columns[name].to_pylist() for name in fields]
    for r in range(rows):  # row by row: constant_memory mode writes each row once, in order
        for col, name in enumerate(fields):
            _cell(sheet, r + 1, col, values[col][r], table.name, name)
    sheet.freeze_panes(1, 0)
    if fields:
        sheet.autofilter(0, 0, max(rows, 1), len(fields) - 1)


def write(tables: list[TypedTable], descriptor: dict, path: Path) -> None:
    book = xlsxwriter.Workbook(str(path), OPTIONS)
    book.set_properties({"title": descriptor.get("title", ""), "created": _created(descriptor)})
    bold = book.add_format({"bold": True})
    wrap = book.add_format({"text_wrap": True, "valign": "top"})
    licence = (descriptor.get("licenses") or [{}])[0]
    about = book.add_worksheet(names.SHEETS[0])
    about.set_column(0, 0, 14)
    about.set_column(1, 1, 100)
    lines = [
        ("Title", descriptor.get("title", "")),
        ("Version", descriptor.get("version", "")),
        ("Licence", f"{licence.get('title') or licence.get('name', '')} {licence.get('path', '')}".strip()),
        ("Description", descriptor.get("description", "")),
        (
            "Sheets",
            "The Columns sheet explains every column of every table; then one sheet per table, "
            "holding the rows of its CSV file in data/.",
        ),
        ("Cite", "See CITATION.cff and the README of the data package; cite the articles behind the facts you use."),
    ]
    for r, (key, value) in enumerate(lines):
        about.write_string(r, 0, key, bold)
        about.write_string(r, 1, str(value), wrap)
    sheet = book.add_worksheet(names.SHEETS[1])
    headers = ["table", "column", "type", "required", "rule", "description"]
    for col, (name, width) in enumerate(zip(headers, [24, 26, 10, 9, 50, 80])):
        sheet.set_column(col, col, width)
        sheet.write_string(0, col, name, bold)
    r = 1
    for table in tables:
        derived = set(derived_columns(table))
        for column in codebook.columns(table.schema):
            if column["column"] not in derived:
                for col, name in enumerate(headers):
                    sheet.write_string(r, col, str(column.get(name) if name != "table" else table.name))
                r += 1
    sheet.freeze_panes(1, 0)
    for table in tables:
        _table_sheet(book, table, bold)
    book.close()
