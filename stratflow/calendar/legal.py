"""The statutory deadline of the strategic plan (5393 art. 41).

The mayor submits the plan to the council within six months of the local general election day
(for a re-run election: of the general election's day, stratflow/calendar/election.py).
Calendar months are counted; when the day does not exist in the target month the last day of
that month is used (31 March → 30 September; 31 August → 28/29 February). The deadline is never
moved for weekends or holidays — the product's conservative policy, not a rule read in the law
(DOMAIN §1) — and `deadline_warnings` says when it falls on one.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable
from datetime import date

from . import notices
from .notices import CalendarWarning
from .workdays import half_day_name, holiday_name

LEGAL_PERIOD_MONTHS = 6


def add_months(day: date, months: int) -> date:
    """`day` shifted by whole calendar months (negative allowed), clamped to the month's last day."""
    index = day.year * 12 + (day.month - 1) + months
    year, month = divmod(index, 12)
    month += 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def legal_deadline(election_date: date) -> date:
    """Last day for submitting the plan to the council: election day + 6 calendar months (pass the
    day the period counts from: `election.deadline_counts_from` for a re-run)."""
    return add_months(election_date, LEGAL_PERIOD_MONTHS)


def deadline_warnings(deadline: date, leave_days: Iterable[date] = ()) -> list[CalendarWarning]:
    """Notes for a deadline on a weekend, an official holiday, a half-day eve or a leave day."""
    found = []
    if deadline.weekday() >= 5:
        found.append(CalendarWarning(notices.DEADLINE_ON_WEEKEND, {"date": deadline}))
    if holiday_name(deadline) is not None:
        found.append(CalendarWarning(notices.DEADLINE_ON_HOLIDAY, {"date": deadline, "holiday_on": deadline}))
    elif deadline.weekday() < 5 and half_day_name(deadline) is not None:
        found.append(CalendarWarning(notices.DEADLINE_ON_HALF_DAY, {"date": deadline, "holiday_on": deadline}))
    if deadline in set(leave_days) and holiday_name(deadline) is None:
        found.append(CalendarWarning(notices.DEADLINE_ON_LEAVE_DAY, {"date": deadline}))
    return found
