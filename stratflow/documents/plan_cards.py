"""The plan book's strategy chapters from the plan's records (services/plan_content.snapshot, in
facts["plan"]): target cards with indicators per plan year, activities and projects with their
cost per year and funding source, risks with likelihood and impact; the costing table (per
target, goal and year — the guide's maliyetlendirme tablosu) and the key indicators (TPG) annex.
Pure: the snapshot is JSON-native."""

from __future__ import annotations

from .typography import money

DIRECTIONS = {"increase": "Artış", "decrease": "Azalış"}
FREQUENCIES = {"six_monthly": "6 ayda bir", "yearly": "Yılda bir"}
KINDS = {"activity": "Faaliyet", "project": "Proje"}


def _number(value) -> str:
    if value in (None, ""):
        return ""
    number = float(value)
    return (f"{number:.4f}".rstrip("0").rstrip(".")).replace(".", ",")


def _sum(values) -> float:
    return sum(float(v or 0) for v in values)


def _card(card: dict, years: list[str]) -> dict:
    activities = []
    for a in card.get("activities") or []:
        costs = [a.get("costs", {}).get(y) for y in years]
        known = any(c not in (None, "") for c in costs)
        activities.append({"name": a.get("name", ""), "kind": KINDS.get(a.get("kind"), a.get("kind") or ""),
                           **{f"cost_{n}": money(c) if known else "" for n, c in enumerate(costs, 1)},
                           "total": money(_sum(costs)) if known else money(a.get("total")),
                           "funding": a.get("funding_source") or ""})
    unit = card.get("responsible_unit") or {}
    return {
        "code": card["code"], "target": card.get("title", ""), "responsible_unit": unit.get("name", ""),
        "cooperating_units": ", ".join(u["name"] for u in card.get("cooperating_units") or []),
        "cost": money(card["cost"]) if card.get("cost") is not None else
        money(sum(_sum(a.get("costs", {}).get(y) for y in years) for a in card.get("activities") or [])),
        "findings": "; ".join(card.get("findings") or []), "needs": "; ".join(card.get("needs") or []),
        "strategies": "; ".join(card.get("strategies") or []),
        "indicators": [{
            "code": i["code"], "indicator": i.get("name", ""), "weight": _number(i.get("weight")),
            "baseline": _number(i.get("baseline")), "unit_of_measure": i.get("unit_of_measure") or "",
            "direction": DIRECTIONS.get(i.get("direction"), ""),
            **{f"year_{n}": _number(i.get("values", {}).get(y)) for n, y in enumerate(years, 1)},
            "monitoring": FREQUENCIES.get(i.get("monitoring"), i.get("monitoring") or ""),
            "reporting": FREQUENCIES.get(i.get("reporting"), i.get("reporting") or ""),
        } for i in card.get("indicators") or []],
        "activities": activities,
        "risks": [{"risk": r.get("risk", ""), "likelihood": str(r.get("likelihood") or ""),
                   "impact": str(r.get("impact") or ""), "control": r.get("control", "")}
                  for r in card.get("risks") or []],
    }


def _costs_by_year(card: dict, years: list[str]) -> list[float]:
    return [_sum(a.get("costs", {}).get(y) for a in card.get("activities") or []) for y in years]


def strategy(plan: dict) -> dict:
    """goals (with their cards), costing rows and key indicators for the plan skeleton's context."""
    years = [str(y) for y in plan.get("years") or []]
    cards = plan.get("targets") or []
    goals, costing, grand = [], [], [0.0] * len(years)
    for goal in plan.get("goals") or []:
        own = [c for c in cards if c.get("goal_code") == goal["code"]]
        goals.append({"code": goal["code"], "goal": goal.get("title", ""), "targets": [_card(c, years) for c in own]})
        subtotal = [0.0] * len(years)
        for c in own:
            by_year = _costs_by_year(c, years)
            subtotal = [a + b for a, b in zip(subtotal, by_year, strict=True)]
            costing.append({"label": f'{c["code"]} {c.get("title", "")}',
                            **{f"year_{n}": money(v) for n, v in enumerate(by_year, 1)}, "total": money(sum(by_year))})
        costing.append({"label": f'{goal["code"]} toplamı',
                        **{f"year_{n}": money(v) for n, v in enumerate(subtotal, 1)}, "total": money(sum(subtotal))})
        grand = [a + b for a, b in zip(grand, subtotal, strict=True)]
    costing.append({"label": "Genel toplam", **{f"year_{n}": money(v) for n, v in enumerate(grand, 1)},
                    "total": money(sum(grand))})
    key = [{"code": i["code"], "indicator": i.get("name", ""), "target": c["code"],
            "baseline": _number(i.get("baseline")),
            **{f"year_{n}": _number(i.get("values", {}).get(y)) for n, y in enumerate(years, 1)}}
           for c in cards for i in c.get("indicators") or [] if i.get("key_indicator")]
    return {"years": years, "goals": goals, "costing": costing, "key_indicators": key,
            "total_cost": money(sum(grand)) if any(grand) else ""}


def from_draft(data: dict, years: list[str]) -> dict:
    """The strategy draft's form data (before the cards are records) in the snapshot's shape; its
    costs have no years: each target's estimate and each activity's cost show as totals."""
    def rows(key, code):
        return [r for r in data.get(key) or [] if (r.get("target_code") or "") == code]
    targets = []
    for t in data.get("targets") or []:
        code = t.get("code") or ""
        targets.append({
            "code": code, "goal_code": t.get("goal_code") or "", "title": t.get("target") or "",
            "responsible_unit": {"name": t.get("responsible_unit") or ""},
            "cooperating_units": [{"name": t["cooperating_units"]}] if t.get("cooperating_units") else [],
            "cost": t.get("cost_tl"),
            "indicators": [{"code": "", "name": i.get("indicator") or "", "weight": i.get("weight"),
                            "baseline": i.get("baseline"), "monitoring": i.get("monitoring"),
                            "reporting": i.get("reporting"),
                            "values": {y: i.get(f"year_{n}") for n, y in enumerate(years, 1)}}
                           for i in rows("indicators", code)],
            "activities": [{"name": a.get("name") or "", "total": a.get("cost_tl")} for a in rows("activities", code)],
            "risks": [{"risk": r.get("risk") or "", "control": r.get("control") or ""} for r in rows("risks", code)],
        })
    return {"years": years, "goals": [{"code": g.get("code") or "", "title": g.get("goal") or ""}
                                      for g in data.get("goals") or []], "targets": targets}
