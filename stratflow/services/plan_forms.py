"""The target card's web form: its rows (what the page shows, with blank rows to fill) and the
submitted fields back as card data for plan_content.save_card (blank rows left out)."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from ..parsing import strip_controls
from .plan_rules import HUNDRED, MAX_ROWS, shown

INDICATOR_FIELDS = ("code", "name", "unit_of_measure", "definition", "data_source", "direction", "weight",
                    "baseline", "monitoring", "reporting")
ACTIVITY_FIELDS = ("kind", "name", "funding_source")
RISK_FIELDS = ("risk", "likelihood", "impact", "control")
BLANK_ROWS = 2
LIST_FIELDS = ("findings", "needs", "strategies")


def _value(form, key: str) -> str:
    return strip_controls(form.get(key) or "", multiline=True).strip()


def _count(form, prefix: str) -> int:
    """How many rows of `prefix` the form sent (row numbers are consecutive from 0)."""
    numbers = [int(k.split("-")[1]) for k in form if k.startswith(f"{prefix}-") and k.split("-")[1].isdigit()]
    return min(max(numbers) + 1, MAX_ROWS) if numbers else 0


def parse(form, years: list[int]) -> dict:
    """Card data from the form; a field the form did not send (a unit manager's fixed code, goal
    and responsible unit) is left out, so the card keeps it."""
    data: dict = {}
    for key in ("code", "goal_code", "title", "responsible_unit_id"):
        if key in form:
            data[key] = _value(form, key) or None
    if "cooperating_sent" in form:
        data["cooperating_unit_ids"] = [v for v in form.getlist("cooperating_unit_ids") if v]
    for key in LIST_FIELDS:
        if key in form:
            data[key] = [line for line in _value(form, key).splitlines() if line.strip()]
    data["risks"] = _rows(form, "risks", RISK_FIELDS, lambda row, i: row)
    data["indicators"] = _rows(form, "indicators", INDICATOR_FIELDS, lambda row, i: {
        **row, "values": {str(y): _value(form, f"indicators-{i}-values-{y}") or None for y in years},
        "key_indicator": bool(form.get(f"indicators-{i}-key_indicator")),
        "direction": row.get("direction") or "increase"})
    data["activities"] = _rows(form, "activities", ACTIVITY_FIELDS, lambda row, i: {
        **row, "costs": {str(y): _value(form, f"activities-{i}-costs-{y}") or None for y in years},
        "kind": row.get("kind") or "activity"})
    return data


def _rows(form, prefix: str, names: tuple, finish) -> list[dict]:
    rows = []
    for i in range(_count(form, prefix)):
        row = {name: _value(form, f"{prefix}-{i}-{name}") or None for name in names}
        row = finish(row, i)
        if _filled(row, names, prefix):
            rows.append(row)
    return rows


def _filled(row: dict, names: tuple, prefix: str) -> bool:
    """Whether the person typed anything into the row (the choices' defaults do not count)."""
    defaults = {"direction": "increase", "kind": "activity"}
    typed = [row.get(n) for n in names if row.get(n) not in (None, defaults.get(n))]
    for key in ("values", "costs"):
        typed += [v for v in (row.get(key) or {}).values() if v is not None]
    return bool(typed)


def rows(card: dict | None, submitted: dict | None, years: list[int]) -> dict:
    """The form's rows: what was submitted (after a refusal), else the card; plus blank rows."""
    source = submitted if submitted is not None else (card or {})

    def padded(items: list, blank: dict) -> list:
        items = list(items or [])
        return items + [dict(blank) for _ in range(min(BLANK_ROWS, MAX_ROWS - len(items)))]
    empty_years = {str(y): None for y in years}
    return {
        "indicators": padded(source.get("indicators"), {"values": empty_years, "direction": "increase"}),
        "activities": padded(source.get("activities"), {"costs": empty_years, "kind": "activity"}),
        "risks": padded(source.get("risks"), {}),
    }


def weight_sum(indicators: list) -> tuple[str, bool]:
    """(the sum of the rows' weights as shown, whether it is exactly 100); rows without a weight
    count as 0, a weight that is not a number makes the sum unknown ("?")."""
    total = Decimal(0)
    for row in indicators:
        raw = row.get("weight")
        if raw in (None, ""):
            continue
        try:
            total += Decimal(str(raw).replace(",", "."))
        except InvalidOperation:
            return "?", False
    if not total.is_finite():
        return "?", False
    return shown(total), total == HUNDRED
