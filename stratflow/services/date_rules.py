"""Date rules a task form declares beside JSON Schema, checked against what the process knows.

    "x-not-before":  [{"fact": "plan_approval_date", "label": "…", "label-en": "…"}, …]
    "x-within-days": {"fact": "council_meeting_date", "days": 4, "label": "…", "label-en": "…"}

A fact is looked up in the submitted form first (a meeting's last day against its first day),
then in the facts the caller gives (task data and the instance's recorded date anchors). A rule
whose fact is unknown or not a date is skipped: the form cannot be blamed for a missing fact.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta

from flask_babel import get_locale
from flask_babel import gettext as _


def _date(value) -> date | None:
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value[:10])
        except ValueError:
            return None
    return None


def _label(rule: Mapping) -> str:
    locale = str(get_locale() or "tr")
    return (rule.get(f"label-{locale}") if locale != "tr" else None) or rule.get("label") or rule["fact"]


def _numeric(day: date) -> str:
    return day.strftime("%d.%m.%Y")


def check(schema: dict, data: dict, facts: Mapping | None) -> dict[str, str]:
    """Field name -> message for each top-level date field that breaks one of its rules."""
    errors: dict[str, str] = {}
    known = {**(facts or {}), **data}
    for key, prop in schema.get("properties", {}).items():
        value = _date(data.get(key)) if data.get(key) else None
        if value is None or not isinstance(prop, dict):
            continue
        message = _first_breach(prop, value, known)
        if message:
            errors[key] = message
    return errors


def _first_breach(prop: dict, value: date, known: Mapping) -> str | None:
    for rule in prop.get("x-not-before") or ():
        earliest = _date(known.get(rule.get("fact")))
        if earliest is not None and value < earliest:
            return _("Bu tarih %(label)s (%(date)s) tarihinden önce olamaz.", label=_label(rule),
                     date=_numeric(earliest))
    rule = prop.get("x-within-days")
    if rule:
        start = _date(known.get(rule.get("fact")))
        if start is not None and value > start + timedelta(days=int(rule["days"])):
            return _("Bu tarih %(label)s (%(date)s) tarihinden en fazla %(n)d gün sonra olabilir.",
                     label=_label(rule), date=_numeric(start), n=int(rule["days"]))
    return None
