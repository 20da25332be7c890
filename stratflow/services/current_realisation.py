"""The current plan year's realisation of each municipality (the cockpit's column, the overview).

Per municipality, among its monitoring periods of this calendar year (the year of the period's
`period_end` anchor; a terminated period never counts): the latest approved one — its process
ended, the mayor approved the report — else the latest still running, marked provisional. Its
figures are the realisation page's (services/monitoring.py `compute`): per target the indicators'
rates weighted by their weights, and the plan as a whole as the mean of the targets' rates
(services/realisation.py `plan_rate`).

A fixed number of queries for any number of municipalities: the monitoring instances (with their
versions), their engine states, the plans and the plans' indicators.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _

from ..extensions import db
from ..models import DefinitionVersion, PlanIndicator, PlanTarget, ProcessDefinition, ProcessInstance
from . import monitoring, realisation

COUNTED = ("completed", "running", "suspended")


@dataclass(frozen=True)
class YearRealisation:
    instance_id: int        # the monitoring instance the figures come from
    year: int
    half: int               # 1: January–June, 2: July–December
    provisional: bool       # the period is not approved yet
    plan: realisation.PlanResult
    targets: list           # realisation.TargetResult, in code order

    @property
    def short_label(self) -> str:
        return short_period(self.half, self.year)


def short_period(half: int, year: int) -> str:
    """"Oca–Haz 2025" / "Jan–Jun 2025"."""
    return _("Oca–Haz %(year)d", year=year) if half == 1 else _("Tem–Ara %(year)d", year=year)


def period_label(half: int, year: int) -> str:
    """"Ocak–Haziran 2025" / "January–June 2025"."""
    return _("Ocak–Haziran %(year)d", year=year) if half == 1 else _("Temmuz–Aralık %(year)d", year=year)


def for_municipalities(municipality_ids, today: date) -> dict[int, YearRealisation]:
    chosen = _chosen_periods(list(municipality_ids), today.year)
    if not chosen:
        return {}
    answers = monitoring.answers_of_many(list(chosen.values()))
    plan_ids = sorted({a.plan_id for a in answers.values()})
    plans = {p.id: p for p in db.session.execute(
        db.select(ProcessInstance).where(ProcessInstance.id.in_(plan_ids))
        .options(db.joinedload(ProcessInstance.municipality))).scalars()}
    indicators = indicators_of(plan_ids)
    found = {}
    for municipality_id, instance in chosen.items():
        answer = answers.get(instance.id)
        plan = plans.get(answer.plan_id) if answer else None
        if plan is None:
            continue
        result = monitoring.compute(plan, indicators.get(plan.id, []), answer)
        found[municipality_id] = YearRealisation(
            instance_id=instance.id, year=answer.year, half=answer.half,
            provisional=instance.status != "completed", plan=result.plan, targets=result.targets)
    return found


def indicators_of(plan_ids) -> dict[int, list[PlanIndicator]]:
    """The indicators of several plans (with their targets and responsible units), in code order."""
    found: dict[int, list] = defaultdict(list)
    if not plan_ids:
        return found
    for indicator in db.session.execute(
            db.select(PlanIndicator).join(PlanIndicator.target).where(PlanIndicator.instance_id.in_(plan_ids))
            .options(db.contains_eager(PlanIndicator.target).joinedload(PlanTarget.responsible_unit))
            .order_by(PlanIndicator.instance_id, PlanTarget.code, PlanIndicator.position)).unique().scalars():
        found[indicator.instance_id].append(indicator)
    return found


def monitoring_instances(municipality_ids, statuses=COUNTED) -> list[ProcessInstance]:
    """The monitoring instances of the municipalities (engine state not loaded), newest first."""
    if not municipality_ids:
        return []
    return list(db.session.execute(
        db.select(ProcessInstance)
        .join(DefinitionVersion, DefinitionVersion.id == ProcessInstance.version_id)
        .join(ProcessDefinition, ProcessDefinition.id == DefinitionVersion.definition_id)
        .where(ProcessInstance.municipality_id.in_(list(municipality_ids)),
               ProcessDefinition.key == monitoring.PROCESS, ProcessInstance.status.in_(statuses))
        .options(db.selectinload(ProcessInstance.version).joinedload(DefinitionVersion.definition))
        .order_by(ProcessInstance.started_at.desc(), ProcessInstance.id.desc())).unique().scalars())


def _chosen_periods(municipality_ids, year: int) -> dict[int, ProcessInstance]:
    best: dict[int, tuple] = {}
    for instance in monitoring_instances(municipality_ids):
        end = str((instance.anchors or {}).get("period_end") or "")
        if not end.startswith(f"{year}-"):
            continue
        rank = (instance.status == "completed", end, instance.started_at, instance.id)
        if instance.municipality_id not in best or rank > best[instance.municipality_id][0]:
            best[instance.municipality_id] = (rank, instance)
    return {mid: instance for mid, (_rank, instance) in best.items()}
