"""Reminder and escalation planning: which mail is due for which open task, to whom.

Planning is lazy and idempotent: every sweep asks, for each open task with a due date, which
reminder's time has come as of `now`, and writes its outbox rows under a unique key
("reminder:<task>:<user>:<kind>"), so a reminder is created once whatever the number of sweeps,
and reminders due while the scheduler was down go out on its first sweep after.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from flask import current_app

from ..calendar import add_working_days, working_days_between
from ..extensions import db
from ..models import ProcessInstance, RoleAssignment, TaskRecord, User
from . import outbox

LOCAL = ZoneInfo("Europe/Istanbul")
ESCALATION_ROLES = (("unit_manager",), ("coordinator",), ("deputy_mayor", "mayor"))


def reminder_day(now: datetime, hour: int) -> date:
    """The last local day whose reminder hour has passed at `now` (naive UTC)."""
    local = now.replace(tzinfo=UTC).astimezone(LOCAL)
    return local.date() if local.hour >= hour else local.date() - timedelta(days=1)


def due_at(day: date, hour: int) -> datetime:
    """Naive UTC time of `day`'s reminder hour."""
    return datetime.combine(day, time(hour), tzinfo=LOCAL).astimezone(UTC).replace(tzinfo=None)


@lru_cache(maxsize=4096)
def reminder_kind(due: date, day: date, before: tuple[int, ...] = (7, 3, 1), every: int = 2) -> str | None:
    """The latest reminder of the policy whose day is `day` or earlier: "before-N" (N working
    days before `due`), "due", or "overdue-N" (every `every` working days past it); None when
    none has come yet. Only the latest one counts: a missed earlier reminder is not sent late."""
    if day > due:
        late = working_days_between(due, day)
        if every > 0 and late >= every:
            return f"overdue-{late // every * every}"
        return "due"
    if day == due:
        return "due"
    latest = None
    for n in sorted(set(before), reverse=True):
        if add_working_days(due, -n) <= day:
            latest = f"before-{n}"
    return latest


def escalation_levels(due: date, day: date, thresholds: tuple[int, ...]) -> list[int]:
    """Escalation levels (1 = unit manager, 2 = coordinator, 3 = mayor) reached by `day`."""
    if day <= due:
        return []
    late = working_days_between(due, day)
    return [i + 1 for i, days in enumerate(thresholds[:len(ESCALATION_ROLES)]) if late >= days]


def actors(task: TaskRecord, cache: dict | None = None) -> list[User]:
    """The people who can act on the task: its assignee, or everyone holding its role (and unit)."""
    if task.assignee_id:
        user = db.session.get(User, task.assignee_id)
        return [user] if user is not None and user.active else []
    return _holders(task.municipality_id, (task.role or "coordinator",), task.unit_id, cache)


def escalation_recipients(task: TaskRecord, level: int, cache: dict | None = None) -> list[User]:
    unit_id = task.unit_id if level == 1 else None
    if level == 1 and unit_id is None:
        return []
    return _holders(task.municipality_id, ESCALATION_ROLES[level - 1], unit_id, cache)


def _holders(municipality_id: int, roles: tuple[str, ...], unit_id: int | None,
             cache: dict | None = None) -> list[User]:
    """Active holders of any of `roles` (for `unit_id`, when given); one query per sweep and key."""
    key = (municipality_id, roles, unit_id)
    if cache is not None and key in cache:
        return cache[key]
    ra = RoleAssignment
    query = (db.select(User).join(ra, ra.user_id == User.id)
             .where(ra.municipality_id == municipality_id, ra.role.in_(roles), User.active.is_(True))
             .order_by(User.id).distinct())
    if unit_id is not None:
        query = query.where(ra.unit_id == unit_id)
    holders = list(db.session.execute(query).scalars())
    if cache is not None:
        cache[key] = holders
    return holders


def open_tasks_with_due_dates() -> list[TaskRecord]:
    return list(db.session.execute(
        db.select(TaskRecord).join(TaskRecord.instance)
        .where(TaskRecord.state == "open", TaskRecord.due_date.isnot(None),
               ProcessInstance.status == "running")
        .options(db.joinedload(TaskRecord.municipality))).scalars())


def wanted(task: TaskRecord, day: date, config, cache: dict | None = None) -> list[tuple[str, User]]:
    """(kind, recipient) pairs due for the task on `day`."""
    kind = reminder_kind(task.due_date, day, tuple(config["REMINDER_DAYS"]), config["OVERDUE_EVERY"])
    levels = escalation_levels(task.due_date, day, tuple(config["ESCALATION_DAYS"]))
    if kind is None and not levels:
        return []
    task_actors = actors(task, cache)
    pairs = [(kind, user) for user in task_actors] if kind else []
    told = {u.id for u in task_actors}
    for level in levels:
        for user in escalation_recipients(task, level, cache):
            if user.id not in told:
                told.add(user.id)
                pairs.append((f"escalation-{level}", user))
    return pairs


def message_key(task_id: str, user_id: int, kind: str) -> str:
    return f"reminder:{task_id}:{user_id}:{kind}"


def plan_due(now: datetime) -> int:
    """Write the outbox rows of every reminder due as of `now`. Returns how many were created."""
    from ..mail.compose import reminder_message

    config = current_app.config
    day = reminder_day(now, config["REMINDER_HOUR"])
    cache: dict = {}
    candidates = [(task, kind, user) for task in open_tasks_with_due_dates()
                  for kind, user in wanted(task, day, config, cache)]
    have = outbox.existing_keys([message_key(t.id, u.id, k) for t, k, u in candidates])
    created = 0
    for task, kind, user in candidates:
        key = message_key(task.id, user.id, kind)
        if key in have:
            continue
        created += outbox.enqueue(key=key, kind=kind, recipient_id=user.id, task_id=task.id,
                                  instance_id=task.instance_id, municipality_id=task.municipality_id,
                                  next_attempt_at=now, created_at=now,
                                  **reminder_message(task, user, kind, day, now))
    return created
