"""Render contexts of the documents, built from plain facts (no database here).

`facts` is a dict: municipality, mayor, coordinator, clerk, units (names), data (the process
data), legal_deadline, target_meeting, milestones ([{"phase", "step", "due"}]). The same builders
make the sample contexts that uploaded templates are checked against (see variables.py).
"""

from __future__ import annotations

from datetime import date

from ..i18n import tr_upper
from .typography import as_date, dative, long_date, month_label, short_date

TYPE_LABELS = {"buyuksehir": "Büyükşehir Belediyesi", "il": "İl Belediyesi", "ilce": "İlçe Belediyesi",
               "belde": "Belde Belediyesi"}
STRATEGY_UNIT = "Strateji Geliştirme Müdürlüğü"
FINANCE_UNIT = "Mali Hizmetler Müdürlüğü"
GANTT_MONTHS = 7  # election month … legal deadline month (six calendar months later)
FILL, EMPTY = "2F5496", "FFFFFF"
DASH = "—"

# Process-data keys each kind reads: its input hash covers these (and the common facts).
USES = {
    "circular": ("nomination_deadline", "coordinating_unit", "timetable", "plan_period", "circular_number"),
    "board_approval": ("coordinating_unit", "deputy_mayors", "secretary_general", "deputy_secretaries_general",
                       "other_members", "composition_override", "override_reason", "board_decision",
                       "board_comment"),
    "team_list": ("coordinating_unit", "team_leader", "team_coordinator", "team_members", "nominated_members",
                  "nominations", "subgroups", "kickoff_date", "notes", "units_without_nominee"),
    "program": ("coordinating_unit", "program_activities", "training_calendar", "meeting_calendar",
                "analysis_deadline", "kickoff_date", "program_decision"),
    "submission_letter": ("coordinating_unit", "plan_period", "submission_date", "plan_document", "plan_file",
                          "plan_version", "plan_decision", "council_meeting_date"),
}  # the council decision and the cover letters after it: council_context.py
COMMON_USES = ("plan_period", "legal_deadline")


def attached_names(references) -> str:
    """The names of a file field's attachments ("plan.pdf"), for a text that names the document."""
    if not isinstance(references, list):
        return ""
    return ", ".join(r["name"] for r in references if isinstance(r, dict) and isinstance(r.get("name"), str))


def person(value: dict | None, default_title: str = "") -> dict:
    value = value or {}
    return {"full_name": value.get("full_name") or "", "title": value.get("title") or default_title}


def coordinating_unit(facts: dict) -> str:
    chosen = (facts.get("data") or {}).get("coordinating_unit")
    if chosen:
        return chosen
    units = facts.get("units") or []
    return STRATEGY_UNIT if STRATEGY_UNIT in units or not units or FINANCE_UNIT not in units else FINANCE_UNIT


def plan_period(facts: dict) -> str:
    period = (facts.get("data") or {}).get("plan_period")
    if period:
        return period.replace("-", "–")
    year = as_date(facts["municipality"]["election_date"]).year
    return f"{year + 1}–{year + 5}"


def common(facts: dict, title: str, subject: str, directorate: str | None = None, dated=None) -> dict:
    """What every document shows. The date line is numeric (30.09.2024), as official letters write
    it (Resmî Yazışma Yönetmeliği): `dated` when given, else the day the document is made."""
    m = facts["municipality"]
    unit = coordinating_unit(facts)
    directorate = directorate or unit
    return {
        "municipality": {
            "name": m["name"], "name_upper": tr_upper(m["name"]), "province": m["province"],
            "province_upper": tr_upper(m["province"]), "type": m["type"],
            "type_label": TYPE_LABELS.get(m["type"], m["type"]), "population": f"{m['population']:,}".replace(",", "."),
            "is_metropolitan": m["type"] == "buyuksehir",
        },
        "document": {"title": title, "title_upper": tr_upper(title), "subject": subject,
                     "number": facts.get("number") or "E-……………………",
                     "date": short_date(as_date(dated) or facts.get("today"))},
        "directorate": directorate, "directorate_upper": tr_upper(directorate),
        "coordinating_unit": unit, "coordinating_unit_dative": dative(unit),
        "mayor": person(facts.get("mayor"), "Belediye Başkanı"),
        "coordinator": person(facts.get("coordinator"), f"{unit} Müdürü"),
        "election_date": long_date(m["election_date"]), "mazbata_date": long_date(m.get("mazbata_date")),
        "legal_deadline": long_date(facts.get("legal_deadline")),
        "target_meeting": long_date(facts.get("target_meeting"), DASH),
        "plan_period": plan_period(facts),
        "units": [{"no": i, "name": name} for i, name in enumerate(facts.get("units") or [], 1)],
    }


def board_rule(municipality_type: str) -> str:
    if municipality_type == "buyuksehir":
        return ("Genel Sekreter ve Genel Sekreter Yardımcıları ile Başkanın uygun göreceği yönetici ve diğer "
                "kişilerden")
    return "Başkan Yardımcıları ile Başkanın uygun göreceği yönetici ve diğer kişilerden"


def timetable(facts: dict) -> list[dict]:
    rows = []
    for i, item in enumerate(facts.get("milestones") or [], 1):
        rows.append({"no": i, "phase": item["phase"], "due": long_date(item.get("due"), DASH)})
    return rows


def circular(facts: dict) -> dict:
    data = facts["data"]
    ctx = common(facts, "Stratejik Plan Genelgesi", "Stratejik Plan Hazırlık Çalışmaları")
    today = as_date(facts.get("today"))
    year = str(today.year) if today else ""
    ctx.update({
        "nomination_deadline": long_date(data.get("nomination_deadline"), DASH),
        "timetable_note": data.get("timetable") or "",
        "timetable": timetable(facts),
        "board": {"rule": board_rule(facts["municipality"]["type"])},
        "circular_year": year,
        "circular_number": (data.get("circular_number") or "").strip() or f"{year or '……'}/……",
    })
    return ctx


def _board_members(facts: dict) -> list[dict]:
    data = facts["data"]
    members = []
    if data.get("secretary_general"):
        members.append({"full_name": data["secretary_general"], "title": "Genel Sekreter", "unit": ""})
    for key in ("deputy_secretaries_general", "deputy_mayors", "other_members"):
        default = {"deputy_secretaries_general": "Genel Sekreter Yardımcısı",
                   "deputy_mayors": "Başkan Yardımcısı"}.get(key, "")
        for item in data.get(key) or []:
            members.append({"full_name": item.get("full_name") or "", "title": item.get("title") or default,
                            "unit": item.get("unit") or ""})
    mayor = person(facts.get("mayor"), "Belediye Başkanı")
    rows = [{"no": 1, "full_name": mayor["full_name"], "title": mayor["title"], "unit": "", "role": "Kurul Başkanı"}]
    rows += [dict(m, no=i, role="Üye") for i, m in enumerate(members, 2)]
    return rows


def board_approval(facts: dict) -> dict:
    data = facts["data"]
    ctx = common(facts, "Strateji Geliştirme Kurulu Olur'u", "Strateji Geliştirme Kurulunun Oluşturulması")
    ctx["board"] = {
        "rule": board_rule(facts["municipality"]["type"]),
        "members": _board_members(facts),
        "override": bool(data.get("composition_override")),
        "override_reason": data.get("override_reason") or "",
        "approved": data.get("board_decision") == "approve",
        "comment": data.get("board_comment") or "",
    }
    return ctx


def _team_members(data: dict) -> list[dict]:
    phones = {}
    nominated = []
    for item in data.get("nominations") or []:
        unit = (item.get("unit") or {}).get("name", "")
        for member in item.get("members") or []:
            nominated.append(dict(member, unit=unit))
            phones[(member.get("email") or member.get("full_name") or "").lower()] = member.get("phone") or ""
    members = data.get("team_members") or data.get("nominated_members") or nominated
    rows = []
    for member in members:
        key = (member.get("email") or member.get("full_name") or "").lower()
        rows.append({"full_name": member.get("full_name") or "", "title": member.get("title") or "",
                     "unit": member.get("unit") or "", "email": member.get("email") or "",
                     "phone": member.get("phone") or phones.get(key, ""), "subgroup": member.get("subgroup") or ""})
    return rows


def team_list(facts: dict) -> dict:
    data = facts["data"]
    ctx = common(facts, "Stratejik Planlama Ekibi Listesi", "Stratejik Planlama Ekibinin Oluşturulması")
    members = _team_members(data)
    order = {name: i for i, name in enumerate(facts.get("units") or [])}
    members.sort(key=lambda m: (order.get(m["unit"], len(order)), m["unit"], m["full_name"]))
    members = [dict(m, no=i) for i, m in enumerate(members, 1)]
    by_unit: list[dict] = []
    for member in members:
        if not by_unit or by_unit[-1]["unit"] != member["unit"]:
            by_unit.append({"unit": member["unit"], "members": []})
        by_unit[-1]["members"].append(member)
    coordinator = person(facts.get("coordinator"))
    ctx["team"] = {
        "leader": data.get("team_leader") or DASH,
        "coordinator": data.get("team_coordinator") or coordinator["full_name"] or DASH,
        "members": members,
        "by_unit": by_unit,
        "subgroups": [{"no": i, "name": s.get("name") or "", "lead": s.get("lead") or "",
                       "scope": s.get("scope") or ""} for i, s in enumerate(data.get("subgroups") or [], 1)],
        "kickoff_date": long_date(data.get("kickoff_date"), DASH),
        "notes": data.get("notes") or "",
        "units_without_nominee": [{"unit": u.get("unit") or "", "reason": u.get("reason") or ""}
                                  for u in data.get("units_without_nominee") or []],
    }
    return ctx


def _months(facts: dict) -> list[tuple[int, int]]:
    start = as_date(facts["municipality"].get("mazbata_date")) or as_date(facts["municipality"]["election_date"])
    return [((start.month - 1 + i) // 12 + start.year, (start.month - 1 + i) % 12 + 1) for i in range(GANTT_MONTHS)]


def _cells(months, start: date | None, end: date | None) -> list[dict]:
    cells = []
    for year, month in months:
        first = date(year, month, 1)
        following = date(year + month // 12, month % 12 + 1, 1)
        active = bool(start and end and start < following and end >= first) or \
            bool(end and not start and first <= end < following)
        cells.append({"fill": FILL if active else EMPTY, "mark": "■" if active else ""})
    return cells


def program(facts: dict) -> dict:
    data = facts["data"]
    ctx = common(facts, "Stratejik Plan Hazırlık Programı", "Stratejik Plan Hazırlık Programı")
    months = _months(facts)
    rows = []
    activities = data.get("program_activities") or []
    if activities:
        for item in activities:
            start, end = as_date(item.get("start")), as_date(item.get("end"))
            rows.append({"phase": item.get("phase") or "", "activity": item.get("activity") or "",
                         "owner": item.get("owner") or "", "start": start, "end": end})
    else:  # no program entered yet: the phase targets of the process
        previous = as_date(facts["municipality"].get("mazbata_date"))
        for item in facts.get("milestones") or []:
            end = as_date(item.get("due"))
            rows.append({"phase": item["phase"], "activity": item["phase"], "owner": item.get("owner") or "",
                         "start": previous if end and previous and previous <= end else end, "end": end})
            previous = end or previous
    ctx["program"] = {
        "months": [month_label(y, m) for y, m in months],
        "activities": [{"no": i, "phase": r["phase"], "activity": r["activity"], "owner": r["owner"],
                        "start": long_date(r["start"], DASH), "end": long_date(r["end"], DASH),
                        "cells": _cells(months, r["start"], r["end"])} for i, r in enumerate(rows, 1)],
        "training_calendar": data.get("training_calendar") or "",
        "meeting_calendar": data.get("meeting_calendar") or "",
        "analysis_deadline": long_date(data.get("analysis_deadline"), DASH),
        "kickoff_date": long_date(data.get("kickoff_date"), DASH),
        "approved": data.get("program_decision") == "approve",
    }
    ctx["timetable"] = timetable(facts)
    return ctx


def submission_letter(facts: dict) -> dict:
    data = facts["data"]
    period = plan_period(facts)
    ctx = common(facts, "Başkanlık Teklifi", f"{period} Dönemi Stratejik Planı", dated=data.get("submission_date"))
    ctx.update({
        "submission_date": long_date(data.get("submission_date"), DASH),
        "council_meeting_date": long_date(data.get("council_meeting_date"), DASH),
        "plan": {"document": data.get("plan_document") or attached_names(data.get("plan_file")),
                 "version": data.get("plan_version") or ""},
        "addressee": "BELEDİYE MECLİSİ BAŞKANLIĞINA",
    })
    return ctx
