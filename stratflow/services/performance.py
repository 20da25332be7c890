"""The yearly performance programme of an adopted plan (issue 15): `start_program` starts
`plan_performance` (workflows/plan_performance.bpmn) for a plan year on the plan's cards. Each
responsible unit gets its indicators with the plan's value for the year and its activities with the
year's cost as the form's starting values. The dates come from the yearly cycle of the year before
(stratflow/calendar/cycle.py: proposals 15 August, the budget and programme to the encümen before
1 September — 5393 art. 62 —, the council's October meeting)."""

from __future__ import annotations

from flask_babel import gettext as _

from ..calendar import cycle
from ..models import ProcessInstance
from . import ServiceError, calendars, instances, monitoring, plan_rules, versions

PROCESS = "plan_performance"


def program_dates(plan: ProcessInstance, year: int) -> dict[str, str | None]:
    """The anchors of the programme for `year` (prepared in the year before)."""
    cal = calendars.of(plan.municipality)
    found = {d.key: d.date for d in cycle.plan_year_dates(
        year - 1, cal.type, cal.weekday, recess_month=cal.settings.recess_month,
        actual_dates=cal.entered_meetings, leave_days=cal.leave_days)}
    return {"proposals_due": found["unit_performance_proposals"], "budget_due": found["budget_to_encumen"],
            "council_due": found["performance_program_council"]}


def start_program(actor, plan: ProcessInstance, year: int) -> ProcessInstance:
    """ServiceError (nothing started) when the plan is not in force, `year` is not one of its
    years, or no unit is responsible for a card with indicators."""
    if versions.of_instance(plan).key != instances.MAIN_PROCESS or plan.status != "completed":
        raise ServiceError(_("Performans programı, yürürlüğe girmiş (süreci tamamlanmış) bir stratejik plan "
                             "üzerinde hazırlanır."))
    years = plan_rules.plan_years(plan)
    if year not in years:
        raise ServiceError(_("Program yılı planın yıllarından biri olmalıdır (%(first)d–%(last)d).",
                             first=years[0], last=years[-1]))
    index = years.index(year) + 1

    def row(indicator) -> dict:
        value = getattr(indicator, f"value_{index}")
        return {"indicator_code": indicator.code, "indicator": indicator.name,
                "plan_value": float(value) if value is not None else None}

    def activity(_target, a) -> dict:
        return {"name": a.name, "cost": float(getattr(a, f"cost_{index}") or 0), "funding": a.funding_source or ""}
    rows, activities, names = monitoring.by_unit(plan, row, activity)
    if not rows:
        raise ServiceError(_("Programa alınacak gösterge yok: hedef kartlarında sorumlu birimi olan gösterge "
                             "bulunmuyor."))
    units = [{"id": uid, "name": names[uid], "indicator_count": len(r),
              "start_values": {"year": str(year), "rows": r, "activities": activities[uid]}}
             for uid, r in sorted(rows.items(), key=lambda item: names[item[0]])]
    dates = {k: v.isoformat() if v else None for k, v in program_dates(plan, year).items()}
    data = {"plan_instance_id": plan.id, "program_year": year, "program_units": units, **dates,
            "council_month": f"{year - 1}-10"}  # the October meeting follows the clerk's entered date
    return instances.start_instance(plan.municipality, actor, PROCESS, data,
                                    title=f"{plan.municipality.name} — {year} performans programı")
