"""The activity reports and the yearly evaluation of an adopted plan (issue 15).

`start_year` starts `plan_evaluation_year` (workflows/plan_evaluation_year.bpmn) for a plan year
that has ended: each responsible unit gets its indicators with the year's target and the actual
value of the year's monitoring (the second half's if it ran, else the first's), and its activities
with the year's planned cost, as the form's starting values. Dates from the yearly cycle
(stratflow/calendar/cycle.py): unit reports by the end of February of the next year (the
activity-report regulation), the April council (5393 art. 56). `report_of` gives the consolidated
figures — realisation per indicator, target and goal, deviations with the units' reasons, costs —
from what the units answered (the planned values always from the plan's cards).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from flask_babel import gettext as _

from ..calendar import cycle
from ..extensions import db
from ..models import DefinitionVersion, ProcessDefinition, ProcessInstance, TaskRecord
from . import (
    Conflict,
    ServiceError,
    access,
    calendars,
    instances,
    monitoring,
    plan_content,
    plan_rules,
    progress,
    realisation,
    versions,
)

PROCESS = "plan_evaluation_year"
# the steps whose page links the reports page (the consolidated figures and the Word files)
SHOWN_ON = frozenset({"activity_report_consolidation", "activity_report_approval", "activity_report_council"})


def evaluation_dates(plan: ProcessInstance, year: int) -> dict:
    """The anchors of plan year `year`'s reports: unit reports due, the April council meeting —
    without one (an April recess, against 5393 art. 56) the last working day of April, so that the
    steps before it still have dates."""
    cal = calendars.of(plan.municipality)
    found = {d.key: d.date for d in cycle.plan_year_dates(
        year, cal.type, cal.weekday, recess_month=cal.settings.recess_month,
        actual_dates=cal.entered_meetings, leave_days=cal.leave_days)}
    council = cycle.april_council(found["activity_report_council"], year, frozenset(cal.leave_days))
    return {"reports_due": found["unit_activity_reports"], "council_due": council}


def instances_of(plan: ProcessInstance) -> list[ProcessInstance]:
    """The evaluation instances of the plan's municipality, newest first."""
    return list(db.session.execute(
        db.select(ProcessInstance).join(ProcessInstance.version).join(DefinitionVersion.definition)
        .where(ProcessInstance.municipality_id == plan.municipality_id, ProcessDefinition.key == PROCESS)
        .order_by(ProcessInstance.started_at.desc(), ProcessInstance.id.desc())).scalars())


def is_evaluation(instance: ProcessInstance) -> bool:
    return versions.of_instance(instance).key == PROCESS


def _data(instance: ProcessInstance) -> dict:
    return versions.read_workflow(instance).merged_data()


def year_actuals(plan: ProcessInstance, year: int) -> tuple[str, dict]:
    """(label, {indicator code: actual}) from the year's monitoring: the second half's, else the
    first's; ("", {}) when no monitoring of the year ran."""
    found: dict[str, ProcessInstance] = {}
    for instance in monitoring.periods(plan):  # newest first: the newest of each period wins
        if instance.status == "terminated":
            continue
        data = _data(instance)
        if data.get("plan_instance_id") == plan.id and str(data.get("plan_year")) == str(year):
            found.setdefault(data.get("period"), instance)
    chosen = found.get(f"{year}-H2") or found.get(f"{year}-H1")
    if chosen is None:
        return "", {}
    result = monitoring.realisation_of(chosen)
    return result.period_label, {r["code"]: r["actual"] for r in result.rows if r["actual"] is not None}


def _check_startable(plan: ProcessInstance, year: int, today) -> None:
    if versions.of_instance(plan).key != instances.MAIN_PROCESS or plan.status != "completed":
        raise ServiceError(_("Faaliyet raporları, yürürlüğe girmiş (süreci tamamlanmış) bir stratejik planın "
                             "yılları için hazırlanır."))
    years = plan_rules.plan_years(plan)
    if year not in years:
        raise ServiceError(_("Rapor yılı planın yıllarından biri olmalıdır (%(first)d–%(last)d).",
                             first=years[0], last=years[-1]))
    if today.year <= year:
        raise ServiceError(_("%(year)d yılı henüz bitmedi: faaliyet raporları yıl bittikten sonra, %(next)d "
                             "ocak ayından itibaren hazırlanır.", year=year, next=year + 1))
    for other in instances_of(plan):
        if other.status in ("running", "suspended"):
            raise Conflict(_("Faaliyet raporu süreci zaten yürütülüyor: %(title)s.", title=other.title))
        if other.status == "completed" and _data(other).get("plan_year") == year:
            raise Conflict(_("%(year)d yılının faaliyet raporu süreci zaten tamamlandı.", year=year))


def start_year(actor, plan: ProcessInstance, year: int, today=None) -> ProcessInstance:
    """ServiceError (nothing started) when the plan is not in force, `year` is not one of its years
    or has not ended, a report process is running or the year's was done, or no unit has an indicator."""
    _check_startable(plan, year, today or progress.local_today())
    index = plan_rules.plan_years(plan).index(year) + 1
    label, actuals = year_actuals(plan, year)

    def row(indicator) -> dict:
        planned = getattr(indicator, f"value_{index}")
        found = {"target": indicator.target.code, "indicator_code": indicator.code, "indicator": indicator.name,
                 "planned": float(planned) if planned is not None else None}
        if indicator.code in actuals:
            found["actual"] = actuals[indicator.code]
        return found

    def activity(target, a) -> dict:
        return {"target": target.code, "name": a.name, "planned_cost": float(getattr(a, f"cost_{index}") or 0)}
    rows, activities, names = monitoring.by_unit(plan, row, activity)
    if not rows:
        raise ServiceError(_("Raporlanacak gösterge yok: hedef kartlarında sorumlu birimi olan gösterge bulunmuyor."))
    source = (_("%(period)s izlemesi", period=label) if label else
              _("Bu yıl için izleme yapılmadı: gerçekleşen değerleri birim girer."))
    units = [{"id": uid, "name": names[uid], "indicator_count": len(r),
              "start_values": {"year": str(year), "actuals_source": source, "rows": r, "activities": activities[uid]}}
             for uid, r in sorted(rows.items(), key=lambda item: names[item[0]])]
    dates = {k: v.isoformat() if v else None for k, v in evaluation_dates(plan, year).items()}
    data = {"plan_instance_id": plan.id, "plan_year": year, "report_units": units, **dates,
            "council_month": f"{year + 1}-04"}  # the April meeting follows the clerk's entered date
    return instances.start_instance(plan.municipality, actor, PROCESS, data,
                                    title=f"{plan.municipality.name} — {year} faaliyet raporu ve değerlendirme")


# -- the consolidated figures ------------------------------------------------------------------------

@dataclass(frozen=True)
class GoalResult:
    code: str
    title: str
    rate: float | None       # the mean of its targets' rates; None while one has none
    targets: list            # realisation.TargetResult


@dataclass(frozen=True)
class Report:
    year: int
    municipality: str
    rows: list               # per indicator: target, code, name, unit, weight, baseline, planned, actual, rate, reason
    targets: list            # realisation.TargetResult, in code order
    titles: dict             # target code -> title
    goals: list              # GoalResult, in code order
    deviations: list         # rows whose actual differs from the year's target
    activities: list         # per activity: unit, target, name, planned_cost, actual_cost, note
    units: list              # the units' answers (dicts with unit, the texts, rows, activities)
    consolidation: dict      # the strategy unit's texts
    council: dict            # the clerk's record


def answers(instance: ProcessInstance) -> list[dict]:
    workflow = versions.read_workflow(instance)
    data = workflow.merged_data()
    return [a for a in (data.get("unit_reports") or workflow.completed_values("unit_activity_report", "report"))
            if isinstance(a, dict)]


def report_of(instance: ProcessInstance) -> Report:
    data = _data(instance)
    plan = db.session.get(ProcessInstance, data["plan_instance_id"])
    year = int(data["plan_year"])
    index = plan_rules.plan_years(plan).index(year) + 1
    given = answers(instance)
    entered = {r.get("indicator_code"): r for a in given for r in a.get("rows") or [] if isinstance(r, dict)}
    asked = {r["indicator_code"] for u in data.get("report_units") or [] for r in u["start_values"]["rows"]}
    rows, by_target, titles, goals, goal_of = [], defaultdict(list), {}, {}, {}
    for indicator in monitoring.plan_indicators(plan):
        if indicator.code not in asked:
            continue
        target = indicator.target
        titles[target.code] = target.title
        goals.setdefault(target.goal.code, target.goal.title)
        goal_of[target.code] = target.goal.code
        answer = entered.get(indicator.code) or {}
        planned = getattr(indicator, f"value_{index}")
        item = {"target": target.code, "code": indicator.code, "name": indicator.name,
                "unit": target.responsible_unit.name if target.responsible_unit else "",
                "weight": float(indicator.weight), "direction": indicator.direction,
                "baseline": float(indicator.baseline) if indicator.baseline is not None else None,
                "planned": float(planned) if planned is not None else None, "actual": answer.get("actual"),
                "reason": answer.get("deviation_reason") or ""}
        item["rate"] = realisation.indicator_rate(item["baseline"], item["planned"], item["actual"], item["direction"])
        rows.append(item)
        by_target[target.code].append(item)
    targets = [realisation.target_rate(code, items)
               for code, items in sorted(by_target.items(), key=lambda kv: plan_content.sort_key(kv[0]))]
    return Report(
        year=year, municipality=instance.municipality.name, rows=rows, targets=targets, titles=titles,
        goals=_goals(goals, targets, goal_of), deviations=[r for r in rows if r["actual"] is not None
                                                        and r["planned"] is not None and r["actual"] != r["planned"]],
        activities=[dict(a, unit=u["unit"]["name"]) for u in given for a in u.get("activities") or []
                    if isinstance(a, dict) and isinstance(u.get("unit"), dict)],
        units=sorted(given, key=lambda a: (a.get("unit") or {}).get("name", "")),
        consolidation=data.get("consolidation") or {}, council=data.get("council") or {})


def _goals(titles: dict, targets: list, goal_of: dict) -> list[GoalResult]:
    out = []
    for code in sorted(titles, key=plan_content.sort_key):
        mine = [t for t in targets if goal_of.get(t.code) == code]
        rates = [t.rate for t in mine]
        rate = round(sum(rates) / len(rates), 2) if rates and None not in rates else None
        out.append(GoalResult(code, titles[code], rate, mine))
    return out


def reporter(instance: ProcessInstance, unit_id: int) -> str:
    """The name of who sent the unit's report (its spending authority), "" if nobody yet."""
    record = db.session.execute(
        db.select(TaskRecord).where(TaskRecord.instance_id == instance.id, TaskRecord.unit_id == unit_id,
                                    TaskRecord.bpmn_id == "unit_activity_report", TaskRecord.state == "completed")
        .order_by(TaskRecord.completed_at.desc())).scalars().first()
    return record.completed_by.full_name if record is not None and record.completed_by is not None else ""


def cost_totals(activities: list) -> tuple[float, float, float | None]:
    """(planned, actual, actual / planned × 100) of a list of activity rows."""
    planned = round(sum(float(a.get("planned_cost") or 0) for a in activities), 2)
    actual = round(sum(float(a.get("actual_cost") or 0) for a in activities), 2)
    return planned, actual, (round(actual / planned * 100, 2) if planned else None)


@dataclass(frozen=True)
class Panel:
    """The plan page's section on activity reports."""
    may_start: bool
    years: list
    instances: list


def panel(user, plan: ProcessInstance) -> Panel | None:
    if versions.of_instance(plan).key != instances.MAIN_PROCESS:
        return None
    adopted = plan.status == "completed"
    return Panel(may_start=adopted and access.can_manage(user, plan.municipality_id),
                 years=plan_rules.plan_years(plan), instances=instances_of(plan) if adopted else [])
