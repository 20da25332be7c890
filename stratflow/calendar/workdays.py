"""Turkish official holidays and working-day arithmetic.

Official holidays come from the `holidays` package (country TR, law 2429): the full-day
holidays (category "public") and the half-day eves (category "half_day": 28 October and the
Ramazan/Kurban Bayramı arife afternoons, from 13:00). A half-day eve counts as a working day;
`day_kind` reports it as HALF_DAY so a UI can note it. Saturdays and Sundays are never working
days. Administrative-leave days (idari izin) are not in the package: callers pass them in
(`leave_days`, any iterable of dates), typically from the editable per-year table.

Counting convention: `add_working_days(d, n)` moves |n| working days away from `d` (d itself
is not counted; n == 0 returns d unchanged), and `working_days_between(a, b)` counts the working
days in the half-open interval (a, b] (negative when b < a), so that
`working_days_between(d, add_working_days(d, n)) == n` for every d and n.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta
from enum import StrEnum
from functools import lru_cache

import holidays

_LANGUAGES = {"tr": "tr", "en": "en_US"}


class DayKind(StrEnum):
    WORKING = "working"
    HALF_DAY = "half_day"  # a working morning; the afternoon is an official holiday (arife, 28 Oct)
    WEEKEND = "weekend"
    HOLIDAY = "holiday"  # full-day official holiday
    LEAVE = "leave"  # administrative leave (idari izin) passed in by the caller


def _language(locale: str) -> str:
    return _LANGUAGES.get(locale.replace("-", "_").split("_")[0].lower(), "tr")


@lru_cache(maxsize=256)
def _holidays(year: int, category: str, language: str) -> dict[date, str]:
    return dict(holidays.TR(years=year, categories=(category,), language=language))


def holiday_name(day: date, locale: str = "tr") -> str | None:
    """Name of the full-day official holiday on `day`, or None."""
    return _holidays(day.year, "public", _language(locale)).get(day)


def half_day_name(day: date, locale: str = "tr") -> str | None:
    """Name of the half-day eve on `day` (afternoon off, e.g. "Kurban Bayramı (saat 13.00'ten)"),
    or None. A day that is also a full-day holiday is a holiday, not a half day."""
    if holiday_name(day) is not None:
        return None
    return _holidays(day.year, "half_day", _language(locale)).get(day)


def official_holidays(year: int, locale: str = "tr", include_half_days: bool = True) -> dict[date, str]:
    """Every official holiday of `year` with its name, sorted by date (half-day eves included
    unless asked otherwise)."""
    found = dict(_holidays(year, "public", _language(locale)))
    if include_half_days:
        for day, name in _holidays(year, "half_day", _language(locale)).items():
            found.setdefault(day, name)
    return dict(sorted(found.items()))


def day_kind(day: date, leave_days: Iterable[date] = ()) -> DayKind:
    """Classify `day`: weekend first, then official holiday, leave, half-day eve, working."""
    if day.weekday() >= 5:
        return DayKind.WEEKEND
    if holiday_name(day) is not None:
        return DayKind.HOLIDAY
    if day in _as_set(leave_days):
        return DayKind.LEAVE
    if half_day_name(day) is not None:
        return DayKind.HALF_DAY
    return DayKind.WORKING


def is_working_day(day: date, leave_days: Iterable[date] = ()) -> bool:
    """True on Monday–Friday that is neither an official full-day holiday nor a leave day
    (half-day eves are working days)."""
    return day_kind(day, leave_days) in (DayKind.WORKING, DayKind.HALF_DAY)


def is_half_day(day: date) -> bool:
    return day.weekday() < 5 and half_day_name(day) is not None


def add_working_days(day: date, n: int, leave_days: Iterable[date] = ()) -> date:
    """The date |n| working days after (n > 0) or before (n < 0) `day`; `day` itself when n == 0."""
    leave = _as_set(leave_days)
    step = timedelta(days=1 if n >= 0 else -1)
    remaining = abs(n)
    while remaining:
        day += step
        if is_working_day(day, leave):
            remaining -= 1
    return day


def next_working_day(day: date, leave_days: Iterable[date] = ()) -> date:
    """The first working day strictly after `day`."""
    return add_working_days(day, 1, leave_days)


def working_days_between(start: date, end: date, leave_days: Iterable[date] = ()) -> int:
    """Working days in (start, end]; negative (the count in (end, start]) when end < start."""
    if end < start:
        return -working_days_between(end, start, leave_days)
    leave = _as_set(leave_days)
    return sum(1 for offset in range(1, (end - start).days + 1)
               if is_working_day(start + timedelta(days=offset), leave))


def _as_set(days: Iterable[date]) -> frozenset[date] | set[date]:
    return days if isinstance(days, set | frozenset) else frozenset(days)
