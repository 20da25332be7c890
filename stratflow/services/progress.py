"""Read models for the instance page: current and completed steps, open tasks, audit, and who
holds each open task (by task, and turned around: by person)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from ..extensions import db
from ..i18n import tr_sort_key
from ..models import AuditEvent, RoleAssignment, TaskRecord, User
from . import deadline_warnings

INCIDENT_ACTIONS = ("mail.failed", "timer.failed", "document.failed")
LOCAL = ZoneInfo("Europe/Istanbul")


def local_today() -> date:
    """Today in Turkey (users' and statutes' calendar day)."""
    return datetime.now(UTC).astimezone(LOCAL).date()


def local_day(moment: datetime) -> date:
    """The Turkish calendar day of a naive UTC database timestamp."""
    return moment.replace(tzinfo=UTC).astimezone(LOCAL).date()


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


@dataclass
class PersonTasks:
    """One person's open tasks of the instance (user None: tasks nobody can act on)."""
    user_id: int | None
    name: str
    tasks: list
    overdue: int = 0


def task_records(instance_id: int) -> list[TaskRecord]:
    """Every task record of the instance in creation order, with what the page shows of them."""
    return list(db.session.execute(
        db.select(TaskRecord).where(TaskRecord.instance_id == instance_id)
        .options(db.joinedload(TaskRecord.unit), db.joinedload(TaskRecord.completed_by),
                 db.joinedload(TaskRecord.assignee))
        .order_by(TaskRecord.created_at, TaskRecord.id)).unique().scalars())


def instance_view(instance, records: list[TaskRecord] | None = None, data: dict | None = None,
                  audit: list | None = None, sched=None, holders: dict | None = None) -> InstanceView:
    """The instance's steps, holders, audit and incidents; with its process `data` and schedule,
    also its deadline warnings (the instance page; the API leaves them out)."""
    records = task_records(instance.id) if records is None else records
    open_tasks = [t for t in records if t.state == "open"]
    completed = sorted((t for t in records if t.state == "completed"), key=lambda t: t.completed_at)
    steps: dict[str, list] = {}
    for t in open_tasks:
        steps.setdefault(t.bpmn_id, [t.name, 0])[1] += 1
    by_unit: dict[str, list] = {}
    for t in open_tasks:
        by_unit.setdefault(t.unit.name if t.unit else "", []).append(t)
    holders = _holders(instance.municipality_id, open_tasks) if holders is None else holders
    if audit is None:
        audit = list(db.session.execute(
            db.select(AuditEvent).where(AuditEvent.instance_id == instance.id)
            .options(db.joinedload(AuditEvent.actor))
            .order_by(AuditEvent.created_at.desc(), AuditEvent.id.desc()).limit(500)).scalars())
    return InstanceView(open_tasks=open_tasks, completed_tasks=completed,
                        current_steps=[(k, v[0], v[1]) for k, v in steps.items()],
                        open_by_unit=dict(sorted(by_unit.items(), key=lambda kv: tr_sort_key(kv[0]))),
                        audit=audit, holders=holders,
                        incidents=incidents(instance.id),
                        deadline_warnings=deadline_warnings.instance_warnings(open_tasks, data, sched)
                        if data is not None and sched is not None else [])


def incidents(instance_id: int, limit: int = 100) -> list[AuditEvent]:
    return list(db.session.execute(
        db.select(AuditEvent).where(AuditEvent.instance_id == instance_id,
                                    AuditEvent.action.in_(INCIDENT_ACTIONS))
        .order_by(AuditEvent.created_at.desc(), AuditEvent.id.desc()).limit(limit)).scalars())


def holder_people(municipality_id: int, open_tasks: list) -> dict[str, list[tuple[int, str]]]:
    """Who holds each open task, as (user id, name): its assignee, else every active person with
    the task's role (for the task's unit, when it has one). One query for all tasks."""
    rows = db.session.execute(
        db.select(RoleAssignment.role, RoleAssignment.unit_id, User.id, User.full_name)
        .join(User, User.id == RoleAssignment.user_id)
        .where(RoleAssignment.municipality_id == municipality_id, User.active.is_(True))).all()
    people: dict[tuple, dict] = {}
    for role, unit_id, user_id, name in rows:
        people.setdefault((role, unit_id), {})[user_id] = name
        people.setdefault((role, None), {})[user_id] = name
    found = {}
    for t in open_tasks:
        if t.assignee:
            found[t.id] = [(t.assignee.id, t.assignee.full_name)]
        else:
            found[t.id] = sorted(people.get((t.role, t.unit_id), {}).items(), key=lambda p: tr_sort_key(p[1]))
    return found


def _holders(municipality_id: int, open_tasks: list) -> dict:
    """Task id -> names of the people who hold it (see holder_people)."""
    return {task_id: [name for _id, name in people]
            for task_id, people in holder_people(municipality_id, open_tasks).items()}


holders = _holders


def open_by_person(open_tasks: list, people: dict, today: date) -> list[PersonTasks]:
    """Each person with the open tasks they hold (a task held by a role counts for every holder),
    most overdue first then by name; tasks nobody holds come last under user None."""
    persons: dict[int | None, PersonTasks] = {}
    for t in open_tasks:
        for user_id, name in people.get(t.id) or [(None, "")]:
            entry = persons.setdefault(user_id, PersonTasks(user_id, name, []))
            entry.tasks.append(t)
            entry.overdue += bool(t.due_date and t.due_date < today)
    for entry in persons.values():
        entry.tasks.sort(key=lambda t: (t.due_date is None, t.due_date or today, tr_sort_key(t.name)))
    return sorted(persons.values(), key=lambda p: (p.user_id is None, -p.overdue, tr_sort_key(p.name)))
