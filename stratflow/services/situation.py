"""The situation analysis (durum analizi) consolidated from the team's forms, as the 2019 municipal
guide (Belediyeler İçin Stratejik Planlama Rehberi) tabulates it: the stakeholder prioritisation
(Tablo 4), the stakeholder–product/service matrix (Tablo 5), PESTLE by dimension with opportunity or
threat, the GZFT (SWOT) quadrants and the findings with the needs they lead to, by analysis stage.

Pure functions of the process data: the read-only situation page and the plan skeleton document
both read `consolidate(data)`. Data of the earlier, free-text forms (before the analysis was
structured) is shown as well as it can be: text in place of rows, no computed priority.

Priority (guide, Paydaş Analizi: "paydaşların önceliklendirilmesi"): every stakeholder gets an impact
(etki: its power to affect the municipality's work) and an importance (önem: how much the
municipality's work concerns it) from 1 to 5. Their product is the priority score (Tablo 4,
"Önceliği"; highest first). The guide's etki/önem matrix names the relation to keep with each
quarter: strong impact and importance "Birlikte çalış", strong impact only "Çıkarlarını gözet",
strong importance only "Bilgilendir", neither "İzle". Which degree counts as strong is not fixed by
the guide: the form declares it (`x-strong-from` on the stakeholders table, default 3).
"""

from __future__ import annotations

import re
from datetime import date

from ..i18n import tr_upper

STRONG_FROM = 3
# Steps whose task page links to the consolidated analysis: the team's, the findings, the board's adoption.
SHOWN_ON = ("stakeholder_analysis", "environment_analysis", "findings_needs", "analysis_adoption")
TR, EN = 0, 1

KIND = {"internal": ("İç", "Internal"), "external": ("Dış", "External")}
CATEGORY = {"institution": ("Kurum / kuruluş", "Institution"), "person": ("Kişi", "Person"),
            "group": ("Grup", "Group")}
APPROACH = {"work_together": ("Birlikte çalış", "Work together"),
            "keep_satisfied": ("Çıkarlarını gözet", "Keep satisfied"),
            "keep_informed": ("Bilgilendir", "Keep informed"),
            "monitor": ("İzle", "Monitor")}
LEGACY_PRIORITY = {"high": ("Yüksek", "High"), "medium": ("Orta", "Medium"), "low": ("Düşük", "Low")}
PESTLE = {"political": ("Politik", "Political"), "economic": ("Ekonomik", "Economic"),
          "social": ("Sosyo-kültürel", "Socio-cultural"), "technological": ("Teknolojik", "Technological"),
          "legal": ("Yasal", "Legal"), "environmental": ("Ekolojik / çevresel", "Ecological / environmental")}
CLASSIFICATION = {"opportunity": ("Fırsat", "Opportunity"), "threat": ("Tehdit", "Threat")}
SWOT = {"strengths": ("Güçlü yönler", "Strengths"), "weaknesses": ("Zayıf yönler", "Weaknesses"),
        "opportunities": ("Fırsatlar", "Opportunities"), "threats": ("Tehditler", "Threats")}
# The guide's stages of the situation analysis, in its order: where a finding comes from.
SOURCES = {
    "plan_evaluation": ("Uygulanmakta olan planın değerlendirilmesi", "Evaluation of the plan in force"),
    "legislation": ("Mevzuat analizi", "Legislation analysis"),
    "policy_documents": ("Üst politika belgeleri analizi", "Higher policy documents"),
    "activity_areas": ("Faaliyet alanları ile ürün ve hizmetler", "Activity areas, products and services"),
    "stakeholders": ("Paydaş analizi", "Stakeholder analysis"),
    "internal": ("Kuruluş içi analiz", "Internal analysis"),
    "pestle": ("PESTLE analizi", "PESTLE analysis"),
    "swot": ("GZFT analizi", "SWOT analysis"),
    "unit_input": ("Birim girdisi", "Unit input"),
}
UNKNOWN_SOURCE = ("Kaynağı belirtilmemiş", "Source not given")
AUDIENCE = {"internal": ("İç paydaş anketi", "Internal survey"), "external": ("Dış paydaş anketi", "External survey")}
_SPLIT = re.compile(r"[\s,;]+")


def label(table: dict, key, locale: str = "tr", default=("", "")) -> str:
    pair = table.get(key, default) if isinstance(key, str) else default
    return pair[EN] if locale == "en" else pair[TR]


def degree(value) -> int | None:
    """A 1–5 degree, or None for anything else (a missing or malformed entry)."""
    return value if isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= 5 else None


def priority(impact, importance, strong_from: int = STRONG_FROM) -> tuple[int | None, str | None]:
    """(score, approach) of a stakeholder: impact × importance and the quarter of the guide's
    etki/önem matrix; (None, None) without both degrees."""
    impact, importance = degree(impact), degree(importance)
    if impact is None or importance is None:
        return None, None
    strong_impact, strong_importance = impact >= strong_from, importance >= strong_from
    if strong_impact and strong_importance:
        approach = "work_together"
    elif strong_impact:
        approach = "keep_satisfied"
    elif strong_importance:
        approach = "keep_informed"
    else:
        approach = "monitor"
    return impact * importance, approach


def area_code(text) -> str:
    return tr_upper(str(text or "").strip())


def area_codes(text) -> list[str]:
    """The activity-area codes written in a stakeholder's cell ("FA1, FA3"), in order, once each."""
    seen = []
    for part in _SPLIT.split(str(text or "")):
        code = area_code(part)
        if code and code not in seen:
            seen.append(code)
    return seen


def _rows(value) -> list[dict]:
    return [row for row in value if isinstance(row, dict)] if isinstance(value, list) else []


def _text(value) -> str:
    return str(value).strip() if value not in (None, "") else ""


def _day(value) -> date | None:
    try:
        return date.fromisoformat(str(value)[:10]) if value else None
    except ValueError:
        return None


def stakeholders(data: dict, locale: str = "tr", strong_from: int = STRONG_FROM) -> list[dict]:
    """The prioritisation table (Tablo 4): highest score first, entry order among equals."""
    rows = []
    for i, row in enumerate(_rows(data.get("stakeholders"))):
        score, approach = priority(row.get("impact"), row.get("importance"), strong_from)
        rows.append({
            "order": i, "name": _text(row.get("name")), "kind": row.get("kind"),
            "kind_label": label(KIND, row.get("kind"), locale, (_text(row.get("kind")),) * 2),
            "category_label": label(CATEGORY, row.get("category"), locale),
            "impact": degree(row.get("impact")), "importance": degree(row.get("importance")),
            "score": score, "approach": approach,
            "approach_label": label(APPROACH, approach, locale) if approach
            else label(LEGACY_PRIORITY, row.get("priority"), locale, (_text(row.get("priority")),) * 2),
            "areas": area_codes(row.get("areas")),
        })
    return sorted(rows, key=lambda r: (-(r["score"] or 0), r["order"]))


def strong_degree(schema: dict) -> int | None:
    """The form's strong degree (`x-strong-from` on its stakeholders table), None for other forms."""
    value = (schema.get("properties", {}).get("stakeholders") or {}).get("x-strong-from")
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def priority_preview(schema: dict, data: dict, locale: str = "tr") -> list[dict] | None:
    """The prioritisation of the stakeholders entered so far (a draft or a refused submission), for
    the stakeholder form's own page; None for other forms or before any degree was entered."""
    strong = strong_degree(schema)
    if strong is None or not isinstance(data, dict):
        return None
    rows = [r for r in stakeholders(data, locale, strong) if r["score"] is not None]
    return rows or None


def activity_areas(data: dict) -> list[dict]:
    return [{"code": area_code(row.get("code")), "name": _text(row.get("name")),
             "services": _text(row.get("services"))} for row in _rows(data.get("activity_areas"))]


def matrix(data: dict) -> dict:
    """The stakeholder–product/service matrix (Tablo 5): a row per stakeholder in entry order, a
    column per activity area, True where the stakeholder relates to it."""
    areas = activity_areas(data)
    rows = []
    for row in _rows(data.get("stakeholders")):
        codes = set(area_codes(row.get("areas")))
        rows.append({"name": _text(row.get("name")), "cells": [a["code"] in codes for a in areas]})
    return {"areas": areas, "rows": rows}


def pestle(data: dict, locale: str = "tr") -> list[dict]:
    """PESTLE by dimension in the guide's order, each factor with opportunity or threat."""
    factors = _rows(data.get("pestle"))
    groups = []
    for key in PESTLE:
        items = [{"factor": _text(f.get("factor")), "effect": _text(f.get("effect")),
                  "classification": f.get("classification"),
                  "classification_label": label(CLASSIFICATION, f.get("classification"), locale),
                  "action": _text(f.get("action"))} for f in factors if f.get("category") == key]
        if not factors and _text(data.get(key)):  # the earlier form: one text per dimension
            items = [{"factor": _text(data.get(key)), "effect": "", "classification": None,
                      "classification_label": "", "action": ""}]
        groups.append({"key": key, "label": label(PESTLE, key, locale), "items": items,
                       "opportunities": sum(1 for i in items if i["classification"] == "opportunity"),
                       "threats": sum(1 for i in items if i["classification"] == "threat")})
    return groups


def swot(data: dict, locale: str = "tr") -> dict:
    """The four GZFT quadrants, each item with the analysis it comes from."""
    quadrants = {}
    for key in SWOT:
        value = data.get(key)
        if isinstance(value, str):  # the earlier form: one text per quadrant
            items = [{"item": value.strip(), "source": None, "source_label": ""}] if value.strip() else []
        else:
            items = [{"item": _text(row.get("item")), "source": row.get("source"),
                      "source_label": label(SOURCES, row.get("source"), locale)} for row in _rows(value)]
        quadrants[key] = {"label": label(SWOT, key, locale), "items": items}
    return quadrants


def findings(data: dict, locale: str = "tr") -> list[dict]:
    """Findings → needs grouped by the analysis stage they come from, in the guide's order."""
    rows = _rows(data.get("findings"))
    groups = []
    for key in (*SOURCES, None):
        items = [{"area": _text(r.get("area")), "finding": _text(r.get("finding")), "need": _text(r.get("need"))}
                 for r in rows if (r.get("source") if r.get("source") in SOURCES else None) == key]
        if items:
            groups.append({"key": key, "label": label(SOURCES, key, locale, UNKNOWN_SOURCE), "items": items})
    return groups


def surveys(data: dict, locale: str = "tr") -> list[dict]:
    found = [{"audience": row.get("audience"), "label": label(AUDIENCE, row.get("audience"), locale),
              "date": _day(row.get("survey_date")), "respondents": row.get("respondents"),
              "summary": _text(row.get("summary")), "document": _text(row.get("document"))}
             for row in _rows(data.get("surveys"))]
    if not found:  # the earlier form: respondent counts and one report
        for audience in AUDIENCE:
            count = data.get(f"{audience}_survey_respondents")
            if isinstance(count, int) and count:
                found.append({"audience": audience, "label": label(AUDIENCE, audience, locale), "date": None,
                              "respondents": count, "summary": "",
                              "document": _text(data.get("survey_results_document"))})
    return found


def workshops(data: dict) -> list[dict]:
    found = [{"date": _day(row.get("workshop_date")), "participants": row.get("participants"),
              "topic": _text(row.get("topic")), "summary": _text(row.get("summary")),
              "document": _text(row.get("document"))} for row in _rows(data.get("workshops"))]
    if not found and _day(data.get("workshop_date")):
        found.append({"date": _day(data.get("workshop_date")), "participants": None, "topic": "", "summary": "",
                      "document": ""})
    return found


def consolidate(data: dict, locale: str = "tr", strong_from: int = STRONG_FROM) -> dict:
    """Everything the consolidated view shows; `started` says whether any analysis was entered."""
    result = {
        "stakeholders": stakeholders(data, locale, strong_from), "matrix": matrix(data),
        "surveys": surveys(data, locale), "workshops": workshops(data),
        "consulted_bodies": _text(data.get("consulted_bodies")),
        "stakeholder_findings": _text(data.get("stakeholder_findings")),
        "pestle": pestle(data, locale), "swot": swot(data, locale), "findings": findings(data, locale),
        "strong_from": strong_from,
    }
    result["started"] = bool(result["stakeholders"] or result["findings"]
                             or any(g["items"] for g in result["pestle"])
                             or any(q["items"] for q in result["swot"].values()))
    return result
