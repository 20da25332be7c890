"""The six-monthly monitoring (izleme) of an adopted plan (issue 15).

`start_period` starts the `plan_monitoring` process (workflows/plan_monitoring.bpmn) for one half
of a plan year on the adopted plan's indicators (models/plan.py): each responsible unit gets a
task holding its indicators with the year's planned values as the form's starting values. The
first half asks for the six-monthly indicators only; the second half for all of them (the year's
figure). `realisation` gives planned vs actual per indicator and the weighted rate per target
(services/realisation.py) from what the units entered.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from flask_babel import gettext as _

from ..extensions import db
from ..models import DefinitionVersion, PlanIndicator, PlanTarget, ProcessDefinition, ProcessInstance
from . import Conflict, ServiceError, access, instances, plan_content, plan_rules, realisation, state_reads, versions

PROCESS = "plan_monitoring"
HALVES = {1: ("06-30", "Ocak–Haziran"), 2: ("12-31", "Temmuz–Aralık")}
SIX_MONTHLY = "six_monthly"


def plan_indicators(plan: ProcessInstance) -> list[PlanIndicator]:
    return list(db.session.execute(
        db.select(PlanIndicator).join(PlanIndicator.target).where(PlanIndicator.instance_id == plan.id)
        .order_by(PlanTarget.code, PlanIndicator.position)).scalars())


def by_unit(plan: ProcessInstance, row, activity) -> tuple[dict, dict, dict]:
    """The plan's indicators and activities per responsible unit, for a yearly process's unit tasks:
    ({unit id: [row(indicator)]}, {unit id: [activity(target, activity)]}, {unit id: name}); a
    target's activities once, under its responsible unit; cards without one are left out."""
    rows: dict[int, list] = defaultdict(list)
    activities: dict[int, list] = defaultdict(list)
    names: dict[int, str] = {}
    seen = set()
    for indicator in plan_indicators(plan):
        target = indicator.target
        unit = target.responsible_unit
        if unit is None:
            continue
        names[unit.id] = unit.name
        rows[unit.id].append(row(indicator))
        if target.id not in seen:
            seen.add(target.id)
            activities[unit.id] += [activity(target, a) for a in target.activities]
    return rows, activities, names


def _planned(indicator: PlanIndicator, year_index: int | None):
    value = getattr(indicator, f"value_{year_index}") if year_index else None
    return float(value) if value is not None else None


def start_period(actor, plan: ProcessInstance, year: int, half: int) -> ProcessInstance:
    """Start the monitoring of `half` (1: January–June, 2: July–December) of plan year `year`.
    ServiceError (nothing started) when the plan is not adopted, the year is not one of its
    years, or no unit has an indicator to report on."""
    if versions.of_instance(plan).key != instances.MAIN_PROCESS or plan.status != "completed":
        raise ServiceError(_("İzleme, yürürlüğe girmiş (süreci tamamlanmış) bir stratejik plan üzerinde başlatılır."))
    years = plan_rules.plan_years(plan)
    if year not in years or half not in HALVES:
        raise ServiceError(_("İzleme dönemi planın yıllarından birinin ilk ya da ikinci yarısı olmalıdır "
                             "(%(first)d–%(last)d).", first=years[0], last=years[-1]))
    index = years.index(year) + 1
    end, months = HALVES[half]
    label = f"{months} {year}"
    if (plan.municipality_id, f"{year}-{end}") in started_periods([plan.municipality_id]):
        raise Conflict(_("%(period)s izleme dönemi bu belediye için zaten başlatıldı.", period=label))
    by_unit: dict[int, list] = defaultdict(list)
    names: dict[int, str] = {}
    for indicator in plan_indicators(plan):
        unit = indicator.target.responsible_unit
        if unit is None or (half == 1 and indicator.monitoring != SIX_MONTHLY):
            continue
        names[unit.id] = unit.name
        by_unit[unit.id].append({"indicator_code": indicator.code, "indicator": indicator.name,
                                 "planned": _planned(indicator, index)})
    if not by_unit:
        raise ServiceError(_("Bu dönemde izlenecek gösterge yok: hedef kartlarında sorumlu birimi olan ve "
                             "bu dönemde izlenen gösterge bulunmuyor."))
    units = [{"id": uid, "name": names[uid], "indicator_count": len(rows),
              "start_values": {"period": label, "rows": rows}}
             for uid, rows in sorted(by_unit.items(), key=lambda item: names[item[0]])]
    data = {"plan_instance_id": plan.id, "plan_year": year, "period": f"{year}-H{half}", "period_label": label,
            "period_end": f"{year}-{end}", "monitoring_units": units}
    return instances.start_instance(plan.municipality, actor, PROCESS, data,
                                    title=f"{plan.municipality.name} — {label} izleme")


@dataclass(frozen=True)
class Realisation:
    period_label: str
    targets: list          # realisation.TargetResult, in code order
    rows: list             # per indicator: code, name, target, weight, baseline, planned, actual, rate, unit
    plan: realisation.PlanResult | None = None  # the plan as a whole: the mean of the targets' rates


@dataclass(frozen=True)
class Answers:
    """What a monitoring instance holds: its plan, year and period, the indicators it asked for and
    the actual values its units entered so far (from the engine state)."""
    plan_id: int
    year: int
    half: int
    label: str
    asked: frozenset
    actuals: dict          # indicator code -> actual value


def answers_from(workflow) -> Answers:
    data = workflow.merged_data()
    answers = data.get("unit_actuals") or workflow.completed_values("unit_actuals", "actuals")
    actuals = {row.get("indicator_code"): row.get("actual")
               for answer in answers for row in (answer or {}).get("rows") or []}
    asked = frozenset(row["indicator_code"] for unit in data.get("monitoring_units") or []
                      for row in unit["start_values"]["rows"])
    period = str(data.get("period") or "")
    return Answers(plan_id=int(data["plan_instance_id"]), year=int(data["plan_year"]),
                   half=2 if period.endswith("H2") else 1, label=data.get("period_label", ""),
                   asked=asked, actuals=actuals)


def answers_of_many(instances) -> dict[int, Answers]:
    """Answers of several monitoring instances (their states read once per process: state_reads)."""
    return state_reads.extract_many("monitoring-answers", instances, answers_from)


def compute(plan: ProcessInstance, indicators, answers: Answers) -> Realisation:
    """Planned vs actual of `answers` on the plan's indicators (PlanIndicator rows, in code order)."""
    years = plan_rules.plan_years(plan)
    index = years.index(answers.year) + 1 if answers.year in years else None  # None: no planned values
    by_target: dict[str, list] = defaultdict(list)
    rows = []
    for indicator in indicators:
        if indicator.code not in answers.asked:
            continue
        item = {"code": indicator.code, "name": indicator.name, "target": indicator.target.code,
                "unit": indicator.target.responsible_unit.name if indicator.target.responsible_unit else "",
                "weight": float(indicator.weight), "direction": indicator.direction,
                "baseline": float(indicator.baseline) if indicator.baseline is not None else None,
                "planned": _planned(indicator, index), "actual": answers.actuals.get(indicator.code)}
        item["rate"] = realisation.indicator_rate(item["baseline"], item["planned"], item["actual"],
                                                  item["direction"])
        rows.append(item)
        by_target[indicator.target.code].append(item)
    targets = [realisation.target_rate(code, items)
               for code, items in sorted(by_target.items(), key=lambda kv: plan_content.sort_key(kv[0]))]
    return Realisation(period_label=answers.label, targets=targets, rows=rows,
                       plan=realisation.plan_rate(targets))


def realisation_of(monitoring: ProcessInstance) -> Realisation:
    """Planned vs actual of a monitoring instance (its units' answers so far) on its plan's cards."""
    answers = answers_from(versions.read_workflow(monitoring))
    plan = db.session.get(ProcessInstance, answers.plan_id)
    return compute(plan, plan_indicators(plan), answers)


def periods(plan: ProcessInstance) -> list[ProcessInstance]:
    """The monitoring instances of the plan's municipality, newest first."""
    return list(db.session.execute(
        db.select(ProcessInstance).join(ProcessInstance.version).join(DefinitionVersion.definition)
        .where(ProcessInstance.municipality_id == plan.municipality_id, ProcessDefinition.key == PROCESS)
        .order_by(ProcessInstance.started_at.desc())).scalars())


def started_periods(municipality_ids: list[int]) -> set[tuple[int, str]]:
    """(municipality id, period end ISO) of every monitoring period started and not terminated."""
    if not municipality_ids:
        return set()
    rows = db.session.execute(
        db.select(ProcessInstance.municipality_id, ProcessInstance.anchors).join(ProcessInstance.version)
        .join(DefinitionVersion.definition)
        .where(ProcessDefinition.key == PROCESS, ProcessInstance.status != "terminated",
               ProcessInstance.municipality_id.in_(municipality_ids)))
    return {(mid, (anchors or {}).get("period_end")) for mid, anchors in rows}


def is_monitoring(instance: ProcessInstance) -> bool:
    return versions.of_instance(instance).key == PROCESS


def realisation_sheet(result: Realisation) -> list[list]:
    """The monitoring report's table (header + a row per indicator), for the Excel export."""
    table = [[_("Hedef"), _("Gösterge"), _("Sorumlu birim"), _("Ağırlık (%)"), _("Başlangıç"), _("Yıl sonu hedefi"),
              _("Gerçekleşen"), _("Gerçekleşme (%)"), _("Hedefin gerçekleşmesi (%)")]]
    by_target = {t.code: t for t in result.targets}
    for row in result.rows:
        target = by_target[row["target"]]
        table.append([row["target"], f'{row["code"]} {row["name"]}', row["unit"], row["weight"], row["baseline"],
                      row["planned"], row["actual"], row["rate"], target.rate])
    return table


@dataclass(frozen=True)
class Panel:
    """The plan page's monitoring section."""
    may_start: bool       # the plan is adopted and the reader manages the municipality
    years: list           # the plan years a period may be started for
    periods: list         # the monitoring instances, newest first


def panel(user, plan: ProcessInstance) -> Panel | None:
    if versions.of_instance(plan).key != instances.MAIN_PROCESS:
        return None
    adopted = plan.status == "completed"
    return Panel(may_start=adopted and access.can_manage(user, plan.municipality_id),
                 years=plan_rules.plan_years(plan), periods=periods(plan) if adopted else [])
