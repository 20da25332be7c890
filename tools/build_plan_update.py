"""Write workflows/plan_update.bpmn: the update (güncelleme) of an adopted strategic plan.

Opened by the coordinator from the plan's page with its reason (services/plan_update.py: not
during the plan's first year, not while another update runs, only for a plan in force). The
planning team changes the target cards of the remaining plan years — their targets, indicators'
values, activities and costs; the goals, and the mission and vision the process data holds, stay
as they are (plan_rules refuses anything else on the card form, in the API and the Excel
import); the Strategy Development Board and the mayor approve it or send it back; the encümen
gives its opinion (5393 md. 34(a)); the clerk records the council's decision, which freezes a new
version of the cards labelled as the update with its decision (planContent="freeze_update").

Kamu İdarelerinde Stratejik Planlamaya İlişkin Usul ve Esaslar Hakkında Yönetmelik (RG 26.02.2018,
30344) md. 4(1)(c): güncelleme = misyon, vizyon ve amaçlar değiştirilmeden planın kalan süresi
için hedef kartlarında yapılan değişiklik. The due dates count back from `council_due`, the
council's regular meeting chosen when the update is opened (a product default). Layout and
routing are build_strategic_plan.py's.

    .venv/bin/python tools/build_plan_update.py [--check]
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from build_strategic_plan import F, Node, build, gate, user, write  # noqa: E402

TARGET = Path(__file__).resolve().parent.parent / "workflows" / "plan_update.bpmn"
RULE = "Dayanak: "
REGULATION = ("Kamu İdarelerinde Stratejik Planlamaya İlişkin Usul ve Esaslar Hakkında Yönetmelik "
              "(RG 26.02.2018, 30344)")
LAW = "5393 sayılı Belediye Kanunu"

LANES = [
    ("Lane_coordinator", "Strateji Geliştirme Birimi", "coordinator", 1),
    ("Lane_team", "Stratejik Planlama Ekibi", "team_member", 1),
    ("Lane_board", "Strateji Geliştirme Kurulu", "board_member", 1),
    ("Lane_mayor", "Belediye Başkanı", "mayor", 1),
    ("Lane_encumen", "Encümen", "council_clerk", 1),
    ("Lane_council", "Meclis / Yazı İşleri", "council_clerk", 1),
]
C, E, B, M, N, K = (lane[0] for lane in LANES)

DUE_RULES = {
    "update_cards": "council_due - 20 workdays",
    "update_review": "council_due - 14 workdays",
    "update_approval": "council_due - 10 workdays",
    "update_encumen": "council_due - 5 workdays",
    "update_council": "council_due",
}
MEANING = {"update_council": {"planContent": "freeze_update"}}

NODES = [
    Node("start_event", "start", "Plan güncellemesi açıldı", C, 0),
    gate("merge_update", "", E, 1),
    user("update_cards", "Hedef kartlarını güncelle (kalan yıllar)", E, 2, "update_cards.schema.json",
         "Planın hedef kartlarını güncellemenin kapsadığı kalan yıllar için düzenleyin: hedeflerin "
         "göstergelerinin kalan yıllara ait değerleri, stratejiler, faaliyet ve projeler ile maliyetleri "
         "değiştirilebilir, gerekirse mevcut amaçların altına yeni hedef kartı eklenebilir. Misyon, vizyon ve "
         "amaçlar değiştirilemez; geçmiş yılların değerleri ve maliyetleri olduğu gibi kalır (hedef kartı "
         "formu, API ve Excel içe aktarımı bunları reddeder). Kartları düzenledikten sonra değişikliklerin "
         "özetini yazıp görevi tamamlayın. " + RULE + REGULATION + " md. 4(1)(c) (güncelleme).",
         formStartVariable="update_start"),
    user("update_review", "Güncellemeyi incele (Strateji Geliştirme Kurulu)", B, 3, "update_decision.schema.json",
         "Güncellenen hedef kartlarını planın sürümler sayfasında önceki sürümle karşılaştırarak inceleyin. "
         "Uygunsa onaylayın; düzeltme gerekiyorsa gerekçesiyle planlama ekibine geri gönderin. " + RULE
         + REGULATION + "; Belediyeler İçin Stratejik Planlama Rehberi (2019), İzleme ve Değerlendirme."),
    gate("gw_review", "Kurul onayladı mı?", B, 4, default="Flow_review_approved"),
    user("update_approval", "Güncellemeyi onayla", M, 5, "update_decision.schema.json",
         "Güncellenmiş planı inceleyin. Onaylarsanız güncelleme Meclisin onayına sunulur; düzeltme "
         "gerekiyorsa gerekçesiyle planlama ekibine geri gönderin. " + RULE + REGULATION + "; " + LAW
         + " md. 38 ve 41."),
    gate("gw_approval", "Başkan onayladı mı?", M, 6, default="Flow_update_approved"),
    user("update_encumen", "Encümen görüşünü kaydet (güncelleme)", N, 7, "encumen_opinion.schema.json",
         "Encümenin güncellenen stratejik planı inceleyip Meclise bildirdiği görüşü, toplantı tarihini ve karar "
         "sayısını kaydedin. Güncelleme plan gibi onaylanır: Encümen inceler, Meclis kabul eder. " + RULE + LAW
         + " md. 34(a)."),
    user("update_council", "Meclisin güncelleme kararını kaydet", K, 8, "update_council.schema.json",
         "Meclisin güncellenen stratejik plan hakkındaki kararının tarihini ve sayısını kaydedin. Kayıtla "
         "birlikte kartların güncellenmiş hâli, kararıyla birlikte planın yeni sürümü olarak saklanır ve kartlar "
         "yeniden salt okunur olur. Güncelleme plan gibi onaylanır: belediyede Meclis kabul eder. " + RULE
         + LAW + " md. 18(a) ve 41; " + REGULATION + "."),
    Node("end_event", "end", "Plan güncellendi", K, 9),
]

FLOWS = [
    F("Flow_start", "start_event", "merge_update"),
    F("Flow_to_cards", "merge_update", "update_cards"),
    F("Flow_cards_done", "update_cards", "update_review"),
    F("Flow_to_review_decision", "update_review", "gw_review"),
    F("Flow_review_approved", "gw_review", "update_approval", "Onaylandı"),
    F("Flow_review_returned", "gw_review", "merge_update", "Geri gönderildi", 'update_decision == "return"'),
    F("Flow_to_approval_decision", "update_approval", "gw_approval"),
    F("Flow_update_approved", "gw_approval", "update_encumen", "Onaylandı"),
    F("Flow_encumen_done", "update_encumen", "update_council"),
    F("Flow_update_returned", "gw_approval", "merge_update", "Geri gönderildi", 'update_decision == "return"'),
    F("Flow_council_done", "update_council", "end_event"),
]


def main(argv: list[str]) -> int:
    text = build(LANES, NODES, FLOWS, process_id="plan_update",
                 process_name="Stratejik Plan Güncelleme Süreci", due_rules=DUE_RULES, meaning=MEANING)
    return write(TARGET, text, argv)


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
