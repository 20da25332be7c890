"""The target council meeting: the last regular meeting on or before the legal deadline.

Regular meetings count from `not_before` (default: the election day — for a re-run the re-run's
day, while the deadline counts from the general election's day; a service may pass the
earliest day the plan can be ready). When none is left, the target is None and the
NO_REGULAR_MEETING_IN_TIME warning offers the extraordinary-meeting route. When the target lies
in an earlier month than the deadline (the deadline month is the recess, or its meeting falls
after the deadline), it is still the target, with a warning that a later date needs an
extraordinary meeting.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date

from . import notices
from .council import DEFAULT_RECESS_MONTH, CouncilMeeting, MonthKey, council_meetings, meeting_of_month, month_key
from .election import GENERAL, deadline_counts_from
from .legal import legal_deadline
from .notices import CalendarWarning


@dataclass(frozen=True)
class TargetMeeting:
    meeting: CouncilMeeting | None
    deadline: date
    warnings: tuple[CalendarWarning, ...]

    @property
    def date(self) -> date | None:
        return self.meeting.date if self.meeting else None

    @property
    def extraordinary_needed(self) -> bool:
        return self.meeting is None


def target_council_meeting(election_date: date, municipality_type: str, weekday: int,
                           recess_month: int | None = DEFAULT_RECESS_MONTH,
                           actual_dates: Mapping[MonthKey, date | None] | None = None,
                           leave_days: Iterable[date] = (), not_before: date | None = None, *,
                           election_kind: str = GENERAL,
                           general_election_date: date | None = None) -> TargetMeeting:
    """The target meeting after `election_date`; the deadline counts from the general election's
    day for a re-run (stratflow/calendar/election.py; ElectionError on inputs it refuses)."""
    deadline = legal_deadline(deadline_counts_from(election_date, election_kind, general_election_date))
    start = not_before or election_date
    rule = (municipality_type, weekday, recess_month, actual_dates)
    meetings = council_meetings(start, deadline, *rule, leave_days=leave_days) if start <= deadline else []
    if not meetings:
        warning = CalendarWarning(notices.NO_REGULAR_MEETING_IN_TIME, {"start": start, "deadline": deadline})
        return TargetMeeting(None, deadline, (warning,))
    target = meetings[-1]
    return TargetMeeting(target, deadline, _earlier_month_warnings(target, deadline, rule))


def _earlier_month_warnings(target: CouncilMeeting, deadline: date, rule: tuple) -> tuple[CalendarWarning, ...]:
    month = month_key(deadline)
    if target.month >= month:
        return ()
    municipality_type, weekday, recess_month, actual_dates = rule
    entered = {month_key(k) for k in (actual_dates or {})}
    if month.month == recess_month and month not in entered:
        return (CalendarWarning(notices.DEADLINE_MONTH_IN_RECESS, {"month": month, "target": target.date}),)
    late = meeting_of_month(month, municipality_type, weekday, recess_month, actual_dates)
    if late is not None and late.date > deadline:
        return (CalendarWarning(notices.DEADLINE_MONTH_MEETING_LATE, {
            "month": month, "meeting": late.date, "deadline": deadline, "target": target.date}),)
    return ()
