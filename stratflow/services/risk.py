"""The risk flag of a strategic plan: the work still to do against the time left.

Pure functions (no database, no app context); the working-day arithmetic is stratflow/calendar's
(weekends and Turkish official holidays skipped).

The rule, as the overview page explains it:

1. **Planned share of each phase** (`planned_spans`): the working days between the previous
   phase's target and its own; the first phase counts from the plan's start (the mazbata date).
   A phase whose target is not known yet shares the days between its known neighbours equally
   with the other unknown ones; a target earlier than the one before it gives 0 days.
2. **Remaining work** = Σ planned share × (1 − progress) over the phases up to the council
   decision (publication comes after the target meeting and does not count).
3. **Time left** = working days from today (excluded) to the target council meeting (included).
4. **Ratio** = remaining work / time left; ≤ 1.1 → low, ≤ 1.3 → medium, above → high.
5. Overrides (compliance is judged on submission, services/compliance.py): plan submitted to the
   council by the legal deadline → low (also while a commission examines it and after); submitted
   after it → late; adopted → low unless submitted late; target meeting today or past, or after
   the legal deadline → high; legal deadline passed without submission → late. Overdue tasks
   raise low → medium → high.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from ..calendar import working_days_between

LOW, MEDIUM, HIGH, LATE = "low", "medium", "high", "late"
LEVELS = (LOW, MEDIUM, HIGH, LATE)  # ascending: the index is the rank used for sorting
MEDIUM_RATIO = 1.1   # above this ratio: medium
HIGH_RATIO = 1.3     # above this ratio: high

# reason codes (the page shows a sentence for each)
ADOPTED, SUBMITTED, SUBMITTED_LATE, DEADLINE_PASSED, MEETING_PASSED, AFTER_DEADLINE, OVERDUE = (
    "adopted", "submitted", "submitted_late", "deadline_passed", "meeting_passed", "after_deadline", "overdue")


@dataclass(frozen=True)
class PhaseWork:
    planned_days: float   # the phase's planned share, in working days
    progress: float       # 0..1


@dataclass(frozen=True)
class Risk:
    level: str
    remaining_days: float      # remaining work, working days
    time_left: int             # working days to the target meeting (≤ 0: passed)
    ratio: float | None        # remaining / time left (None when no time is left)
    reasons: tuple[str, ...] = ()

    @property
    def rank(self) -> int:
        return LEVELS.index(self.level)


def planned_spans(start: date, targets: Sequence[date | None],
                  between=working_days_between) -> list[float]:
    """Working days planned for each phase from its target and the one before (see module doc)."""
    spans = [0.0] * len(targets)
    previous, previous_index = start, -1
    for index, target in enumerate(targets):
        if target is None:
            continue
        days = max(0, between(previous, target)) if target > previous else 0
        gap = index - previous_index  # this phase plus the unknown ones before it
        for k in range(previous_index + 1, index + 1):
            spans[k] = days / gap
        if target > previous:
            previous = target
        previous_index = index
    return spans  # trailing phases without a known target keep 0


def assess(phases: Sequence[PhaseWork], time_left: int, overdue: int = 0, *, adopted: bool = False,
           deadline_passed: bool = False, target_after_deadline: bool = False, submitted: bool = False,
           submitted_late: bool = False) -> Risk:
    """The risk level from the phases' planned shares and progress and the time left."""
    remaining = round(sum(p.planned_days * (1 - min(max(p.progress, 0.0), 1.0)) for p in phases), 1)
    ratio = round(remaining / time_left, 2) if time_left > 0 else None
    reasons: list[str] = []
    if submitted_late:
        level = LATE
        reasons.append(SUBMITTED_LATE)
    elif adopted:
        level = LOW
        reasons.append(ADOPTED)
    elif submitted:
        level = LOW
        reasons.append(SUBMITTED)
    elif deadline_passed:
        level = LATE
        reasons.append(DEADLINE_PASSED)
    elif time_left <= 0:
        level = HIGH
        reasons.append(MEETING_PASSED)
    elif target_after_deadline:
        level = HIGH
        reasons.append(AFTER_DEADLINE)
    else:
        level = LOW if ratio <= MEDIUM_RATIO else MEDIUM if ratio <= HIGH_RATIO else HIGH
    if overdue > 0:
        reasons.append(OVERDUE)
        if level in (LOW, MEDIUM):
            level = LEVELS[LEVELS.index(level) + 1]
    return Risk(level=level, remaining_days=remaining, time_left=time_left, ratio=ratio, reasons=tuple(reasons))
