"""The statutory schedule of one municipality: legal deadline, council meetings, target meeting."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from .council import DEFAULT_RECESS_MONTH, WEEKDAYS, CouncilMeeting, MonthKey, council_meetings, month_key
from .legal import deadline_warnings, legal_deadline
from .notices import CalendarWarning, describe
from .target import TargetMeeting, target_council_meeting


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

    @property
    def warnings(self) -> list[CalendarWarning]:
        """Deadline notes, then meeting notes in date order, then the target's warnings."""
        found = list(deadline_warnings(self.legal_deadline, self.leave_days))
        for meeting in self.meetings:
            found.extend(meeting.warnings)
        found.extend(self.target.warnings)
        return found

    def to_dict(self, locale: str = "tr") -> dict[str, Any]:
        warnings = self.warnings
        return {
            "election_date": self.election_date.isoformat(),
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


def build_schedule(election_date: date, municipality_type: str, weekday: int,
                   recess_month: int | None = DEFAULT_RECESS_MONTH,
                   actual_dates: Mapping[MonthKey, date | None] | None = None,
                   leave_days: Iterable[date] = (), not_before: date | None = None) -> Schedule:
    leave = frozenset(leave_days)
    deadline = legal_deadline(election_date)
    rule = (municipality_type, weekday, recess_month, actual_dates)
    meetings = council_meetings(election_date, deadline, *rule, leave_days=leave)
    target = target_council_meeting(election_date, *rule, leave_days=leave, not_before=not_before)
    entered = {month_key(k): v for k, v in (actual_dates or {}).items()}
    return Schedule(election_date, municipality_type, weekday, recess_month, deadline, tuple(meetings),
                    target, leave, entered)
