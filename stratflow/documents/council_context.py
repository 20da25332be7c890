"""The council's decision on the plan and the cover letters that send it on: to the governor (or
district governor) once the decision is final (5393 art. 23; 5216 art. 14 for metropolitan
municipalities: within seven days) and to the authorities with the adopted plan.

Documents meant for publication or for other institutions say nothing about the process's own
bookkeeping (deadlines, lateness): only what the decision and the letters state.
"""

from __future__ import annotations

from ..i18n import tr_upper
from .context import DASH, USES, common, person, plan_period
from .typography import dative, short_date

CLERKS_UNIT = "Yazı İşleri Müdürlüğü"
OUTCOMES = {"adopted": "Kabul", "adopted_amended": "Değiştirilerek kabul", "insisted": "Israr (kabul)",
            "referred": "Komisyona havale", "rejected": "Ret"}
VOTES = {"unanimous": "oybirliği", "majority": "oyçokluğu"}
# [config] the default recipients of the adopted plan (DOMAIN.md §2.13); the plan_publication
# form's "authorities" replace them once entered.
DEFAULT_AUTHORITIES = ("Cumhurbaşkanlığı Strateji ve Bütçe Başkanlığı",
                       "Çevre, Şehircilik ve İklim Değişikliği Bakanlığı", "Sayıştay Başkanlığı")
DECISION_USES = ("plan_period", "council_outcome", "council_decision_number", "council_decision_date",
                 "council_vote", "council_term", "council_meeting_no", "council_sitting_no", "council_session_no",
                 "council_chair", "council_clerk_1", "council_clerk_2", "amendments", "commission", "meeting_kind",
                 "encumen_date", "encumen_decision_number", "submission_date")
USES["council_decision"] = DECISION_USES
USES["governor_letter"] = ("plan_period", "council_outcome", "council_decision_number", "council_decision_date",
                           "finalised_on", "governor_authority")
USES["authorities_letter"] = ("coordinating_unit", "plan_period", "council_outcome", "council_decision_number",
                              "council_decision_date", "finalised_on", "authorities", "website_url")


def _text(value) -> str:
    return str(value).strip() if value not in (None, "") else ""


def decision_facts(data: dict) -> dict:
    """The decision as the documents name it: numbers and dates as the council wrote them."""
    outcome = data.get("council_outcome") or ""
    return {
        "outcome": outcome,
        "outcome_label": OUTCOMES.get(outcome, outcome or DASH),
        "adopted": outcome in ("adopted", "adopted_amended", "insisted"),
        "amended": outcome == "adopted_amended",
        "insisted": outcome == "insisted",
        "number": _text(data.get("council_decision_number")) or "……",
        "date": short_date(data.get("council_decision_date"), "…/…/……"),
        "finalised_on": short_date(data.get("finalised_on")),
    }


def council_decision(facts: dict) -> dict:
    data = facts["data"]
    period = plan_period(facts)
    ctx = common(facts, "Belediye Meclisi Kararı", f"{period} Dönemi Stratejik Planı", directorate="Belediye Meclisi",
                 dated=data.get("council_decision_date"))
    vote = data.get("council_vote") or ""
    mayor = person(facts.get("mayor"))
    ctx["decision"] = {
        **decision_facts(data),
        "vote": vote,
        "vote_label": VOTES.get(vote, "……"),
        "term": _text(data.get("council_term")) or DASH,
        "meeting_no": _text(data.get("council_meeting_no")) or DASH,
        "sitting_no": _text(data.get("council_sitting_no")) or DASH,
        "session_no": _text(data.get("council_session_no")) or DASH,
        "extraordinary": data.get("meeting_kind") == "extraordinary",
        "amendments": _text(data.get("amendments")),
        "commission": _text(data.get("commission")),
    }
    ctx["council"] = {
        "chair": {"full_name": _text(data.get("council_chair")) or mayor["full_name"], "title": "Meclis Başkanı"},
        **{key: {"full_name": _text(data.get(f"council_{key}")) or "……………………", "title": "Kâtip Üye"}
           for key in ("clerk_1", "clerk_2")},
    }
    ctx["encumen"] = {"date": short_date(data.get("encumen_date")),
                      "number": _text(data.get("encumen_decision_number"))}
    ctx["submission_date"] = short_date(data.get("submission_date"))
    return ctx


def governor_office(facts: dict) -> str:
    """VALİLİĞİNE for metropolitan and province municipalities, KAYMAKAMLIĞINA for districts (the
    governor_submission form's choice wins once made); a belde's district is not known: dots."""
    m, data = facts["municipality"], facts["data"]
    chosen = data.get("governor_authority")
    valilik = chosen == "valilik" if chosen in ("valilik", "kaymakamlik") else m["type"] in ("buyuksehir", "il")
    if valilik:
        return f"{tr_upper(m['province'])} VALİLİĞİNE"
    name = m["name"].removesuffix(" Belediyesi").strip()
    district = tr_upper(name) if m["type"] == "ilce" and name else "……………………"
    return f"{district} KAYMAKAMLIĞINA"


def governor_letter(facts: dict) -> dict:
    data = facts["data"]
    period = plan_period(facts)
    ctx = common(facts, "Meclis Kararının Gönderilmesi", f"{period} Dönemi Stratejik Planı", directorate=CLERKS_UNIT)
    ctx["decision"] = decision_facts(data)
    ctx["addressee"] = governor_office(facts)
    return ctx


def recipients(data: dict) -> list[str]:
    names = []
    for item in data.get("authorities") or []:
        name = _text(item.get("authority")) if isinstance(item, dict) else ""
        if name and name not in names:
            names.append(name)
    return names or list(DEFAULT_AUTHORITIES)


def authorities_letter(facts: dict) -> dict:
    data = facts["data"]
    period = plan_period(facts)
    ctx = common(facts, "Stratejik Planın Gönderilmesi", f"{period} Dönemi Stratejik Planı")
    names = recipients(data)
    ctx["decision"] = decision_facts(data)
    ctx["recipients"] = [{"no": i, "name": name} for i, name in enumerate(names, 1)]
    ctx["addressee"] = tr_upper(dative(names[0])) if len(names) == 1 else "DAĞITIM YERLERİNE"
    ctx["several_recipients"] = len(names) > 1
    ctx["website_url"] = _text(data.get("website_url"))
    return ctx
