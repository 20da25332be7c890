"""The plan itself as data: goals, target cards with their indicators and activities (issue 14).

Reading (`goals`, `card`, `snapshot`), writing a goal or a whole target card (`save_goal`,
`save_card`: checked by plan_rules first, nothing is written on bad input), audited. Who may do
what: services/plan_access.py. The consolidated view, costing and completeness: plan_views.py;
versions and the seed from the strategy draft: plan_versions.py; Excel: plan_excel.py.
"""

from __future__ import annotations

from decimal import Decimal

from flask_babel import gettext as _

from ..extensions import db
from ..models import PlanActivity, PlanGoal, PlanIndicator, PlanTarget, SpendingUnit
from ..models.base import utcnow
from . import Conflict, NotFound, ServiceError, audit, plan_access, plan_rules, plan_state
from .plan_rules import CardContext, plan_years

CARD_FIELDS = ("code", "goal_code", "title", "responsible_unit_id", "cooperating_unit_ids", "findings", "needs",
               "strategies", "risks", "indicators", "activities")
ALL_ONLY = ("code", "goal_code", "responsible_unit_id")  # a unit manager keeps them as they are


def as_json(value):
    """Decimal → int or float (JSON-native)."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value


# -- reading ----------------------------------------------------------------------------------------

def goals(instance) -> list[PlanGoal]:
    """The instance's goals (A1 < A2 < A10) with their target cards, indicators, activities and
    units (4 queries)."""
    found = db.session.execute(
        db.select(PlanGoal).where(PlanGoal.instance_id == instance.id)
        .options(db.selectinload(PlanGoal.targets).options(
            db.selectinload(PlanTarget.indicators), db.selectinload(PlanTarget.activities),
            db.joinedload(PlanTarget.responsible_unit), db.selectinload(PlanTarget.cooperating_units))))
    return sorted(found.scalars(), key=lambda g: sort_key(g.code))


def sort_key(code: str) -> tuple:
    """A1 < A2 < A10; H1.2 < H1.10; PG1.1.2 < PG1.1.10 (numbers compared as numbers)."""
    parts = code.removeprefix("PG").lstrip("AH").split(".")
    return tuple((0, int(p), "") if p.isdigit() else (1, 0, p) for p in parts)


def target(instance, code: str, lock: bool = False) -> PlanTarget:
    query = db.select(PlanTarget).where(PlanTarget.instance_id == instance.id, PlanTarget.code == code)
    if lock:
        query = query.with_for_update(of=PlanTarget).execution_options(populate_existing=True)
    found = db.session.execute(query).scalar_one_or_none() if isinstance(code, str) and len(code) <= 12 else None
    if found is None:
        raise NotFound(_("Hedef kartı bulunamadı."))
    return found


def goal_dict(goal: PlanGoal) -> dict:
    return {"code": goal.code, "title": goal.title}


def indicator_dict(i: PlanIndicator, years: list[int]) -> dict:
    values = [i.value_1, i.value_2, i.value_3, i.value_4, i.value_5]
    return {"code": i.code, "target_code": i.target.code, "name": i.name, "unit_of_measure": i.unit_of_measure,
            "definition": i.definition, "data_source": i.data_source, "direction": i.direction,
            "weight": as_json(i.weight), "baseline": as_json(i.baseline),
            "values": {str(y): as_json(v) for y, v in zip(years, values, strict=False)},
            "monitoring": i.monitoring, "reporting": i.reporting, "key_indicator": bool(i.key_indicator)}


def activity_costs(a: PlanActivity) -> list[Decimal]:
    return [Decimal(c or 0) for c in (a.cost_1, a.cost_2, a.cost_3, a.cost_4, a.cost_5)]


def activity_dict(a: PlanActivity, years: list[int]) -> dict:
    return {"kind": a.kind, "name": a.name, "funding_source": a.funding_source,
            "costs": {str(y): as_json(c) for y, c in zip(years, activity_costs(a), strict=False)}}


def card(t: PlanTarget, years: list[int]) -> dict:
    """A target card as the API, the snapshot and the Excel export show it."""
    unit = t.responsible_unit
    return {
        "code": t.code, "goal_code": t.goal.code, "title": t.title,
        "responsible_unit": {"id": unit.id, "name": unit.name} if unit else None,
        "cooperating_units": [{"id": u.id, "name": u.name} for u in t.cooperating_units],
        "findings": list(t.findings or []), "needs": list(t.needs or []), "strategies": list(t.strategies or []),
        "risks": [dict(r) for r in t.risks or []],
        "indicators": [indicator_dict(i, years) for i in t.indicators],
        "activities": [activity_dict(a, years) for a in t.activities],
        "weight_total": as_json(plan_rules.weight_total(t.indicators)),
        "revision": t.revision,
    }


def card_input(c: dict) -> dict:
    """A card dict as `save_card` takes it back (what the forms and the import start from)."""
    return {"code": c["code"], "goal_code": c["goal_code"], "title": c["title"],
            "responsible_unit_id": (c["responsible_unit"] or {}).get("id"),
            "cooperating_unit_ids": [u["id"] for u in c["cooperating_units"]],
            "findings": c["findings"], "needs": c["needs"], "strategies": c["strategies"], "risks": c["risks"],
            "indicators": [{k: v for k, v in i.items() if k != "target_code"} for i in c["indicators"]],
            "activities": c["activities"]}


def snapshot(instance) -> dict:
    """All cards of the instance, JSON-native (a version's frozen content)."""
    years = plan_years(instance)
    found = goals(instance)
    return {"years": years, "goals": [goal_dict(g) for g in found],
            "targets": [{k: v for k, v in card(t, years).items() if k != "revision"}
                        for g in found for t in sorted(g.targets, key=lambda t: sort_key(t.code))]}


# -- writing ----------------------------------------------------------------------------------------

def _refuse(errors: dict, message: str | None = None) -> None:
    if errors:
        raise ServiceError(message or errors.get("indicators") or _("Formda düzeltilmesi gereken alanlar var."),
                           code="validation", field_errors=errors)


def save_goal(user, instance, data: dict, code: str | None = None) -> PlanGoal:
    """Create a goal (code None) or change one; only the coordinator and the team; never in a plan
    in force (an update keeps the goals: Yönetmelik md. 4(1)(c))."""
    plan_access.require_edit_all(user, instance)
    if plan_state.require_editable(instance) is not None:
        raise ServiceError(_("Güncellemede misyon, vizyon ve amaçlar değiştirilemez; yalnızca kalan yılların hedef "
                             "kartları değişir."), code="validation",
                           field_errors={"code": _("Güncellemede amaçlar değiştirilemez.")})
    existing = {g.code: g for g in db.session.execute(
        db.select(PlanGoal).where(PlanGoal.instance_id == instance.id)).scalars()}
    goal = None
    if code is not None:
        goal = existing.get(code)
        if goal is None:
            raise NotFound(_("Amaç bulunamadı."))
        if goal.targets and data.get("code", code) != code:
            _refuse({"code": _("Hedefleri olan bir amacın kodu değiştirilemez.")})
    clean, errors = plan_rules.check_goal({"code": code, **data}, set(existing) - {code})
    _refuse(errors)
    if goal is None:
        goal = PlanGoal(instance_id=instance.id, municipality_id=instance.municipality_id)
        db.session.add(goal)
    goal.code, goal.title, goal.updated_at = clean["code"], clean["title"], utcnow()
    db.session.flush()
    audit.record("plan.goal_saved", user, municipality_id=instance.municipality_id, instance_id=instance.id,
                 code=goal.code, created=code is None)
    return goal


def update_rules(instance, scope) -> plan_rules.UpdateRules | None:
    """A running update's rules: its open years and every card as it is now."""
    if scope is None:
        return None
    years = plan_years(instance)
    return plan_rules.UpdateRules(scope.years, {t.code: card(t, years) for g in goals(instance) for t in g.targets})


def card_context(instance, own: PlanTarget | None, scope=None) -> CardContext:
    own_id = own.id if own is not None else -1
    goal_codes = set(db.session.execute(db.select(PlanGoal.code).where(PlanGoal.instance_id == instance.id)).scalars())
    target_codes = set(db.session.execute(db.select(PlanTarget.code).where(
        PlanTarget.instance_id == instance.id, PlanTarget.id != own_id)).scalars())
    indicator_codes = set(db.session.execute(db.select(PlanIndicator.code).where(
        PlanIndicator.instance_id == instance.id, PlanIndicator.target_id != own_id)).scalars())
    unit_ids = set(db.session.execute(db.select(SpendingUnit.id).where(
        SpendingUnit.municipality_id == instance.municipality_id)).scalars())
    return CardContext(plan_years(instance), unit_ids, goal_codes, target_codes, indicator_codes,
                       update_rules(instance, scope))


def save_card(user, instance, data: dict, code: str | None = None, revision: int | None = None) -> PlanTarget:
    """Create a target card (code None: coordinator and team) or replace one as a whole (its
    indicators and activities too). The card's row is locked; `revision`, when given, must be the
    one the editor started from (Conflict otherwise: someone saved it meanwhile). A plan in force changes
    only inside a running update, and then only its remaining years (plan_rules.check_update)."""
    t = target(instance, code, lock=True) if code is not None else None
    if t is None:
        plan_access.require_edit_all(user, instance)
        merged = {k: data.get(k) for k in CARD_FIELDS}
    else:
        plan_access.require_edit_target(user, instance, t)
        if revision is not None and revision != t.revision:
            raise Conflict(_("Bu hedef kartı siz düzenlerken başka biri tarafından kaydedildi; sayfayı yenileyip "
                             "değişikliklerinizi yeniden girin."))
        current = card_input(card(t, plan_years(instance)))
        merged = {k: data[k] if k in data else current[k] for k in CARD_FIELDS}
        if not plan_access.edits_all(user, instance):
            changed = [k for k in ALL_ONLY if merged[k] != current[k]]
            _refuse({k: _("Bunu yalnızca koordinatör ve planlama ekibi değiştirebilir.") for k in changed})
    scope = plan_state.require_editable(instance)
    clean, errors = plan_rules.check_card(merged, card_context(instance, t, scope))
    _refuse(errors)
    before = card(t, plan_years(instance)) if t is not None else None
    if t is None:
        t = PlanTarget(instance_id=instance.id, municipality_id=instance.municipality_id, revision=0)
        db.session.add(t)
    write_card(t, instance, clean, user)
    after = card(t, plan_years(instance))
    changed = sorted(k for k in after if k not in ("revision",) and (before or {}).get(k) != after[k])
    audit.record("plan.target_saved", user, municipality_id=instance.municipality_id, instance_id=instance.id,
                 code=t.code, created=before is None, fields=changed)
    return t


def write_card(t: PlanTarget, instance, clean: dict, user) -> None:
    """Write checked values onto the card (plan_rules.check_card's output), flush."""
    with db.session.no_autoflush:
        _write(t, instance, clean, user)
    db.session.flush()


def _write(t: PlanTarget, instance, clean: dict, user) -> None:
    goal = db.session.execute(db.select(PlanGoal).where(
        PlanGoal.instance_id == instance.id, PlanGoal.code == clean["goal_code"])).scalar_one()
    units = {u.id: u for u in instance.municipality.units}
    t.goal, t.code, t.title = goal, clean["code"], clean["title"]
    t.responsible_unit = units.get(clean["responsible_unit_id"])
    t.cooperating_units = [units[u] for u in clean["cooperating_unit_ids"]]
    for key in ("findings", "needs", "strategies", "risks"):
        setattr(t, key, clean[key])
    t.revision, t.updated_at, t.updated_by_id = (t.revision or 0) + 1, utcnow(), getattr(user, "id", None)
    by_code = {i.code: i for i in t.indicators}
    kept = []
    for position, row in enumerate(clean["indicators"]):
        indicator = by_code.pop(row["code"], None) or PlanIndicator(instance_id=instance.id)
        indicator.position = position
        for key in ("code", "name", "unit_of_measure", "definition", "data_source", "direction", "weight",
                    "baseline", "monitoring", "reporting", "key_indicator"):
            setattr(indicator, key, row[key])
        for n, value in enumerate(row["values"], start=1):
            setattr(indicator, f"value_{n}", value)
        kept.append(indicator)
    t.indicators = kept
    t.activities = [PlanActivity(instance_id=instance.id, position=p, kind=row["kind"], name=row["name"],
                                 funding_source=row["funding_source"],
                                 **{f"cost_{n}": c for n, c in enumerate(row["costs"], start=1)})
                    for p, row in enumerate(clean["activities"])]
