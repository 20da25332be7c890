"""Due dates from the model's rules, computed from a transition's context — no queries.

Anchors (stratflow/calendar/rules.py):
- election_date, mazbata_date: the municipality's record;
- legal_deadline: election day + 6 calendar months (5393 art. 41);
- target_council_meeting: the meeting date the clerk entered in the process (process variable
  council_meeting_date; an actual date entered later for that month on the council-meetings page
  wins over it), else the last regular meeting on or before the legal deadline by the council's
  rule, the municipality's recess month and the actual dates entered, else — no regular meeting
  left — the legal deadline;
- completion anchors the model declares (`completionAnchor`, e.g. circular_date: the day the mayor
  approved the circular), recorded on the instance by the transition that completed the task;
- nomination_deadline and the process anchors: ISO dates the forms wrote into the process data
  (else as the instance last recorded them);
- council_due of the yearly processes: when the process data names the meeting's month
  (`council_month`, "2026-04"), that month's regular meeting by the council's rule — an actual date
  the clerk entered for the month wins, as for target_council_meeting —, else the stored date (a
  recess month's fallback the process computed when it started).

`ctx` is anything with `instance`, `calendar` (services/calendars.Calendar) and `version`
(services/versions.VersionInfo): a transition's context or a page's. A municipality's phase-target
setting replaces a task's `dueDateRule`.
"""

from __future__ import annotations

from collections import OrderedDict
from datetime import UTC, date, datetime
from functools import lru_cache
from zoneinfo import ZoneInfo

from ..calendar import council, rules, timeline

RULE_PROPERTY = "dueDateRule"
LOCAL = ZoneInfo("Europe/Istanbul")


def iso_date(value) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value[:10])
        except ValueError:
            return None
    return None


def local_day(moment: datetime) -> date:
    """The Turkish calendar day of a naive UTC timestamp."""
    return moment.replace(tzinfo=UTC).astimezone(LOCAL).date()


@lru_cache(maxsize=2048)
def parsed(text: str) -> rules.Rule | None:
    try:
        return rules.parse(text)
    except rules.RuleError:
        return None


def anchor_value(ctx, name: str, data: dict) -> date | None:
    """One anchor's value (computed alone: a rule needs only its own anchor)."""
    cal = ctx.calendar
    if name == "election_date":
        return cal.election_date
    if name == "mazbata_date":
        return cal.mazbata_date
    if name == "legal_deadline":
        return cal.schedule.legal_deadline
    anchors = (ctx.instance.anchors or {}) if ctx.instance is not None else {}
    if name == "target_council_meeting":
        entered = iso_date(data.get("council_meeting_date")) or iso_date(anchors.get("council_meeting_date"))
        sched = cal.schedule
        if entered is not None:  # an actual date entered later for that month wins
            return sched.entered_dates.get(entered.replace(day=1)) or entered
        return sched.target.date or sched.legal_deadline
    if name == "council_due":
        meeting = council_month_meeting(cal, data.get("council_month") or anchors.get("council_month"))
        if meeting is not None:
            return meeting
    if name in data:
        return iso_date(data.get(name))
    return iso_date(anchors.get(name))


def council_month_meeting(cal, month: str | None) -> date | None:
    """The regular meeting of `month` ("YYYY-MM") by the municipality's calendar, None without one."""
    try:
        first = date.fromisoformat(f"{month}-01") if isinstance(month, str) else None
    except ValueError:
        return None
    if first is None:
        return None
    found = council.meeting_of_month(first, cal.type, cal.weekday, cal.settings.recess_month,
                                     cal.entered_meetings, cal.leave_days)
    return found.date if found else None


def anchor_values(ctx, data: dict) -> dict[str, date | None]:
    return {name: anchor_value(ctx, name, data) for name in rules.ANCHORS}


def rule_text(ctx, bpmn_id: str, properties: dict) -> str | None:
    """The due-date rule of a step: the municipality's phase-target setting, else the model's."""
    return ctx.calendar.due_rules.get(bpmn_id) or properties.get(RULE_PROPERTY)


def evaluate(ctx, text: str | None, data: dict) -> date | None:
    """The date a rule's text gives (None: no rule, a rule that does not parse — `definitions check`
    reports it before import — or an anchor without a value yet)."""
    rule = parsed(text) if text else None
    if rule is None:
        return None
    return rules.evaluate(rule, {rule.anchor: anchor_value(ctx, rule.anchor, data)}, ctx.calendar.leave_days)


def due_date(ctx, human) -> date | None:
    """The due date of a ready task now: its rule's date on the timeline (`timeline_dates`)."""
    return step_due_date(ctx, human.bpmn_id, human.data)


def step_due_date(ctx, bpmn_id: str, data: dict) -> date | None:
    """The due date of a step now, whether or not the step has a task yet."""
    if bpmn_id not in ctx.version.facts:
        return None
    return timeline_dates(ctx, data).get(bpmn_id)


_TIMELINES: OrderedDict = OrderedDict()
TIMELINE_CACHE = 1024


def timeline_dates(ctx, data: dict) -> dict[str, date | None]:
    """Every step's due date now: each rule's own date, then scheduled backwards in process order
    so that no step is due after a step that follows it, on working days (calendar/timeline.py).

    A pure function of the version, the phase-target settings, the anchors' values and the leave
    days, so it is kept (LRU) under that key: a completion computes it once, usually not at all."""
    values = anchor_values(ctx, data)
    cal, version = ctx.calendar, ctx.version
    key = (version.spec_key, tuple(sorted(cal.due_rules.items())), tuple(values.items()), cal.leave_days)
    found = _TIMELINES.get(key)
    if found is not None:
        _TIMELINES.move_to_end(key)
        return found
    own = {}
    for bpmn_id, fact in version.facts.items():
        rule = parsed(text) if (text := rule_text(ctx, bpmn_id, fact["properties"])) else None
        if rule is not None:
            own[bpmn_id] = rules.evaluate(rule, {rule.anchor: values.get(rule.anchor)}, cal.leave_days)
    successors = version.successors
    dated = timeline.schedule(successors, own, cal.leave_days)
    found = {k: dated[k] if k in dated else v and timeline.previous_working_day(v, cal.leave_days)
             for k, v in own.items()}
    _TIMELINES[key] = found
    if len(_TIMELINES) > TIMELINE_CACHE:
        _TIMELINES.popitem(last=False)
    return found
