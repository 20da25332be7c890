"""Write workflows/plan_performance.bpmn: the yearly performance programme (performans programı)
of an adopted plan.

Started for a plan year on the adopted plan's cards (services/performance.py): every responsible
unit proposes the year's performance targets of its indicators and its activities with their costs;
the strategy unit consolidates; the mayor approves it (or sends it back) so that it goes to the
encümen with the budget before 1 September (5393 art. 62); the clerk records the council's decision
(the October meeting by default, before the budget's). Dates from stratflow/calendar/cycle.py,
passed as the process's anchors. Layout and routing are build_strategic_plan.py's.

    .venv/bin/python tools/build_plan_performance.py [--check]
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from build_strategic_plan import LAW, RULE, YEARLY_LANES, F, Node, build, gate, user, write  # noqa: E402

TARGET = Path(__file__).resolve().parent.parent / "workflows" / "plan_performance.bpmn"
REGULATION = "Kamu İdarelerince Hazırlanacak Performans Programları Hakkında Yönetmelik"

LANES = YEARLY_LANES
C, U, M, K = (lane[0] for lane in LANES)

DUE_RULES = {
    "unit_proposals": "proposals_due",
    "program_consolidation": "budget_due - 7 workdays",
    "program_approval": "budget_due",
    "program_council": "council_due",
}


def _unit_proposals() -> Node:
    node = user("unit_proposals", "Performans hedeflerini ve faaliyet maliyetlerini öner", U, 1,
                "performance_proposals.schema.json",
                "Biriminizin sorumlu olduğu hedeflerin göstergeleri için programın yılına ait performans "
                "hedeflerini ve o yıl yürütülecek faaliyet ve projeleri maliyetleriyle önerin. Tabloda planın o "
                "yıl için öngördüğü değerler ve maliyetler başlangıç değeri olarak gösterilir; değiştirdiğiniz "
                "değerin gerekçesini açıklamaya yazın. " + RULE + REGULATION + "; " + LAW + " md. 18(a) ve 62.",
                formDataVariable="proposal", unitVariable="unit", formStartVariable="unit.start_values",
                nameTemplate="{program_year} performans programı: {unit[indicator_count]} göstergenin hedefini öner")
    node.mi = ("program_units", "unit_proposals", "unit", "proposal")
    node.script = "proposal = dict(proposal, unit={'id': unit['id'], 'name': unit['name']})"
    return node


NODES = [
    Node("start_event", "start", "Performans programı hazırlığı başladı", C, 0),
    _unit_proposals(),
    gate("merge_program", "", C, 2),
    user("program_consolidation", "Performans programını birleştir", C, 3, "performance_consolidation.schema.json",
         "Birimlerin önerilerini birleştirin: performans hedeflerinin stratejik planla uyumunu, faaliyet "
         "maliyetlerinin bütçe tavanlarına uygunluğunu denetleyin. Önerilerin birleştirilmiş hâli ve programın "
         "düzenlenebilir Word taslağı bu görevin sayfasındaki bağlantıdadır; son metnin bağlantısını ya da EBYS "
         "sayısını girin. Program, bütçeyle birlikte 1 Eylül'den önce encümene sunulur. " + RULE + REGULATION
         + "; " + LAW + " md. 62."),
    user("program_approval", "Performans programını onayla", M, 4, "monitoring_approval.schema.json",
         "Performans programını inceleyin. Onaylarsanız program bütçeyle birlikte encümene ve Meclise sunulur; "
         "düzeltme gerekiyorsa açıklamanızla Strateji Geliştirme Birimine geri gönderin. " + RULE + LAW
         + " md. 38 ve 62."),
    gate("gw_program_approval", "Onaylandı mı?", M, 5, default="Flow_program_approved"),
    user("program_council", "Meclisin performans programı kararını kaydet", K, 6, "performance_council.schema.json",
         "Meclisin performans programı hakkındaki kararının tarihini ve sayısını kaydedin. Program, bütçeden "
         "önce (varsayılan: ekim ayı toplantısı) görüşülür. " + RULE + LAW + " md. 18(a)."),
    Node("end_event", "end", "Performans programı kabul edildi", K, 7),
]

FLOWS = [
    F("Flow_start", "start_event", "unit_proposals"),
    F("Flow_proposed", "unit_proposals", "merge_program"),
    F("Flow_to_consolidation", "merge_program", "program_consolidation"),
    F("Flow_consolidated", "program_consolidation", "program_approval"),
    F("Flow_to_program_decision", "program_approval", "gw_program_approval"),
    F("Flow_program_approved", "gw_program_approval", "program_council", "Onaylandı"),
    F("Flow_program_returned", "gw_program_approval", "merge_program", "Geri gönderildi",
      'approval_decision == "return"'),
    F("Flow_council_done", "program_council", "end_event"),
]


def main(argv: list[str]) -> int:
    text = build(LANES, NODES, FLOWS, process_id="plan_performance",
                 process_name="Performans Programı Hazırlık Süreci", due_rules=DUE_RULES, meaning={})
    return write(TARGET, text, argv)


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
