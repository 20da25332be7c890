"""The statutory schedule of one municipality: legal deadline, council meetings, target meeting.

The deadline counts from `deadline_counts_from` — the election's day, or for a re-run (yenileme)
the general election's day (stratflow/calendar/election.py); the meetings run from the election's
own day to the deadline. Notes are never dropped because a moved meeting left that range: a
meeting of a month inside it that a holiday pushed past the deadline keeps its notes
(`moved_out`), with MEETING_AFTER_DEADLINE.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from . import notices
from .council import (
    DEFAULT_RECESS_MONTH,
    SOURCE_MOVED,
    WEEKDAYS,
    CouncilMeeting,
    MonthKey,
    council_meetings,
    meeting_of_month,
    month_key,
)
from .election import GENERAL, RERUN, deadline_counts_from
from .legal import deadline_warnings, legal_deadline
from .notices import CalendarWarning, describe
from .target import TargetMeeting, target_council_meeting

APRIL = 4


@dataclass(frozen=True)
class Schedule:
    election_date: date
    municipality_type: str
    weekday: int
    recess_month: int | None
    legal_deadline: date
    meetings: tuple[CouncilMeeting, ...]  # from the election to the legal deadline
    target: TargetMeeting
    leave_days: frozenset[date] = frozenset()
    # council month (its first day) -> the date the clerk entered (None: no meeting that month)
    entered_dates: Mapping[date, date | None] = field(default_factory=dict, compare=False)
    election_kind: str = GENERAL
    general_election_date: date | None = None  # a re-run's general election
    # meetings of months in range that a holiday moved past the deadline (kept for their notes)
    moved_out: tuple[CouncilMeeting, ...] = ()

    @property
    def deadline_counts_from(self) -> date:
        """The day the six months count from (the general election's day for a re-run)."""
        return self.general_election_date if self.election_kind == RERUN else self.election_date

    @property
    def warnings(self) -> list[CalendarWarning]:
        """Election and deadline notes, recess notes, meeting notes in date order, then the target's."""
        found = list(self._election_warnings())
        found.extend(deadline_warnings(self.legal_deadline, self.leave_days))
        found.extend(self._recess_warnings())
        for meeting in sorted((*self.meetings, *self.moved_out), key=lambda m: m.date):
            found.extend(meeting.warnings)
            if meeting.date > self.legal_deadline:
                found.append(CalendarWarning(notices.MEETING_AFTER_DEADLINE, {
                    "month": meeting.month, "scheduled": meeting.scheduled, "date": meeting.date,
                    "deadline": self.legal_deadline}))
        found.extend(self.target.warnings)
        return found

    def _election_warnings(self) -> list[CalendarWarning]:
        if self.election_kind == RERUN and self.election_date >= self.legal_deadline:
            return [CalendarWarning(notices.RERUN_AFTER_DEADLINE, {
                "date": self.election_date, "general": self.general_election_date, "deadline": self.legal_deadline})]
        return []

    def _recess_warnings(self) -> list[CalendarWarning]:
        month = month_key(self.legal_deadline)
        said = {w.code for w in self.target.warnings}
        found = recess_warnings(self.recess_month, self.legal_deadline)
        return [w for w in found if w.code != notices.RECESS_IN_DEADLINE_MONTH
                or (month not in self.entered_dates and notices.DEADLINE_MONTH_IN_RECESS not in said)]

    def to_dict(self, locale: str = "tr") -> dict[str, Any]:
        warnings = self.warnings
        return {
            "election_date": self.election_date.isoformat(),
            "election_kind": self.election_kind,
            "general_election_date": self.general_election_date.isoformat() if self.general_election_date else None,
            "deadline_counts_from": self.deadline_counts_from.isoformat(),
            "municipality_type": self.municipality_type,
            "council_weekday": WEEKDAYS[self.weekday],
            "recess_month": self.recess_month,
            "legal_deadline": self.legal_deadline.isoformat(),
            "council_meetings": [m.date.isoformat() for m in self.meetings],
            "meetings": [{"date": m.date.isoformat(), "source": m.source,
                          "scheduled": m.scheduled.isoformat() if m.scheduled else None} for m in self.meetings],
            "target_council_meeting": self.target.date.isoformat() if self.target.date else None,
            "extraordinary_meeting_needed": self.target.extraordinary_needed,
            "warnings": [describe(w, locale) for w in warnings],
            "warning_details": [w.as_dict(locale) for w in warnings],
        }


def recess_warnings(recess_month: int | None, deadline: date) -> list[CalendarWarning]:
    """Notes on a recess month that hurts the plan cycle: the month of the legal deadline (in the
    election year the plan goes to that month's meeting) or April (the activity report, 5393 art. 56)."""
    found = []
    if recess_month == deadline.month:
        found.append(CalendarWarning(notices.RECESS_IN_DEADLINE_MONTH, {"month": month_key(deadline)}))
    if recess_month == APRIL:
        found.append(CalendarWarning(notices.RECESS_IN_APRIL))
    return found


def build_schedule(election_date: date, municipality_type: str, weekday: int,
                   recess_month: int | None = DEFAULT_RECESS_MONTH,
                   actual_dates: Mapping[MonthKey, date | None] | None = None,
                   leave_days: Iterable[date] = (), not_before: date | None = None, *,
                   election_kind: str = GENERAL, general_election_date: date | None = None) -> Schedule:
    """The schedule; ElectionError (a ValueError) when the election kind and the general election's
    date do not fit together (a re-run is never counted from its own day)."""
    leave = frozenset(leave_days)
    deadline = legal_deadline(deadline_counts_from(election_date, election_kind, general_election_date))
    rule = (municipality_type, weekday, recess_month, actual_dates)
    meetings = council_meetings(election_date, deadline, *rule, leave_days=leave)
    target = target_council_meeting(election_date, *rule, leave_days=leave, not_before=not_before,
                                    election_kind=election_kind, general_election_date=general_election_date)
    entered = {month_key(k): v for k, v in (actual_dates or {}).items()}
    moved_out = _moved_out(election_date, deadline, rule, leave, meetings)
    return Schedule(election_date, municipality_type, weekday, recess_month, deadline, tuple(meetings),
                    target, leave, entered, election_kind, general_election_date, moved_out)


def _moved_out(start: date, end: date, rule: tuple, leave: frozenset[date],
               meetings: list[CouncilMeeting]) -> tuple[CouncilMeeting, ...]:
    """Meetings whose rule day lies in [start, end] but that a holiday moved out of it."""
    kept = {m.month for m in meetings}
    found = []
    month = month_key(start)
    while month <= end:
        if month not in kept:
            meeting = meeting_of_month(month, *rule, leave_days=leave)
            if meeting is not None and meeting.source == SOURCE_MOVED and start <= meeting.scheduled <= end:
                found.append(meeting)
        month = month_key(date(month.year + month.month // 12, month.month % 12 + 1, 1))
    return tuple(found)
