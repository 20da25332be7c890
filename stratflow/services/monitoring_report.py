"""The six-monthly monitoring report as an editable Word file: the realisation per target and per
indicator of one monitoring period, with the strategy unit's assessment (python-docx)."""

from __future__ import annotations

import io

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.shared import Cm, Pt
from flask_babel import gettext as _

from . import monitoring, status_report, versions


def _number(value) -> str:
    return "—" if value is None else status_report.number(value)


def _table(doc, header: list, rows: list) -> None:
    table = doc.add_table(rows=1, cols=len(header))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, header, strict=True):
        cell.text = ""
        cell.paragraphs[0].add_run(str(text)).bold = True
    for row in rows:
        for cell, value in zip(table.add_row().cells, row, strict=True):
            cell.text = str(value)


def build_docx(instance) -> bytes:
    result = monitoring.realisation_of(instance)
    data = versions.read_workflow(instance).merged_data()
    doc = Document()
    section = doc.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Cm(29.7), Cm(21.0)
    section.left_margin = section.right_margin = Cm(1.8)
    doc.styles["Normal"].font.size = Pt(10)
    doc.add_paragraph().add_run(instance.municipality.name).bold = True
    title = doc.add_paragraph()
    title.add_run(_("Stratejik Plan İzleme Raporu — %(period)s", period=result.period_label)).bold = True
    doc.add_paragraph(_("Gerçekleşme oranı = (gerçekleşen − başlangıç) / (yıl sonu hedefi − başlangıç) × 100; hedefin "
                        "oranı, göstergelerin ağırlıklarıyla, her biri en çok 100 sayılarak hesaplanır."))
    doc.add_paragraph().add_run(_("Hedef bazında gerçekleşme")).bold = True
    _table(doc, [_("Hedef"), _("Gerçekleşme (%)"), _("Girilen göstergelerin ağırlığı")],
           [[t.code, _number(t.rate) if t.rate is not None else _("girişler bekleniyor"), _number(t.known_share)]
            for t in result.targets])
    doc.add_paragraph().add_run(_("Göstergeler")).bold = True
    header, *rows = monitoring.realisation_sheet(result)
    _table(doc, header, [[_number(v) if isinstance(v, float) else ("—" if v is None else v) for v in row]
                         for row in rows])
    report = data.get("report") or {}
    for key, label in (("assessment", _("Genel değerlendirme")), ("deviations", _("Sapmalar ve nedenleri")),
                       ("measures", _("Alınacak önlemler"))):
        text = report.get(key) or data.get(key)
        if text:
            doc.add_paragraph().add_run(label).bold = True
            doc.add_paragraph(str(text))
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()
