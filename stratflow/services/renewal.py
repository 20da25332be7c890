"""The renewal (yenileme) of a strategic plan: after a new election the coordinator starts a new
preparation process (5393 md. 41: within six months of the election; the Strategy and Budget
Presidency's answer on sp.gov.tr: "Yenileme; stratejik planın, süre, misyon, vizyon ve amaçlar
dahil tüm unsurlarının değiştirilebilmesine imkan vermektedir"). Its evaluation of the plan in
force (plan_evaluation, the guide's "Geçmiş Dönem Stratejik Planının Değerlendirilmesi") starts
with the previous plan's realisation per goal and target from its monitoring periods
(`evaluation_start`, the task's `formStartVariable`).

Product defaults: the previous plan is the municipality's latest adopted (completed) strategic
plan; a target's realisation is its rate in the latest monitoring period that gave it one; a
goal's is the plain mean of its targets' rates.
"""

from __future__ import annotations

from flask_babel import gettext as _

from ..extensions import db
from ..models import DefinitionVersion, PlanGoal, ProcessDefinition, ProcessInstance
from . import ServiceError, instances, monitoring, plan_access, plan_content, plan_rules, versions

MAIN_PROCESS = "strategic_plan"


def previous_plan(municipality) -> ProcessInstance | None:
    """The municipality's latest adopted plan that has cards."""
    return db.session.execute(
        db.select(ProcessInstance).join(ProcessInstance.version).join(DefinitionVersion.definition)
        .where(ProcessInstance.municipality_id == municipality.id, ProcessInstance.status == "completed",
               ProcessDefinition.key == MAIN_PROCESS,
               db.exists().where(PlanGoal.instance_id == ProcessInstance.id))
        .order_by(ProcessInstance.completed_at.desc(), ProcessInstance.id.desc()).limit(1)).scalar_one_or_none()


def target_rates(plan: ProcessInstance) -> dict[str, tuple[float, str]]:
    """Target code → (rate, period label) from the latest monitoring period that rated it."""
    found: dict[str, tuple[float, str]] = {}
    for period in monitoring.periods(plan):
        if versions.read_workflow(period).merged_data().get("plan_instance_id") != plan.id:
            continue
        result = monitoring.realisation_of(period)
        for target in result.targets:
            if target.rate is not None and target.code not in found:
                found[target.code] = (target.rate, result.period_label)
    return found


def _percent(value: float) -> str:
    return plan_rules.shown(plan_rules.Decimal(str(round(value, 1))))


def evaluation_start(municipality) -> dict | None:
    """The starting values of the new process's evaluation of the previous plan, or None."""
    plan = previous_plan(municipality)
    if plan is None:
        return None
    years = plan_rules.plan_years(plan)
    rates = target_rates(plan)
    rows, lines, unrated = [], [], []
    for goal in plan_content.goals(plan):
        targets = sorted(goal.targets, key=lambda t: plan_content.sort_key(t.code))
        known = [rates[t.code][0] for t in targets if t.code in rates]
        mean = sum(known) / len(known) if known else None
        parts = []
        for t in targets:
            row = {"goal_code": goal.code, "target_code": t.code, "target": t.title}
            if t.code in rates:
                row.update(rate=rates[t.code][0], period=rates[t.code][1])
                parts.append(f"{t.code} %{_percent(rates[t.code][0])} ({rates[t.code][1]})")
            else:
                unrated.append(t.code)
            rows.append(row)
        head = f"{goal.code} {goal.title}: " + (f"%{_percent(mean)}" if mean is not None else "—")
        lines.append(head + (f" — {', '.join(parts)}" if parts else ""))
    text = _("Önceki plan (%(first)d–%(last)d), izleme dönemlerinde girilen gerçekleşmelere göre (amaç: hedeflerin "
             "ortalaması; hedef: son izleme dönemi):", first=years[0], last=years[-1]) + "\n" + "\n".join(lines)
    if unrated:
        text += "\n" + _("İzleme verisi olmayan hedefler: %(codes)s.", codes=", ".join(unrated))
    return {"current_plan": "in_force", "current_plan_period": f"{years[0]}-{years[-1]}",
            "evaluation": text[:5000], "realisation": rows[:200]}


def start_data(municipality) -> dict:
    """What a new preparation process starts with from the previous plan (nothing without one)."""
    start = evaluation_start(municipality)
    return {"previous_plan_evaluation": start} if start else {}


def start_preparation(municipality, actor) -> ProcessInstance:
    """Start the preparation process (strategic_plan) — a renewal when an adopted plan exists."""
    return instances.start_instance(municipality, actor, MAIN_PROCESS, start_data(municipality))


def may_copy_cards(user, instance: ProcessInstance) -> bool:
    """Whether the plan page offers the previous plan's cards as a starting point: a running
    preparation without goals yet, an adopted earlier plan, and a reader who edits every card."""
    return (instance.status == "running" and versions.of_instance(instance).key == MAIN_PROCESS
            and plan_access.edits_all(user, instance) and not plan_content.goals(instance)
            and previous_plan(instance.municipality) not in (None, instance))


def copy_cards(actor, instance: ProcessInstance) -> int:
    """The previous plan's goals and target cards as the new plan's starting point: the same codes,
    titles, units, indicators (with their weights, without baselines or yearly values — the new
    plan's years are new) and activities (without costs). Checked as every card is; returns how many
    cards were written. ServiceError when there is nothing to copy or the plan has goals already."""
    previous = previous_plan(instance.municipality)
    if previous is None or previous.id == instance.id:
        raise ServiceError(_("Kopyalanacak önceki plan yok."))
    if instance.status != "running" or plan_content.goals(instance):
        raise ServiceError(_("Önceki planın kartları yalnızca henüz amacı olmayan, hazırlanmakta olan bir plana "
                             "kopyalanabilir."))
    units = {u.id for u in instance.municipality.units}  # a unit closed since is no co-operating unit
    count = 0
    for goal in plan_content.goals(previous):
        plan_content.save_goal(actor, instance, {"code": goal.code, "title": goal.title})
        for target in sorted(goal.targets, key=lambda t: plan_content.sort_key(t.code)):
            data = plan_content.card_input(plan_content.card(target, plan_rules.plan_years(previous)))
            data["cooperating_unit_ids"] = [u for u in data["cooperating_unit_ids"] if u in units]
            data["indicators"] = [dict(i, baseline=None, values={}) for i in data["indicators"]]
            data["activities"] = [dict(a, costs={}) for a in data["activities"]]
            plan_content.save_card(actor, instance, data)
            count += 1
    return count
