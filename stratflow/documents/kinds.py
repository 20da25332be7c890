"""The document kinds: what each is called, which steps show it, which data it needs."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Kind:
    key: str
    title: str            # Turkish: documents are Turkish
    filename: str         # download name without extension
    shown_on: tuple       # task bpmn_ids whose page shows the latest version
    needs: tuple          # process-data keys: generated once any of them has a value
    xlsx: bool = False    # an Excel twin is produced too


KINDS = (
    Kind("circular", "Stratejik Plan Genelgesi", "stratejik-plan-genelgesi",
         ("circular_draft", "circular_approval"), ("nomination_deadline", "coordinating_unit")),
    Kind("board_approval", "Strateji Geliştirme Kurulu Olur'u", "strateji-gelistirme-kurulu-olur",
         ("board_composition", "board_composition_metro", "board_approval"),
         ("deputy_mayors", "secretary_general", "deputy_secretaries_general", "other_members")),
    Kind("team_list", "Stratejik Planlama Ekibi Listesi", "stratejik-planlama-ekibi",
         ("team_list", "program_draft", "program_approval"),
         ("team_members", "nominated_members", "nominations", "team_leader"), xlsx=True),
    Kind("program", "Stratejik Plan Hazırlık Programı", "hazirlik-programi",
         ("program_draft", "program_approval"), ("program_activities",)),
    Kind("submission_letter", "Başkanlık Teklifi: Stratejik Planın Meclise Sunulması", "baskanlik-teklifi",
         ("plan_approval", "encumen_opinion", "council_schedule", "extraordinary_call", "council_decision",
          "commission_report"), ("plan_document", "plan_file", "draft_decision")),
    Kind("plan_skeleton", "Stratejik Plan Taslağı (Rehber iskeleti)", "stratejik-plan-taslagi",
         ("plan_draft", "draft_review", "plan_approval", "encumen_opinion", "council_schedule",
          "council_decision"), ("findings", "mission", "goals", "plan_document", "plan_file")),
    Kind("council_decision", "Belediye Meclisi Kararı", "meclis-karari",
         ("governor_submission", "plan_publication"), ("council_outcome",)),
    Kind("governor_letter", "Meclis Kararının Mülki İdare Amirine Gönderilmesi (Üst Yazı)",
         "mulki-idare-amirine-ust-yazi", ("governor_submission",), ("council_outcome",)),
    Kind("authorities_letter", "Stratejik Planın İlgili Kurumlara Gönderilmesi (Üst Yazı)", "kurumlara-ust-yazi",
         ("plan_publication",), ("council_outcome",)),
)
# Council outcomes after which the plan stands adopted (the decision is made; it goes to the
# governor and the authorities): adopted, adopted with amendments, or insisted on after the
# mayor sent it back (5393 art. 23).
ADOPTED_OUTCOMES = frozenset({"adopted", "adopted_amended", "insisted"})
AFTER_ADOPTION = frozenset({"council_decision", "governor_letter", "authorities_letter"})
BY_KEY = {k.key: k for k in KINDS}


def kind(key: str) -> Kind | None:
    return BY_KEY.get(key)


def shown_on(bpmn_id: str) -> list[Kind]:
    return [k for k in KINDS if bpmn_id in k.shown_on]


def present(data: dict, keys) -> bool:
    return any(data.get(key) not in (None, "", [], {}) for key in keys)


def due(data: dict) -> list[Kind]:
    """Kinds the process data is far enough for."""
    found = [k for k in KINDS if present(data, k.needs)]
    if data.get("council_outcome") not in ADOPTED_OUTCOMES:
        found = [k for k in found if k.key not in AFTER_ADOPTION]
    return found
