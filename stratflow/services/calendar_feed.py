"""Calendar feeds (iCalendar, RFC 5545) for calendar apps: all-day events with stable UIDs, so
that a re-fetched feed updates the same events (a moved due date moves the event).

- one per municipality: the legal deadline, the regular council meetings from the election to the
  deadline, the target meeting, and the due date of every open step of its running processes
  (one event per step: the unit tasks of a step share their date);
- one per person: the due dates of the open tasks they can act on.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from flask_babel import gettext as _
from icalendar import Calendar, Event

from ..extensions import db
from ..models import ProcessInstance, TaskRecord
from . import access, calendars

PRODID = "-//stratflow//Stratejik Plan//TR"


def municipality_feed(municipality) -> bytes:
    sched = calendars.of(municipality).schedule
    cal = _calendar(_("%(name)s — stratejik plan takvimi", name=municipality.name))
    mid = municipality.id
    cal.add_component(_event(f"deadline-{mid}@stratflow", sched.legal_deadline,
                             _("Yasal süre sonu: stratejik planın Meclise sunulması (%(name)s)",
                               name=municipality.name)))
    for meeting in sched.meetings:
        cal.add_component(_event(f"council-{mid}-{meeting.month:%Y-%m}@stratflow", meeting.date,
                                 _("Meclis toplantısı (%(name)s)", name=municipality.name)))
    if sched.target.date:
        cal.add_component(_event(f"target-{mid}@stratflow", sched.target.date,
                                 _("Hedef meclis toplantısı: stratejik planın görüşülmesi (%(name)s)",
                                   name=municipality.name)))
    for (instance_id, bpmn_id), (name, due) in sorted(_open_steps(mid).items()):
        cal.add_component(_event(f"step-{instance_id}-{bpmn_id}@stratflow", due,
                                 _("Son tarih: %(step)s (%(name)s)", step=name, name=municipality.name)))
    return cal.to_ical()


def personal_feed(user) -> bytes:
    cal = _calendar(_("%(name)s — görevlerim", name=user.full_name))
    for task in access.inbox(user, limit=1000):
        if task.due_date is None:
            continue
        summary = _("Son tarih: %(step)s (%(name)s)", step=task.name, name=task.municipality.name)
        cal.add_component(_event(f"task-{task.id}@stratflow", task.due_date, summary))
    return cal.to_ical()


def _open_steps(municipality_id: int) -> dict[tuple[int, str], tuple[str, date]]:
    """(instance id, step) → (step name, earliest due date) of the open tasks of running processes."""
    rows = db.session.execute(
        db.select(TaskRecord.instance_id, TaskRecord.bpmn_id, TaskRecord.name, TaskRecord.due_date)
        .join(ProcessInstance, ProcessInstance.id == TaskRecord.instance_id)
        .where(TaskRecord.municipality_id == municipality_id, TaskRecord.state == "open",
               TaskRecord.due_date.isnot(None), ProcessInstance.status == "running")).all()
    found: dict[tuple[int, str], tuple[str, date]] = {}
    for instance_id, bpmn_id, name, due in rows:
        key = (instance_id, bpmn_id)
        if key not in found or due < found[key][1]:
            found[key] = (name, due)
    return found


def _calendar(name: str) -> Calendar:
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", name)
    return cal


def _event(uid: str, day: date, summary: str) -> Event:
    event = Event()
    event.add("uid", uid)
    event.add("dtstamp", datetime.now(UTC).replace(microsecond=0))
    event.add("dtstart", day)
    event.add("dtend", day + timedelta(days=1))
    event.add("summary", summary)
    event.add("transp", "TRANSPARENT")
    return event
