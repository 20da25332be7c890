"""The instance page's timeline: each phase against its target, the target council meeting, the
legal deadline and today, as positions (percent of the time span) the template draws with CSS.

- A phase's planned span runs from the previous phase's target (the process start for the first)
  to its own target (services/phases.py: the milestone step's due date, else its rule's date).
- Its actual bar runs from its first task to its last completion (done) or to today (active).
- A phase is late when it is active past its target (days late: today − target) or finished after
  it (finished − target).
- The span covers the election day (or the process start, if earlier) to the latest of the legal
  deadline, the target meeting, the targets, the finishes and today, widened to whole months.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from flask_babel import format_date
from flask_babel import lazy_gettext as _l

from .phases import ACTIVE, DONE, NOT_REACHED, PhaseStatus

PHASE_STATE_LABELS = {DONE: _l("Tamamlandı"), ACTIVE: _l("Sürüyor"), NOT_REACHED: _l("Başlamadı")}


@dataclass
class Row:
    status: PhaseStatus
    plan_start: date | None
    days_late: int
    plan: tuple[float, float] | None = None     # left %, width %
    actual: tuple[float, float] | None = None
    target_at: float | None = None

    @property
    def late(self) -> bool:
        return self.days_late > 0


@dataclass
class Marker:
    kind: str        # today | meeting | deadline
    label: object
    day: date
    at: float


@dataclass
class Timeline:
    start: date
    end: date
    rows: list[Row]
    markers: list[Marker]
    months: list[tuple[float, str]] = field(default_factory=list)  # (left %, label)

    def at(self, day: date) -> float:
        return position(day, self.start, self.end)


def position(day: date, start: date, end: date) -> float:
    """`day` as a percentage of the span start..end, clamped to it, rounded to 0.01."""
    span = (end - start).days or 1
    return round(min(max((day - start).days / span * 100, 0.0), 100.0), 2)


def build(statuses: list[PhaseStatus], *, started: date, election: date, legal_deadline: date,
          meeting: date | None, today: date) -> Timeline:
    rows, previous = [], started
    for status in statuses:
        plan_start = previous if status.target else None
        if status.target:
            previous = status.target
        rows.append(Row(status, plan_start, _days_late(status, today)))
    days = [election, started, legal_deadline, today, *(d for d in [meeting] if d)]
    for status in statuses:
        days.extend(d for d in (status.target, status.started, status.finished) if d)
    start = min(days).replace(day=1)
    end = _next_month(max(days))
    for row in rows:
        _place(row, start, end, today)
    markers = [Marker("deadline", _l("Yasal süre sonu"), legal_deadline, position(legal_deadline, start, end))]
    if meeting:
        markers.append(Marker("meeting", _l("Hedef meclis toplantısı"), meeting, position(meeting, start, end)))
    markers.append(Marker("today", _l("Bugün"), today, position(today, start, end)))
    return Timeline(start, end, rows, markers, _months(start, end))


def _days_late(status: PhaseStatus, today: date) -> int:
    if not status.target:
        return 0
    if status.state == ACTIVE:
        return max((today - status.target).days, 0)
    if status.state == DONE and status.finished:
        return max((status.finished - status.target).days, 0)
    return 0


def _place(row: Row, start: date, end: date, today: date) -> None:
    status = row.status
    if status.target:
        row.target_at = position(status.target, start, end)
        plan_from = min(row.plan_start or status.target, status.target)
        left = position(plan_from, start, end)
        row.plan = (left, round(row.target_at - left, 2))
    if status.started and status.state in (ACTIVE, DONE):
        until = status.finished if status.state == DONE and status.finished else today
        left = position(status.started, start, end)
        row.actual = (left, round(max(position(until, start, end) - left, 0.4), 2))


def _next_month(day: date) -> date:
    return (day.replace(day=1) + timedelta(days=32)).replace(day=1)


def _months(start: date, end: date) -> list[tuple[float, str]]:
    ticks, day = [], start
    while day < end:
        ticks.append((position(day, start, end), format_date(day, "MMM y")))
        day = _next_month(day)
    return ticks
