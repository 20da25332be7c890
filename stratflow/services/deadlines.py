"""Due dates from the model's rules: the anchors of an instance and the tasks that move with them.

Anchors (stratflow/calendar/rules.py):
- election_date, mazbata_date: the municipality's record;
- legal_deadline: election day + 6 calendar months (5393 art. 41);
- target_council_meeting: the meeting date the clerk entered (process variable
  council_meeting_date), else the last regular meeting on or before the legal deadline by the
  council's rule (default recess month), else — no regular meeting left — the legal deadline;
- circular_date: the day the mayor approved the circular (its approval task's completion, Turkish
  time), once the process data says it was approved;
- nomination_deadline and the process anchors: ISO dates the forms wrote into the process data.
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


def schedule(municipality) -> calendar.Schedule:
    """The statutory schedule of the municipality (default recess month, no entered dates)."""
    return calendar.build_schedule(municipality.election_date, municipality.type,
                                   calendar.WEEKDAYS.index(municipality.council_weekday or "tuesday"))


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
            return iso_date(data.get("council_meeting_date")) or sched.target.date or sched.legal_deadline
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


def rule_due_date(instance, human, sched: calendar.Schedule | None = None) -> date | None:
    """The due date a ready task's rule gives (None without a rule or while its anchor is unknown).
    A rule that does not parse gives None: `definitions check` reports it before import."""
    text = human.properties.get(RULE_PROPERTY)
    if not text:
        return None
    try:
        rule = rules.parse(text)
    except rules.RuleError:
        return None
    return rules.evaluate(rule, {rule.anchor: anchor_value(instance, rule.anchor, human.data, sched)})


def move_open_tasks(instance, ready: dict, open_records: dict, actor) -> None:
    """Open tasks with a rule whose date changed (an anchor moved) get the new date; the
    move is audited. Completed tasks are never touched."""
    sched = None
    for task_id, record in open_records.items():
        human = ready.get(task_id)
        if human is None or record.state != "open" or not human.properties.get(RULE_PROPERTY):
            continue
        sched = sched or schedule(instance.municipality)
        due = rule_due_date(instance, human, sched)
        if due is None or due == record.due_date:
            continue
        audit.record("task.due_changed", actor, municipality_id=instance.municipality_id,
                     instance_id=instance.id, task_id=task_id, step=record.bpmn_id, name=record.name,
                     old=record.due_date.isoformat() if record.due_date else None, new=due.isoformat())
        record.due_date = due
