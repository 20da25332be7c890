"""What the strategic-plan model means to the application, by task id: the extension properties
tools/build_strategic_plan.py writes onto each user task (read by stratflow/engine/meaning.py).

Phases (order:label on the milestone), the genelge/program timetable rows, the documents each
task's page shows, the spending-unit matrix columns, where the statutory countdown stops (the
submission to the council: compliance is judged on it, 5393 art. 41), and the completion anchors
circular_date and plan_approval_date; the plan's cards seeded from the strategy draft and a version of
them frozen when the board adopts the draft (planContent).
"""

MEANING = {
    "voluntary_decision": {"phase": "circular", "phaseOptional": "yes"},
    "circular_draft": {"phase": "circular", "documents": "circular"},
    "circular_approval": {"phase": "circular", "phaseMilestone": "1:Genelge",
                          "timetable": "1:Genelgenin yayımlanması", "documents": "circular",
                          "completionAnchor": "circular_date", "completionAnchorWhen": "circular_decision=approve"},
    "board_composition": {"phase": "organisation", "documents": "board_approval"},
    "board_composition_metro": {"phase": "organisation", "phaseStep": "board_composition",
                                "documents": "board_approval"},
    "board_approval": {"phase": "organisation", "timetable": "2:Strateji Geliştirme Kurulunun oluşturulması",
                       "documents": "board_approval"},
    "team_nomination": {"phase": "organisation", "timetable": "3:Harcama birimlerinin ekip üyelerini bildirmesi",
                        "unitMatrix": "1:Ekip üyesi bildirimi"},
    "nomination_escalation": {"phase": "organisation", "phaseOptional": "yes"},
    "team_list": {"phase": "organisation", "phaseMilestone": "2:Kurul ve ekip",
                  "timetable": "4:Stratejik Planlama Ekibinin kesinleşmesi", "documents": "team_list"},
    "program_draft": {"phase": "program", "documents": "team_list,program"},
    "program_approval": {"phase": "program", "phaseMilestone": "3:Hazırlık programı",
                         "timetable": "5:Hazırlık programının onaylanması", "documents": "team_list,program"},
    "unit_analysis": {"phase": "analysis", "unitMatrix": "2:Durum analizi girdileri"},
    "plan_evaluation": {"phase": "analysis"},
    "policy_analysis": {"phase": "analysis"},
    "stakeholder_analysis": {"phase": "analysis"},
    "environment_analysis": {"phase": "analysis"},
    "findings_needs": {"phase": "analysis"},
    "analysis_adoption": {"phase": "analysis", "phaseMilestone": "4:Durum analizi",
                          "timetable": "6:Durum analizi ve tespitler"},
    "future_draft": {"phase": "future"},
    "future_adoption": {"phase": "future", "phaseMilestone": "5:Geleceğe bakış",
                        "timetable": "7:Misyon, vizyon ve temel değerler"},
    "strategy_draft": {"phase": "strategy", "timetable": "8:Amaç, hedef ve göstergeler", "planContent": "seed"},
    "target_review": {"phase": "strategy", "unitMatrix": "3:Hedeflerin gözden geçirilmesi"},
    "monitoring_design": {"phase": "strategy", "phaseMilestone": "6:Strateji",
                          "timetable": "9:İzleme ve değerlendirme sistemi"},
    "plan_draft": {"phase": "approval", "documents": "plan_skeleton"},
    "draft_review": {"phase": "approval", "timetable": "10:Plan taslağı ve Kurul incelemesi",
                     "documents": "plan_skeleton",
                     "planContent": "freeze", "planContentWhen": "draft_decision=approve"},
    "plan_approval": {"phase": "approval", "phaseMilestone": "7:Taslak ve onay",
                      "timetable": "11:Başkan onayı ve Meclise sunuş", "documents": "submission_letter,plan_skeleton",
                      "completionAnchor": "plan_approval_date", "completionAnchorWhen": "plan_decision=approve"},
    "encumen_opinion": {"phase": "council", "timetable": "12:Encümen görüşü",
                        "documents": "submission_letter,plan_skeleton"},
    "council_schedule": {"phase": "council", "documents": "submission_letter,plan_skeleton", "countdownStop": "yes"},
    "extraordinary_call": {"phase": "council", "phaseOptional": "yes", "documents": "submission_letter"},
    "council_decision": {"phase": "council", "phaseMilestone": "8:Encümen ve meclis", "timetable": "13:Meclis kararı",
                         "documents": "submission_letter,plan_skeleton"},
    "commission_report": {"phase": "council", "phaseOptional": "yes", "documents": "submission_letter"},
    "decision_review": {"phase": "publication", "documents": "council_decision"},
    "governor_submission": {"phase": "publication", "documents": "council_decision,governor_letter"},
    "plan_amendment": {"phase": "publication", "phaseOptional": "yes", "documents": "council_decision"},
    "plan_publication": {"phase": "publication", "phaseMilestone": "9:Valilik ve yayım",
                         "documents": "council_decision,authorities_letter"},
}
