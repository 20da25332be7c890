"""Council meetings from the meeting rule (5393 art. 20, 5216 art. 13).

Ordinary councils (il, ilçe, belde) meet in the first week of the month (days 1–7), metropolitan
councils (büyükşehir) in the second week (days 8–14), on the weekday the council fixed. One month a
year may be a recess (default August; None = no recess).

Choices made here (document them to users):
- A meeting leaves its meeting week only when the WHOLE week is official holiday — no working day
  in days 1–7 (büyükşehir 8–14) by the official calendar, weekends and full-day official holidays
  skipped (DOMAIN §3; the council regulation's rule). It then moves to the first working day after
  the week and carries MEETING_MOVED_OUT_OF_WEEK.
- When only the rule's day is a full-day official holiday (e.g. Kurban Bayramı 2025 on Monday
  9 June for a metropolitan Monday council), the meeting is proposed on the NEAREST working day
  inside the same week — earlier or later; on a tie (as far before as after) the later day, so the
  agenda has the extra day — and carries MEETING_MOVED, which says so and asks the clerk to enter
  the actual date if the council chose another one. Half-day eves are working days here as
  everywhere in the product (the morning is worked): a proposal on an eve adds MEETING_ON_HALF_DAY.
- Half-day eves and administrative-leave days do not move a meeting; they only add a note (leave
  days are not official holidays and do not close the week either).
- A clerk-entered date for a month always wins, also in the recess month; an entered None means
  "no meeting that month" (cancelled).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta

from . import notices
from .notices import CalendarWarning
from .workdays import half_day_name, holiday_name, is_working_day, next_working_day

MUNICIPALITY_TYPES = ("buyuksehir", "il", "ilce", "belde")
METROPOLITAN = "buyuksehir"
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
DEFAULT_RECESS_MONTH = 8

SOURCE_RULE = "rule"  # the rule's day
SOURCE_MOVED = "moved"  # the rule's day was an official holiday
SOURCE_ENTERED = "entered"  # entered by the council clerk

MonthKey = tuple[int, int] | str | date


@dataclass(frozen=True)
class CouncilMeeting:
    date: date
    month: date  # first day of the council month the meeting belongs to
    source: str
    scheduled: date | None = None  # the rule's day (None for entered dates)
    warnings: tuple[CalendarWarning, ...] = field(default=(), compare=False)


def meeting_week(municipality_type: str) -> tuple[int, int]:
    """First and last day of the month of the council's meeting week."""
    return (8, 14) if municipality_type == METROPOLITAN else (1, 7)


def rule_date(year: int, month: int, municipality_type: str, weekday: int) -> date:
    """The day the rule gives: the council's weekday inside its meeting week."""
    first = date(year, month, meeting_week(municipality_type)[0])
    return first + timedelta(days=(weekday - first.weekday()) % 7)


def month_key(key: MonthKey) -> date:
    """(2024, 9), '2024-09' or any date in September 2024 → date(2024, 9, 1)."""
    if isinstance(key, date):
        return key.replace(day=1)
    if isinstance(key, str):
        year, month = key.split("-")[:2]
        return date(int(year), int(month), 1)
    year, month = key
    return date(int(year), int(month), 1)


def council_meetings(start: date, end: date, municipality_type: str, weekday: int,
                     recess_month: int | None = DEFAULT_RECESS_MONTH,
                     actual_dates: Mapping[MonthKey, date | None] | None = None,
                     leave_days: Iterable[date] = ()) -> list[CouncilMeeting]:
    """Regular council meetings dated between start and end (inclusive), in date order."""
    _check_inputs(municipality_type, weekday, recess_month)
    entered = {month_key(k): v for k, v in (actual_dates or {}).items()}
    leave = frozenset(leave_days)
    found = []
    month = _shift_month(start.replace(day=1), -1)  # an entered date may lie outside its month
    while month <= end:
        meeting = _meeting_of_month(month, municipality_type, weekday, recess_month, entered, leave)
        if meeting is not None and start <= meeting.date <= end:
            found.append(meeting)
        month = _shift_month(month, 1)
    return sorted(found, key=lambda m: m.date)


def meeting_of_month(month: MonthKey, municipality_type: str, weekday: int,
                     recess_month: int | None = DEFAULT_RECESS_MONTH,
                     actual_dates: Mapping[MonthKey, date | None] | None = None,
                     leave_days: Iterable[date] = ()) -> CouncilMeeting | None:
    """The regular meeting of one month, or None (recess, cancelled)."""
    _check_inputs(municipality_type, weekday, recess_month)
    entered = {month_key(k): v for k, v in (actual_dates or {}).items()}
    return _meeting_of_month(month_key(month), municipality_type, weekday, recess_month, entered,
                             frozenset(leave_days))


def _meeting_of_month(month: date, municipality_type: str, weekday: int, recess_month: int | None,
                      entered: Mapping[date, date | None], leave: frozenset[date]) -> CouncilMeeting | None:
    if month in entered:
        day = entered[month]
        if day is None:
            return None
        return CouncilMeeting(day, month, SOURCE_ENTERED, None, _day_notes(day, leave))
    if month.month == recess_month:
        return None
    scheduled = rule_date(month.year, month.month, municipality_type, weekday)
    if holiday_name(scheduled) is None:
        return CouncilMeeting(scheduled, month, SOURCE_RULE, scheduled, _day_notes(scheduled, leave))
    first, last = (month.replace(day=d) for d in meeting_week(municipality_type))
    day = _nearest_working_day(scheduled, first, last)
    if day is not None:
        note = CalendarWarning(notices.MEETING_MOVED, {"scheduled": scheduled, "date": day, "holiday_on": scheduled})
    else:
        day = next_working_day(last)
        week = "second" if municipality_type == METROPOLITAN else "first"
        note = CalendarWarning(notices.MEETING_MOVED_OUT_OF_WEEK,
                               {"scheduled": scheduled, "date": day, "week": week, "holiday_on": scheduled})
    return CouncilMeeting(day, month, SOURCE_MOVED, scheduled, (note, *_day_notes(day, leave)))


def _nearest_working_day(day: date, first: date, last: date) -> date | None:
    """The working day of [first, last] nearest to `day` (a tie: the later one); None when the
    whole week is weekend or official holiday."""
    for distance in range(1, (last - first).days + 1):
        for candidate in (day + timedelta(days=distance), day - timedelta(days=distance)):
            if first <= candidate <= last and is_working_day(candidate):
                return candidate
    return None


def _day_notes(day: date, leave: frozenset[date]) -> tuple[CalendarWarning, ...]:
    notes = []
    if day.weekday() < 5 and half_day_name(day) is not None:
        notes.append(CalendarWarning(notices.MEETING_ON_HALF_DAY, {"date": day, "holiday_on": day}))
    if day in leave:
        notes.append(CalendarWarning(notices.MEETING_ON_LEAVE_DAY, {"date": day}))
    return tuple(notes)


def _shift_month(month: date, delta: int) -> date:
    year, index = divmod(month.year * 12 + month.month - 1 + delta, 12)
    return date(year, index + 1, 1)


def _check_inputs(municipality_type: str, weekday: int, recess_month: int | None) -> None:
    if municipality_type not in MUNICIPALITY_TYPES:
        raise ValueError(f"unknown municipality type: {municipality_type!r}")
    if not isinstance(weekday, int) or not 0 <= weekday <= 6:
        raise ValueError(f"weekday must be 0 (Monday) … 6 (Sunday), not {weekday!r}")
    if recess_month is not None and not 1 <= recess_month <= 12:
        raise ValueError(f"recess month must be 1 … 12 or None, not {recess_month!r}")
