"""Who may see and do what. Every query for a user's objects goes through here.

A foreign object is reported as not found (404), never as forbidden.
"""

from __future__ import annotations

from sqlalchemy import and_, false, or_

from ..extensions import db
from ..models import DefinitionVersion, Municipality, ProcessInstance, TaskRecord
from . import NotFound, valid_id

# Roles that may open an instance page of their municipality.
INSTANCE_VIEWERS = ("coordinator", "mayor", "deputy_mayor", "consultant", "council_clerk")
MANAGERS = ("coordinator",)  # may start instances and manage the municipality


def actionable_clause(user):
    """SQL condition: tasks this user may complete (`may_act_on` in SQL).

    Built from the roles the user holds (already loaded with the user), so the database looks up
    just those (municipality, role, unit) keys in the inbox index: the inbox costs the same whether
    the country has a thousand open tasks or a hundred thousand."""
    if user.is_admin:
        return TaskRecord.id.isnot(None)
    keys: dict[tuple, set] = {}
    for held in user.roles:
        if held.municipality_id is not None:
            keys.setdefault((held.municipality_id, held.role), set()).add(held.unit_id)
    by_role = []
    for (municipality_id, role), units in sorted(keys.items(), key=lambda kv: (kv[0][0], kv[0][1])):
        unit_ids = sorted(u for u in units if u is not None)
        unit_match = TaskRecord.unit_id.is_(None)
        if unit_ids:
            unit_match = or_(unit_match, TaskRecord.unit_id.in_(unit_ids))
        by_role.append(and_(TaskRecord.municipality_id == municipality_id, TaskRecord.role == role, unit_match))
    held_roles = and_(TaskRecord.assignee_id.is_(None), or_(*by_role)) if by_role else false()
    return or_(TaskRecord.assignee_id == user.id, held_roles)


def may_act_on(user, record: TaskRecord) -> bool:
    """Whether the user may complete the task: its assignee, else anyone holding its role in its
    municipality (for its unit, when it has one); admins always. No query."""
    if user.is_admin:
        return True
    if record.assignee_id is not None:
        return record.assignee_id == user.id
    return any(held.role == record.role and held.municipality_id == record.municipality_id
               and (record.unit_id is None or held.unit_id == record.unit_id) for held in user.roles)


def inbox(user, include_closed: bool = False, limit: int = 200) -> list[TaskRecord]:
    query = (db.select(TaskRecord).where(actionable_clause(user))
             .options(db.joinedload(TaskRecord.instance), db.joinedload(TaskRecord.municipality),
                      db.joinedload(TaskRecord.unit))
             .order_by(TaskRecord.due_date.is_(None), TaskRecord.due_date, TaskRecord.created_at)
             .limit(limit))
    if not include_closed:
        query = query.where(TaskRecord.state == "open")
    return list(db.session.execute(query).unique().scalars())


def can_act(user, record: TaskRecord) -> bool:
    return may_act_on(user, record)


def situation_for(user, instance_id: int) -> ProcessInstance:
    """The instance whose consolidated situation analysis the user may read: its viewers, and the
    planning team and the board, who draw the findings from it and adopt it."""
    instance = db.session.get(ProcessInstance, instance_id, options=[db.joinedload(ProcessInstance.version)]) \
        if valid_id(instance_id) else None
    if instance is None or not (user.is_admin or instance.municipality_id in user.municipality_ids(
            *INSTANCE_VIEWERS, "team_member", "board_member")):
        raise NotFound()
    return instance


def can_view_instance(user, instance: ProcessInstance) -> bool:
    return user.is_admin or instance.municipality_id in user.municipality_ids(*INSTANCE_VIEWERS)


def can_manage(user, municipality_id: int) -> bool:
    return user.is_admin or municipality_id in user.municipality_ids(*MANAGERS)


def task_with_permission(user, task_id: str) -> tuple[TaskRecord, bool]:
    """A task the user may act on or, as an instance viewer, look at — and whether they may act;
    NotFound otherwise."""
    record = db.session.get(TaskRecord, task_id) if isinstance(task_id, str) and len(task_id) <= 36 else None
    if record is None:
        raise NotFound()
    if can_act(user, record):
        return record, True
    if can_view_instance(user, record.instance):
        return record, False
    raise NotFound()


def task_for(user, task_id: str) -> TaskRecord:
    return task_with_permission(user, task_id)[0]


def instance_for(user, instance_id: int) -> ProcessInstance:
    """The instance with its municipality and version (with its definition): what its pages show."""
    instance = db.session.get(
        ProcessInstance, instance_id,
        options=[db.joinedload(ProcessInstance.municipality),
                 db.joinedload(ProcessInstance.version).joinedload(DefinitionVersion.definition)]) \
        if valid_id(instance_id) else None
    if instance is None or not can_view_instance(user, instance):
        raise NotFound()
    return instance


def visible_instances(user) -> list[ProcessInstance]:
    query = (db.select(ProcessInstance)
             .options(db.joinedload(ProcessInstance.municipality),
                      db.joinedload(ProcessInstance.version).joinedload(DefinitionVersion.definition))
             .order_by(ProcessInstance.started_at.desc()))
    if not user.is_admin:
        query = query.where(ProcessInstance.municipality_id.in_(user.municipality_ids(*INSTANCE_VIEWERS)))
    return list(db.session.execute(query).scalars())


def managed_municipalities(user) -> list[Municipality]:
    query = db.select(Municipality).order_by(Municipality.name)
    if not user.is_admin:
        query = query.where(Municipality.id.in_(user.municipality_ids(*MANAGERS)))
    return list(db.session.execute(query).scalars())


def municipality_for(user, municipality_id: int, manage: bool = False) -> Municipality:
    municipality = db.session.get(Municipality, municipality_id) if valid_id(municipality_id) else None
    allowed = can_manage if manage else (
        lambda u, mid: u.is_admin or mid in u.municipality_ids(*INSTANCE_VIEWERS))
    if municipality is None or not allowed(user, municipality_id):
        raise NotFound()
    return municipality
