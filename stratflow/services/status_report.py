"""The printable status report of a municipality's plan (DOCX, converted to PDF by stratflow/pdf.py)
and the cockpit table (written as CSV and XLSX by stratflow/services/spreadsheet.py).

The report is built with python-docx: A4 portrait, the municipality as header, the key dates and
the risk, the phases with their progress and the overdue tasks with who holds them.
"""

from __future__ import annotations

import io
import re
from datetime import date, datetime

from babel.dates import format_date, format_datetime
from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor
from flask_babel import gettext as _

from ..calendar.notices import short_locale
from ..i18n import tr_lower
from . import compliance, overview, phases, risk
from .progress import _holders

BRAND = RGBColor(0x8A, 0x15, 0x38)
MUTED = RGBColor(0x5B, 0x6B, 0x7C)
RISK_COLOURS = {risk.LOW: "1F7A3D", risk.MEDIUM: "B26A00", risk.HIGH: "B3261E", risk.LATE: "6D0F0A"}


def day(value: date | None, locale: str = "tr") -> str:
    """'30 Eylül 2024' / '30 September 2024'; '—' for none."""
    return format_date(value, "d MMMM y", locale=short_locale(locale)) if value else "—"


def percent(value: int, locale: str = "tr") -> str:
    """'%60' in Turkish, '60%' in English."""
    return f"{value}%" if short_locale(locale) == "en" else f"%{value}"


def holders(view: overview.Overview) -> dict:
    """Task id → the names of the people who hold each overdue task."""
    if not view.overdue_tasks:
        return {}
    return _holders(view.municipality.id, view.overdue_tasks)


def state_label(state: str) -> str:
    return {phases.NOT_REACHED: _("Başlamadı"), phases.ACTIVE: _("Sürüyor"), phases.DONE: _("Tamamlandı")}[state]


def file_name(view: overview.Overview) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", tr_lower(view.municipality.name).translate(str.maketrans("çğıöşüâîû",
                                                                                                "cgiosuaiu")))
    return f"durum-raporu-{slug.strip('-')}-{overview.today_local().isoformat()}"


# -- DOCX ------------------------------------------------------------------------------------------

def build_docx(view: overview.Overview, locale: str, type_label: str) -> bytes:
    doc = Document()
    _page_setup(doc)
    m = view.municipality
    header = doc.sections[0].header.paragraphs[0]
    _run(header, m.name, bold=True, colour=BRAND, size=9)
    _run(header, f" · {m.province} · {type_label}", colour=MUTED, size=9)
    _footer(doc, _("stratflow durum raporu · oluşturma: %(when)s",
                   when=format_datetime(datetime.now(overview.LOCAL), "d MMMM y HH:mm",
                                        tzinfo=overview.LOCAL, locale=short_locale(locale))))

    title = doc.add_paragraph()
    _run(title, m.name, bold=True, size=16, colour=BRAND)
    subtitle = doc.add_paragraph()
    _run(subtitle, _("Stratejik Plan Durum Raporu"), bold=True, size=13)
    _run(subtitle, "  " + _("Rapor tarihi: %(date)s", date=day(overview.today_local(), locale)),
         colour=MUTED, size=10)
    _facts(doc, view, locale)
    _risk_section(doc, view, locale)
    _phase_table(doc, view, locale)
    _overdue_table(doc, view, locale)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def _page_setup(doc) -> None:
    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Cm(21.0), Cm(29.7)
    section.left_margin = section.right_margin = Cm(2.0)
    section.top_margin, section.bottom_margin = Cm(1.8), Cm(1.8)
    normal = doc.styles["Normal"]
    normal.font.name = "Liberation Sans"
    normal.element.rPr.rFonts.set(qn("w:eastAsia"), "Liberation Sans")
    normal.font.size = Pt(10)
    normal.paragraph_format.space_after = Pt(3)
    core = doc.core_properties
    core.title, core.author = _("Stratejik Plan Durum Raporu"), "stratflow"


def _run(paragraph, text: str, bold: bool = False, size: float | None = None, colour: RGBColor | None = None):
    run = paragraph.add_run(str(text))
    run.bold = bold
    if size:
        run.font.size = Pt(size)
    if colour is not None:
        run.font.color.rgb = colour
    return run


def _heading(doc, text: str) -> None:
    paragraph = doc.add_paragraph()
    paragraph.paragraph_format.space_before = Pt(12)
    paragraph.paragraph_format.keep_with_next = True
    _run(paragraph, text, bold=True, size=12, colour=BRAND)


def _footer(doc, text: str) -> None:
    paragraph = doc.sections[0].footer.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _run(paragraph, text + " · " + _("sayfa") + " ", colour=MUTED, size=8)
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), "PAGE")
    run = OxmlElement("w:r")
    props, size = OxmlElement("w:rPr"), OxmlElement("w:sz")
    size.set(qn("w:val"), "16")  # half-points: 8 pt like the rest of the footer
    props.append(size)
    run.append(props)
    text_el = OxmlElement("w:t")
    text_el.text = "1"
    run.append(text_el)
    field.append(run)
    paragraph._p.append(field)


def _shade(cell, fill: str) -> None:
    props = cell._tc.get_or_add_tcPr()
    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), fill)
    props.append(shading)


def _fix_widths(table, widths: list[float]) -> None:
    """Column widths LibreOffice honours: no autofit, the grid and every cell set."""
    table.autofit = False
    for column, width in zip(table.columns, widths, strict=True):
        column.width = Cm(width)
    for row in table.rows:
        for cell, width in zip(row.cells, widths, strict=True):
            cell.width = Cm(width)


def _table(doc, headers: list[str], widths: list[float]):
    table = doc.add_table(rows=1, cols=len(headers))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    for cell, text, width in zip(table.rows[0].cells, headers, widths, strict=True):
        cell.text = ""
        _run(cell.paragraphs[0], text, bold=True, size=9)
        _shade(cell, "EEF2F6")
        cell.width = Cm(width)
    return table


def _row(table, values: list, widths: list[float], size: float = 9):
    cells = table.add_row().cells
    for cell, value, width in zip(cells, values, widths, strict=True):
        cell.text = ""
        _run(cell.paragraphs[0], value, size=size)
        cell.width = Cm(width)
    return cells


def _facts(doc, view: overview.Overview, locale: str) -> None:
    widths = [6.0, 11.0]
    table = doc.add_table(rows=0, cols=2)
    table.style = "Table Grid"
    deadline_note = (_("%(n)d gün kaldı", n=view.days_left) if view.days_left >= 0
                     else _("%(n)d gün geçti", n=-view.days_left))
    target = day(view.target_meeting, locale)
    if view.target_entered:
        target += " (" + _("Yazı İşleri tarafından girildi") + ")"
    rows = [
        (_("Süreç"), view.instance.title if view.instance else _("Süreç başlatılmadı")),
        (_("Güncel evre"), str(view.current.label) if view.current
         else _("Tüm evreler tamamlandı") if view.instance else "—"),
        (_("Genel ilerleme"), percent(view.percent, locale)),
        (_("Yasal süre sonu"), f"{day(view.legal_deadline, locale)} — {deadline_note}"),
        (_("Meclise sunuş (5393 md. 41)"), f"{overview.COMPLIANCE_LABELS[view.compliance.state]}: "
         f"{compliance_sentence(view.compliance, locale)}"),
        (_("Hedef meclis toplantısı"), target),
        (_("Sonraki meclis toplantısı"), day(view.next_meeting, locale)),
        (_("Süresi geçmiş görev"), str(view.overdue)),
    ]
    for label, value in rows:
        cells = _row(table, [label, value], widths, size=10)
        _shade(cells[0], "F6F8FA")
        cells[0].paragraphs[0].runs[0].bold = True
    _fix_widths(table, widths)


def _risk_section(doc, view: overview.Overview, locale: str) -> None:
    _heading(doc, _("Risk değerlendirmesi"))
    r = view.risk
    table = doc.add_table(rows=1, cols=2)
    table.style = "Table Grid"
    _fix_widths(table, [4.0, 13.0])
    badge, text = table.rows[0].cells
    _shade(badge, RISK_COLOURS[r.level])
    badge.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
    _run(badge.paragraphs[0], str(overview.RISK_LABELS[r.level]).upper(), bold=True, size=13,
         colour=RGBColor(0xFF, 0xFF, 0xFF))
    text.text = ""
    _run(text.paragraphs[0], ratio_sentence(r, locale), size=10)
    for code in r.reasons:
        _run(text.add_paragraph(), "• " + str(overview.REASON_TEXTS[code]), size=10)
    note = doc.add_paragraph()
    _run(note, str(overview.RULE_TEXT), size=8, colour=MUTED)


def compliance_sentence(c: compliance.Compliance, locale: str = "tr") -> str:
    """Compliance with 5393 art. 41 (judged on submission), then the adoption, in one sentence or two."""
    deadline = day(c.legal_deadline, locale)
    if c.state == compliance.ON_TIME:
        text = _("Plan %(date)s tarihinde, yasal süre içinde Meclise sunuldu (son gün %(deadline)s).",
                 date=day(c.submitted_on, locale), deadline=deadline)
    elif c.state == compliance.LATE:
        text = _("Plan %(date)s tarihinde, yasal süre sonundan (%(deadline)s) sonra Meclise sunuldu.",
                 date=day(c.submitted_on, locale), deadline=deadline)
    elif c.state == compliance.OVERDUE:
        text = _("Yasal süre %(deadline)s tarihinde doldu; plan henüz Meclise sunulmadı.", deadline=deadline)
    else:
        text = _("Plan henüz Meclise sunulmadı; yasal süre %(deadline)s tarihinde doluyor.", deadline=deadline)
    if c.adopted_on is not None:
        text += " " + _("Meclis planı %(date)s tarihinde kabul etti.", date=day(c.adopted_on, locale))
        if c.adopted_after_deadline and c.state == compliance.ON_TIME:
            text += " " + _("Kabul yasal süre sonundan sonra olsa da plan süresinde sunulduğu için süreye "
                            "uyulmuştur.")
    return text


def ratio_sentence(r: risk.Risk, locale: str = "tr") -> str:
    if r.ratio is None:
        return _("Kalan iş: %(work)s iş günü; hedef meclis toplantısına kalan süre yok.",
                 work=number(r.remaining_days, locale))
    return _("Kalan iş %(work)s iş günü, hedef meclis toplantısına kalan süre %(left)d iş günü: oran %(ratio)s.",
             work=number(r.remaining_days, locale), left=r.time_left, ratio=number(r.ratio, locale))


def number(value: float, locale: str = "tr") -> str:
    """1.5 → '1,5' in Turkish, '1.5' in English (at most two decimals)."""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return text if short_locale(locale) == "en" else text.replace(".", ",")


def _phase_table(doc, view: overview.Overview, locale: str) -> None:
    _heading(doc, _("Evreler"))
    if not view.statuses:
        doc.add_paragraph(_("Süreç başlatılmadığı için evre bilgisi yok."))
        return
    widths = [4.2, 2.4, 4.6, 2.9, 2.9]
    table = _table(doc, [_("Evre"), _("Durum"), _("İlerleme"), _("Hedef tarih"), _("Tamamlanma")], widths)
    for status in view.statuses:
        filled = round(status.progress * 10)
        cells = _row(table, [str(status.label), state_label(status.state), "", day(status.target, locale),
                             day(status.finished, locale)], widths)
        bar = cells[2].paragraphs[0]
        _run(bar, "■" * filled, colour=BRAND, size=9)
        _run(bar, "■" * (10 - filled), colour=RGBColor(0xD5, 0xDD, 0xE5), size=9)
        _run(bar, "  " + percent(status.percent, locale), size=9)
        if status.overdue:
            _run(cells[1].add_paragraph(), _("%(n)d gecikmiş", n=status.overdue), size=8,
                 colour=RGBColor(0xB3, 0x26, 0x1E))
    _fix_widths(table, widths)


def _overdue_table(doc, view: overview.Overview, locale: str) -> None:
    _heading(doc, _("Süresi geçmiş görevler"))
    if not view.overdue_tasks:
        doc.add_paragraph(_("Süresi geçmiş görev yok."))
        return
    names = holders(view)
    today = overview.today_local()
    widths = [5.0, 3.6, 2.6, 2.2, 3.6]
    table = _table(doc, [_("Adım"), _("Birim"), _("Son tarih"), _("Gecikme (gün)"), _("Kimde")], widths)
    for task in view.overdue_tasks:
        _row(table, [task.name, task.unit.name if task.unit else "—", day(task.due_date, locale),
                     str((today - task.due_date).days), ", ".join(names.get(task.id, [])) or "—"], widths)
    _fix_widths(table, widths)


# -- the cockpit table -----------------------------------------------------------------------------

def cockpit_table(rows: list[overview.Overview], type_label, status_label) -> list[list]:
    """Header row + one row per municipality (dates as ISO strings: sortable in a spreadsheet)."""
    table = [[_("Belediye"), _("İl"), _("Tür"), _("Süreç durumu"), _("Güncel evre"), _("İlerleme (%)"),
              _("Yasal süre sonu"), _("Yasal süreye kalan gün"), _("Meclise sunuş"), _("Sunuş tarihi"),
              _("Kabul tarihi"), _("Hedef meclis toplantısı"),
              _("Süresi geçmiş görev"), _("Risk"), _("Kalan iş (iş günü)"), _("Kalan süre (iş günü)"), _("Oran"),
              _("Yılın gerçekleşmesi (%)"), _("Gerçekleşme dönemi")]]
    for row in rows:
        current = str(row.current.label) if row.current else ("" if row.instance is None else _("Tamamlandı"))
        table.append([
            row.municipality.name, row.municipality.province, type_label(row.municipality.type),
            status_text(row, status_label), current, row.percent, row.legal_deadline.isoformat(), row.days_left,
            str(overview.COMPLIANCE_LABELS[row.compliance.state]), _iso(row.compliance.submitted_on),
            _iso(row.compliance.adopted_on), row.target_meeting.isoformat() if row.target_meeting else "", row.overdue,
            str(overview.RISK_LABELS[row.risk.level]), row.risk.remaining_days, row.risk.time_left,
            row.risk.ratio if row.risk.ratio is not None else "", *_realisation_cells(row.realisation)])
    return table


def _realisation_cells(found) -> list:
    """This year's realisation and the period it comes from ("Oca–Haz 2025 (geçici)")."""
    if found is None:
        return ["", ""]
    period = found.short_label + (f' ({_("geçici")})' if found.provisional else "")
    return [found.plan.rate if found.plan.rate is not None else "", period]


def _iso(value) -> str:
    return value.isoformat() if value else ""


def status_text(row: overview.Overview, status_label) -> str:
    return _("Süreç başlatılmadı") if row.instance is None else str(status_label(row.instance.status))
