"""CSV and Excel (XLSX) writers shared by every table export (instance status, unit matrix, cockpit).

CSV is what Turkish Excel opens by double click: UTF-8 with a byte-order mark, ";" between fields,
CRLF line ends, dates as YYYY-MM-DD, decimals with a comma. The XLSX has real date and number
cells, a bold frozen header and a filter.

User-entered text (unit and people's names, target codes) must never become a formula: in the
XLSX every text cell is stored as a string cell, in the CSV a text starting with = + - @ TAB or CR
gets a leading apostrophe, which spreadsheets show as plain text. Numbers and dates stay typed.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date, datetime

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
DATE_FORMAT = "DD.MM.YYYY"


@dataclass
class Sheet:
    title: str
    header: list[str]
    rows: list[list]
    freeze: str = "A2"                 # first row (and columns left of it) stay in view
    header_fill: str | None = None     # e.g. "8A1538": white bold titles on that colour


def csv_text(value) -> str:
    """One CSV field: dates ISO, decimals with a comma, formula-like text neutralised."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, float):
        return str(value).replace(".", ",")
    if isinstance(value, int):
        return str(value)
    text = str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


def csv_bytes(header: list[str], rows: list[list]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow([csv_text(v) for v in header])
    for row in rows:
        writer.writerow([csv_text(v) for v in row])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def xlsx_bytes(sheets: list[Sheet]) -> bytes:
    book = Workbook()
    book.remove(book.active)
    for spec in sheets:
        _fill(book.create_sheet(sheet_title(spec.title)), spec)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _fill(sheet, spec: Sheet) -> None:
    for r, values in enumerate([spec.header, *spec.rows], start=1):
        for c, value in enumerate(values, start=1):
            put_cell(sheet.cell(row=r, column=c), value)
    font = Font(bold=True, color="FFFFFF") if spec.header_fill else Font(bold=True)
    for cell in sheet[1]:
        cell.font = font
        if spec.header_fill:
            cell.fill = PatternFill("solid", fgColor=spec.header_fill)
    for column, values in enumerate(zip(spec.header, *spec.rows, strict=False), start=1):
        width = max(len(_shown(v)) for v in values)
        sheet.column_dimensions[get_column_letter(column)].width = min(max(width, 8) + 2, 60)
    sheet.freeze_panes = spec.freeze
    sheet.auto_filter.ref = sheet.dimensions


def put_cell(cell, value) -> None:
    """Write a value into an openpyxl cell: numbers and dates typed, text always as text."""
    if value is None:
        return
    if isinstance(value, bool | int | float | datetime | date):
        cell.value = value
        if isinstance(value, date):
            cell.number_format = DATE_FORMAT
        return
    cell.value = ILLEGAL_CHARACTERS_RE.sub("", str(value))
    cell.data_type = "s"  # "=HYPERLINK(…)" stays text, never a formula


def _shown(value) -> str:
    if value is None:
        return ""
    if isinstance(value, date):
        return "00.00.0000"
    return str(value)


def sheet_title(title: str) -> str:
    """Excel refuses some characters in sheet names and more than 31 of them."""
    return "".join(ch for ch in str(title) if ch not in "[]:*?/\\")[:31] or "Sheet"
