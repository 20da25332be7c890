"""A municipality's opt-in public plan page (/p/<municipality id>): read-only, without signing in.

Shown only while the municipality's settings say so (municipality_settings.public_plan_page) and it
has an adopted plan: the latest strategic-plan instance whose preparation process ended. Otherwise
NotFound — the same whether the municipality exists or not.

What it holds, and nothing else: the municipality's name, province and type; the plan's years; the
mission, vision and core values; the goals; the targets with their responsible unit; the
indicators with their unit of measure, direction, weight, baseline and yearly targets; and for each
*approved* monitoring period (its process ended with the mayor's approval) every indicator's actual
value and rate and every target's realisation, computed as on the realisation page
(services/monitoring.py). Never a running period, a task draft, a person (names, e-mails), the
units' notes or their evidence.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..extensions import db
from ..models import (
    DefinitionVersion,
    Municipality,
    MunicipalitySettings,
    PlanGoal,
    PlanTarget,
    ProcessDefinition,
    ProcessInstance,
)
from ..models.base import utcnow
from . import NotFound, current_realisation, instances, monitoring, plan_rules, state_reads, throttle, valid_id
from .plan_content import sort_key

BUCKET = "public-plan-page"  # the rate limit's bucket (services/throttle.py)


@dataclass(frozen=True)
class Period:
    key: str                # "2025-H1"
    label: str              # "Ocak–Haziran 2025"
    result: monitoring.Realisation


@dataclass
class PublicPlan:
    municipality_id: int
    name: str
    province: str
    type: str
    years: list
    mission: str | None
    vision: str | None
    values: list            # the core values' texts
    goals: list             # [{"code", "title", "targets": [target dicts]}]
    periods: list = field(default_factory=list)  # Period, oldest first


def count_visit(address: str | None, config) -> None:
    """The rate limit of the public pages (RateLimited when an address asks too often)."""
    throttle.count_request(BUCKET, address, config["PUBLIC_MAX_REQUESTS"], config["PUBLIC_WINDOW_SECONDS"],
                           utcnow())


def is_public(municipality_id: int) -> bool:
    return bool(db.session.execute(db.select(MunicipalitySettings.public_plan_page).where(
        MunicipalitySettings.municipality_id == municipality_id)).scalar())


def adopted_plan(municipality_id: int) -> ProcessInstance | None:
    """The municipality's latest strategic plan whose preparation process ended."""
    return db.session.execute(
        db.select(ProcessInstance)
        .join(DefinitionVersion, DefinitionVersion.id == ProcessInstance.version_id)
        .join(ProcessDefinition, ProcessDefinition.id == DefinitionVersion.definition_id)
        .where(ProcessInstance.municipality_id == municipality_id, ProcessInstance.status == "completed",
               ProcessDefinition.key == instances.MAIN_PROCESS)
        .order_by(ProcessInstance.completed_at.desc(), ProcessInstance.id.desc()).limit(1)).scalar()


def link_for(municipality_id: int) -> bool:
    """Whether pages of signed-in people should link to the public page (it is on and shows a plan)."""
    return is_public(municipality_id) and adopted_plan(municipality_id) is not None


def shows(instance: ProcessInstance) -> bool:
    """Whether the public page shows this plan instance (the plan page links to it then)."""
    if instance.status != "completed" or not is_public(instance.municipality_id):
        return False
    adopted = adopted_plan(instance.municipality_id)
    return adopted is not None and adopted.id == instance.id


def plan_for(municipality_id) -> PublicPlan:
    municipality = db.session.get(Municipality, municipality_id) if valid_id(municipality_id) else None
    if municipality is None or not is_public(municipality.id):
        raise NotFound()
    plan = adopted_plan(municipality.id)
    if plan is None:
        raise NotFound()
    years = plan_rules.plan_years(plan)
    indicators = current_realisation.indicators_of([plan.id]).get(plan.id, [])
    periods = _approved_periods(plan, indicators)
    data = _looking_ahead(plan)
    return PublicPlan(
        municipality_id=municipality.id, name=municipality.name, province=municipality.province,
        type=municipality.type, years=years, mission=data["mission"], vision=data["vision"], values=data["values"],
        goals=_goals(plan, years, indicators, periods), periods=periods)


def _looking_ahead(plan: ProcessInstance) -> dict:
    """Mission, vision and core values as the plan's process holds them (plain texts only)."""
    found = state_reads.extract_many("looking-ahead", [plan], lambda wf: _texts(wf.merged_data()))
    return found.get(plan.id) or {"mission": None, "vision": None, "values": []}


def _texts(data: dict) -> dict:
    def text(value):
        return value.strip() if isinstance(value, str) and value.strip() else None
    values = [text(v.get("value")) for v in data.get("core_values") or [] if isinstance(v, dict)]
    return {"mission": text(data.get("mission")), "vision": text(data.get("vision")),
            "values": [v for v in values if v]}


def _approved_periods(plan: ProcessInstance, indicators) -> list[Period]:
    done = current_realisation.monitoring_instances([plan.municipality_id], statuses=("completed",))
    answers = monitoring.answers_of_many(done)
    periods = [Period(key=f"{a.year}-H{a.half}", label=current_realisation.period_label(a.half, a.year),
                      result=monitoring.compute(plan, indicators, a))
               for a in answers.values() if a.plan_id == plan.id]
    unique = {p.key: p for p in sorted(reversed(periods), key=lambda p: p.key)}  # monitored twice: the later
    return list(unique.values())


def _goals(plan, years, indicators, periods: list[Period]) -> list[dict]:
    goals = list(db.session.execute(db.select(PlanGoal).where(PlanGoal.instance_id == plan.id).options(
        db.selectinload(PlanGoal.targets).joinedload(PlanTarget.responsible_unit))).scalars())
    by_target: dict[int, list] = {}
    targets = {}
    for indicator in indicators:
        by_target.setdefault(indicator.target_id, []).append(indicator)
        targets[indicator.target_id] = indicator.target
    rates = {p.key: {t.code: t.rate for t in p.result.targets} for p in periods}
    actuals = {p.key: {r["code"]: r for r in p.result.rows} for p in periods}
    found = []
    for goal in sorted(goals, key=lambda g: sort_key(g.code)):
        cards = []
        for target in sorted(goal.targets, key=lambda t: sort_key(t.code)):
            cards.append({
                "code": target.code, "title": target.title,
                "responsible_unit": target.responsible_unit.name if target.responsible_unit else None,
                "realisation": {key: rates[key].get(target.code) for key in rates if target.code in rates[key]},
                "indicators": [_indicator(i, years, actuals) for i in by_target.get(target.id, [])]})
        found.append({"code": goal.code, "title": goal.title, "targets": cards})
    return found


def _indicator(indicator, years, actuals) -> dict:
    def number(value):
        return float(value) if value is not None else None
    realised = {}
    for key, rows in actuals.items():
        row = rows.get(indicator.code)
        if row is not None:
            realised[key] = {"actual": row["actual"], "rate": row["rate"]}
    return {"code": indicator.code, "name": indicator.name, "unit_of_measure": indicator.unit_of_measure,
            "direction": indicator.direction, "weight": float(indicator.weight),
            "baseline": number(indicator.baseline),
            "targets": {str(year): number(getattr(indicator, f"value_{n}")) for n, year in enumerate(years, 1)},
            "realised": realised}


def as_json(plan: PublicPlan) -> dict:
    return {
        "municipality": {"id": plan.municipality_id, "name": plan.name, "province": plan.province,
                         "type": plan.type},
        "plan_period": {"first_year": plan.years[0], "last_year": plan.years[-1]},
        "mission": plan.mission, "vision": plan.vision, "core_values": plan.values,
        "monitoring_periods": [{"period": p.key, "label": p.label, "plan_realisation": p.result.plan.rate,
                                "targets_counted": p.result.plan.counted} for p in plan.periods],
        "goals": plan.goals,
    }
