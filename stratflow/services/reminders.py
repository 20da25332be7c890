"""Reminder and escalation planning: which mail is due for which open task, to whom.

Planning is lazy and idempotent: a sweep asks, for each open task with a due date, which
reminder's time has come as of `now`, and writes its outbox rows under a unique key
("reminder:<task>:<user>:<kind>"), so a reminder is created once whatever the number of sweeps,
and reminders due while the scheduler was down go out on its first sweep after.

The scheduler sweeps every 30 s, so a sweep must not cost O(all open tasks): each task keeps the
next reminder day on which a new reminder kind or escalation level can come up for it
(TaskRecord.remind_on, `next_reminder_day`), and a sweep reads only the open tasks whose day has
come (index ix_task_remind_on) or whose day is not computed yet (NULL: a new task; a due date,
assignee, policy, leave-day or role-holder change clears it — stratflow/models/task.py and
`recompute_later`). The first sweep of a process, or one after the configured policy changed,
looks at every open task once.

The policy of a task (stratflow/calendar/reminder_policy.py): the BPMN task's `reminderPolicy`
property over the municipality's setting over the application's configuration. Working days skip
the administrative-leave days (services/calendars.py, read once per sweep).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from flask import current_app

from ..calendar import add_working_days, working_days_between
from ..calendar.reminder_policy import PolicyError, ReminderPolicy, parse_policy
from ..extensions import db
from ..mail.compose import countdown_message, digest_message, message_id, recipient_locale
from ..models import DefinitionVersion, Municipality, OutboxMessage, ProcessInstance, RoleAssignment, TaskRecord, User
from ..models.task import open_tasks_of_municipalities
from . import calendars, mail_content, outbox, versions

LOCAL = ZoneInfo("Europe/Istanbul")
ESCALATION_ROLES = (("unit_manager",), ("coordinator",), ("deputy_mayor", "mayor"))
COUNTDOWN_ROLES = ("coordinator", "mayor")
BASIS_MARK = "Dayanak:"
POLICY_PROPERTY = "reminderPolicy"


def reminder_day(now: datetime, hour: int) -> date:
    """The last local day whose reminder hour has passed at `now` (naive UTC)."""
    local = now.replace(tzinfo=UTC).astimezone(LOCAL)
    return local.date() if local.hour >= hour else local.date() - timedelta(days=1)


def due_at(day: date, hour: int) -> datetime:
    """Naive UTC time of `day`'s reminder hour."""
    return datetime.combine(day, time(hour), tzinfo=LOCAL).astimezone(UTC).replace(tzinfo=None)


@lru_cache(maxsize=4096)
def reminder_kind(due: date, day: date, before: tuple[int, ...] = (7, 3, 1), every: int = 2,
                  on_due: bool = True, leave: frozenset[date] = frozenset()) -> str | None:
    """The latest reminder of the policy whose day is `day` or earlier: "before-N" (N working
    days before `due`), "due" (unless `on_due` is off), or "overdue-N" (every `every` working days
    past it); None when none has come yet. Only the latest one counts: a missed earlier reminder
    is not sent late. `leave`: administrative-leave days, no working days."""
    if day > due:
        late = working_days_between(due, day, leave)
        if every > 0 and late >= every:
            return f"overdue-{late // every * every}"
        return "due" if on_due else None
    if day == due:
        return "due" if on_due else None
    latest = None
    for n in sorted(set(before), reverse=True):
        if add_working_days(due, -n, leave) <= day:
            latest = f"before-{n}"
    return latest


def escalation_levels(due: date, day: date, thresholds: tuple[int, ...],
                      leave: frozenset[date] = frozenset()) -> list[int]:
    """Escalation levels (1 = unit manager, 2 = coordinator, 3 = mayor) reached by `day`."""
    if day <= due:
        return []
    late = _late(due, day, leave)
    return [i + 1 for i, days in enumerate(thresholds[:len(ESCALATION_ROLES)]) if late >= days]


@lru_cache(maxsize=8192)
def _late(due: date, day: date, leave: frozenset[date]) -> int:
    """Working days from `due` to `day` (remembered: a sweep asks it for thousands of tasks that
    share a handful of due dates)."""
    return working_days_between(due, day, leave)


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
    """Active holders of any of `roles` (for `unit_id`, when given). Within a sweep they come from
    the index `preload_holders` built with one query; otherwise one query per call."""
    index = cache.get(HOLDER_INDEX) if cache is not None else None
    if index is not None and municipality_id in index["municipalities"]:
        found: dict[int, User] = {}
        for role in roles:
            for user in index["by_key"].get((municipality_id, role, unit_id), ()):
                found[user.id] = user
        return sorted(found.values(), key=lambda u: u.id)
    ra = RoleAssignment
    query = (db.select(User).join(ra, ra.user_id == User.id)
             .where(ra.municipality_id == municipality_id, ra.role.in_(roles), User.active.is_(True))
             .order_by(User.id).distinct())
    if unit_id is not None:
        query = query.where(ra.unit_id == unit_id)
    return list(db.session.execute(query).scalars())


HOLDER_INDEX, CALENDARS = "holder-index", "calendars"


def preload_holders(municipality_ids: set[int], cache: dict) -> None:
    """Every active role holder of these municipalities with one query, indexed by (municipality,
    role, unit) and (municipality, role, None) = any unit, as `_holders` looks them up."""
    ra = RoleAssignment
    by_key: dict[tuple, list[Holder]] = {}
    people: dict[int, Holder] = {}
    ids = sorted(municipality_ids)
    for start in range(0, len(ids), 500):
        rows = db.session.execute(
            db.select(ra.municipality_id, ra.role, ra.unit_id, User.id, User.email, User.full_name, User.locale,
                      User.mail_digest).join(User, ra.user_id == User.id)
            .where(ra.municipality_id.in_(ids[start:start + 500]), User.active.is_(True))).all()
        for municipality_id, role, unit_id, *person in rows:
            user = people.setdefault(person[0], Holder(*person))
            by_key.setdefault((municipality_id, role, None), []).append(user)
            if unit_id is not None:
                by_key.setdefault((municipality_id, role, unit_id), []).append(user)
    cache[HOLDER_INDEX] = {"municipalities": set(ids), "by_key": by_key}


@dataclass(frozen=True, slots=True)
class Holder:
    """An active role holder as the sweep needs them (plain values; see preload_holders)."""
    id: int
    email: str
    full_name: str
    locale: str
    mail_digest: bool
    active: bool = True


@dataclass(slots=True)
class SweepTask:
    """What the sweep needs of an open task (plain values: a sweep reads tens of thousands), with
    its municipality and instance objects shared between the tasks of one."""
    id: str
    instance_id: int
    municipality_id: int
    bpmn_id: str
    name: str
    role: str | None
    unit_id: int | None
    assignee_id: int | None
    due_date: date
    municipality: object
    instance: object


def open_tasks_with_due_dates(day: date | None = None) -> list[SweepTask]:
    """Open tasks with a due date of running instances; with `day`, only those whose next
    reminder day (remind_on) is `day` or earlier, or not computed yet. Three queries: the task
    rows, then their instances (with versions) and municipalities once each."""
    t = TaskRecord
    query = (db.select(t.id, t.instance_id, t.municipality_id, t.bpmn_id, t.name, t.role, t.unit_id,
                       t.assignee_id, t.due_date)
             .join(ProcessInstance, ProcessInstance.id == t.instance_id)
             .where(t.state == "open", t.due_date.isnot(None), ProcessInstance.status == "running"))
    if day is not None:
        query = query.where(db.or_(t.remind_on.is_(None), t.remind_on <= day))
    rows = db.session.execute(query).all()
    instances = _by_id(ProcessInstance, {r.instance_id for r in rows},
                       db.joinedload(ProcessInstance.version).load_only(DefinitionVersion.id,
                                                                       DefinitionVersion.content_hash))
    towns = _by_id(Municipality, {r.municipality_id for r in rows})
    return [SweepTask(*row, municipality=towns[row.municipality_id], instance=instances[row.instance_id])
            for row in rows]


def _by_id(model, ids: set, *options) -> dict:
    found, ordered = {}, sorted(ids)
    for start in range(0, len(ordered), 500):
        found.update((obj.id, obj) for obj in db.session.execute(
            db.select(model).where(model.id.in_(ordered[start:start + 500])).options(*options)).scalars())
    return found


NEVER = date(9999, 12, 31)  # remind_on of a task for which no new reminder can come up any more


def next_reminder_day(due: date, day: date, policy: ReminderPolicy, leave: frozenset[date] = frozenset()) -> date:
    """The first reminder day after `day` on which the task's reminder kind or escalation levels
    (`reminder_kind`, `escalation_levels`) can differ from those of `day`; NEVER when none can.
    Never later than the true next change (tests compare it with a day-by-day walk)."""
    return _next_change(due, day, policy.before, policy.overdue_every, policy.on_due, policy.escalation, leave)


@lru_cache(maxsize=8192)
def _next_change(due: date, day: date, before: tuple[int, ...], every: int, on_due: bool,
                 escalation: tuple[int, ...], leave: frozenset[date]) -> date:
    candidates = []
    if day < due:
        candidates += [add_working_days(due, -n, leave) for n in before]  # "before-N" starts
        candidates.append(due)  # "due", or no reminder on the due day
    late = working_days_between(due, day, leave) if day > due else 0
    if every > 0:  # the next "overdue-N"
        candidates.append(add_working_days(due, (late // every + 1) * every, leave))
    for days in escalation[:len(ESCALATION_ROLES)]:  # escalation levels not reached yet
        if days > late or day <= due:  # (0 days: reached the day after the due date)
            candidates.append(add_working_days(due, days, leave) if days > 0 else due + timedelta(days=1))
    later = [c for c in candidates if c > day]
    return min(later) if later else NEVER


def recompute_later(municipality_id: int | None = None) -> None:
    """The next sweep looks at every open task (of one municipality) again: their policy, their
    calendar or their people changed."""
    db.session.execute(open_tasks_of_municipalities(None if municipality_id is None else [municipality_id]))


_seen_policy: dict[str, tuple] = {}  # per database: the configured policy the last full sweep used
_seen_lock = threading.Lock()


def _configured_policy(config) -> tuple:
    return calendars.default_policy(config), config["REMINDER_HOUR"]


def _full_sweep_needed(config) -> bool:
    """True on the first sweep of this process for a database, and when the configured policy
    changed (remind_on was computed under another one)."""
    key, policy = str(db.engine.url), _configured_policy(config)
    with _seen_lock:
        if _seen_policy.get(key) == policy:
            return False
        _seen_policy[key] = policy
        return True


def municipality_calendar(municipality, config, cache: dict | None = None) -> tuple[ReminderPolicy, frozenset[date]]:
    """The municipality's reminder policy and its leave days (once per sweep and municipality)."""
    key = ("calendar", municipality.id)
    if cache is not None and key in cache:
        return cache[key]
    known = cache.get(CALENDARS) if cache is not None else None
    cal = known[municipality.id] if known and municipality.id in known else calendars.of(municipality)
    found = (cal.settings.reminder_policy(config), cal.leave_days)
    if cache is not None:
        cache[key] = found
    return found


def task_policy_overrides(task: TaskRecord) -> dict:
    """The BPMN task's `reminderPolicy` overrides ({} without one; a bad one, which `definitions
    check` refuses at import, is ignored)."""
    text = (versions.of_instance(task.instance).facts.get(task.bpmn_id) or {}).get("properties", {}).get(
        POLICY_PROPERTY)
    if not text:
        return {}
    try:
        return parse_policy(text)
    except PolicyError:
        return {}


def task_policy(task: TaskRecord, config, cache: dict | None = None) -> tuple[ReminderPolicy, frozenset[date]]:
    policy, leave = municipality_calendar(task.municipality, config, cache)
    key = ("task-policy", task.instance_id, task.bpmn_id)
    if cache is not None and key in cache:
        overrides = cache[key]
    else:
        overrides = task_policy_overrides(task)
        if cache is not None:
            cache[key] = overrides
    return (policy.override(overrides) if overrides else policy), leave


def wanted(task: TaskRecord, day: date, config, cache: dict | None = None) -> list[tuple[str, User]]:
    """(kind, recipient) pairs due for the task on `day`."""
    policy, leave = task_policy(task, config, cache)
    kind = reminder_kind(task.due_date, day, policy.before, policy.overdue_every, policy.on_due, leave)
    levels = escalation_levels(task.due_date, day, policy.escalation, leave)
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
    """Write the outbox rows of every reminder and countdown mail due as of `now`.
    Returns how many were created."""
    config = current_app.config
    day = reminder_day(now, config["REMINDER_HOUR"])
    return _plan_task_reminders(now, day, config) + plan_countdowns(now, day, config) + plan_digests(now, day)


def initial_state(user: User) -> str:
    """A digest reader's reminders wait for the day's digest instead of going out one by one."""
    return "digest" if user.mail_digest else "pending"


def _plan_task_reminders(now: datetime, day: date, config) -> int:
    cache: dict = {}
    open_tasks = open_tasks_with_due_dates(None if _full_sweep_needed(config) else day)
    if not open_tasks:
        return 0
    preload_holders({t.municipality_id for t in open_tasks}, cache)
    cache[CALENDARS] = calendars.of_many(list({t.municipality_id: t.municipality for t in open_tasks}.values()))
    candidates = []
    next_days: dict[date, list[TaskRecord]] = {}
    for task in open_tasks:
        candidates += [(task, kind, user) for kind, user in wanted(task, day, config, cache)]
        next_days.setdefault(next_reminder_day(task.due_date, day, *task_policy(task, config, cache)), []).append(task)
    have = outbox.existing_keys([message_key(t.id, u.id, k) for t, k, u in candidates])
    created, rows = 0, []
    bases: dict[str, str | None] = {}
    for task, kind, user in candidates:
        key = message_key(task.id, user.id, kind)
        if key in have:
            continue
        if task.id not in bases:
            bases[task.id] = legal_basis(versions.of_instance(task.instance).instructions(task.bpmn_id))
        # What to say, not yet said: the text is composed when the mail is sent (mail_content.py).
        rows.append(dict(key=key, kind=kind, recipient_id=user.id, task_id=task.id,
                         instance_id=task.instance_id, municipality_id=task.municipality_id,
                         next_attempt_at=now, created_at=now, state=initial_state(user),
                         to_address=user.email, to_name=user.full_name, locale=recipient_locale(user),
                         message_id=message_id(task.id, user.id, kind),
                         compose=mail_content.what_to_say(day, now, bases[task.id])))
        if len(rows) == INSERT_BATCH:
            created += _enqueue_many(rows)
            rows = []
    created += _enqueue_many(rows)
    _store_next_days(next_days)
    return created


INSERT_BATCH = 1000


def _enqueue_many(rows: list[dict]) -> int:
    """`outbox.enqueue` for many rows of the same columns: one INSERT … ON CONFLICT DO NOTHING
    statement compiled once and run for them all (a row whose key exists is left out). Returns
    how many were written."""
    if not rows:
        return 0
    from sqlalchemy.dialects import postgresql, sqlite
    dialect = postgresql if db.session.get_bind().dialect.name == "postgresql" else sqlite
    table = OutboxMessage.__table__
    statement = (dialect.insert(table).on_conflict_do_nothing(index_elements=["key"])
                 .returning(table.c.id))
    rows = [{"attempts": 0, "captured": False, **row} for row in rows]
    if dialect is postgresql:
        return _enqueue_many_postgresql(table, rows)
    return len(db.session.execute(statement, rows).all())


def _enqueue_many_postgresql(table, rows: list[dict]) -> int:
    """The same on PostgreSQL with the rows as ONE parameter (jsonb_to_recordset): a statement of
    thousands of placeholders costs the driver more to parse than the server to run."""
    import json

    from sqlalchemy.dialects import postgresql
    columns = list(rows[0])
    dialect = postgresql.dialect()
    shape = ", ".join(f'"{c}" {table.c[c].type.compile(dialect=dialect)}' for c in columns)
    names = ", ".join(f'"{c}"' for c in columns)
    statement = db.text(f'INSERT INTO {table.name} ({names}) SELECT {names} FROM '  # noqa: S608 — our columns
                        f"jsonb_to_recordset(CAST(:rows AS jsonb)) AS r({shape}) "
                        "ON CONFLICT (key) DO NOTHING RETURNING id")
    payload = json.dumps(rows, default=lambda v: v.isoformat())
    return len(db.session.execute(statement, {"rows": payload}).all())


def _store_next_days(next_days: dict[date, list]) -> None:
    """remind_on of the swept tasks: on PostgreSQL one UPDATE with the pairs as one parameter, on
    SQLite one per day and 500 tasks (the session's task objects, if it holds any, are told the new
    value without reloading)."""
    from sqlalchemy.orm.attributes import set_committed_value
    table = TaskRecord.__table__
    if db.session.get_bind().dialect.name == "postgresql":  # one statement, the pairs as one parameter
        import json
        pairs = [{"id": r.id, "day": d.isoformat()} for d, records in next_days.items() for r in records]
        if pairs:
            db.session.execute(db.text(
                "UPDATE task SET remind_on = r.day FROM jsonb_to_recordset(CAST(:pairs AS jsonb)) "
                "AS r(id varchar, day date) WHERE task.id = r.id"), {"pairs": json.dumps(pairs)})
    else:
        for next_day, records in next_days.items():
            for start in range(0, len(records), 500):
                chunk = records[start:start + 500]
                db.session.execute(db.update(table).where(table.c.id.in_([r.id for r in chunk]))
                                   .values(remind_on=next_day))
    key = db.inspect(TaskRecord).identity_key_from_primary_key
    for next_day, records in next_days.items():
        for record in records:
            held = db.session.identity_map.get(key((record.id,)))
            if held is not None:
                set_committed_value(held, "remind_on", next_day)


def legal_basis(instructions: str | None) -> str | None:
    """The legal basis a step's instructions name: the text after "Dayanak:" (the instructions'
    last sentence by convention), without its final full stop."""
    if not instructions or BASIS_MARK not in instructions:
        return None
    basis = instructions.split(BASIS_MARK, 1)[1].strip().splitlines()[0].strip()
    return basis.rstrip(".").strip() or None


def countdown_threshold(deadline: date, day: date, thresholds: tuple[int, ...]) -> int | None:
    """The countdown mail whose day has come: the smallest of `thresholds` (days before the
    legal deadline) reached by `day`; None before the first and after the deadline. As with
    reminders, only the latest one counts: a missed earlier countdown is not sent late."""
    left = (deadline - day).days
    reached = [n for n in thresholds if 0 <= left <= n]
    return min(reached) if reached else None


def countdown_instances() -> list[ProcessInstance]:
    """Running instances whose model declares where the statutory countdown stops (the council
    decision: `countdownStop`) and that have not got there yet."""
    running = list(db.session.execute(
        db.select(ProcessInstance).where(ProcessInstance.status == "running")
        .options(db.joinedload(ProcessInstance.municipality), db.joinedload(ProcessInstance.version))).scalars())
    stops = {i.id: versions.of_instance(i).meaning.countdown_stops for i in running}
    counting = [i for i in running if stops[i.id]]
    if not counting:
        return []
    stop_ids = sorted(set().union(*(stops[i.id] for i in counting)))
    stopped = {(iid, bpmn_id) for iid, bpmn_id in db.session.execute(
        db.select(TaskRecord.instance_id, TaskRecord.bpmn_id)
        .where(TaskRecord.state == "completed", TaskRecord.bpmn_id.in_(stop_ids),
               TaskRecord.instance_id.in_([i.id for i in counting])))}
    return [i for i in counting if not any((i.id, b) in stopped for b in stops[i.id])]


def countdown_key(instance_id: int, user_id: int, days: int) -> str:
    return f"countdown:{instance_id}:{user_id}:{days}"


def plan_countdowns(now: datetime, day: date, config) -> int:
    """Countdown mails to the legal deadline for the coordinators and the mayor, once per
    (instance, recipient, threshold). A fixed number of queries whatever the number of instances:
    schedules and settings for all municipalities at once; instances before their first threshold
    cost nothing more."""
    instances = countdown_instances()
    if not instances:
        return 0
    cals = calendars.of_many(list({i.municipality_id: i.municipality for i in instances}.values()))
    due: list[tuple[ProcessInstance, date, int]] = []
    for instance in instances:
        cal = cals[instance.municipality_id]
        deadline = cal.schedule.legal_deadline
        threshold = countdown_threshold(deadline, day, cal.settings.countdown(config))
        if threshold is not None:
            due.append((instance, deadline, threshold))
    if not due:
        return 0
    cache: dict = {}
    preload_holders({i.municipality_id for i, _d, _t in due}, cache)
    planned = [(instance, deadline, threshold, user) for instance, deadline, threshold in due
               for user in _holders(instance.municipality_id, COUNTDOWN_ROLES, None, cache)]
    have = outbox.existing_keys([countdown_key(i.id, u.id, t) for i, _d, t, u in planned])
    created = 0
    for instance, deadline, threshold, user in planned:
        key = countdown_key(instance.id, user.id, threshold)
        if key in have:
            continue
        created += outbox.enqueue(key=key, kind=f"countdown-{threshold}", recipient_id=user.id,
                                  instance_id=instance.id, municipality_id=instance.municipality_id,
                                  next_attempt_at=now, created_at=now, state=initial_state(user),
                                  **countdown_message(instance, user, deadline, (deadline - day).days,
                                                      threshold, now))
    return created


def digest_key(user_id: int, day: date) -> str:
    return f"digest:{user_id}:{day.isoformat()}"


def plan_digests(now: datetime, day: date) -> int:
    """One digest mail per reader and day, collecting the reminders waiting for it (state
    "digest"; they become "digested"). What comes after the day's digest waits for the next."""
    waiting = list(db.session.execute(
        db.select(OutboxMessage).where(OutboxMessage.state == "digest", OutboxMessage.created_at <= now)
        .order_by(OutboxMessage.recipient_id, OutboxMessage.created_at, OutboxMessage.id)).scalars())
    by_user: dict[int, list[OutboxMessage]] = {}
    for row in waiting:
        by_user.setdefault(row.recipient_id, []).append(row)
    created, cache = 0, {}
    for user_id, rows in by_user.items():
        for row in rows:  # the digest lists their subjects: what the sweep planned is said now
            mail_content.complete(row, cache)
        user = db.session.get(User, user_id) if user_id is not None else None
        if user is None or not user.active:
            _set_state(rows, "cancelled", now)
            continue
        key = digest_key(user.id, day)
        if outbox.enqueue(key=key, kind="digest", recipient_id=user.id, municipality_id=rows[0].municipality_id,
                          next_attempt_at=now, created_at=now, **digest_message(user, rows, day, key)):
            _set_state(rows, "digested", now)
            created += 1
    return created


def _set_state(rows: list[OutboxMessage], state: str, now: datetime) -> None:
    for row in rows:
        row.state, row.sent_at = state, now if state == "digested" else None
    db.session.flush()
