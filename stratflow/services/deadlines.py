"""Due dates from the model's rules: the anchors of an instance and the tasks that move with them.

Anchors (stratflow/calendar/rules.py):
- election_date, mazbata_date: the municipality's record;
- legal_deadline: election day + 6 calendar months (5393 art. 41);
- target_council_meeting: the meeting date the clerk entered in the process (process variable
  council_meeting_date; an actual date entered later for that month on the council-meetings page
  wins over it), else the last regular meeting on or before the legal deadline by the council's
  rule, the municipality's recess month and the actual dates entered, else — no regular meeting
  left — the legal deadline;
- circular_date: the day the mayor approved the circular (its approval task's completion, Turkish
  time), once the process data says it was approved;
- nomination_deadline and the process anchors: ISO dates the forms wrote into the process data.

`schedule(municipality)` is the one place that reads the municipality's calendar settings (recess
month, actual council meeting dates) and the administrative-leave days; working-day offsets use
the leave days of that schedule. A municipality's phase-target setting replaces a task's
`dueDateRule` (see services/settings.py). When an anchor changes outside a transition,
`refresh_open_tasks` moves the open tasks of the municipality's running instances at once.
"""

from __future__ import annotations

from datetime import date, timedelta

from .. import calendar
from ..calendar import rules
from ..extensions import db
from ..models import TaskRecord
from . import audit

RULE_PROPERTY = "dueDateRule"
TURKEY_OFFSET = timedelta(hours=3)


def iso_date(value) -> date | None:
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value[:10])
        except ValueError:
            return None
    return None


def schedule(municipality, current=None) -> calendar.Schedule:
    """The statutory schedule of the municipality: its recess month, the council meeting dates
    entered for it and the administrative-leave days. `current`: its settings when the caller
    has read them (settings.current)."""
    from . import settings  # settings refreshes due dates through this module: import lazily
    current = current or settings.current(municipality)
    return calendar.build_schedule(municipality.election_date, municipality.type,
                                   calendar.WEEKDAYS.index(municipality.council_weekday or "tuesday"),
                                   current.recess_month,
                                   settings.entered_meetings(municipality), settings.leave_days())


def instance_anchors(instance, data: dict, sched: calendar.Schedule | None = None) -> dict[str, date | None]:
    """Every anchor's value for this instance and the process data of one task."""
    return {name: anchor_value(instance, name, data, sched) for name in rules.ANCHORS}


def anchor_value(instance, name: str, data: dict, sched: calendar.Schedule | None = None) -> date | None:
    """One anchor's value (computed alone: a rule needs only its own anchor)."""
    municipality = instance.municipality
    if name == "election_date":
        return municipality.election_date
    if name == "mazbata_date":
        return municipality.mazbata_date
    if name == "circular_date":
        return _circular_date(instance, data)
    if name in ("legal_deadline", "target_council_meeting"):
        sched = sched or schedule(municipality)
        if name == "target_council_meeting":
            entered = iso_date(data.get("council_meeting_date"))
            if entered is not None:  # an actual date entered later for that month wins
                return sched.entered_dates.get(entered.replace(day=1)) or entered
            return sched.target.date or sched.legal_deadline
        return sched.legal_deadline
    return iso_date(data.get(name))


def _circular_date(instance, data: dict) -> date | None:
    if data.get("circular_decision") != "approve":
        return None
    completed = db.session.execute(
        db.select(TaskRecord.completed_at)
        .where(TaskRecord.instance_id == instance.id, TaskRecord.bpmn_id == "circular_approval",
               TaskRecord.state == "completed")
        .order_by(TaskRecord.completed_at.desc()).limit(1)).scalar_one_or_none()
    return (completed + TURKEY_OFFSET).date() if completed else None


def task_rule(instance, human) -> str | None:
    """The due-date rule of a ready task: the municipality's phase-target setting for its step,
    else the model's `dueDateRule` property."""
    from . import settings
    return settings.current(instance.municipality).due_rules.get(human.bpmn_id) or \
        human.properties.get(RULE_PROPERTY)


def rule_due_date(instance, human, sched: calendar.Schedule | None = None) -> date | None:
    """The due date a ready task's rule gives (None without a rule or while its anchor is unknown).
    A rule that does not parse gives None: `definitions check` reports it before import."""
    return evaluate_rule(instance, task_rule(instance, human), human.data, sched)


def evaluate_rule(instance, text: str | None, data: dict, sched: calendar.Schedule | None = None) -> date | None:
    """The date a rule's text gives for this instance and process data (None: no rule, a rule that
    does not parse, or an anchor without a value yet)."""
    if not text:
        return None
    try:
        rule = rules.parse(text)
    except rules.RuleError:
        return None
    sched = sched or schedule(instance.municipality)
    return rules.evaluate(rule, {rule.anchor: anchor_value(instance, rule.anchor, data, sched)},
                          sched.leave_days)


def move_open_tasks(instance, ready: dict, open_records: dict, actor) -> int:
    """Open tasks with a rule whose date changed (an anchor moved) get the new date; the
    move is audited. Completed tasks are never touched. Returns how many moved."""
    sched = None
    moved = 0
    for task_id, record in open_records.items():
        human = ready.get(task_id)
        if human is None or record.state != "open" or not task_rule(instance, human):
            continue
        sched = sched or schedule(instance.municipality)
        due = rule_due_date(instance, human, sched)
        if due is None or due == record.due_date:
            continue
        audit.record("task.due_changed", actor, municipality_id=instance.municipality_id,
                     instance_id=instance.id, task_id=task_id, step=record.bpmn_id, name=record.name,
                     old=record.due_date.isoformat() if record.due_date else None, new=due.isoformat())
        record.due_date = due
        moved += 1
    return moved


def refresh_open_tasks(municipality, actor) -> int:
    """An anchor changed outside a transition (the municipality's dates, a council meeting, a
    setting, the leave days): the open tasks of its running instances get their new due dates
    now, audited as task.due_changed. Returns how many moved."""
    from ..models import ProcessInstance
    from .instances import load, lock  # instances imports this module: import lazily

    ids = db.session.execute(
        db.select(ProcessInstance.id).where(ProcessInstance.municipality_id == municipality.id,
                                            ProcessInstance.status.in_(("running", "suspended")))
        .order_by(ProcessInstance.id)).scalars().all()
    moved = 0
    for instance_id in ids:
        instance = lock(instance_id)
        open_records = {t.id: t for t in db.session.execute(
            db.select(TaskRecord).where(TaskRecord.instance_id == instance.id, TaskRecord.state == "open")).scalars()}
        if not open_records:
            continue
        ready = {t.id: t for t in load(instance).ready_human_tasks()}
        moved += move_open_tasks(instance, ready, open_records, actor)
    db.session.flush()
    return moved
