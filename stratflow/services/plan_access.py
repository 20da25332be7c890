"""Who may read and edit the plan's cards (goals, target cards, indicators) of an instance.

Everyone holding a role in the instance's municipality (consultants included) reads them; the
coordinator and the planning-team members edit every card and create goals and targets; a unit
manager edits only the target cards whose responsible unit is theirs (Forbidden on the others,
which they still read). Anyone else gets NotFound, as everywhere.
"""

from __future__ import annotations

from ..extensions import db
from ..models import Municipality, PlanTarget, ProcessInstance
from . import Forbidden, NotFound, valid_id

EDIT_ALL = ("coordinator", "team_member")


def instance_for(user, instance_id: int) -> ProcessInstance:
    """The instance whose plan the user may read (with its municipality and units), else NotFound."""
    instance = db.session.get(
        ProcessInstance, instance_id,
        options=[db.joinedload(ProcessInstance.municipality).selectinload(Municipality.units)]) \
        if valid_id(instance_id) else None
    if instance is None or not may_read(user, instance):
        raise NotFound()
    return instance


def may_read(user, instance: ProcessInstance) -> bool:
    return user.is_admin or instance.municipality_id in user.municipality_ids()


def edits_all(user, instance: ProcessInstance) -> bool:
    return user.is_admin or instance.municipality_id in user.municipality_ids(*EDIT_ALL)


def managed_unit_ids(user, municipality_id: int) -> set[int]:
    """The spending units the user manages in the municipality."""
    return {r.unit_id for r in user.roles
            if r.role == "unit_manager" and r.municipality_id == municipality_id and r.unit_id is not None}


def may_edit_target(user, instance: ProcessInstance, target: PlanTarget) -> bool:
    return edits_all(user, instance) or (
        target.responsible_unit_id is not None
        and target.responsible_unit_id in managed_unit_ids(user, instance.municipality_id))


def may_edit_any(user, instance: ProcessInstance) -> bool:
    """Whether the user may edit at least one kind of card (shows the editor's links)."""
    return edits_all(user, instance) or bool(managed_unit_ids(user, instance.municipality_id))


def require_edit_all(user, instance: ProcessInstance) -> None:
    if not edits_all(user, instance):
        raise Forbidden()


def require_edit_target(user, instance: ProcessInstance, target: PlanTarget) -> None:
    if not may_edit_target(user, instance, target):
        raise Forbidden()
