"""Instance status and the spending-unit matrix as CSV and Excel (XLSX).

CSV is what Turkish Excel opens by double click: UTF-8 with a byte-order mark, ";" between fields,
CRLF line ends, dates as YYYY-MM-DD. The XLSX has the same rows with real date and number cells,
a bold frozen header and a filter. Column titles follow the user's language.
"""

from __future__ import annotations

import csv
import io
from datetime import date

from flask_babel import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from .diagram import ACTIVE, COMPLETED, OVERDUE, STATE_LABELS
from .instance_page import Status
from .progress import local_day, local_today
from .timeline import PHASE_STATE_LABELS
from .unit_matrix import STEPS

KINDS = ("status", "matrix")
FORMATS = ("csv", "xlsx")
MIMETYPES = {"csv": "text/csv; charset=utf-8",
             "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
_FILE_KINDS = {"status": "durum", "matrix": "birim-matrisi"}


def filename(instance, kind: str, fmt: str) -> str:
    """An ASCII download name: surec-<id>-durum-<day>.csv"""
    return f"surec-{instance.id}-{_FILE_KINDS[kind]}-{local_today().isoformat()}.{fmt}"


def table(kind: str, st: Status) -> tuple[str, list[str], list[list]]:
    """(sheet title, header, rows) of an export."""
    return status_table(st) if kind == "status" else matrix_table(st)


def status_table(st: Status) -> tuple[str, list[str], list[list]]:
    header = [_("Bölüm"), _("Ad"), _("Birim"), _("Durum"), _("Kişi"), _("Son tarih / hedef"), _("Tarih"),
              _("Gecikme (gün)"), _("İlerleme (%)")]
    rows = []
    for ph in st.phases:
        rows.append([_("Aşama"), str(ph.label), "", str(PHASE_STATE_LABELS[ph.state]), "", ph.target,
                     ph.finished or ph.started, _phase_late(ph, st.today), ph.percent])
    for t in sorted(st.open_tasks, key=lambda t: (t.due_date is None, t.due_date or st.today, t.name)):
        late = st.days_late(t)
        rows.append([_("Açık görev"), t.name, t.unit.name if t.unit else "",
                     str(STATE_LABELS[OVERDUE if late else ACTIVE]),
                     ", ".join(st.holders.get(t.id, [])), t.due_date,
                     local_day(t.created_at), late, None])
    for t in st.completed_tasks:
        done = local_day(t.completed_at) if t.completed_at else None
        late = max((done - t.due_date).days, 0) if t.due_date and done else 0
        rows.append([_("Tamamlanan adım"), t.name, t.unit.name if t.unit else "", str(STATE_LABELS[COMPLETED]),
                     t.completed_by.full_name if t.completed_by else "", t.due_date, done, late, None])
    return _("Süreç durumu"), header, rows


def matrix_table(st: Status) -> tuple[str, list[str], list[list]]:
    header = [_("Birim")]
    for _key, label in STEPS:
        header += [_("%(step)s: durum", step=label), _("%(step)s: son tarih", step=label),
                   _("%(step)s: gecikme (gün)", step=label), _("%(step)s: kişi", step=label)]
    header.append(_("Sorumlu olduğu hedefler"))
    rows = []
    for row in st.matrix:
        line = [row.unit.name]
        for key, _label in STEPS:
            cell = row.cells[key]
            line += ["", None, None, ""] if cell is None else [
                str(STATE_LABELS[cell.state]), cell.due, cell.days_late, ", ".join(cell.people)]
        line.append(", ".join(row.targets))
        rows.append(line)
    return _("Birim matrisi"), header, rows


def _phase_late(ph, today: date) -> int:
    if not ph.target:
        return 0
    if ph.state == "active":
        return max((today - ph.target).days, 0)
    if ph.state == "done" and ph.finished:
        return max((ph.finished - ph.target).days, 0)
    return 0


def to_csv(header: list[str], rows: list[list]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow(["" if v is None else v.isoformat() if isinstance(v, date) else v for v in row])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def to_xlsx(title: str, header: list[str], rows: list[list]) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = _sheet_title(title)
    sheet.append(header)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append(row)
    for column, values in enumerate(zip(header, *rows, strict=False), start=1):
        letter = get_column_letter(column)
        width = max(len(str(v)) if v is not None else 0 for v in values)
        sheet.column_dimensions[letter].width = min(max(width, 10) + 2, 60)
        for cell in sheet[letter][1:]:
            if isinstance(cell.value, date):
                cell.number_format = "DD.MM.YYYY"
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = sheet.dimensions
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _sheet_title(title: str) -> str:
    """Excel refuses some characters in sheet names and more than 31 of them."""
    return "".join(ch for ch in title if ch not in "[]:*?/\\")[:31] or "Sheet"


def render(kind: str, fmt: str, st: Status) -> bytes:
    title, header, rows = table(kind, st)
    return to_csv(header, rows) if fmt == "csv" else to_xlsx(title, header, rows)
