"""Due-date rules: a small, safe expression language for a task's due date (not Python).

    rule    := ANCHOR offset*
    offset  := ("+" | "-") INTEGER UNIT
    UNIT    := day | days | workday | workdays | month | months

Examples: ``legal_deadline``, ``circular_date + 10 workdays``, ``target_council_meeting - 15 days``,
``circular_date + 2 months - 10 workdays``. Offsets apply left to right: calendar days; working days
(weekends, official holidays and the caller's administrative-leave days skipped, see workdays.py);
calendar months (clamped to the month's last day, see legal.add_months).

Anchors (ANCHORS): the statutory dates of the cycle plus a few ISO-date process variables that
the shipped forms write (PROCESS_ANCHORS). Any other name is an error, reported with its position.
A rule whose anchor has no value yet evaluates to None (no due date).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta

from .legal import add_months
from .workdays import add_working_days

STATUTORY_ANCHORS = ("election_date", "mazbata_date", "circular_date", "nomination_deadline", "legal_deadline",
                     "target_council_meeting", "plan_approval_date")
# ISO-date process variables written by the shipped forms, allowed as anchors too.
PROCESS_ANCHORS = ("kickoff_date", "analysis_deadline", "review_deadline", "council_meeting_date",
                   "submission_date", "council_decision_date", "finalised_on", "period_end", "proposals_due",
                   "budget_due", "council_due", "reports_due")
ANCHORS = STATUTORY_ANCHORS + PROCESS_ANCHORS
UNITS = {"day": "days", "days": "days", "workday": "workdays", "workdays": "workdays",
         "month": "months", "months": "months"}
MAX_AMOUNT = 3660

_TOKEN = re.compile(r"\s*(?:(?P<name>[A-Za-z_][A-Za-z0-9_]*)|(?P<number>\d+)|(?P<sign>[+-])|(?P<other>\S))")

_TEXTS = {
    "empty": {"tr": "kural boş", "en": "the rule is empty"},
    "expected": {"tr": "{position}. karakterde {expected} bekleniyordu, {found} bulundu",
                 "en": "at character {position}: expected {expected}, found {found}"},
    "unknown_anchor": {"tr": "{position}. karakterde bilinmeyen dayanak tarihi {found}; geçerli olanlar: {known}",
                       "en": "at character {position}: unknown anchor {found}; known anchors: {known}"},
    "too_large": {"tr": "{position}. karakterdeki sayı çok büyük (en fazla {limit})",
                  "en": "at character {position}: the number is too large (at most {limit})"},
}
_EXPECTED = {
    "anchor": {"tr": "bir dayanak tarihi", "en": "an anchor"},
    "sign": {"tr": "“+” ya da “-”", "en": "“+” or “-”"},
    "number": {"tr": "bir tam sayı", "en": "a whole number"},
    "unit": {"tr": "days, workdays ya da months", "en": "days, workdays or months"},
}
_TOKEN_KIND = {"anchor": "name", "unit": "name"}
_END = {"tr": "kuralın sonu", "en": "end of rule"}


class RuleError(ValueError):
    """A rule that does not parse. `position` is 1-based (characters)."""

    def __init__(self, code: str, position: int, expected: str | None = None, found: str | None = None):
        self.code, self.position, self.expected, self.found = code, position, expected, found
        super().__init__(self.describe("en"))

    def describe(self, locale: str = "tr") -> str:
        lang = "en" if (locale or "tr").lower().startswith("en") else "tr"
        found = f"“{self.found}”" if self.found is not None else _END[lang]
        expected = _EXPECTED.get(self.expected or "", {}).get(lang, self.expected or "")
        return _TEXTS[self.code][lang].format(position=self.position, expected=expected, found=found,
                                              known=", ".join(ANCHORS), limit=MAX_AMOUNT)


@dataclass(frozen=True)
class Offset:
    amount: int  # signed
    unit: str  # days, workdays, months


@dataclass(frozen=True)
class Rule:
    anchor: str
    offsets: tuple[Offset, ...] = ()
    text: str = ""

    def __str__(self) -> str:
        parts = [self.anchor]
        for o in self.offsets:
            parts.append(f"{'-' if o.amount < 0 else '+'} {abs(o.amount)} {o.unit}")
        return " ".join(parts)


def _tokens(text: str) -> list[tuple[str, str, int]]:
    found, pos = [], 0
    while pos < len(text):
        match = _TOKEN.match(text, pos)
        if match is None:  # only trailing whitespace is left
            break
        kind = match.lastgroup
        found.append((kind, match.group(kind), match.start(kind) + 1))
        pos = match.end()
    return found


def parse(text: str, anchors: Iterable[str] = ANCHORS) -> Rule:
    """The rule in `text`, or RuleError naming the position and what was expected."""
    if not isinstance(text, str) or not text.strip():
        raise RuleError("empty", 1, "anchor")
    known = set(anchors)
    tokens = _tokens(text)
    end = len(text.rstrip()) + 1

    def take(index: int, kind: str) -> str:
        if index >= len(tokens):
            raise RuleError("expected", end, kind)
        got_kind, value, position = tokens[index]
        if got_kind != _TOKEN_KIND.get(kind, kind):
            raise RuleError("expected", position, kind, value)
        return value

    anchor = take(0, "anchor")
    if anchor not in known:
        raise RuleError("unknown_anchor", tokens[0][2], "anchor", anchor)
    offsets, index = [], 1
    while index < len(tokens):
        sign = take(index, "sign")
        amount = take(index + 1, "number")
        if int(amount) > MAX_AMOUNT:
            raise RuleError("too_large", tokens[index + 1][2])
        unit = take(index + 2, "unit")
        if unit.lower() not in UNITS:
            raise RuleError("expected", tokens[index + 2][2], "unit", unit)
        offsets.append(Offset(int(amount) * (-1 if sign == "-" else 1), UNITS[unit.lower()]))
        index += 3
    return Rule(anchor, tuple(offsets), text.strip())


def evaluate(rule: Rule | str, anchors: Mapping[str, date | None], leave_days: Iterable[date] = ()) -> date | None:
    """The due date the rule gives, or None while its anchor has no value."""
    if isinstance(rule, str):
        rule = parse(rule)
    day = anchors.get(rule.anchor)
    if day is None:
        return None
    leave = frozenset(leave_days)
    for offset in rule.offsets:
        if offset.unit == "days":
            day = day + timedelta(days=offset.amount)
        elif offset.unit == "months":
            day = add_months(day, offset.amount)
        else:
            day = add_working_days(day, offset.amount, leave)
    return day
