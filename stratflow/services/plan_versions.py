"""Versions of the plan's cards and the seed from the strategy draft, both run by a transition's
finish step when the model declares them on the completed task (`planContent`, read by
stratflow/engine/meaning.py):

    planContent="seed"     strategy_draft: the draft's goals, targets and indicators become records
    planContent="freeze"   draft_review (+ planContentWhen="draft_decision=approve"): the board's
                           adoption of the draft freezes a version of all cards
    planContent="freeze_update"  a plan update's council decision (plan_update.bpmn): a version of
                           the updated plan's cards labelled with the decision (`freeze_update`)

Every version is kept (a JSON snapshot row); `diff` compares two of them card by card.
"""

from __future__ import annotations

import re

from flask_babel import gettext as _

from ..extensions import db
from ..i18n import tr_lower
from ..models import PlanGoal, PlanIndicator, PlanTarget, PlanVersion, ProcessInstance
from ..models.base import utcnow
from . import NotFound, audit, deadlines, plan_content, plan_rules, plan_state

PERIOD = re.compile(r"^\s*(\d{4})\s*[-–]\s*(\d{4})\s*$")


def versions(instance) -> list[PlanVersion]:
    return list(db.session.execute(
        db.select(PlanVersion).where(PlanVersion.instance_id == instance.id).order_by(PlanVersion.number.desc())
        .options(db.joinedload(PlanVersion.created_by))).scalars())


def version(instance, number: int) -> PlanVersion:
    found = db.session.execute(db.select(PlanVersion).where(
        PlanVersion.instance_id == instance.id, PlanVersion.number == number)).scalar_one_or_none() \
        if isinstance(number, int) and 0 < number < 2**31 else None
    if found is None:
        raise NotFound(_("Plan sürümü bulunamadı."))
    return found


def freeze(instance, actor, step: str | None = None, **label) -> PlanVersion:
    """A new version with all cards as they are now (the instance row is locked by the transition);
    `label`: an update's kind, decision_date, decision_number, reason, update_instance_id."""
    number = (db.session.execute(db.select(db.func.max(PlanVersion.number)).where(
        PlanVersion.instance_id == instance.id)).scalar() or 0) + 1
    row = PlanVersion(instance_id=instance.id, municipality_id=instance.municipality_id, number=number,
                      created_at=utcnow(), created_by_id=getattr(actor, "id", None), step=step,
                      snapshot=plan_content.snapshot(instance), **label)
    db.session.add(row)
    db.session.flush()
    audit.record("plan.version_frozen", actor, municipality_id=instance.municipality_id, instance_id=instance.id,
                 number=number, step=step, targets=len(row.snapshot["targets"]), kind=label.get("kind"))
    return row


def freeze_update(update: ProcessInstance, actor, data: dict, step: str) -> PlanVersion:
    """The council decided the update: a version of the updated plan's cards, labelled with it."""
    plan = db.session.get(ProcessInstance, data.get("plan_instance_id") or update.plan_instance_id)
    if plan is None:
        raise NotFound(_("Güncellenen plan bulunamadı."))
    return freeze(
        plan, actor, step, kind="update", decision_date=deadlines.iso_date(data.get("update_decision_date")),
        decision_number=plan_rules.text(data.get("update_decision_number"), 50),
        reason=plan_rules.text(data.get("update_reason"), plan_state.REASON_LIMIT, multiline=True),
        update_instance_id=update.id)


def restore_latest(update: ProcessInstance, actor) -> int:
    """A plan update ended without its council decision (terminated): the updated plan's cards go
    back to its latest version, cards added meanwhile are removed. Returns how many cards changed."""
    plan = db.session.get(ProcessInstance, update.plan_instance_id) if update.plan_instance_id else None
    latest = versions(plan)[0] if plan is not None and versions(plan) else None
    if latest is None:
        return 0
    snap = latest.snapshot
    kept = {t["code"]: t for t in snap.get("targets", [])}
    changed = 0
    for target in list(db.session.execute(db.select(PlanTarget).where(PlanTarget.instance_id == plan.id)).scalars()):
        frozen = kept.get(target.code)
        if frozen is None:
            db.session.delete(target)
            changed += 1
            continue
        before = {k: v for k, v in plan_content.card(target, snap["years"]).items() if k != "revision"}
        if before == frozen:
            continue
        clean, _errors = plan_rules.check_card(plan_content.card_input(frozen),
                                               plan_content.card_context(plan, target))
        plan_content.write_card(target, plan, clean, actor)
        changed += 1
    db.session.flush()
    audit.record("plan.restored", actor, municipality_id=plan.municipality_id, instance_id=plan.id,
                 number=latest.number, update_instance_id=update.id, targets=changed)
    return changed


# -- diff -------------------------------------------------------------------------------------------

def _flatten(snapshot: dict) -> dict:
    """(kind, code) → fields, for goals, targets (without their indicators) and indicators."""
    found = {("goal", g["code"]): dict(g) for g in snapshot.get("goals", [])}
    for t in snapshot.get("targets", []):
        found[("target", t["code"])] = {k: v for k, v in t.items() if k != "indicators"}
        for i in t.get("indicators", []):
            # one field per plan year, so that a diff names the years that changed
            values = {f"values.{year}": v for year, v in (i.get("values") or {}).items()}
            found[("indicator", i["code"])] = {**{k: v for k, v in i.items() if k != "values"}, **values}
    return found


def diff(old: dict, new: dict) -> dict:
    """Added, removed and changed cards (goals, targets, indicators) from `old` to `new`; a changed
    card lists its changed fields with both values."""
    a, b = _flatten(old), _flatten(new)
    order = sorted(set(a) | set(b), key=lambda k: (("goal", "target", "indicator").index(k[0]),
                                                   plan_content.sort_key(k[1])))
    added = [{"kind": k[0], "code": k[1]} for k in order if k not in a]
    removed = [{"kind": k[0], "code": k[1]} for k in order if k not in b]
    changed = []
    for key in order:
        if key in a and key in b and a[key] != b[key]:
            fields = [{"field": f, "old": a[key].get(f), "new": b[key].get(f)}
                      for f in sorted(set(a[key]) | set(b[key])) if a[key].get(f) != b[key].get(f)]
            changed.append({"kind": key[0], "code": key[1], "fields": fields})
    return {"added": added, "removed": removed, "changed": changed}


# -- the seed from the strategy draft --------------------------------------------------------------

def seed_from_draft(instance, actor, data: dict) -> dict:
    """The strategy draft's goals, targets and indicators (strategy_draft.schema.json) as records.

    Only what is not there yet is added: once seeded the cards are the plan's truth (the units edit
    them), and a later round of the draft adds its new codes. Rows whose code does not follow the
    pattern or whose parent is missing are left out and listed in the audit row. Indicators get
    the codes PG<target>.<n>; a target's responsible unit is the unit of that name (else none:
    the card says it lacks one). Never raises on the draft's content: the process goes on."""
    _plan_years(instance, data.get("plan_period"))
    units = {tr_lower(u.name): u for u in instance.municipality.units}
    goals = {g.code: g for g in db.session.execute(
        db.select(PlanGoal).where(PlanGoal.instance_id == instance.id)).scalars()}
    targets = {t.code: t for t in db.session.execute(
        db.select(PlanTarget).where(PlanTarget.instance_id == instance.id)).scalars()}
    indicator_codes = set(db.session.execute(
        db.select(PlanIndicator.code).where(PlanIndicator.instance_id == instance.id)).scalars())
    added, skipped = {"goals": 0, "targets": 0, "indicators": 0}, []
    for row in _rows(data.get("goals")):
        code = plan_rules.text(row.get("code"), 10)
        if not code or not plan_rules.GOAL_CODE.match(code) or not plan_rules.text(row.get("goal"), 500):
            skipped.append(str(code))
        elif code not in goals:
            goals[code] = PlanGoal(instance_id=instance.id, municipality_id=instance.municipality_id, code=code,
                                   title=plan_rules.text(row.get("goal"), 500), updated_at=utcnow())
            db.session.add(goals[code])
            added["goals"] += 1
    new_targets = set()
    for row in _rows(data.get("targets")):
        code, goal_code = plan_rules.text(row.get("code"), 12), plan_rules.text(row.get("goal_code"), 10)
        match = plan_rules.TARGET_CODE.match(code or "")
        if not match or goal_code not in goals or f"A{match.group(1)}" != goal_code \
                or not plan_rules.text(row.get("target"), 500):
            skipped.append(str(code))
        elif code not in targets:
            unit = units.get(tr_lower(plan_rules.text(row.get("responsible_unit"), 200) or ""))
            targets[code] = PlanTarget(instance_id=instance.id, municipality_id=instance.municipality_id,
                                       goal=goals[goal_code], code=code, revision=1, updated_at=utcnow(),
                                       title=plan_rules.text(row.get("target"), 500), responsible_unit=unit,
                                       findings=[], needs=[], strategies=[], risks=_risks(data, code))
            db.session.add(targets[code])
            new_targets.add(code)
            added["targets"] += 1
    counters: dict[str, int] = {}
    for row in _rows(data.get("indicators")):
        code = plan_rules.text(row.get("target_code"), 12)
        if code not in new_targets:  # an indicator of a card seeded before (kept as edited), or of no card
            if code not in targets:
                skipped.append(f"{code}: {plan_rules.text(row.get('indicator'), 60)}")
            continue
        counters[code] = counters.get(code, 0) + 1
        indicator_code = f"PG{code[1:]}.{counters[code]}"
        if indicator_code in indicator_codes or not plan_rules.text(row.get("indicator"), 500):
            skipped.append(indicator_code)
            continue
        indicator_codes.add(indicator_code)
        targets[code].indicators.append(_indicator(row, indicator_code, instance, counters[code] - 1))
        added["indicators"] += 1
    db.session.flush()
    audit.record("plan.seeded", actor, municipality_id=instance.municipality_id, instance_id=instance.id,
                 **added, skipped=skipped[:50])
    return added


def _plan_years(instance, period) -> None:
    match = PERIOD.match(period) if isinstance(period, str) else None
    if match and int(match.group(2)) - int(match.group(1)) == 4:
        instance.plan_first_year = int(match.group(1))


def _rows(value) -> list[dict]:
    return [r for r in value if isinstance(r, dict)] if isinstance(value, list) else []


def _number(value, places: int = 4):
    errors: dict = {}
    result = plan_rules.number(value, errors, "x", places=places)
    return None if errors else result


def _risks(data: dict, code: str) -> list[dict]:
    return [{"risk": plan_rules.text(r.get("risk"), 500), "likelihood": None, "impact": None,
             "control": plan_rules.text(r.get("control"), 500)}
            for r in _rows(data.get("risks")) if r.get("target_code") == code and plan_rules.text(r.get("risk"), 500)]


def _indicator(row: dict, code: str, instance, position: int) -> PlanIndicator:
    frequency = {"six_monthly": "six_monthly", "yearly": "yearly"}
    weight = _number(row.get("weight"), 2)
    return PlanIndicator(
        instance_id=instance.id, position=position, code=code, name=plan_rules.text(row.get("indicator"), 500),
        direction="increase", weight=weight if weight is not None and 0 <= weight <= 100 else 0,
        baseline=_number(row.get("baseline")),
        **{f"value_{n}": _number(row.get(f"year_{n}")) for n in range(1, 6)},
        monitoring=frequency.get(row.get("monitoring")), reporting=frequency.get(row.get("reporting")),
        key_indicator=False)
