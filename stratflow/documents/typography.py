"""Turkish typography for official documents: long dates, casing, money, suffixes.

Documents are always Turkish (they go into the municipality's e-document system), whatever the
reader's UI language, so nothing here depends on the request locale.
"""

from __future__ import annotations

from datetime import date, datetime

from ..i18n import tr_upper

MONTHS = ("Ocak", "Şubat", "Mart", "Nisan", "Mayıs", "Haziran", "Temmuz", "Ağustos", "Eylül", "Ekim",
          "Kasım", "Aralık")
WEEKDAYS = ("Pazartesi", "Salı", "Çarşamba", "Perşembe", "Cuma", "Cumartesi", "Pazar")
FRONT_VOWELS = "eiöü"
VOWELS = "aeıioöuü"


def as_date(value) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str) and value:
        try:
            return date.fromisoformat(value[:10])
        except ValueError:
            return None
    return None


def long_date(value, empty: str = "") -> str:
    """30 Eylül 2024 (ISO strings and dates alike); `empty` when there is no date."""
    day = as_date(value)
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}" if day else empty


def short_date(value, empty: str = "") -> str:
    """30.09.2024, the form used in the 'date' corner of an official letter."""
    day = as_date(value)
    return day.strftime("%d.%m.%Y") if day else empty


def month_label(year: int, month: int) -> str:
    return f"{MONTHS[month - 1]} {year}"


def upper(text) -> str:
    return tr_upper(str(text or ""))


def money(value) -> str:
    """1.234.567,50 TL — Turkish grouping; whole liras without decimals."""
    if value in (None, ""):
        return ""
    try:
        number = float(value)
    except (TypeError, ValueError):
        return str(value)
    whole = round(number) == round(number, 2)
    text = f"{number:,.0f}" if whole else f"{number:,.2f}"
    return text.replace(",", "\x00").replace(".", ",").replace("\x00", ".") + " TL"


def dative(name: str) -> str:
    """'Strateji Geliştirme Müdürlüğü' → 'Strateji Geliştirme Müdürlüğüne' (vowel harmony; a
    possessive ending takes the buffer n, as unit names in official letters do)."""
    name = (name or "").strip()
    if not name:
        return ""
    last_vowel = next((ch for ch in reversed(name.lower()) if ch in VOWELS), "e")
    suffix = "e" if last_vowel in FRONT_VOWELS else "a"
    if name[-1].lower() in VOWELS:
        return f"{name}n{suffix}"
    return f"{name}{suffix}"


FILTERS = {"date": long_date, "short_date": short_date, "upper": upper, "money": money, "dative": dative}
