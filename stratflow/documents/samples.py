"""Sample facts with every list filled: uploaded templates render with them before they are accepted
(a loop over an empty list would hide a wrong field name inside it)."""

from __future__ import annotations

from datetime import date

MEMBER = {"full_name": "Deniz Acar", "title": "Bilgisayar Mühendisi", "unit": "Bilgi İşlem Müdürlüğü",
          "email": "deniz.acar@ornek.bel.tr", "phone": "0266 555 10 20", "subgroup": "Durum analizi"}

SAMPLE_DATA = {
    "plan_period": "2025-2029", "nomination_deadline": "2024-05-06", "circular_number": "2024/3",
    "coordinating_unit": "Strateji Geliştirme Müdürlüğü",
    "timetable": "Genelge: Nisan\nDurum analizi: Mayıs–Haziran", "circular_decision": "approve",
    "deputy_mayors": [{"full_name": "Nermin Aksoy", "title": "Başkan Yardımcısı", "email": "n@ornek.bel.tr"}],
    "secretary_general": "Ali Veli", "deputy_secretaries_general": [{"full_name": "Ayla Kara", "title": ""}],
    "other_members": [{"full_name": "Zeynep Çelik", "title": "Strateji Geliştirme Müdürü",
                       "unit": "Strateji Geliştirme Müdürlüğü"}],
    "composition_override": True, "override_reason": "Örnek gerekçe", "board_decision": "approve",
    "board_comment": "Uygundur.",
    "team_leader": "Nermin Aksoy", "team_coordinator": "Zeynep Çelik", "team_members": [MEMBER],
    "nominations": [{"unit": {"id": 1, "name": "Bilgi İşlem Müdürlüğü"}, "members": [MEMBER]}],
    "subgroups": [{"name": "Durum analizi", "lead": "Deniz Acar", "scope": "Kurum içi analiz"}],
    "kickoff_date": "2024-05-14", "notes": "Not", "units_without_nominee": [{"unit": "Zabıta Müdürlüğü",
                                                                             "reason": "Personel yetersiz"}],
    "program_activities": [{"phase": "Durum analizi", "activity": "Paydaş anketi", "owner": "Ekip",
                            "start": "2024-05-20", "end": "2024-06-20"}],
    "training_calendar": "Mayıs", "meeting_calendar": "Her ayın ilk pazartesi", "analysis_deadline": "2024-06-28",
    "program_decision": "approve",
    "institution_history": "1954'te kuruldu.", "current_plan": "Var", "current_plan_period": "2020-2024",
    "evaluation": "Hedeflerin %70'i tuttu.", "lessons": "Daha az hedef.",
    "legislation": [{"regulation": "5393", "article": "14", "duty": "Hizmet"}],
    "policy_documents": [{"document": "12. Kalkınma Planı", "provision": "…", "implication": "…"}],
    "unit_inputs": [{"unit": {"id": 1, "name": "Fen İşleri Müdürlüğü"},
                     "duties": [{"duty": "Yol yapımı", "legal_basis": "5393 md. 15"}],
                     "services": [{"service": "Asfalt", "beneficiaries": "Halk"}], "staff_count": 40,
                     "human_resources": "İK", "technology": "BT", "physical": "Bina", "financial": "Bütçe",
                     "unit_findings": "Araç eksik"}],
    "activity_areas": [{"code": "FA1", "name": "Ulaşım", "services": "Yol yapımı"}],
    "stakeholders": [{"name": "Üniversite", "kind": "external", "category": "institution", "impact": 4,
                      "importance": 3, "areas": "FA1"}],
    "surveys": [{"audience": "external", "survey_date": "2024-05-30", "respondents": 800, "summary": "Ulaşım",
                 "document": "EBYS 2024/55"}],
    "workshops": [{"workshop_date": "2024-06-10", "participants": 40, "topic": "GZFT", "summary": "Özet",
                   "document": "EBYS 2024/60"}],
    "consulted_bodies": "Balıkesir Üniversitesi", "stakeholder_findings": "Ulaşım öncelikli.",
    "pestle": [{"category": c, "factor": c[0].upper(), "effect": "E", "classification": "opportunity", "action": "A"}
               for c in ("political", "economic", "social", "technological", "legal", "environmental")],
    "strengths": [{"item": "G", "source": "internal"}], "weaknesses": [{"item": "Z", "source": "unit_input"}],
    "opportunities": [{"item": "F", "source": "pestle"}], "threats": [{"item": "T", "source": "stakeholders"}],
    "findings": [{"source": "stakeholders", "area": "Ulaşım", "finding": "Yollar eski", "need": "Bakım"}],
    "mission": "Misyon", "vision": "Vizyon", "core_values": [{"value": "Şeffaflık", "description": "Açıklık"}],
    "goals": [{"code": "A1", "goal": "Ulaşımı iyileştirmek"}],
    "targets": [{"code": "H1.1", "goal_code": "A1", "target": "Yolları yenilemek", "responsible_unit": "Fen İşleri",
                 "cooperating_units": "İmar", "cost_tl": 1250000}],
    "indicators": [{"target_code": "H1.1", "indicator": "Yenilenen yol (km)", "weight": 100, "baseline": 0,
                    "year_1": 10, "year_2": 20, "year_3": 30, "year_4": 40, "year_5": 50,
                    "monitoring": "6 ay", "reporting": "Yıllık"}],
    "activities": [{"target_code": "H1.1", "name": "Asfalt", "cost_tl": 1000000}],
    "risks": [{"target_code": "H1.1", "risk": "Bütçe", "control": "İzleme"}],
    "monitoring_period": "6 ay", "evaluation_report": "Yıllık", "monitoring_unit": "Strateji Geliştirme",
    "reporting_notes": "EBYS", "plan_document": "EBYS 123", "plan_version": "1.0", "plan_decision": "approve",
    "submission_date": "2024-08-20", "council_meeting_date": "2024-09-03", "meeting_kind": "regular",
    "council_outcome": "adopted", "council_decision_number": "2024/85", "council_decision_date": "2024-09-03",
    "council_vote": "unanimous", "council_term": "2024 Eylül", "council_meeting_no": "9", "council_sitting_no": "1",
    "council_session_no": "1", "council_chair": "Levent Erdem", "council_clerk_1": "Selin Aydın",
    "council_clerk_2": "Murat Koç", "amendments": "H1.1 hedefinin 2027 değeri 25 km olarak değiştirildi.",
    "finalised_on": "2024-09-09", "governor_authority": "kaymakamlik",
    "commission": "Plan ve Bütçe Komisyonu", "encumen_date": "2024-08-22",
    "encumen_decision_number": "2024/310", "encumen_opinion": "Uygundur.",
    "website_url": "https://www.ornek.bel.tr/stratejik-plan",
    "authorities": [{"authority": "Cumhurbaşkanlığı Strateji ve Bütçe Başkanlığı", "sent_date": "2024-09-12"},
                    {"authority": "Sayıştay Başkanlığı", "sent_date": "2024-09-12"}],
}


def sample_facts() -> dict:
    return {
        "municipality": {"name": "Örnek Belediyesi", "province": "Balıkesir", "type": "ilce", "population": 90412,
                         "election_date": "2024-03-31", "mazbata_date": "2024-04-05"},
        "mayor": {"full_name": "Levent Erdem", "title": "Belediye Başkanı"},
        "coordinator": {"full_name": "Zeynep Çelik", "title": "Strateji Geliştirme Müdürü"},
        "clerk": {"full_name": "Ayşe Yıldız", "title": "Yazı İşleri Müdürü"},
        "units": ["Bilgi İşlem Müdürlüğü", "Fen İşleri Müdürlüğü"],
        "data": SAMPLE_DATA,
        "legal_deadline": "2024-09-30", "target_meeting": "2024-09-03", "today": date(2024, 4, 8),
        "milestones": [{"phase": "Genelgenin yayımlanması", "step": "circular_approval", "due": "2024-04-20",
                        "owner": "Belediye Başkanı"}],
        "plan": SAMPLE_PLAN,
    }


_YEARS = ("2025", "2026", "2027", "2028", "2029")
# The plan's cards as records give them (services/plan_content.snapshot).
SAMPLE_PLAN = {
    "years": [int(y) for y in _YEARS],
    "goals": [{"code": "A1", "title": "Kentsel altyapıyı güçlendirmek"}],
    "targets": [{
        "code": "H1.1", "goal_code": "A1", "title": "Yol ağının bakımını sağlamak",
        "responsible_unit": {"id": 2, "name": "Fen İşleri Müdürlüğü"},
        "cooperating_units": [{"id": 1, "name": "Bilgi İşlem Müdürlüğü"}],
        "findings": ["Yol bakım ihtiyacı yüksek"], "needs": ["Bakım planı"], "strategies": ["Öncelik sıralaması"],
        "risks": [{"risk": "Ödenek yetersizliği", "likelihood": 3, "impact": 4, "control": "Öncelik sıralaması"}],
        "indicators": [
            {"code": "PG1.1.1", "name": "Bakımı yapılan yol (km)", "unit_of_measure": "km", "direction": "increase",
             "weight": "60", "baseline": "40", "values": dict(zip(_YEARS, ("45", "52", "60", "70", "80"), strict=True)),
             "monitoring": "six_monthly", "reporting": "yearly", "key_indicator": True},
            {"code": "PG1.1.2", "name": "Yol şikâyeti (adet)", "unit_of_measure": "adet", "direction": "decrease",
             "weight": "40", "baseline": "300", "values": dict(zip(_YEARS, ("280", "250", "220", "200", "180"),
                                                                   strict=True)),
             "monitoring": "yearly", "reporting": "yearly", "key_indicator": False}],
        "activities": [{"kind": "project", "name": "Yol yenileme projesi", "funding_source": "Öz kaynak",
                        "costs": dict(zip(_YEARS, ("5000000", "6000000", "4000000", "0", "0"), strict=True))}],
    }],
}
