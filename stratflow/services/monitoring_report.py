"""The six-monthly monitoring report as an editable Word file: the realisation per target and per
indicator of one monitoring period, with the strategy unit's assessment (python-docx)."""

from __future__ import annotations

import io

from docx import Document
from flask_babel import gettext as _

from . import docx_parts, monitoring, status_report, versions


def _number(value) -> str:
    return "—" if value is None else status_report.number(value)


def build_docx(instance) -> bytes:
    result = monitoring.realisation_of(instance)
    data = versions.read_workflow(instance).merged_data()
    doc = Document()
    docx_parts.landscape(doc)
    doc.add_paragraph().add_run(instance.municipality.name).bold = True
    title = doc.add_paragraph()
    title.add_run(_("Stratejik Plan İzleme Raporu — %(period)s", period=result.period_label)).bold = True
    doc.add_paragraph(_("Gerçekleşme oranı = (gerçekleşen − başlangıç) / (yıl sonu hedefi − başlangıç) × 100; hedefin "
                        "oranı, göstergelerin ağırlıklarıyla, her biri en çok 100 sayılarak hesaplanır."))
    doc.add_paragraph().add_run(_("Hedef bazında gerçekleşme")).bold = True
    docx_parts.table(doc, [_("Hedef"), _("Gerçekleşme (%)"), _("Girilen göstergelerin ağırlığı")],
           [[t.code, _number(t.rate) if t.rate is not None else _("girişler bekleniyor"), _number(t.known_share)]
            for t in result.targets])
    doc.add_paragraph().add_run(_("Göstergeler")).bold = True
    header, *rows = monitoring.realisation_sheet(result)
    docx_parts.table(doc, header, [[_number(v) if isinstance(v, float) else ("—" if v is None else v) for v in row]
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
