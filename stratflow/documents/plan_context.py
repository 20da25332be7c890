"""The plan skeleton's context: the 2019 municipal guide's outline, pre-filled with what the
process collected (situation analysis, findings, mission/vision/values, goals and targets)."""

from __future__ import annotations

from ..services import situation
from . import plan_cards
from .context import DASH, USES, board_approval, common, plan_period, team_list
from .typography import long_date

USES["plan_skeleton"] = (
    "coordinating_unit", "plan_period", "institution_history", "current_plan", "current_plan_period", "evaluation",
    "lessons", "legislation", "policy_documents", "unit_inputs", "activity_areas", "stakeholders", "surveys",
    "workshops", "internal_survey_respondents", "external_survey_respondents", "workshop_date",
    "survey_results_document", "consulted_bodies", "stakeholder_findings", "pestle", "political", "economic",
    "social", "technological", "legal", "environmental", "strengths", "weaknesses", "opportunities", "threats",
    "findings", "mission", "vision", "core_values", "goals", "targets", "indicators", "activities",
    "risks", "monitoring_period", "evaluation_report", "monitoring_unit", "reporting_notes",
    *USES["board_approval"], *USES["team_list"],
)


def _text(value) -> str:
    return str(value) if value not in (None, "") else ""


def _rows(items, fields) -> list[dict]:
    return [{"no": i, **{f: _text(item.get(f)) for f in fields}} for i, item in enumerate(items or [], 1)]


def _unit_inputs(data: dict) -> list[dict]:
    rows = []
    for item in data.get("unit_inputs") or []:
        rows.append({
            "unit": (item.get("unit") or {}).get("name", "") if isinstance(item.get("unit"), dict)
            else _text(item.get("unit")),
            "duties": _rows(item.get("duties"), ("duty", "legal_basis")),
            "services": _rows(item.get("services"), ("service", "beneficiaries")),
            "staff_count": _text(item.get("staff_count")),
            "human_resources": _text(item.get("human_resources")), "technology": _text(item.get("technology")),
            "physical": _text(item.get("physical")), "financial": _text(item.get("financial")),
            "findings": _text(item.get("unit_findings")),
        })
    return rows


def _situation(data: dict) -> dict:
    """The guide's situation-analysis tables (services/situation.py), as the template reads them."""
    found = situation.consolidate(data)
    matrix = found["matrix"]
    areas = {a["code"]: a["name"] for a in matrix["areas"]}
    return {
        "activity_areas": [{"no": i, **a} for i, a in enumerate(matrix["areas"], 1)],
        "stakeholders": [{
            "no": i, "name": s["name"], "kind": s["kind_label"], "category": s["category_label"],
            "impact": _text(s["impact"]), "importance": _text(s["importance"]), "score": _text(s["score"]),
            "priority": s["approach_label"], "areas": ", ".join(s["areas"]),
            "area_names": "; ".join(f"{c} {areas[c]}" if c in areas else c for c in s["areas"]),
        } for i, s in enumerate(found["stakeholders"], 1)],
        "stakeholder_matrix": {"codes": [a["code"] for a in matrix["areas"]],
                               "rows": [{"name": r["name"], "cells": ["X" if c else "" for c in r["cells"]]}
                                        for r in matrix["rows"]]},
        "stakeholder": {"consulted_bodies": found["consulted_bodies"], "findings": found["stakeholder_findings"],
                        "surveys": [{"no": i, "survey": s["label"], "date": long_date(s["date"], DASH),
                                     "respondents": _text(s["respondents"]), "summary": s["summary"],
                                     "document": s["document"]} for i, s in enumerate(found["surveys"], 1)],
                        "workshops": [{"no": i, "date": long_date(w["date"], DASH),
                                       "participants": _text(w["participants"]) or DASH, "topic": w["topic"],
                                       "summary": w["summary"], "document": w["document"]}
                                      for i, w in enumerate(found["workshops"], 1)]},
        "pestle": [{"factor": g["label"], "factors": [{"no": i, **item} for i, item in enumerate(g["items"], 1)]}
                   for g in found["pestle"]],
        "swot": {key: [{"no": i, "item": item["item"], "source": item["source_label"]}
                       for i, item in enumerate(q["items"], 1)] for key, q in found["swot"].items()},
        "findings": [{"no": i, "source": g["label"], "area": f["area"], "finding": f["finding"], "need": f["need"]}
                     for i, (g, f) in enumerate(((g, f) for g in found["findings"] for f in g["items"]), 1)],
    }


def plan_skeleton(facts: dict) -> dict:
    data = facts["data"]
    period = plan_period(facts)
    ctx = common(facts, f"{period} Dönemi Stratejik Planı", f"{period} Dönemi Stratejik Planı")
    years = [str(int(period[:4]) + n) for n in range(5)] if period[:4].isdigit() else ["", "", "", "", ""]
    records = facts.get("plan") if (facts.get("plan") or {}).get("targets") else None
    if records:  # the cards as records (services/plan_content.py): their plan years
        years = [str(y) for y in records["years"]]
    chapters = plan_cards.strategy(records or plan_cards.from_draft(data, years))
    ctx.update({
        "years": years,
        "board": board_approval(facts)["board"],
        "team": team_list(facts)["team"],
        "history": _text(data.get("institution_history")),
        "current_plan": {"exists": _text(data.get("current_plan")), "period": _text(data.get("current_plan_period")),
                         "evaluation": _text(data.get("evaluation")), "lessons": _text(data.get("lessons"))},
        "legislation": _rows(data.get("legislation"), ("regulation", "article", "duty")),
        "policy_documents": _rows(data.get("policy_documents"), ("document", "provision", "implication")),
        "unit_inputs": _unit_inputs(data),
        **_situation(data),
        "mission": _text(data.get("mission")),
        "vision": _text(data.get("vision")),
        "core_values": _rows(data.get("core_values"), ("value", "description")),
        "goals": chapters["goals"],
        "costing": chapters["costing"],
        "key_indicators": chapters["key_indicators"],
        "total_cost": chapters["total_cost"] or DASH,
        "monitoring": {"period": _text(data.get("monitoring_period")),
                       "evaluation_report": _text(data.get("evaluation_report")),
                       "unit": _text(data.get("monitoring_unit")), "notes": _text(data.get("reporting_notes"))},
    })
    return ctx
