"""Deadline warnings on the instance page: flagged, never blocking.

- the target meeting's own warnings (deadline month in recess, its meeting after the deadline, no
  regular meeting left in time → the extraordinary route) from stratflow/calendar;
- a council meeting date the clerk entered that lies after the legal deadline;
- an open step due after the legal deadline, until the plan is submitted to the council (the
  steps after it — the decision, sending it to the governor, publication — may lie after it);
- a plan submitted after the legal deadline (compliance is judged on submission, 5393 art. 41:
  services/compliance.py; a plan adopted after the deadline but submitted in time is compliant);
- until the plan is submitted, the schedule's notes on the election (a re-run held after the
  deadline its general election gives), a recess month that hurts the cycle (the deadline month,
  April) and a regular meeting a holiday moved past the deadline.
"""

from __future__ import annotations

from datetime import datetime

from flask_babel import get_locale
from flask_babel import gettext as _

from .. import calendar
from ..i18n import LOCAL
from . import ServiceError, compliance, deadlines, versions

_SCHEDULE_NOTES = {calendar.notices.RERUN_AFTER_DEADLINE, calendar.notices.RECESS_IN_DEADLINE_MONTH,
                   calendar.notices.RECESS_IN_APRIL, calendar.notices.MEETING_AFTER_DEADLINE}


def instance_warnings(open_tasks, data: dict, sched: calendar.Schedule) -> list[str]:
    """Translated warning sentences for the instance, most important first (`data`: its process
    variables, `sched`: its municipality's schedule)."""
    deadline = sched.legal_deadline
    found = []
    judged = compliance.judge(data, deadline, datetime.now(LOCAL).date())
    if judged.state == compliance.LATE:
        found.append(_("Plan yasal süre sonundan (%(deadline)s) sonra, %(date)s tarihinde Meclise sunuldu; geç "
                       "sunuş kayda geçer.", deadline=_day(deadline), date=_day(judged.submitted_on)))
    meeting = deadlines.iso_date(data.get("council_meeting_date"))
    if meeting and meeting > deadline and not judged.submitted:
        found.append(_("Girilen meclis toplantısı (%(date)s) yasal süre sonundan (%(deadline)s) sonra.",
                       date=_day(meeting), deadline=_day(deadline)))
    locale = str(get_locale() or "tr")
    if not judged.submitted:
        found.extend(calendar.describe(w, locale) for w in sched.warnings if w.code in _SCHEDULE_NOTES)
    if not judged.submitted and not meeting:
        found.extend(calendar.describe(w, locale) for w in sched.target.warnings)
    for task in [] if judged.submitted else sorted(open_tasks, key=lambda t: (t.due_date or deadline, t.name)):
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
