"""Pieces the yearly reports' Word files share (python-docx): a landscape A4 page and a grid table
with a bold header row."""

from __future__ import annotations

from docx.enum.section import WD_ORIENT
from docx.shared import Cm, Pt


def landscape(doc, font_size: float = 10) -> None:
    section = doc.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Cm(29.7), Cm(21.0)
    section.left_margin = section.right_margin = Cm(1.8)
    doc.styles["Normal"].font.size = Pt(font_size)


def table(doc, header: list, rows: list) -> None:
    grid = doc.add_table(rows=1, cols=len(header))
    grid.style = "Table Grid"
    for cell, text in zip(grid.rows[0].cells, header, strict=True):
        cell.text = ""
        cell.paragraphs[0].add_run(str(text)).bold = True
    for row in rows:
        for cell, value in zip(grid.add_row().cells, row, strict=True):
            cell.text = str(value)
