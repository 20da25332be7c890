"""Parsing user input for the calendar (CLI, forms): types, weekdays, dates, months.

Each parser raises ValueError with a Turkish message fit to show as is.
"""

from __future__ import annotations

from datetime import date

from .council import MUNICIPALITY_TYPES, WEEKDAYS

_FOLD = str.maketrans({"ı": "i", "ç": "c", "ş": "s", "ğ": "g", "ö": "o", "ü": "u", "â": "a", "î": "i", "û": "u"})
TURKISH_WEEKDAYS = ("pazartesi", "sali", "carsamba", "persembe", "cuma", "cumartesi", "pazar")
WEEKDAY_LABELS_TR = ("Pazartesi", "Salı", "Çarşamba", "Perşembe", "Cuma", "Cumartesi", "Pazar")
TYPE_LABELS_TR = {"buyuksehir": "büyükşehir", "il": "il", "ilce": "ilçe", "belde": "belde"}


def fold(text: str) -> str:
    """Case- and accent-insensitive key with Turkish casing: 'SALI', 'Salı', 'sali' → 'sali'."""
    return text.strip().replace("İ", "i").replace("I", "ı").lower().translate(_FOLD)


def parse_weekday(text: str) -> int:
    """English or Turkish weekday name → 0 (Monday) … 6 (Sunday)."""
    key = fold(text)
    for names in (WEEKDAYS, TURKISH_WEEKDAYS):
        if key in names:
            return names.index(key)
    raise ValueError(f"bilinmeyen gün: {text!r} (örnek: tuesday, salı)")


def parse_municipality_type(text: str) -> str:
    """'buyuksehir', 'Büyükşehir', 'ilçe' … → one of MUNICIPALITY_TYPES."""
    key = fold(text)
    if key in MUNICIPALITY_TYPES:
        return key
    raise ValueError(f"bilinmeyen belediye türü: {text!r} (geçerli: {', '.join(MUNICIPALITY_TYPES)})")


def parse_date(text: str) -> date:
    """ISO date (YYYY-MM-DD) that exists in the calendar."""
    try:
        return date.fromisoformat(text.strip())
    except ValueError as exc:
        raise ValueError(f"geçersiz tarih: {text!r} (YYYY-AA-GG biçiminde, takvimde var olan bir gün)") from exc


def parse_month(value: int | str) -> int:
    """1 … 12."""
    try:
        month = int(value)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"geçersiz ay: {value!r} (1–12)") from exc
    if not 1 <= month <= 12:
        raise ValueError(f"geçersiz ay: {value!r} (1–12)")
    return month
