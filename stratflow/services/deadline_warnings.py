"""Deadline warnings on the instance page: flagged, never blocking.

- the target meeting's own warnings (deadline month in recess, its meeting after the deadline, no
  regular meeting left in time → the extraordinary route) from stratflow/calendar;
- a council meeting date the clerk entered that lies after the legal deadline;
- an open step due after the legal deadline, until the plan is adopted (the steps after the council
  decision — sending it to the governor, publication — are due after it by nature);
- a plan adopted after the legal deadline (from the council decision in the process data);
- until the plan is adopted, the schedule's notes on the election (a re-run held after the deadline
  its general election gives), a recess month that hurts the cycle (the deadline month, April) and
  a regular meeting a holiday moved past the deadline.
"""

from __future__ import annotations

from flask_babel import get_locale
from flask_babel import gettext as _

from .. import calendar
from . import ServiceError, deadlines, versions

_SCHEDULE_NOTES = {calendar.notices.RERUN_AFTER_DEADLINE, calendar.notices.RECESS_IN_DEADLINE_MONTH,
                   calendar.notices.RECESS_IN_APRIL, calendar.notices.MEETING_AFTER_DEADLINE}


def instance_warnings(open_tasks, data: dict, sched: calendar.Schedule) -> list[str]:
    """Translated warning sentences for the instance, most important first (`data`: its process
    variables, `sched`: its municipality's schedule)."""
    deadline = sched.legal_deadline
    found = []
    adopted = deadlines.iso_date(data.get("council_decision_date")) if data.get("council_outcome") == "adopted" \
        else None
    if adopted and adopted > deadline:
        found.append(_("Plan yasal süre sonundan (%(deadline)s) sonra, %(date)s tarihinde kabul edildi; "
                       "geç kabul kayda geçer.", deadline=_day(deadline), date=_day(adopted)))
    meeting = deadlines.iso_date(data.get("council_meeting_date"))
    if meeting and meeting > deadline and not adopted:
        found.append(_("Girilen meclis toplantısı (%(date)s) yasal süre sonundan (%(deadline)s) sonra.",
                       date=_day(meeting), deadline=_day(deadline)))
    locale = str(get_locale() or "tr")
    if not adopted:
        found.extend(calendar.describe(w, locale) for w in sched.warnings if w.code in _SCHEDULE_NOTES)
    if not adopted and not meeting:
        found.extend(calendar.describe(w, locale) for w in sched.target.warnings)
    for task in [] if adopted else sorted(open_tasks, key=lambda t: (t.due_date or deadline, t.name)):
        if task.due_date and task.due_date > deadline:
            found.append(_("“%(step)s” adımının son tarihi (%(due)s) yasal süre sonundan (%(deadline)s) sonra.",
                           step=task.name, due=_day(task.due_date), deadline=_day(deadline)))
    return found


def process_data(instance) -> dict:
    """The process variables: the workflow's data with that of its waiting tasks."""
    if instance.status not in ("running", "completed", "suspended"):
        return {}
    try:
        workflow = versions.read_workflow(instance)
    except ServiceError:  # an unreadable state shows elsewhere on the page; no warnings from it
        return {}
    data = dict(workflow.data)
    for task in workflow.ready_human_tasks():
        data.update(task.data)
    return data


def _day(day) -> str:
    return calendar.format_day(day, str(get_locale() or "tr"))
