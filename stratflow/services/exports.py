"""Instance status and the spending-unit matrix as CSV and Excel (XLSX).

The files are written by stratflow/services/spreadsheet.py (Turkish-Excel CSV, XLSX with typed
cells; user-entered text never becomes a formula). Column titles follow the user's language.
"""

from __future__ import annotations

from datetime import date

from flask_babel import gettext as _

from .diagram import ACTIVE, COMPLETED, OVERDUE, STATE_LABELS
from .instance_page import Status
from .progress import local_day, local_today
from .spreadsheet import Sheet, csv_bytes, xlsx_bytes
from .timeline import PHASE_STATE_LABELS

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
    for _key, label in st.matrix_steps:
        header += [_("%(step)s: durum", step=label), _("%(step)s: son tarih", step=label),
                   _("%(step)s: gecikme (gün)", step=label), _("%(step)s: kişi", step=label)]
    header.append(_("Sorumlu olduğu hedefler"))
    rows = []
    for row in st.matrix:
        line = [row.unit.name]
        for key, _label in st.matrix_steps:
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


def render(kind: str, fmt: str, st: Status) -> bytes:
    title, header, rows = table(kind, st)
    return csv_bytes(header, rows) if fmt == "csv" else xlsx_bytes([Sheet(title, header, rows)])
