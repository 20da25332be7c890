"""A timeline that holds together: due dates in process order, on working days.

The model's due-date rules (rules.py) are written step by step; nothing in one rule knows the
others. This module puts them in order:

- `forward_steps(edges, start, steps)`: for every step (user task) the nearest steps that follow
  it, along the sequence flows without the loops back (a "send it back" edge is a back edge of a
  depth-first walk from the start event; in a structured model those are exactly the loops).
  Anything that is not a step (gateways, events, script tasks) passes its successors through.
- `schedule(successors, rule_dates, leave_days)`: schedules backwards from the last step: a step
  is due on its own rule's date or on the date of the earliest step after it, whichever is
  earlier, moved back to the previous working day. A step without a date (its anchor has no
  value yet) passes the bound through. The result never has a step due after one that follows
  it, and never a due date on a weekend, an official holiday or a leave day.
- `inversions(successors, rule_dates)`: the pairs of steps whose own rules contradict the
  process order (the first due after the second). `definitions check` reports them for
  reference cycles (`reference_anchors`), so a model's author sees them with element ids.

Pure functions; no database, no app context.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta

from . import rules
from .council import DEFAULT_RECESS_MONTH
from .legal import legal_deadline
from .target import target_council_meeting
from .workdays import is_working_day

Successors = Mapping[str, frozenset]


def forward_steps(edges: Iterable[tuple[str, str]], start: Iterable[str], steps: Iterable[str]) -> dict:
    """step id -> frozenset of the nearest step ids after it (loops back left out)."""
    out: dict[str, list[str]] = {}
    for source, target in edges:
        out.setdefault(source, []).append(target)
    steps = set(steps)
    forward: dict[str, list[str]] = {}
    state: dict[str, int] = {}  # 1: on the walk's stack, 2: done
    for root in start:
        if root in state:
            continue
        state[root] = 1
        stack = [(root, iter(out.get(root, ())))]
        while stack:
            node, children = stack[-1]
            child = next(children, None)
            if child is None:
                state[node] = 2
                stack.pop()
                continue
            if state.get(child) == 1:
                continue  # a loop back
            forward.setdefault(node, []).append(child)
            if child not in state:
                state[child] = 1
                stack.append((child, iter(out.get(child, ()))))
    nearest: dict[str, frozenset] = {}

    def after(node: str) -> frozenset:
        found: set[str] = set()
        for child in forward.get(node, ()):
            if child in steps:
                found.add(child)
            else:
                found |= through(child)
        return frozenset(found)

    passing: dict[str, frozenset] = {}

    def through(node: str) -> frozenset:
        if node not in passing:
            passing[node] = frozenset()  # the forward graph has no cycles; this only guards
            passing[node] = after(node)
        return passing[node]

    for step in steps:
        nearest[step] = after(step)
    return nearest


def _order(successors: Successors) -> list[str]:
    """Steps so that every step comes after all the steps that follow it (reverse topological)."""
    seen, order = set(), []
    for root in sorted(successors):
        if root in seen:
            continue
        seen.add(root)
        stack = [(root, iter(sorted(successors.get(root, ()))))]
        while stack:
            node, children = stack[-1]
            child = next(children, None)
            if child is None:
                order.append(node)
                stack.pop()
            elif child not in seen:
                seen.add(child)
                stack.append((child, iter(sorted(successors.get(child, ())))))
    return order


def previous_working_day(day: date, leave_days: frozenset = frozenset()) -> date:
    while not is_working_day(day) or day in leave_days:
        day -= timedelta(days=1)
    return day


def schedule(successors: Successors, rule_dates: Mapping[str, date | None],
             leave_days: Iterable[date] = ()) -> dict[str, date | None]:
    """The due date of every step: backwards from the last, in process order (module doc)."""
    leave = frozenset(leave_days)
    due: dict[str, date | None] = {}
    bound: dict[str, date | None] = {}
    for step in _order(successors):
        limits = []
        for nxt in successors.get(step, ()):
            limit = due.get(nxt) or bound.get(nxt)
            if limit is not None:
                limits.append(limit)
        bound[step] = min(limits) if limits else None
        own = rule_dates.get(step)
        if own is None:
            due[step] = None
            continue
        if bound[step] is not None and bound[step] < own:
            own = bound[step]
        due[step] = previous_working_day(own, leave)
    return due


@dataclass(frozen=True)
class Inversion:
    first: str       # the step that comes first in the process …
    then: str        # … and a step after it
    first_due: date  # … that its rule makes due later than
    then_due: date


def inversions(successors: Successors, rule_dates: Mapping[str, date | None]) -> list[Inversion]:
    """Pairs of steps whose own dates contradict the process order (steps without a date are
    passed through: the comparison is with the nearest dated steps after them)."""
    found = []
    for step in sorted(successors):
        first = rule_dates.get(step)
        if first is None:
            continue
        for nxt in sorted(_dated_after(step, successors, rule_dates)):
            then = rule_dates[nxt]
            if then < first:
                found.append(Inversion(step, nxt, first, then))
    return found


def _dated_after(step: str, successors: Successors, rule_dates: Mapping[str, date | None]) -> set[str]:
    found, seen, todo = set(), set(), list(successors.get(step, ()))
    while todo:
        node = todo.pop()
        if node in seen:
            continue
        seen.add(node)
        if rule_dates.get(node) is not None:
            found.add(node)
        else:
            todo.extend(successors.get(node, ()))
    return found


# -- reference cycles --------------------------------------------------------------------------

# What the product plans with for the dates users enter, until they do (the forms' defaults and
# the instructions say the same): used for reference cycles, never instead of an entered date.
PLANNED_ANCHORS = {
    "circular_date": "mazbata_date + 15 days",
    "nomination_deadline": "circular_date + 10 workdays",
    "kickoff_date": "nomination_deadline + 7 workdays",
    "analysis_deadline": "target_council_meeting - 60 workdays",
    "review_deadline": "target_council_meeting - 30 workdays",
    "council_meeting_date": "target_council_meeting",
    "submission_date": "target_council_meeting - 5 workdays",
    "council_decision_date": "target_council_meeting",
    "plan_approval_date": "target_council_meeting - 10 workdays",
    "finalised_on": "target_council_meeting + 5 days",
}
MAZBATA_AFTER_ELECTION = 5  # days: the 2019 and 2024 mazbatas came within the first week
REFERENCE_ELECTIONS = (date(2019, 3, 31), date(2024, 3, 31), date(2029, 3, 25))


def reference_anchors(election: date, municipality_type: str = "ilce", weekday: int = 1,
                      recess_month: int | None = DEFAULT_RECESS_MONTH) -> dict[str, date | None]:
    """Every anchor of a cycle nobody has entered anything in yet: the statutory dates from the
    election day and the council rule, the others as PLANNED_ANCHORS plans them."""
    anchors: dict[str, date | None] = {
        "election_date": election,
        "mazbata_date": election + timedelta(days=MAZBATA_AFTER_ELECTION),
        "legal_deadline": legal_deadline(election),
    }
    target = target_council_meeting(election, municipality_type, weekday, recess_month)
    anchors["target_council_meeting"] = target.date or anchors["legal_deadline"]
    pending = dict(PLANNED_ANCHORS)
    while pending:  # each planned anchor needs one that is known (the table has no cycles)
        ready = {k: v for k, v in pending.items() if rules.parse(v, rules.ANCHORS + tuple(PLANNED_ANCHORS)).anchor
                 in anchors}
        if not ready:
            raise ValueError(f"planned anchors without a known anchor: {sorted(pending)}")
        for name, text in ready.items():
            rule = rules.parse(text, rules.ANCHORS + tuple(PLANNED_ANCHORS))
            anchors[name] = rules.evaluate(rule, anchors)
            del pending[name]
    return anchors
