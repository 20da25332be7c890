"""Strict parsing of numbers, dates and text typed by users or sent in URLs.

`str.isdigit()` is true for "²" or "٣", which `int()` then refuses, and dates at the calendar's
edges (0001-01-01, 9999-12-31) overflow as soon as a day is added. These helpers accept plain
ASCII digits and days between 1900 and 2100 only, and return None for anything else.

Text: PostgreSQL cannot store a NUL character at all, and the other control characters (ESC, the
C1 range …) are never typed on purpose. `strip_controls` removes them (keeping tabs and line
breaks where a text may have several lines); `contains_nul` finds a NUL anywhere in a JSON-like
value, for the places that refuse instead of cleaning.
"""

from __future__ import annotations

import re
from datetime import date

MIN_YEAR, MAX_YEAR = 1900, 2100
_INT = re.compile(r"[0-9]{1,9}")
_CONTROLS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_CONTROLS_AND_BREAKS = re.compile("[\x00-\x1f\x7f-\x9f]")


def strip_controls(text: str, multiline: bool = False) -> str:
    """`text` without control characters; with `multiline`, tabs and line breaks stay."""
    return (_CONTROLS if multiline else _CONTROLS_AND_BREAKS).sub("", text)


def contains_nul(value) -> bool:
    """True when a string anywhere in `value` (nested lists, dict keys and values) has a NUL."""
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(contains_nul(k) or contains_nul(v) for k, v in value.items())
    if isinstance(value, list | tuple):
        return any(contains_nul(v) for v in value)
    return False


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
