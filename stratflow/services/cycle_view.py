"""One plan year's yearly cycle on one timeline (issue 15): the monitoring dates, the performance
programme's dates beside the budget's (5393 art. 62), the activity reports and the council meetings,
in date order, each with its basis (legislation or product default) and the process of the plan that
carries it — the monitoring period of that half, the programme prepared that year for the next, the
year's activity reports and evaluation — with its state, or a note that the step has no process in
stratflow (the budget itself, the final accounts)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from ..calendar import cycle
from ..calendar.cycle_cli import basis
from ..extensions import db
from ..models import DefinitionVersion, ProcessDefinition, ProcessInstance
from . import ServiceError, calendars, evaluation, monitoring, performance, plan_rules
from .overview import CYCLE_LABELS

# which process carries a cycle date: (process key, how its instance is told apart)
CARRIED_BY = {
    "monitoring_h1_actuals": (monitoring.PROCESS, "h1"), "monitoring_h1_report": (monitoring.PROCESS, "h1"),
    "monitoring_h2_actuals": (monitoring.PROCESS, "h2"), "monitoring_h2_report": (monitoring.PROCESS, "h2"),
    "unit_performance_proposals": (performance.PROCESS, "next"), "budget_to_encumen": (performance.PROCESS, "next"),
    "performance_program_council": (performance.PROCESS, "next"),
    "unit_activity_reports": (evaluation.PROCESS, "reports"), "evaluation_report": (evaluation.PROCESS, "reports"),
    "activity_report_council": (evaluation.PROCESS, "reports"),
}
OUTSIDE = {
    "budget_council": _l("Bütçe stratflow dışında hazırlanır; performans programı bütçeden önce görüşülür."),
    "final_accounts_council": _l("Kesinhesap stratflow dışında hazırlanır."),
}


@dataclass(frozen=True)
class Row:
    day: date | None
    key: str
    label: str
    basis: str
    settled: bool
    instance: ProcessInstance | None
    note: str
    past: bool


@dataclass(frozen=True)
class Timeline:
    year: int
    years: list
    rows: list


def _instances(plan: ProcessInstance) -> list[ProcessInstance]:
    return list(db.session.execute(
        db.select(ProcessInstance).join(ProcessInstance.version).join(DefinitionVersion.definition)
        .where(ProcessInstance.municipality_id == plan.municipality_id,
               ProcessDefinition.key.in_((monitoring.PROCESS, performance.PROCESS, evaluation.PROCESS)),
               ProcessInstance.status != "terminated")
        .options(db.contains_eager(ProcessInstance.version).contains_eager(DefinitionVersion.definition))
        .order_by(ProcessInstance.started_at)).scalars())


def _carrier(found: list[ProcessInstance], key: str, year: int) -> ProcessInstance | None:
    process, which = CARRIED_BY[key]
    wanted = {"h1": ("period_end", f"{year}-06-30"), "h2": ("period_end", f"{year}-12-31")}.get(which)
    for instance in reversed(found):  # the newest first
        if instance.version.definition.key != process:
            continue
        anchors = instance.anchors or {}
        if wanted is not None and anchors.get(wanted[0]) == wanted[1]:
            return instance
        if which == "next" and str(anchors.get("proposals_due", ""))[:4] == str(year):
            return instance
        if which == "reports" and str(anchors.get("reports_due", ""))[:4] == str(year + 1):
            return instance
    return None


def timeline(plan: ProcessInstance, year: int | None, today: date) -> Timeline:
    """ServiceError when `year` is not one of the plan's years (None: the current one, else the first)."""
    years = plan_rules.plan_years(plan)
    if year is None:
        year = today.year if today.year in years else years[0]
    if year not in years:
        raise ServiceError(_("Plan yılı planın yıllarından biri olmalıdır (%(first)d–%(last)d).",
                             first=years[0], last=years[-1]))
    cal = calendars.of(plan.municipality)
    locale = str(get_locale() or "tr")
    found = _instances(plan)
    rows = []
    for item in cycle.plan_year_dates(year, cal.type, cal.weekday, recess_month=cal.settings.recess_month,
                                      actual_dates=cal.entered_meetings, leave_days=cal.leave_days):
        carrier = _carrier(found, item.key, year) if item.key in CARRIED_BY else None
        rows.append(Row(item.date, item.key, str(CYCLE_LABELS.get(item.key, item.key)), basis(item, locale),
                        item.settled, carrier, str(OUTSIDE.get(item.key, "")),
                        item.date is not None and item.date < today))
    rows.sort(key=lambda r: (r.day or date.max, cycle.KEYS.index(r.key)))
    return Timeline(year, years, rows)
