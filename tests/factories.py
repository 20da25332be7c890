"""Small factories: what a test needs and no more (the full demo is the `demo` fixture)."""

from __future__ import annotations

from datetime import date, timedelta

from stratflow.extensions import db
from stratflow.models import Municipality, RoleAssignment, SpendingUnit, TaskRecord, User
from stratflow.services import instances, tasks


def municipality(name: str, units: int = 3, type: str = "ilce") -> Municipality:
    """A municipality with a coordinator, a mayor and a manager per spending unit (no process yet)."""
    slug = name.split()[0].lower()
    town = Municipality(name=name, province="Manisa", type=type, population=80_000,
                        election_date=date(2024, 3, 31), mazbata_date=date(2024, 4, 4))
    db.session.add(town)
    for role in ("coordinator", "mayor"):
        person = User(email=f"{role}@{slug}.example", full_name=f"{role.title()} {name}", municipality=town)
        person.roles.append(RoleAssignment(role=role, municipality=town))
        db.session.add(person)
    for i in range(units):
        unit = SpendingUnit(municipality=town, name=f"Birim {i + 1:02d} Müdürlüğü", code=f"{slug}{i}")
        manager = User(email=f"mudur{i}@{slug}.example", full_name=f"Müdür {i + 1}", municipality=town)
        manager.roles.append(RoleAssignment(role="unit_manager", municipality=town, unit=unit))
        db.session.add_all([unit, manager])
    db.session.flush()
    return town


def person(town: Municipality, role: str) -> User:
    return db.session.execute(db.select(User).join(User.roles).where(
        RoleAssignment.municipality_id == town.id, RoleAssignment.role == role)).unique().scalars().first()


def open_task(instance_id: int, bpmn_id: str) -> TaskRecord:
    return db.session.execute(db.select(TaskRecord).filter_by(
        instance_id=instance_id, bpmn_id=bpmn_id, state="open")).scalars().first()


def at_nominations(name: str, units: int = 3):
    """A municipality whose process is at the nominations: one open task per unit. (town, instance)"""
    town = municipality(name, units)
    coordinator, mayor = person(town, "coordinator"), person(town, "mayor")
    instance = instances.start_instance(town, coordinator)
    steps = [("circular_draft", coordinator, {"nomination_deadline": (date.today() + timedelta(days=30))
                                              .isoformat(), "coordinating_unit": "Strateji Geliştirme Müdürlüğü"}),
             ("circular_approval", mayor, {"circular_decision": "approve"})]
    for bpmn_id, actor, data in steps:
        tasks.complete(open_task(instance.id, bpmn_id).id, actor, data)
    db.session.commit()
    return town, instance
