"""Write workflows/plan_monitoring.bpmn: the six-monthly monitoring (izleme) of an adopted plan.

Started for one period of a plan year (January–June or July–December) on the adopted plan's
indicators (services/monitoring.py): every spending unit responsible for targets enters the
actual value of each of its indicators with a note and its evidence; the strategy unit prepares
the monitoring report (realisation per target, weighted by the indicator weights); the mayor
approves it or sends it back. Layout and routing are build_strategic_plan.py's.

    .venv/bin/python tools/build_plan_monitoring.py [--check]
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from build_strategic_plan import F, Node, build, gate, user, write  # noqa: E402

TARGET = Path(__file__).resolve().parent.parent / "workflows" / "plan_monitoring.bpmn"
RULE = "Dayanak: "
REGULATION = "Kamu İdarelerinde Stratejik Planlamaya İlişkin Usul ve Esaslar Hakkında Yönetmelik"
GUIDE = "Belediyeler İçin Stratejik Planlama Rehberi (2019)"

LANES = [
    ("Lane_coordinator", "Strateji Geliştirme Birimi", "coordinator", 2),
    ("Lane_units", "Harcama Birimleri", "unit_manager", 1),
    ("Lane_mayor", "Belediye Başkanı", "mayor", 1),
]
C, U, M = (lane[0] for lane in LANES)

# Due dates (stratflow/calendar/rules.py) from the end of the monitored period; the same defaults
# as stratflow/calendar/cycle.py (15 and 31 July, 15 and 31 January).
DUE_RULES = {
    "unit_actuals": "period_end + 15 days",
    "monitoring_report": "period_end + 31 days",
    "monitoring_approval": "period_end + 40 days",
}


def _unit_actuals() -> Node:
    node = user("unit_actuals", "Göstergelerin gerçekleşme değerlerini gir", U, 1, "monitoring_actuals.schema.json",
                "Biriminizin sorumlu olduğu hedeflerin performans göstergeleri için izleme döneminde "
                "gerçekleşen değerleri girin; her gösterge için kısa bir açıklama ve kanıt belgesini (EBYS "
                "sayısı ya da bağlantı) yazın. Planlanan değer ve başlangıç değeri tabloda gösterilir; "
                "sapma varsa nedenini açıklamada belirtin. " + RULE + REGULATION + " (izleme); " + GUIDE
                + ", izleme ve değerlendirme.",
                formDataVariable="actuals", unitVariable="unit", formStartVariable="unit.start_values",
                nameTemplate="{unit[indicator_count]} göstergenin {period_label} gerçekleşme değerlerini gir")
    node.mi = ("monitoring_units", "unit_actuals", "unit", "actuals")
    node.script = "actuals = dict(actuals, unit={'id': unit['id'], 'name': unit['name']})"
    return node


NODES = [
    Node("start_event", "start", "İzleme dönemi başladı", C, 0),
    _unit_actuals(),
    gate("merge_report", "", C, 2),
    user("monitoring_report", "İzleme raporunu hazırla", C, 3, "monitoring_report.schema.json",
         "Birimlerin girdiği gerçekleşme değerlerini inceleyin: her hedefin gerçekleşme oranı, göstergelerin "
         "ağırlıklarıyla hesaplanır ((gerçekleşen − başlangıç) / (hedeflenen − başlangıç) × 100). Sapmaları ve "
         "nedenlerini, alınacak önlemleri yazın; izleme raporu Strateji Geliştirme Kurulunda görüşülür ve "
         "Başkanın onayına sunulur. " + RULE + REGULATION + " (altı aylık izleme raporu)."),
    user("monitoring_approval", "İzleme raporunu onayla", M, 4, "monitoring_approval.schema.json",
         "Stratejik plan izleme raporunu inceleyin. Onaylarsanız rapor kesinleşir; düzeltme gerekiyorsa "
         "açıklamanızla Strateji Geliştirme Birimine geri gönderin. " + RULE + REGULATION + "."),
    gate("gw_approval", "Onaylandı mı?", M, 5, default="Flow_approved"),
    Node("end_event", "end", "İzleme raporu onaylandı", C, 6),
]

FLOWS = [
    F("Flow_start", "start_event", "unit_actuals"),
    F("Flow_actuals_done", "unit_actuals", "merge_report"),
    F("Flow_to_report", "merge_report", "monitoring_report"),
    F("Flow_reported", "monitoring_report", "monitoring_approval"),
    F("Flow_to_decision", "monitoring_approval", "gw_approval"),
    F("Flow_approved", "gw_approval", "end_event", "Onaylandı"),
    F("Flow_returned", "gw_approval", "merge_report", "Geri gönderildi", 'approval_decision == "return"'),
]


def main(argv: list[str]) -> int:
    return write(TARGET, build(LANES, NODES, FLOWS, process_id="plan_monitoring",
                 process_name="Stratejik Plan İzleme Süreci (altı aylık)", due_rules=DUE_RULES, meaning={}), argv)


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
