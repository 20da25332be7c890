"""Read models for the instance page: current and completed steps, open tasks, audit."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..extensions import db
from ..i18n import tr_sort_key
from ..models import AuditEvent, RoleAssignment, TaskRecord, User
from . import deadline_warnings

INCIDENT_ACTIONS = ("mail.failed", "timer.failed")


@dataclass
class InstanceView:
    open_tasks: list
    completed_tasks: list
    current_steps: list        # (bpmn_id, name, count)
    open_by_unit: dict         # unit name or "" -> tasks
    audit: list
    holders: dict              # task id -> names of the people who can act on it
    incidents: list            # audit rows that need someone's attention (failed mail, failed timer)
    deadline_warnings: list = field(default_factory=list)  # translated sentences (deadline_warnings.py)


def instance_view(instance) -> InstanceView:
    records = list(db.session.execute(
        db.select(TaskRecord).where(TaskRecord.instance_id == instance.id)
        .options(db.joinedload(TaskRecord.unit), db.joinedload(TaskRecord.completed_by))
        .order_by(TaskRecord.created_at)).unique().scalars())
    open_tasks = [t for t in records if t.state == "open"]
    completed = sorted((t for t in records if t.state == "completed"), key=lambda t: t.completed_at)
    steps: dict[str, list] = {}
    for t in open_tasks:
        steps.setdefault(t.bpmn_id, [t.name, 0])[1] += 1
    by_unit: dict[str, list] = {}
    for t in open_tasks:
        by_unit.setdefault(t.unit.name if t.unit else "", []).append(t)
    holders = _holders(instance.municipality_id, open_tasks)
    audit = list(db.session.execute(
        db.select(AuditEvent).where(AuditEvent.instance_id == instance.id)
        .options(db.joinedload(AuditEvent.actor))
        .order_by(AuditEvent.created_at.desc(), AuditEvent.id.desc()).limit(500)).scalars())
    return InstanceView(open_tasks=open_tasks, completed_tasks=completed,
                        current_steps=[(k, v[0], v[1]) for k, v in steps.items()],
                        open_by_unit=dict(sorted(by_unit.items(), key=lambda kv: tr_sort_key(kv[0]))),
                        audit=audit, holders=holders,
                        incidents=[e for e in audit if e.action in INCIDENT_ACTIONS],
                        deadline_warnings=deadline_warnings.instance_warnings(instance, open_tasks))


def _holders(municipality_id: int, open_tasks: list) -> dict:
    """Who holds each open task: its assignee, else everyone with the task's role (and unit)."""
    rows = db.session.execute(
        db.select(RoleAssignment.role, RoleAssignment.unit_id, User.full_name)
        .join(User, User.id == RoleAssignment.user_id)
        .where(RoleAssignment.municipality_id == municipality_id, User.active.is_(True))).all()
    names: dict[tuple, list] = {}
    for role, unit_id, name in rows:
        names.setdefault((role, unit_id), []).append(name)
        names.setdefault((role, None), []).append(name)
    return {t.id: ([t.assignee.full_name] if t.assignee else sorted(set(names.get((t.role, t.unit_id), []))))
            for t in open_tasks}
