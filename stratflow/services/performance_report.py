"""The performance programme as the units proposed it, consolidated: per unit the year's
performance targets of its indicators beside the plan's value for the year, its activities and
projects with their costs, the unit's and the municipality's resource need; downloadable as an
editable Word draft of the programme (python-docx) and as Excel, for the strategy unit's
consolidation step (workflows/plan_performance.bpmn)."""

from __future__ import annotations

import io
from dataclasses import dataclass

from docx import Document
from docx.shared import Pt
from flask_babel import get_locale
from flask_babel import gettext as _

from ..documents.typography import money
from . import docx_parts, status_report, versions

PROPOSALS = "unit_proposals"


@dataclass(frozen=True)
class UnitProgramme:
    name: str
    rows: list          # indicator_code, indicator, plan_value, proposed, difference, note
    activities: list    # name, cost, funding
    total: float
    answered: bool


@dataclass(frozen=True)
class Programme:
    year: str
    units: list         # UnitProgramme, in the order the programme lists the units
    total: float
    decision: dict      # the council's decision date and number, once recorded

    @property
    def waiting(self) -> list[str]:
        return [u.name for u in self.units if not u.answered]


def _float(value) -> float | None:
    try:
        return None if value in (None, "") else float(value)
    except (TypeError, ValueError):
        return None


def programme_of(instance) -> Programme:
    """The proposals of a performance programme instance so far: each unit's answer, or — for a unit
    that has not answered yet — the plan's values it started from (marked as not answered)."""
    workflow = versions.read_workflow(instance)
    data = workflow.merged_data()
    answers = {(a.get("unit") or {}).get("id"): a for a in workflow.completed_values(PROPOSALS, "proposal")
               if isinstance(a, dict)}
    units = []
    for unit in data.get("program_units") or []:
        answer = answers.get(unit["id"])
        source = answer or unit.get("start_values") or {}
        rows = []
        for row in source.get("rows") or []:
            plan_value, proposed = _float(row.get("plan_value")), _float(row.get("proposed"))
            rows.append({"indicator_code": row.get("indicator_code", ""), "indicator": row.get("indicator", ""),
                         "plan_value": plan_value, "proposed": proposed,
                         "difference": None if plan_value is None or proposed is None else proposed - plan_value,
                         "note": row.get("note") or ""})
        activities = [{"name": a.get("name", ""), "cost": _float(a.get("cost")) or 0.0,
                       "funding": a.get("funding") or ""} for a in source.get("activities") or []]
        units.append(UnitProgramme(unit["name"], rows, activities, sum(a["cost"] for a in activities),
                                   answer is not None))
    decision = {k: data[k] for k in ("program_decision_date", "program_decision_number") if data.get(k)}
    return Programme(str(data.get("program_year", "")), units, sum(u.total for u in units), decision)


def _locale() -> str:
    return str(get_locale() or "tr")


def _number(value) -> str:
    return "—" if value is None else status_report.number(value, _locale())


def sheet_rows(programme: Programme) -> list[list]:
    """One row per indicator and per activity (Excel)."""
    rows = [[_("Birim"), _("Tür"), _("Kod"), _("Gösterge / faaliyet"), _("Plandaki yıl hedefi"),
             _("Önerilen performans hedefi"), _("Fark"), _("Maliyet (TL)"), _("Finansman kaynağı"), _("Açıklama")]]
    for unit in programme.units:
        for r in unit.rows:
            rows.append([unit.name, _("Gösterge"), r["indicator_code"], r["indicator"], r["plan_value"], r["proposed"],
                         r["difference"], None, "", r["note"]])
        for a in unit.activities:
            rows.append([unit.name, _("Faaliyet"), "", a["name"], None, None, None, a["cost"], a["funding"], ""])
    return rows


def build_docx(instance) -> bytes:
    """The programme's draft in Word: general information, each unit's performance information and
    costs, the resource need per unit; the council's decision once recorded."""
    programme = programme_of(instance)
    doc = Document()
    docx_parts.landscape(doc)
    doc.add_paragraph().add_run(instance.municipality.name).bold = True
    title = doc.add_paragraph().add_run(_("%(year)s Yılı Performans Programı", year=programme.year))
    title.bold, title.font.size = True, Pt(14)
    doc.add_paragraph(_("Performans programı, stratejik planın %(year)s yılına ait performans hedeflerini, "
                        "göstergelerini ve bu hedeflere ulaşmak için yürütülecek faaliyet ve projelerin "
                        "maliyetlerini gösterir (5018 sayılı Kanun md. 9; 5393 sayılı Kanun md. 18(a), 38 ve 62).",
                        year=programme.year))
    if programme.waiting:
        doc.add_paragraph(_("Önerisi henüz gelmeyen birimler (planın değerleriyle gösterildi): %(units)s",
                            units=", ".join(programme.waiting)))
    for number, unit in enumerate(programme.units, start=1):
        heading = doc.add_paragraph()
        heading.paragraph_format.space_before = Pt(12)
        heading.add_run(f"{number}. {unit.name}").bold = True
        docx_parts.table(doc, [_("Kod"), _("Performans göstergesi"), _("Plandaki yıl hedefi"), _("Performans hedefi"),
                     _("Fark"), _("Açıklama")],
               [[r["indicator_code"], r["indicator"], _number(r["plan_value"]), _number(r["proposed"]),
                 _number(r["difference"]), r["note"]] for r in unit.rows])
        if unit.activities:
            doc.add_paragraph()
            docx_parts.table(doc, [_("Faaliyet / proje"), _("Maliyet"), _("Finansman kaynağı")],
                   [[a["name"], money(a["cost"]), a["funding"]] for a in unit.activities]
                   + [[_("Birim toplamı"), money(unit.total), ""]])
    heading = doc.add_paragraph()
    heading.paragraph_format.space_before = Pt(12)
    heading.add_run(_("Toplam kaynak ihtiyacı")).bold = True
    docx_parts.table(doc, [_("Birim"), _("Maliyet")], [[u.name, money(u.total)] for u in programme.units]
           + [[_("Toplam"), money(programme.total)]])
    if programme.decision:
        doc.add_paragraph(_("Meclis kararı: %(date)s tarih ve %(number)s sayı.",
                            date=programme.decision.get("program_decision_date", ""),
                            number=programme.decision.get("program_decision_number", "")))
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()
