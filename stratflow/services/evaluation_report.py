"""The year's reports as editable Word files (python-docx), generated from the data of a
`plan_evaluation_year` instance (services/evaluation.py):

- the unit activity report (birim faaliyet raporu) of one spending unit, in the sections of the
  activity-report regulation: I general information, II aims and targets, III activities
  (financial information, performance information), IV institutional capability and capacity,
  V proposals and measures, with the spending authority's signature;
- the municipality's activity report (idare faaliyet raporu, 5393 art. 56; 5018 art. 41): the same
  sections consolidated from the units' reports and the strategy unit's texts;
- the plan year's evaluation report (stratejik plan değerlendirme raporu): realisation per goal,
  target and indicator, the deviations with the units' reasons, the assessment.
"""

from __future__ import annotations

import io

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Cm, Pt
from flask_babel import gettext as _

from ..documents.typography import long_date, money, upper
from . import evaluation, status_report


def _n(value) -> str:
    return "—" if value is None else status_report.number(value)


def _rate(value) -> str:
    return _("girişler bekleniyor") if value is None else _n(value)


def _document(landscape: bool = False):
    doc = Document()
    section = doc.sections[0]
    if landscape:
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = Cm(29.7), Cm(21.0)
    else:
        section.page_width, section.page_height = Cm(21.0), Cm(29.7)
    section.left_margin = section.right_margin = Cm(2.0)
    section.top_margin = section.bottom_margin = Cm(1.8)
    style = doc.styles["Normal"]
    style.font.name, style.font.size = "Times New Roman", Pt(11)
    return doc


def _title(doc, report: evaluation.Report, *lines: str) -> None:
    for text, size in (("T.C.", 12), (upper(report.municipality), 13), *((upper(t), 13) for t in lines)):
        p = doc.add_paragraph()
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        run = p.add_run(text)
        run.bold, run.font.size = True, Pt(size)


def _heading(doc, text: str) -> None:
    p = doc.add_paragraph()
    p.paragraph_format.space_before = Pt(10)
    run = p.add_run(text)
    run.bold, run.font.size = True, Pt(12)


def _text(doc, value, empty: str | None = None) -> None:
    text = str(value or "").strip() or (empty if empty is not None else _("Bu bölüm doldurulmadı."))
    if not text:
        return
    for part in text.split("\n"):
        doc.add_paragraph(part)


def _table(doc, header: list, rows: list, widths: list | None = None) -> None:
    table = doc.add_table(rows=1, cols=len(header))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, header, strict=True):
        cell.text = ""
        run = cell.paragraphs[0].add_run(str(text))
        run.bold, run.font.size = True, Pt(9)
    for row in rows:
        for cell, value in zip(table.add_row().cells, row, strict=True):
            cell.text = ""
            cell.paragraphs[0].add_run(str(value)).font.size = Pt(9.5)
    if widths:  # LibreOffice reads the grid's column widths, Word the cells'
        table.autofit = False
        for column, width in zip(table.columns, widths, strict=True):
            column.width = Cm(width)
            for cell in column.cells:
                cell.width = Cm(width)
    doc.add_paragraph().paragraph_format.space_after = Pt(0)


def _bytes(doc) -> bytes:
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def _indicator_rows(rows: list) -> list:
    return [[r["target"], f'{r["code"]} {r["name"]}', _n(r["weight"]), _n(r["planned"]), _n(r["actual"]),
             _n(r["rate"]), r["reason"] or "—"] for r in rows]


INDICATOR_HEADER = ("Hedef", "Gösterge", "Ağırlık (%)", "Yıl sonu hedefi", "Gerçekleşen", "Gerçekleşme (%)",
                    "Sapmanın nedeni")


def _indicator_header() -> list:
    return [_(h) for h in INDICATOR_HEADER]


def _cost_rows(activities: list, with_unit: bool = False) -> list:
    rows = []
    for a in activities:
        planned, actual, share = evaluation.cost_totals([a])
        rows.append(([a.get("unit", "")] if with_unit else []) + [
            a.get("target", ""), a.get("name", ""), money(planned), money(actual), _n(share)])
    planned, actual, share = evaluation.cost_totals(activities)
    rows.append(([""] if with_unit else []) + ["", _("Toplam"), money(planned), money(actual), _n(share)])
    return rows


def _cost_header(with_unit: bool = False) -> list:
    return ([_("Birim")] if with_unit else []) + [_("Hedef"), _("Faaliyet / proje"), _("Planlanan maliyet"),
                                                  _("Gerçekleşen harcama"), _("Harcama oranı (%)")]


def _signature(doc, name: str, title: str) -> None:
    """Name and title on the right, kept on one page with the paragraph before."""
    doc.paragraphs[-1].paragraph_format.keep_with_next = True
    p = doc.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    p.paragraph_format.space_before = Pt(18)
    p.paragraph_format.keep_together = True
    p.add_run(name).add_break()
    p.add_run(title)


def unit_docx(instance, unit_id: int) -> bytes:
    """The unit activity report of one unit (NotFound-like KeyError when the unit has none)."""
    report = evaluation.report_of(instance)
    answer = next(a for a in report.units if (a.get("unit") or {}).get("id") == unit_id)
    unit = answer["unit"]["name"]
    rows = [r for r in report.rows if r["unit"] == unit]
    codes = sorted({r["target"] for r in rows})
    doc = _document()
    _title(doc, report, unit, _("%(year)d Yılı Birim Faaliyet Raporu", year=report.year))
    _heading(doc, _("I. Genel Bilgiler"))
    _text(doc, answer.get("general_info"))
    _heading(doc, _("II. Amaç ve Hedefler"))
    _table(doc, [_("Hedef"), _("Hedefin adı"), _("Gerçekleşme (%)")],
           [[c, report.titles.get(c, ""), _rate(next(t.rate for t in report.targets if t.code == c))] for c in codes],
           [2.5, 11.0, 3.5])
    _text(doc, answer.get("aims"), empty="")
    _heading(doc, _("III. Faaliyetlere İlişkin Bilgi ve Değerlendirmeler"))
    _heading(doc, _("A. Mali bilgiler: faaliyet ve projelerin maliyetleri"))
    mine = [a for a in report.activities if a.get("unit") == unit]
    if mine:
        _table(doc, _cost_header(), _cost_rows(mine), [2.0, 6.0, 3.0, 3.0, 3.0])
    _text(doc, answer.get("activities_summary"), empty="")
    _heading(doc, _("B. Performans bilgileri"))
    _table(doc, _indicator_header(), _indicator_rows(rows), [1.4, 3.6, 1.7, 1.9, 2.6, 2.6, 3.2])
    _text(doc, answer.get("performance_assessment"))
    _heading(doc, _("IV. Kurumsal Kabiliyet ve Kapasitenin Değerlendirilmesi"))
    _text(doc, answer.get("capacity_assessment"))
    _heading(doc, _("V. Öneri ve Tedbirler"))
    _text(doc, answer.get("proposals"))
    _heading(doc, _("Harcama yetkilisinin iç kontrol güvence beyanı"))
    doc.add_paragraph(_("Yönetmelik ekindeki örneğe göre harcama yetkilisince imzalanır."))
    _signature(doc, evaluation.reporter(instance, unit_id), f"{unit} — {_('Harcama Yetkilisi')}")
    return _bytes(doc)


def activity_docx(instance) -> bytes:
    """The municipality's activity report (idare faaliyet raporu) of the plan year."""
    report = evaluation.report_of(instance)
    texts = report.consolidation
    doc = _document()
    _title(doc, report, _("%(year)d Yılı Faaliyet Raporu", year=report.year))
    p = doc.add_paragraph(_("5393 sayılı Belediye Kanununun 56 ncı maddesi ve 5018 sayılı Kanunun 41 inci maddesi "
                            "uyarınca hazırlanmış, nisan ayı toplantısında Belediye Başkanınca Meclise sunulur."))
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _heading(doc, _("I. Genel Bilgiler"))
    _text(doc, texts.get("general_info"))
    for answer in report.units:
        doc.add_paragraph().add_run(answer["unit"]["name"]).bold = True
        _text(doc, answer.get("general_info"))
    _heading(doc, _("II. Amaç ve Hedefler"))
    for goal in report.goals:
        doc.add_paragraph().add_run(f"{goal.code} {goal.title}").bold = True
        for target in goal.targets:
            doc.add_paragraph(f"{target.code} {report.titles.get(target.code, '')}", style="List Bullet")
    _heading(doc, _("III. Faaliyetlere İlişkin Bilgi ve Değerlendirmeler"))
    _heading(doc, _("A. Mali bilgiler"))
    if report.activities:
        _table(doc, _cost_header(True), _cost_rows(report.activities, True), [3.2, 1.6, 4.4, 2.6, 2.6, 2.6])
    _text(doc, texts.get("debt_status"), empty=_("Belediye borçlarının durumu yazılmadı."))
    _heading(doc, _("B. Performans bilgileri"))
    _table(doc, [_("Amaç / hedef"), _("Gerçekleşme (%)")],
           [row for g in report.goals for row in [[f"{g.code} {g.title}", _rate(g.rate)]]
            + [[f"   {t.code} {report.titles.get(t.code, '')}", _rate(t.rate)] for t in g.targets]], [13.0, 4.0])
    _text(doc, texts.get("assessment"))
    for answer in report.units:
        doc.add_paragraph().add_run(answer["unit"]["name"]).bold = True
        _text(doc, answer.get("performance_assessment"))
    _heading(doc, _("IV. Kurumsal Kabiliyet ve Kapasitenin Değerlendirilmesi"))
    _text(doc, texts.get("capacity"), empty="")
    for answer in report.units:
        doc.add_paragraph().add_run(answer["unit"]["name"]).bold = True
        _text(doc, answer.get("capacity_assessment"))
    _heading(doc, _("V. Öneri ve Tedbirler"))
    _text(doc, texts.get("measures"), empty="")
    for answer in report.units:
        doc.add_paragraph().add_run(answer["unit"]["name"]).bold = True
        _text(doc, answer.get("proposals"))
    _council(doc, report)
    _signature(doc, "", _("Belediye Başkanı"))
    return _bytes(doc)


def _council(doc, report: evaluation.Report) -> None:
    if report.council.get("presented_on"):
        doc.add_paragraph(_("Meclisin %(date)s tarihli toplantısına sunuldu (%(number)s).",
                            date=long_date(report.council["presented_on"]), number=report.council.get("agenda_number")))


def evaluation_docx(instance) -> bytes:
    """The plan year's evaluation report: realisation per goal, target and indicator, deviations."""
    report = evaluation.report_of(instance)
    texts = report.consolidation
    doc = _document(landscape=True)
    _title(doc, report, _("Stratejik Plan %(year)d Yılı Değerlendirme Raporu", year=report.year))
    doc.add_paragraph(_("Göstergenin gerçekleşme oranı = (gerçekleşen − başlangıç) / (yıl sonu hedefi − başlangıç) × "
                        "100. Hedefin oranı göstergelerin ağırlıklarıyla, her gösterge en çok 100 sayılarak; amacın "
                        "oranı hedeflerinin oranlarının ortalaması olarak hesaplanır."))
    _heading(doc, _("Amaç ve hedef bazında gerçekleşme"))
    _table(doc, [_("Amaç"), _("Hedef"), _("Hedefin gerçekleşmesi (%)"), _("Amacın gerçekleşmesi (%)")],
           [[f"{g.code} {g.title}", f"{t.code} {report.titles.get(t.code, '')}", _rate(t.rate), _rate(g.rate)]
            for g in report.goals for t in g.targets], [7.0, 10.0, 4.5, 4.5])
    _heading(doc, _("Performans göstergeleri"))
    _table(doc, _indicator_header(), _indicator_rows(report.rows), [1.8, 8.0, 2.0, 2.6, 2.6, 2.6, 6.0])
    _heading(doc, _("Sapmalar ve nedenleri"))
    if report.deviations:
        _table(doc, [_("Gösterge"), _("Sorumlu birim"), _("Yıl sonu hedefi"), _("Gerçekleşen"), _("Sapmanın nedeni")],
               [[f'{r["code"]} {r["name"]}', r["unit"], _n(r["planned"]), _n(r["actual"]), r["reason"] or "—"]
                for r in report.deviations], [7.0, 5.0, 2.6, 2.6, 8.4])
    else:
        doc.add_paragraph(_("Yılın hedefinden sapan gösterge yok."))
    _text(doc, texts.get("deviations"), empty="")
    _heading(doc, _("Genel değerlendirme"))
    _text(doc, texts.get("assessment"))
    _heading(doc, _("Alınacak önlemler"))
    _text(doc, texts.get("measures"), empty="—")
    return _bytes(doc)
