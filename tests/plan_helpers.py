"""Small fixtures for the plan's cards: a municipality with three units and a started process."""

from __future__ import annotations

from stratflow.extensions import db
from stratflow.models import RoleAssignment, User
from stratflow.services import instances, plan_content

from . import factories

YEARS = ["2025", "2026", "2027", "2028", "2029"]


def values(*numbers) -> dict:
    return dict(zip(YEARS, numbers, strict=True))


def indicator(code: str, weight, **extra) -> dict:
    return {"code": code, "name": f"Gösterge {code}", "unit_of_measure": "km", "direction": "increase",
            "weight": weight, "baseline": 10, "values": values(11, 12, 13, 14, 15), "monitoring": "six_monthly",
            "reporting": "yearly", **extra}


def card(code: str, unit_id: int, weights=(60, 40), **extra) -> dict:
    goal = "A" + code[1:].split(".")[0]
    return {"code": code, "goal_code": goal, "title": f"Hedef {code}", "responsible_unit_id": unit_id,
            "cooperating_unit_ids": [], "findings": ["Yollar eski"], "needs": ["Bakım"],
            "strategies": ["Önceliklendir"],
            "risks": [{"risk": "Ödenek yetersizliği", "likelihood": 3, "impact": 4, "control": "Öncelik sırası"}],
            "indicators": [indicator(f"PG{code[1:]}.{n}", w) for n, w in enumerate(weights, start=1)],
            "activities": [{"kind": "project", "name": "Yol yenileme", "costs": values(1000, 2000, 0, 0, 500.5),
                            "funding_source": "Öz kaynak"}], **extra}


def town_with_plan(name: str = "Deneme Belediyesi", cards: bool = True):
    """(town, instance, units); goals A1, A2 and — with `cards` — H1.1 (unit 0) and H2.1 (unit 1)."""
    town = factories.municipality(name, units=3)
    coordinator = factories.person(town, "coordinator")
    instance = instances.start_instance(town, coordinator)
    units = sorted(town.units, key=lambda u: u.name)
    for code in ("A1", "A2"):
        plan_content.save_goal(coordinator, instance, {"code": code, "title": f"Amaç {code}"})
    if cards:
        plan_content.save_card(coordinator, instance, card("H1.1", units[0].id))
        plan_content.save_card(coordinator, instance, card("H2.1", units[1].id))
    db.session.commit()
    return town, instance, units


def manager_of(unit) -> User:
    return db.session.execute(db.select(User).join(User.roles).where(
        RoleAssignment.unit_id == unit.id, RoleAssignment.role == "unit_manager")).unique().scalar_one()
