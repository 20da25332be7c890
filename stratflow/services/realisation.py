"""Realisation of an adopted plan's targets from the indicators' actual values (pure).

Per indicator, the guide's rate: (actual − baseline) / (planned − baseline) × 100, the same for
an indicator meant to decrease (both differences are negative). An indicator whose planned value
equals its baseline counts 100 when the actual holds the line, else 0. Per target: the indicators'
rates weighted by their weights, each rate counted at most 100 and at least 0 (a target is never
more than fully realised; an overshoot is shown on the indicator). The weights of a target's
indicators sum to 100; when a period asks for some of them only (the first half asks for the
six-monthly indicators), the weights of those asked are rescaled to 100. A target with an
indicator without an actual value has no rate yet (None) — its known share is given.

The plan as a whole (`plan_rate`): the guide gives targets no weights, so every target counts the
same — the plain mean of the targets' rates in the period; targets still waiting for entries are
left out, and how many were counted is given with it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

INCREASE, DECREASE = "increase", "decrease"


def _number(value) -> float | None:
    if value is None or value == "":
        return None
    return float(value) if isinstance(value, (int, float, Decimal)) else None


def indicator_rate(baseline, planned, actual, direction: str = INCREASE) -> float | None:
    base, goal, done = _number(baseline) or 0.0, _number(planned), _number(actual)
    if goal is None or done is None:
        return None
    if goal == base:
        held = done >= goal if direction == INCREASE else done <= goal
        return 100.0 if held else 0.0
    return round((done - base) / (goal - base) * 100, 2)


@dataclass(frozen=True)
class IndicatorResult:
    code: str
    weight: float
    rate: float | None


@dataclass(frozen=True)
class TargetResult:
    code: str
    rate: float | None          # weighted, 0..100; None while an indicator has no actual value
    known_share: float          # the weights (of 100) whose indicators have an actual value
    indicators: tuple[IndicatorResult, ...]


def target_rate(code: str, indicators: Iterable[dict]) -> TargetResult:
    """`indicators`: dicts with code, weight, baseline, planned, actual, direction."""
    results, total, known, asked = [], 0.0, 0.0, 0.0
    for item in indicators:
        rate = indicator_rate(item.get("baseline"), item.get("planned"), item.get("actual"),
                              item.get("direction") or INCREASE)
        weight = _number(item.get("weight")) or 0.0
        results.append(IndicatorResult(item["code"], weight, rate))
        asked += weight
        if rate is not None:
            known += weight
            total += weight * min(max(rate, 0.0), 100.0) / 100
    complete = all(r.rate is not None for r in results) and results and asked > 0
    rate = round(total * 100 / asked, 2) if complete else None
    return TargetResult(code, rate, round(known, 2), tuple(results))


@dataclass(frozen=True)
class PlanResult:
    rate: float | None          # the mean of the targets' rates; None while no target has one
    counted: int                # targets with a rate
    total: int                  # targets monitored in the period


def plan_rate(targets: Iterable[TargetResult]) -> PlanResult:
    targets = list(targets)
    rates = [t.rate for t in targets if t.rate is not None]
    return PlanResult(round(sum(rates) / len(rates), 2) if rates else None, len(rates), len(targets))
