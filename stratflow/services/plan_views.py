"""What the plan's pages show: each card's completeness, the consolidated view with its filters,
each unit's completeness, the costing table (maliyetlendirme: cost per target, goal and year) and
the key performance indicators (TPG)."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from flask_babel import gettext as _

from ..i18n import tr_sort_key
from ..models.plan import PLAN_YEARS
from . import plan_access, plan_content, plan_rules, plan_state
from .plan_rules import HUNDRED, plan_years

COMPLETENESS = ("complete", "incomplete")


def missing(t) -> list[str]:
    """What a target card still lacks, in the user's language (empty: complete)."""
    found = []
    if t.responsible_unit_id is None:
        found.append(_("sorumlu birim"))
    if not t.indicators:
        found.append(_("performans göstergesi"))
    elif plan_rules.weight_total(t.indicators) != HUNDRED:
        found.append(_("ağırlıklar toplamı 100"))
    if any(i.baseline is None or None in (i.value_1, i.value_2, i.value_3, i.value_4, i.value_5)
           for i in t.indicators):
        found.append(_("göstergelerin başlangıç ve yıl değerleri"))
    if any(not i.monitoring or not i.reporting for i in t.indicators):
        found.append(_("izleme ve raporlama sıklığı"))
    if not t.activities:
        found.append(_("faaliyet ve projeler"))
    if not t.risks:
        found.append(_("riskler"))
    return found


@dataclass
class CardRow:
    target: object
    goal: object
    missing: list
    weight_total: Decimal
    cost_total: Decimal
    may_edit: bool

    @property
    def complete(self) -> bool:
        return not self.missing


@dataclass
class UnitRow:
    unit: object
    cards: int = 0
    complete: int = 0

    @property
    def percent(self) -> int:
        return round(100 * self.complete / self.cards) if self.cards else 0


@dataclass
class PlanView:
    instance: object
    years: list
    goals: list
    rows: list                      # CardRow, after the filters
    units: list                     # UnitRow per unit responsible for at least one card
    costing: dict = field(default_factory=dict)
    key_indicators: list = field(default_factory=list)
    edits_all: bool = False
    filters: dict = field(default_factory=dict)


def card_cost(t) -> list[Decimal]:
    totals = [Decimal(0)] * PLAN_YEARS
    for a in t.activities:
        totals = [x + y for x, y in zip(totals, plan_content.activity_costs(a), strict=True)]
    return totals


def costing(goals: list, years: list[int]) -> dict:
    """The guide's costing table: per target and goal a cost per year and in total, and the plan's total."""
    goal_rows, by_year = [], [Decimal(0)] * len(years)
    for g in goals:
        targets = []
        goal_years = [Decimal(0)] * len(years)
        for t in sorted(g.targets, key=lambda t: plan_content.sort_key(t.code)):
            costs = card_cost(t)
            targets.append({"target": t, "years": costs, "total": sum(costs, Decimal(0))})
            goal_years = [x + y for x, y in zip(goal_years, costs, strict=True)]
        goal_rows.append({"goal": g, "targets": targets, "years": goal_years, "total": sum(goal_years, Decimal(0))})
        by_year = [x + y for x, y in zip(by_year, goal_years, strict=True)]
    return {"goals": goal_rows, "years": by_year, "total": sum(by_year, Decimal(0))}


def costing_json(table: dict, years: list[int]) -> dict:
    j = plan_content.as_json

    def per_year(values):
        return {str(y): j(v) for y, v in zip(years, values, strict=True)}
    return {"goals": [{"code": g["goal"].code, "years": per_year(g["years"]), "total": j(g["total"]),
                       "targets": [{"code": t["target"].code, "years": per_year(t["years"]), "total": j(t["total"])}
                                   for t in g["targets"]]} for g in table["goals"]],
            "years": per_year(table["years"]), "total": j(table["total"])}


def key_indicators(goals: list) -> list:
    return [i for g in goals for t in sorted(g.targets, key=lambda t: plan_content.sort_key(t.code))
            for i in t.indicators if i.key_indicator]


def plan_view(user, instance, goal: str | None = None, unit: int | None = None,
              completeness: str | None = None) -> PlanView:
    """The consolidated view; unknown filter values are ignored."""
    years = plan_years(instance)
    goals = plan_content.goals(instance)
    rows, units = [], {}
    for g in goals:
        for t in sorted(g.targets, key=lambda t: plan_content.sort_key(t.code)):
            row = CardRow(t, g, missing(t), plan_rules.weight_total(t.indicators), sum(card_cost(t), Decimal(0)),
                          plan_access.may_edit_target(user, instance, t))
            if t.responsible_unit is not None:
                u = units.setdefault(t.responsible_unit_id, UnitRow(t.responsible_unit))
                u.cards += 1
                u.complete += row.complete
            rows.append(row)
    filters = {"goal": goal if goal in {g.code for g in goals} else None,
               "unit": unit if unit in {u.id for u in instance.municipality.units} else None,
               "completeness": completeness if completeness in COMPLETENESS else None}
    if filters["goal"]:
        rows = [r for r in rows if r.goal.code == filters["goal"]]
    if filters["unit"]:
        rows = [r for r in rows if r.target.responsible_unit_id == filters["unit"]]
    if filters["completeness"]:
        rows = [r for r in rows if r.complete == (filters["completeness"] == "complete")]
    return PlanView(instance, years, goals, rows, sorted(units.values(), key=lambda u: tr_sort_key(u.unit.name)),
                    costing(goals, years), key_indicators(goals),
                    plan_access.edits_all(user, instance) and plan_state.edit_lock(instance) is None, filters)


PANEL_STEPS = ("strategy_draft", "target_review", "monitoring_design", "plan_draft", "draft_review")
UPDATE_STEPS = ("update_cards", "update_review", "update_approval", "update_council")  # plan_update.bpmn


def task_panel(user, record) -> dict | None:
    """What a task page shows of the plan's cards: a spending unit's own cards (its target review)
    with links to edit them, and a link to the consolidated view; None where the step has none. A
    plan update's steps link to the updated plan's cards and versions."""
    if record.bpmn_id in UPDATE_STEPS and record.instance.plan_instance_id is not None:
        return {"rows": None, "plan_id": record.instance.plan_instance_id, "update": True} \
            if plan_access.may_read(user, record.instance) else None
    if record.bpmn_id not in PANEL_STEPS or not plan_access.may_read(user, record.instance):
        return None
    rows = None
    if record.unit_id is not None:
        instance = record.instance
        rows = plan_view(user, instance, unit=record.unit_id).rows
    return {"rows": rows, "plan_id": record.instance_id}
