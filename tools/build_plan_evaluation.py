"""Write workflows/plan_evaluation_year.bpmn: the activity reports (faaliyet raporları) and the yearly
evaluation report (değerlendirme raporu) of one plan year of an adopted plan.

Started after the plan year has ended on the adopted plan's cards (services/evaluation.py): every unit
responsible for targets writes its unit activity report (birim faaliyet raporu) from its indicators —
planned vs actual, the actuals taken from the year's monitoring — and its activities with their costs,
by the end of February (Kamu İdarelerince Hazırlanacak Faaliyet Raporları Hakkında Yönetmelik); the
strategy unit consolidates the municipality's activity report (idare faaliyet raporu) and the plan
year's evaluation report; the mayor approves it or sends it back; the clerk records that it was
presented to the council's April meeting (5393 art. 56). Dates from stratflow/calendar/cycle.py,
passed as the process's anchors. Layout and routing are build_strategic_plan.py's.

    .venv/bin/python tools/build_plan_evaluation.py [--check]
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from build_strategic_plan import LAW, RULE, YEARLY_LANES, F, Node, build, gate, user, write  # noqa: E402

TARGET = Path(__file__).resolve().parent.parent / "workflows" / "plan_evaluation_year.bpmn"
PFMC = "5018 sayılı Kamu Mali Yönetimi ve Kontrol Kanunu md. 41"
REPORTS = "Kamu İdarelerince Hazırlanacak Faaliyet Raporları Hakkında Yönetmelik"
PLANNING = "Kamu İdarelerinde Stratejik Planlamaya İlişkin Usul ve Esaslar Hakkında Yönetmelik"
GUIDE = "Kamu İdareleri İçin Stratejik Planlama Kılavuzu (Ek: Stratejik Plan Değerlendirme Raporu formatı)"

LANES = YEARLY_LANES
C, U, M, K = (lane[0] for lane in LANES)

# reports_due: the end of February after the plan year (the regulation; the previous working day
# when it is not one); council_due: the council's April meeting (5393 art. 56). The strategy
# unit's and the mayor's dates before that meeting are product defaults: the agenda goes to the
# members at least three days before the meeting (5393 art. 20).
DUE_RULES = {
    "unit_activity_report": "reports_due",
    "activity_report_consolidation": "council_due - 10 workdays",
    "activity_report_approval": "council_due - 5 workdays",
    "activity_report_council": "council_due",
}


def _unit_report() -> Node:
    node = user("unit_activity_report", "Birim faaliyet raporunu hazırla", U, 1, "activity_report_unit.schema.json",
                "Biriminizin plan yılına ait faaliyet raporunu hazırlayın. Tabloda biriminizin sorumlu olduğu "
                "hedeflerin göstergeleri yılın hedefiyle ve izlemede girilen gerçekleşme değeriyle, faaliyet ve "
                "projeler planlanan maliyetleriyle gelir: gerçekleşen değeri ve harcamayı denetleyin, hedeften "
                "sapan her gösterge için sapmanın nedenini yazın. Yönetmeliğin istediği bölümleri doldurun: genel "
                "bilgiler, amaç ve hedefler, faaliyetlere ilişkin bilgi ve değerlendirmeler, performans bilgileri, "
                "kurumsal kabiliyet ve kapasitenin değerlendirilmesi, öneri ve tedbirler. Birim faaliyet raporu "
                "izleyen yılın şubat ayı sonuna kadar üst yöneticiye verilir. " + RULE + REPORTS + "; " + PFMC + ".",
                formDataVariable="report", unitVariable="unit", formStartVariable="unit.start_values",
                nameTemplate="{plan_year} birim faaliyet raporu: {unit[indicator_count]} göstergenin gerçekleşmesini "
                             "raporla")
    node.mi = ("report_units", "unit_reports", "unit", "report")
    node.script = "report = dict(report, unit={'id': unit['id'], 'name': unit['name']})"
    return node


NODES = [
    Node("start_event", "start", "Faaliyet raporu hazırlığı başladı", C, 0),
    _unit_report(),
    gate("merge_reports", "", C, 2),
    user("activity_report_consolidation", "İdare faaliyet raporunu ve değerlendirme raporunu hazırla", C, 3,
         "activity_report_consolidation.schema.json",
         "Birim faaliyet raporlarını birleştirerek belediyenin idare faaliyet raporunu ve plan yılının "
         "değerlendirme raporunu hazırlayın. Hedef ve amaç bazında gerçekleşme, göstergelerin ağırlıklarıyla "
         "hesaplanır; birimlerin açıkladığı sapma nedenleri raporda yer alır. Genel değerlendirmeyi, sapmalara "
         "ilişkin değerlendirmeyi ve alınacak önlemleri yazın. Faaliyet raporu stratejik plan ve performans "
         "programına göre yürütülen faaliyetleri, hedef ve gerçekleşme durumunu, sapmaların nedenlerini ve "
         "belediye borçlarının durumunu açıklar. " + RULE + LAW + " md. 56; " + PFMC + "; " + REPORTS + "; "
         + PLANNING + " (izleme ve değerlendirme); " + GUIDE + ".", formDataVariable="consolidation"),
    user("activity_report_approval", "Faaliyet raporunu onayla", M, 4, "monitoring_approval.schema.json",
         "İdare faaliyet raporunu ve değerlendirme raporunu inceleyin. Onaylarsanız rapor nisan ayı meclis "
         "toplantısının gündemine alınır; düzeltme gerekiyorsa açıklamanızla Strateji Geliştirme Birimine geri "
         "gönderin. " + RULE + LAW + " md. 56; " + PFMC + "."),
    gate("gw_report_approval", "Onaylandı mı?", M, 5, default="Flow_report_approved"),
    user("activity_report_council", "Faaliyet raporunun meclise sunulduğunu kaydet", K, 6,
         "activity_report_council.schema.json",
         "Faaliyet raporunun nisan ayı toplantısında Belediye Başkanınca meclise sunulduğunu, toplantının "
         "tarihini ve gündem maddesinin ya da kararın sayısını kaydedin. Raporun bir örneği Çevre, Şehircilik "
         "ve İklim Değişikliği Bakanlığına gönderilir ve kamuoyuna açıklanır. " + RULE + LAW + " md. 56.",
         formDataVariable="council"),
    Node("end_event", "end", "Faaliyet raporu meclise sunuldu", K, 7),
]

FLOWS = [
    F("Flow_start", "start_event", "unit_activity_report"),
    F("Flow_reports_done", "unit_activity_report", "merge_reports"),
    F("Flow_to_consolidation", "merge_reports", "activity_report_consolidation"),
    F("Flow_consolidated", "activity_report_consolidation", "activity_report_approval"),
    F("Flow_to_report_decision", "activity_report_approval", "gw_report_approval"),
    F("Flow_report_approved", "gw_report_approval", "activity_report_council", "Onaylandı"),
    F("Flow_report_returned", "gw_report_approval", "merge_reports", "Geri gönderildi",
      'approval_decision == "return"'),
    F("Flow_council_done", "activity_report_council", "end_event"),
]


def main(argv: list[str]) -> int:
    text = build(LANES, NODES, FLOWS, process_id="plan_evaluation_year",
                 process_name="Faaliyet Raporu ve Yıllık Değerlendirme Süreci", due_rules=DUE_RULES, meaning={})
    return write(TARGET, text, argv)


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
