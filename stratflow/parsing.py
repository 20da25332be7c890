"""Strict parsing of numbers and dates typed by users or sent in URLs.

`str.isdigit()` is true for "²" or "٣", which `int()` then refuses, and dates at the calendar's
edges (0001-01-01, 9999-12-31) overflow as soon as a day is added. These helpers accept plain
ASCII digits and days between 1900 and 2100 only, and return None for anything else.
"""

from __future__ import annotations

import re
from datetime import date

MIN_YEAR, MAX_YEAR = 1900, 2100
_INT = re.compile(r"[0-9]{1,9}")


def parse_int(text) -> int | None:
    """"42" → 42; None for blanks, signs, non-ASCII digits and more than nine digits."""
    if isinstance(text, bool) or not isinstance(text, str | int):
        return None
    if isinstance(text, int):
        return text if 0 <= text < 10**9 else None
    value = text.strip()
    return int(value) if _INT.fullmatch(value) else None


def parse_day(text) -> date | None:
    """An ISO day (YYYY-MM-DD) between 1900 and 2100; None when blank or bad."""
    value = (text or "").strip() if isinstance(text, str) else ""
    if not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", value):
        return None
    try:
        day = date.fromisoformat(value)
    except (ValueError, OverflowError):
        return None
    return day if MIN_YEAR <= day.year <= MAX_YEAR else None
