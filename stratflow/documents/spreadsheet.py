"""The team list as an Excel workbook (openpyxl): one sheet for members, one for sub-groups."""

from __future__ import annotations

import io

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill

from ..services.spreadsheet import put_cell

HEADER_FILL = PatternFill("solid", fgColor="D9E2F3")
MEMBER_COLUMNS = (("no", "No", 6), ("full_name", "Adı Soyadı", 26), ("title", "Unvanı", 26),
                  ("unit", "Birimi", 34), ("subgroup", "Alt grup", 20), ("email", "E-posta", 32),
                  ("phone", "Telefon", 18))


def _header(sheet, row: int, labels) -> None:
    for column, label in enumerate(labels, 1):
        cell = sheet.cell(row=row, column=column, value=label)
        cell.font, cell.fill = Font(bold=True), HEADER_FILL


def team_workbook(ctx: dict) -> bytes:
    team = ctx["team"]
    book = Workbook()
    sheet = book.active
    sheet.title = "Ekip"
    sheet["A1"] = f"{ctx['municipality']['name']} — Stratejik Planlama Ekibi ({ctx['plan_period']})"
    sheet["A1"].font = Font(bold=True, size=13)
    facts = (("Ekip lideri", team["leader"]), ("Ekip koordinatörü", team["coordinator"]),
             ("Koordinatör birim", ctx["coordinating_unit"]), ("Açılış toplantısı", team["kickoff_date"]))
    for row, (label, value) in enumerate(facts, 3):
        sheet.cell(row=row, column=1, value=label).font = Font(bold=True)
        put_cell(sheet.cell(row=row, column=2), value)
    first = 3 + len(facts) + 1
    _header(sheet, first, [label for _, label, _ in MEMBER_COLUMNS])
    for offset, member in enumerate(team["members"], 1):
        for column, (key, _label, _width) in enumerate(MEMBER_COLUMNS, 1):
            put_cell(sheet.cell(row=first + offset, column=column), member[key])
    for column, (_key, _label, width) in enumerate(MEMBER_COLUMNS, 1):
        sheet.column_dimensions[chr(64 + column)].width = width
    sheet.freeze_panes = sheet.cell(row=first + 1, column=1)
    groups = book.create_sheet("Alt gruplar")
    _header(groups, 1, ["No", "Alt grup", "Sorumlu", "Konusu"])
    for row, group in enumerate(team["subgroups"], 2):
        for column, key in enumerate(("no", "name", "lead", "scope"), 1):
            cell = groups.cell(row=row, column=column)
            put_cell(cell, group[key])
            cell.alignment = Alignment(wrap_text=True)
    for column, width in zip("ABCD", (6, 28, 26, 50), strict=True):
        groups.column_dimensions[column].width = width
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
