"""The plan's cards in the JSON API (part of the /api/v1 blueprint; documented in static/openapi.yaml).

GET for everyone with a role in the instance's municipality; POST / PATCH of goals and of whole
target cards (with their indicators and activities) for those who may edit them
(services/plan_access.py): 403 for the municipality's other people, 404 for strangers. A card
whose indicators' weights do not sum to 100 is a 422 naming the target; nothing is saved.
Indicators are written with their target card (the weights are a property of the card), and
read on their own at /plan/indicators.
"""

from __future__ import annotations

from flask import make_response, request, url_for
from flask_babel import gettext as _

from ..services import (
    Forbidden,
    NotFound,
    access,
    evaluation,
    monitoring,
    performance,
    plan_access,
    plan_content,
    plan_rules,
    plan_state,
    plan_update,
    plan_versions,
    plan_views,
)
from .api import BadRequest, _instance_detail, bp, json_body, token_required

# The yearly processes of an adopted plan, started on it (never with POST /instances: they need the
# plan's cards and dates): the process key -> how it starts from the request body.
YEARLY = {
    monitoring.PROCESS: lambda user, plan, data: monitoring.start_period(user, plan, data.get("year", 0),
                                                                        data.get("half", 0)),
    performance.PROCESS: lambda user, plan, data: performance.start_program(user, plan, data.get("year", 0)),
    evaluation.PROCESS: lambda user, plan, data: evaluation.start_year(user, plan, data.get("year", 0)),
    plan_state.PROCESS: lambda user, plan, data: plan_update.start_update(user, plan, data.get("reason")),
}


def _instance(user, instance_id: int):
    try:
        return plan_access.instance_for(user, instance_id)
    except NotFound:
        raise NotFound(_("Süreç bulunamadı.")) from None


def _cards(instance) -> list[dict]:
    years = plan_rules.plan_years(instance)
    return [plan_content.card(t, years) for g in plan_content.goals(instance)
            for t in sorted(g.targets, key=lambda t: plan_content.sort_key(t.code))]


@bp.get("/instances/<int:instance_id>/plan")
@token_required
def plan(user, instance_id):
    instance = _instance(user, instance_id)
    years = plan_rules.plan_years(instance)
    goals = plan_content.goals(instance)
    return {"instance_id": instance.id, "years": years, "goals": [plan_content.goal_dict(g) for g in goals],
            "targets": _cards(instance),
            "costing": plan_views.costing_json(plan_views.costing(goals, years), years),
            "key_indicators": [i.code for i in plan_views.key_indicators(goals)]}


@bp.get("/instances/<int:instance_id>/plan/goals")
@token_required
def plan_goals(user, instance_id):
    return {"goals": [plan_content.goal_dict(g) for g in plan_content.goals(_instance(user, instance_id))]}


@bp.post("/instances/<int:instance_id>/plan/goals")
@token_required
def create_goal(user, instance_id):
    instance = _instance(user, instance_id)
    goal = plan_content.save_goal(user, instance, json_body("PlanGoalCreate"))
    return plan_content.goal_dict(goal), 201


@bp.patch("/instances/<int:instance_id>/plan/goals/<code>")
@token_required
def update_goal(user, instance_id, code):
    instance = _instance(user, instance_id)
    return plan_content.goal_dict(plan_content.save_goal(user, instance, json_body("PlanGoalUpdate"), code))


@bp.get("/instances/<int:instance_id>/plan/targets")
@token_required
def plan_targets(user, instance_id):
    instance = _instance(user, instance_id)
    cards = _cards(instance)
    unit = request.args.get("unit_id")
    if unit is not None:
        if not unit.isdigit():
            raise BadRequest(_("unit_id parametresi bir birim numarası olmalıdır."))
        cards = [c for c in cards if (c["responsible_unit"] or {}).get("id") == int(unit)]
    return {"targets": cards}


@bp.post("/instances/<int:instance_id>/plan/targets")
@token_required
def create_target(user, instance_id):
    instance = _instance(user, instance_id)
    saved = plan_content.save_card(user, instance, json_body("PlanTargetCreate"))
    response = make_response(plan_content.card(saved, plan_rules.plan_years(instance)), 201)
    response.headers["Location"] = url_for("api.get_target", instance_id=instance.id, code=saved.code)
    return response


@bp.get("/instances/<int:instance_id>/plan/targets/<code>")
@token_required
def get_target(user, instance_id, code):
    instance = _instance(user, instance_id)
    return plan_content.card(plan_content.target(instance, code), plan_rules.plan_years(instance))


@bp.patch("/instances/<int:instance_id>/plan/targets/<code>")
@token_required
def update_target(user, instance_id, code):
    instance = _instance(user, instance_id)
    body = json_body("PlanTargetUpdate")
    revision = body.pop("revision", None)
    saved = plan_content.save_card(user, instance, body, code=code, revision=revision)
    return plan_content.card(saved, plan_rules.plan_years(instance))


@bp.get("/instances/<int:instance_id>/plan/indicators")
@token_required
def plan_indicators(user, instance_id):
    return {"indicators": [i for c in _cards(_instance(user, instance_id)) for i in c["indicators"]]}


@bp.get("/instances/<int:instance_id>/plan/versions")
@token_required
def plan_version_list(user, instance_id):
    instance = _instance(user, instance_id)
    return {"versions": [{"number": v.number, "created_at": v.created_at.isoformat() + "Z", "step": v.step,
                          "targets": len(v.snapshot.get("targets", [])), **_label(v)}
                         for v in plan_versions.versions(instance)]}


def _label(v) -> dict:
    """A version's kind and, for a plan update's, its council decision."""
    decision = {"date": v.decision_date.isoformat() if v.decision_date else None, "number": v.decision_number,
                "reason": v.reason, "update_instance_id": v.update_instance_id} if v.kind == "update" else None
    return {"kind": v.kind, "decision": decision}


@bp.get("/instances/<int:instance_id>/plan/versions/<int:number>")
@token_required
def plan_version(user, instance_id, number):
    v = plan_versions.version(_instance(user, instance_id), number)
    return {"number": v.number, "created_at": v.created_at.isoformat() + "Z", "step": v.step, **_label(v),
            "snapshot": v.snapshot}


@bp.get("/instances/<int:instance_id>/plan/diff")
@token_required
def plan_diff(user, instance_id):
    instance = _instance(user, instance_id)
    numbers = [request.args.get(k, "") for k in ("from", "to")]
    if not all(n.isdigit() and len(n) < 10 for n in numbers):
        raise BadRequest(_("from ve to parametreleri sürüm numarası olmalıdır."))
    old, new = (plan_versions.version(instance, int(n)) for n in numbers)
    return {"from": old.number, "to": new.number, **plan_versions.diff(old.snapshot, new.snapshot)}


@bp.post("/instances/<int:instance_id>/plan/cycle")
@token_required
def start_yearly(user, instance_id):
    """Start a yearly process on the adopted plan (who manages the municipality): its instance, 201."""
    data = json_body("StartYearly")
    plan = _instance(user, instance_id)
    if not access.can_manage(user, plan.municipality_id):
        raise Forbidden()
    started = YEARLY[data["process"]](user, plan, data)
    response = make_response(_instance_detail(started), 201)
    response.headers["Location"] = url_for("api.get_instance", instance_id=started.id)
    return response
