"""Write workflows/strategic_plan.bpmn: the statutory Strategic Plan process and its diagram.

The .bpmn file is the source of truth (tests read it; Camunda Modeler / bpmn.io may edit it);
this script is a convenience for large edits. It holds the model (lanes, nodes, flows, texts)
and lays it out on a grid: every node sits in a lane, a column and a row of that lane, and
every sequence flow is routed orthogonally around the shapes (see `Router`).

    .venv/bin/python tools/build_strategic_plan.py [--check]

`--check` only reports whether the file on disk differs from what the script would write.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from itertools import pairwise
from pathlib import Path

from lxml import etree

sys.path.insert(0, str(Path(__file__).resolve().parent))
from process_meaning import MEANING  # noqa: E402

TARGET = Path(__file__).resolve().parent.parent / "workflows" / "strategic_plan.bpmn"
NS = {
    "bpmn": "http://www.omg.org/spec/BPMN/20100524/MODEL",
    "bpmndi": "http://www.omg.org/spec/BPMN/20100524/DI",
    "dc": "http://www.omg.org/spec/DD/20100524/DC",
    "di": "http://www.omg.org/spec/DD/20100524/DI",
    "spiffworkflow": "http://spiffworkflow.org/bpmn/schema/1.0/core",
    "xsi": "http://www.w3.org/2001/XMLSchema-instance",
}
RULE = "Dayanak: "
GUIDE = "Belediyeler İçin Stratejik Planlama Rehberi (2019)"
LAW = "5393 sayılı Belediye Kanunu"

# -- the model -------------------------------------------------------------------------------

# (id, name, role, rows)
LANES = [
    ("Lane_mayor", "Belediye Başkanı", "mayor", 1),
    ("Lane_coordinator", "Strateji Geliştirme Birimi", "coordinator", 3),
    ("Lane_units", "Harcama Birimleri", "unit_manager", 1),
    ("Lane_board", "Strateji Geliştirme Kurulu", "board_member", 1),
    ("Lane_team", "Stratejik Planlama Ekibi", "team_member", 4),
    ("Lane_encumen", "Encümen", "council_clerk", 1),
    ("Lane_council", "Meclis / Yazı İşleri", "council_clerk", 2),
]
M, C, U, K, E, N, Y = (lane[0] for lane in LANES)


@dataclass
class Node:
    id: str
    kind: str  # start end user script xor and timer boundary
    name: str
    lane: str
    col: int
    row: int = 0
    form: str | None = None
    text: str | None = None  # instructions for the end user
    props: dict = field(default_factory=dict)
    script: str | None = None  # script task body, or a user task's postScript
    mi: tuple | None = None  # (input collection, output collection, input item, output item)
    timer: str | None = None
    attached_to: str | None = None
    default: str | None = None  # default flow of an exclusive gateway


def user(id, name, lane, col, form, text, row=0, post_script=None, **props) -> Node:
    return Node(id, "user", name, lane, col, row, form=form, text=text, props=props, script=post_script)


def unit_task(id, name, col, form, text, item, variable, due, output) -> Node:
    """A parallel multi-instance user task: one per spending unit, assigned to its managers.

    The input and output items are task-data names and XML ids at once: unique per task."""
    node = user(id, name, U, col, form, text, formDataVariable=variable, unitVariable=item,
                dueDateVariable=due)
    node.mi = ("units", output, item, variable)
    node.script = f"{variable} = dict({variable}, unit={item})"  # keep which unit answered
    return node


def gate(id, name, lane, col, row=0, default=None) -> Node:
    return Node(id, "xor", name, lane, col, row, default=default)


def fork(id, lane, col, row=0) -> Node:
    return Node(id, "and", "", lane, col, row)


DATE_HELPERS = '''def month_days(year, month):
    leap = year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)
    return [31, 29 if leap else 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]

def parts(iso):
    return [int(p) for p in iso[:10].split("-")]

def add_days(iso, days):
    year, month, day = parts(iso)
    day = day + days
    while day > month_days(year, month):
        day = day - month_days(year, month)
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return "%04d-%02d-%02d" % (year, month, day)
'''

MANDATE_SCRIPT = DATE_HELPERS + '''
def add_months(iso, months):
    year, month, day = parts(iso)
    index = month - 1 + months
    year, month = year + index // 12, index % 12 + 1
    return "%04d-%02d-%02d" % (year, month, min(day, month_days(year, month)))

# 5393 art. 41: obligatory for metropolitan municipalities and from 50,000 inhabitants.
plan_required = municipality["type"] == "buyuksehir" or (municipality.get("population") or 0) >= 50000
# The mayor submits the plan to the council within six calendar months of the election day.
legal_deadline = add_months(municipality["election_date"], 6)
# Circular target (a setting of this definition): 15 days after the mazbata.
circular_due_date = add_days(municipality.get("mazbata_date") or municipality["election_date"], 15)
plan_period = "%d-%d" % (parts(municipality["election_date"])[0] + 1, parts(municipality["election_date"])[0] + 5)
'''

TEAM_SCRIPT = '''def nominated(items):
    found = []
    for item in items:
        unit_name = (item.get("unit") or {}).get("name", "")
        for member in item.get("members", []):
            found.append(dict(member, unit=unit_name))
    return found

def without_nominee(items):
    return [{"unit": (i.get("unit") or {}).get("name", ""), "reason": i.get("no_nominee_reason", "")}
            for i in items if i.get("no_nominee")]

nominated_members = nominated(nominations)
units_without_nominee = without_nominee(nominations)
try:
    team_members  # the coordinator entered the whole list
except NameError:
    team_members = nominated_members
'''

ADOPTION_SCRIPT = DATE_HELPERS + '''
# A decision the council insisted on after the mayor returned it is final that day (5393 art. 23).
if council_outcome == "insisted":
    finalised_on = council_decision_date
# Compliance is judged on submission (5393 art. 41): late means submitted after the legal deadline.
try:
    submitted_late = submission_date > legal_deadline
except NameError:
    submitted_late = None  # no submission date recorded (a run from before it was asked)
adopted_late = council_decision_date > legal_deadline  # shown separately; never a breach by itself
plan_amended = council_outcome == "adopted_amended"
# The final decision goes to the governor / district governor within seven days (5393 art. 23).
governor_due_date = add_days(finalised_on, 7)
'''

# Due-date rule of every user task (stratflow/calendar/rules.py; DOMAIN.md §2–3 defaults). A rule wins
# over dueDateVariable; the variable is the fallback while the rule's anchor has no value yet.
# circular_date is the day the mayor approved the circular; target_council_meeting the meeting the clerk
# entered, else the last regular meeting on or before the legal deadline (else the deadline itself).
DUE_RULES = {
    "voluntary_decision": "mazbata_date + 10 days",
    "circular_draft": "mazbata_date + 10 days",
    "circular_approval": "mazbata_date + 15 days",
    "board_composition": "circular_date + 10 workdays",
    "board_composition_metro": "circular_date + 10 workdays",
    "board_approval": "circular_date + 15 workdays",
    "team_nomination": "nomination_deadline",
    "nomination_escalation": "nomination_deadline + 5 workdays",
    "team_list": "nomination_deadline + 5 workdays",
    # From here backwards from the target council meeting, in process order (calendar/timeline.py).
    "program_draft": "target_council_meeting - 70 workdays",
    "program_approval": "target_council_meeting - 65 workdays",
    "unit_analysis": "analysis_deadline",
    "plan_evaluation": "target_council_meeting - 60 workdays",
    "policy_analysis": "target_council_meeting - 60 workdays",
    "stakeholder_analysis": "target_council_meeting - 60 workdays",
    "environment_analysis": "target_council_meeting - 60 workdays",
    "findings_needs": "target_council_meeting - 55 workdays",
    "analysis_adoption": "target_council_meeting - 50 workdays",
    "future_draft": "target_council_meeting - 45 workdays",
    "future_adoption": "target_council_meeting - 40 workdays",
    "strategy_draft": "target_council_meeting - 35 workdays",
    "target_review": "review_deadline",
    "monitoring_design": "target_council_meeting - 25 workdays",
    "plan_draft": "target_council_meeting - 20 workdays",
    "draft_review": "target_council_meeting - 15 workdays",
    "plan_approval": "target_council_meeting - 10 workdays",
    "encumen_opinion": "target_council_meeting - 7 workdays",
    "council_schedule": "target_council_meeting - 5 workdays",
    "extraordinary_call": "target_council_meeting - 3 days",
    "council_decision": "target_council_meeting",
    "commission_report": "target_council_meeting",
    "decision_review": "council_decision_date + 5 days",
    "governor_submission": "finalised_on + 7 days",
    "plan_amendment": "finalised_on + 5 workdays",
    "plan_publication": "finalised_on + 15 days",
}

NODES = [
    Node("start_event", "start", "Mazbata alındı", C, 0),
    Node("mandate_check", "script", "Zorunluluğu ve yasal süreyi belirle", C, 1, script=MANDATE_SCRIPT),
    gate("gw_required", "Plan zorunlu mu?", C, 2, default="Flow_not_required"),
    user("voluntary_decision", "Gönüllü hazırlık kararını ver", C, 3, "voluntary_decision.schema.json",
         "Belediyenizin nüfusu 50.000'in altında ve belediyeniz büyükşehir belediyesi değil: stratejik "
         "plan hazırlamak zorunlu değildir. Başkanla görüşerek planın gönüllü olarak hazırlanıp "
         "hazırlanmayacağını kaydedin. Hazırlanacaksa süreç genelge taslağıyla devam eder; "
         "hazırlanmayacaksa gerekçesini yazın, süreç kapanır. " + RULE + LAW + " md. 41.", row=1),
    gate("gw_voluntary", "Gönüllü hazırlanacak mı?", C, 4, row=1, default="Flow_declined"),
    Node("end_not_prepared", "end", "Plan hazırlanmayacak", C, 5, 1),
    gate("merge_circular", "", C, 5),
    user("circular_draft", "Stratejik Plan Genelgesi taslağını hazırla", C, 6, "circular_draft.schema.json",
         "Başkanın imzalayacağı Stratejik Plan Genelgesi taslağını hazırlayın. Genelge; çalışmaların "
         "Başkan tarafından sahiplenildiğini ve takip edileceğini, Strateji Geliştirme Müdürlüğü (yoksa "
         "Mali Hizmetler Müdürlüğü) koordinasyonunda yürütüleceğini, Strateji Geliştirme Kurulunun "
         "oluşturulacağını ve her harcama biriminin belirtilen tarihe kadar Stratejik Planlama Ekibine üye "
         "görevlendireceğini belirtmeli; çalışma takvimini içermelidir. Genelgeyi mazbatadan sonra "
         "beklemeden yayımlayın (hedef: 15 gün). " + RULE + LAW + " md. 41; Kamu İdarelerinde Stratejik "
         "Planlamaya İlişkin Usul ve Esaslar Hakkında Yönetmelik.", dueDateVariable="circular_due_date"),
    user("circular_approval", "Genelgeyi onayla", M, 7, "circular_approval.schema.json",
         "Strateji Geliştirme Biriminin hazırladığı genelge taslağını inceleyin. Onaylarsanız genelge "
         "imzalanmış sayılır; Strateji Geliştirme Kurulu oluşturulur ve harcama birimlerinden ekip üyesi "
         "bildirimi istenir. Düzeltme gerekiyorsa açıklamanızla birlikte geri gönderin. " + RULE + LAW
         + " md. 38(b) ve 41."),
    gate("gw_circular", "Genelge onaylandı mı?", M, 8, default="Flow_circular_approved"),
    fork("split_board_team", C, 9),
    # The board ...
    gate("merge_board", "", C, 10),
    gate("gw_board_type", "Belediye türü?", C, 11, default="Flow_board_district"),
    user("board_composition", "Strateji Geliştirme Kurulunu oluştur", C, 12, "board_composition.schema.json",
         "Başkanın başkanlığında toplanacak Strateji Geliştirme Kurulunun üyelerini girin. Büyükşehir "
         "statüsünde olmayan il ve ilçe belediyelerinde kurul, başkan yardımcıları ile Başkanın uygun "
         "göreceği yönetici ve diğer kişilerden oluşur. Kurulu karar alabilecek büyüklükte tutun. Bu "
         "oluşumdan ayrılmak gerekiyorsa “Oluşum kuralından ayrılıyorum” kutusunu işaretleyip gerekçesini "
         "yazın; gerekçe kayda geçer. " + RULE + GUIDE + ", Strateji Geliştirme Kurulu."),
    user("board_composition_metro", "Strateji Geliştirme Kurulunu oluştur (büyükşehir)", C, 12,
         "board_composition_metro.schema.json",
         "Başkanın başkanlığında toplanacak Strateji Geliştirme Kurulunun üyelerini girin. Büyükşehir "
         "belediyelerinde kurul, genel sekreter ve genel sekreter yardımcıları ile Başkanın uygun göreceği "
         "yönetici ve diğer kişilerden oluşur. Kurulu karar alabilecek büyüklükte tutun. Bu oluşumdan "
         "ayrılmak gerekiyorsa “Oluşum kuralından ayrılıyorum” kutusunu işaretleyip gerekçesini yazın; "
         "gerekçe kayda geçer. " + RULE + GUIDE + ", Strateji Geliştirme Kurulu.", row=1),
    gate("merge_board_forms", "", C, 13),
    user("board_approval", "Kurul oluşumunu onayla (olur)", M, 14, "board_approval.schema.json",
         "Strateji Geliştirme Biriminin önerdiği kurul üyelerini inceleyin. Onaylarsanız kurul Başkanlık "
         "olur'u ile oluşmuş sayılır ve sizin başkanlığınızda toplanır; değişiklik gerekiyorsa "
         "açıklamanızla geri gönderin. " + RULE + GUIDE + ", Strateji Geliştirme Kurulu."),
    gate("gw_board_approval", "Kurul onaylandı mı?", M, 15, default="Flow_board_approved"),
    # ... and, in parallel, the team.
    unit_task("team_nomination", "Stratejik Planlama Ekibine üye bildir", 10, "nomination.schema.json",
              "Başkanlık genelgesi gereği biriminizden Stratejik Planlama Ekibinde görev alacak personeli "
              "(ad soyad, unvan, e-posta, telefon) bildirin. Görevlendirilecek personel yoksa gerekçesini "
              "yazın. Bildirim için son tarih genelgede belirtilmiştir.",
              "unit", "nomination", "nomination_deadline", "nominations"),
    Node("nomination_overdue", "boundary", "Bildirim süresi doldu", U, 10, attached_to="team_nomination",
         timer='nomination_deadline + "T23:59:00+03:00"'),
    user("nomination_escalation", "Geciken ekip üyesi bildirimlerini takip et", C, 11,
         "nomination_escalation.schema.json",
         "Genelgedeki son tarihe kadar ekip üyesi bildirmeyen birimler var; hangileri olduğunu süreç "
         "sayfasındaki açık görevlerde görürsünüz. Yapılmış bildirimler korunur ve bekleyen birimlerin "
         "görevleri açık kalır. Geciken birimlerin yöneticilerine hatırlatma yapın, gerekirse durumu "
         "Başkanlık makamına bildirin ve yaptığınızı kaydedin. Birimler bildirimlerini tamamladığında "
         "süreç ekip listesine kendiliğinden geçer.", row=2),
    Node("end_escalation", "end", "Takip kaydedildi", C, 12, 2),
    user("team_list", "Ekip listesini kesinleştir", C, 13, "team_list.schema.json",
         "Harcama birimlerinin bildirdiği üyelerden Stratejik Planlama Ekibini oluşturun: ekip liderini, "
         "ekip koordinatörünü ve gerekiyorsa alt grupları belirleyin. Bildirilen üyeler ekip listesine "
         "kendiliğinden alınır; listeyi değiştirecekseniz (ekleme, çıkarma) “Ekip üyeleri” tablosuna "
         "listenin tamamını yazın. Ekip üyelerinin görevlerini görebilmesi için kullanıcı hesaplarına "
         "“Stratejik Planlama Ekibi üyesi” rolü verilmelidir. Ekibin ilk (açılış) toplantısının tarihini "
         "girin; süreç bu tarihe kadar bekler.", row=2),
    Node("build_team", "script", "Ekip listesini oluştur", C, 14, 2, script=TEAM_SCRIPT),
    Node("kickoff_timer", "timer", "Açılış toplantısı tarihi", C, 15, 2,
         timer='kickoff_date + "T09:00:00+03:00"'),
    fork("join_board_team", C, 16),
    # Preparation program
    gate("merge_program", "", C, 17),
    user("program_draft", "Hazırlık programını hazırla", C, 18, "program_draft.schema.json",
         "Açılış toplantısında görüşülenlere göre Stratejik Plan Hazırlık Programını hazırlayın: aşamalar, "
         "faaliyetler, sorumlular ve tarihler ile eğitim ve toplantı takvimi. Harcama birimlerinin durum "
         "analizi girdileri için son tarihi belirleyin. Programın genelgeden sonra en geç iki ay içinde "
         "onaylanması önerilir. " + RULE + GUIDE + ", Hazırlık Programı."),
    user("program_approval", "Hazırlık programını onayla", M, 19, "program_approval.schema.json",
         "Strateji Geliştirme Biriminin hazırladığı Stratejik Plan Hazırlık Programını (aşamalar, "
         "faaliyetler, sorumlular, tarihler, eğitim ve toplantı takvimi) inceleyin. Onaylarsanız durum "
         "analizi çalışmaları başlar; değişiklik gerekiyorsa açıklamanızla geri gönderin."),
    gate("gw_program", "Program onaylandı mı?", M, 20, default="Flow_program_approved"),
    # Situation analysis
    fork("split_analysis", E, 21),
    unit_task("unit_analysis", "Birim durum analizi girdilerini hazırla", 22, "unit_inputs.schema.json",
              "Biriminizin durum analizine katkısını girin: mevzuattan kaynaklanan görevleriniz (dayanağıyla), "
              "sunduğunuz ürün ve hizmetler, insan kaynağınız, teknolojik, fiziki ve mali kaynaklarınız ile "
              "biriminizin tespit ve ihtiyaçları. Bu bilgiler faaliyet alanları ve kurum içi analizde "
              "kullanılır. " + RULE + GUIDE + ", Durum Analizi.",
              "input_unit", "unit_input", "analysis_deadline", "unit_inputs"),
    user("plan_evaluation", "Yürürlükteki planı değerlendir", E, 22, "plan_evaluation.schema.json",
         "Yürürlükteki (ya da son) stratejik planın amaç ve hedeflerinin gerçekleşme durumunu, sapmaların "
         "nedenlerini ve çıkarılan dersleri değerlendirin. Belediyenin yürürlükte planı yoksa bunu "
         "belirtin; planın bulunmaması denetimlerde bulgu konusu olur. Plan yenileniyorsa (yeni seçimden sonra) "
         "form, önceki planın izleme dönemlerindeki gerçekleşmeyle (amaç ve hedef bazında) dolu gelir; "
         "değerlendirmeyi bunun üzerine yazın. " + RULE + GUIDE
         + ", Geçmiş Dönem Stratejik Planının Değerlendirilmesi.", formStartVariable="previous_plan_evaluation"),
    user("policy_analysis", "Mevzuat ve üst politika belgelerini analiz et", E, 22, "policy_analysis.schema.json",
         "Kurumsal tarihçeyi özetleyin; belediyenin görev ve yetkilerini düzenleyen mevzuatı ve bundan doğan "
         "görevleri çıkarın; Kalkınma Planı, Orta Vadeli Program ve bölge planı gibi üst politika "
         "belgelerinde belediyeyi ilgilendiren hükümleri ve plana etkilerini yazın. " + RULE
         + "5018 sayılı Kamu Mali Yönetimi ve Kontrol Kanunu md. 9; " + GUIDE + ".", row=1),
    user("stakeholder_analysis", "Paydaş analizini yap", E, 22, "stakeholder_analysis.schema.json",
         "Belediyenin faaliyet alanlarını kodlarıyla (ör. FA1) ve ürün/hizmetleriyle yazın; bunlar paydaş–ürün/"
         "hizmet matrisinin sütunlarıdır. İç ve dış paydaşları (kurum, kişi ya da grup) belirleyin; her paydaşın "
         "etkisini (belediyenin faaliyetlerini etkileme gücü) ve önemini (belediyenin faaliyetlerinden etkilenme "
         "derecesi) 1–5 arasında puanlayın ve ilgili olduğu faaliyet alanlarının kodlarını yazın. Öncelik puanı "
         "(etki × önem) ve paydaşla kurulacak ilişki (birlikte çalış, çıkarlarını gözet, bilgilendir, izle) "
         "kendiliğinden hesaplanır; her faaliyet alanının en az bir paydaşı olmalıdır. İç ve dış paydaş "
         "anketlerini ve çalıştayları tarih, katılımcı sayısı, özet ve belge bağlantısı ya da EBYS sayısıyla "
         "kaydedin. Üniversitelerin, meslek odalarının ve sivil toplum kuruluşlarının görüşü alınmalıdır. "
         + RULE + LAW + " md. 41; " + GUIDE + ", Paydaş Analizi.", row=2),
    user("environment_analysis", "PESTLE ve GZFT analizlerini yap", E, 22, "environment_analysis.schema.json",
         "Dış çevreyi politik, ekonomik, sosyo-kültürel, teknolojik, yasal ve ekolojik/çevresel (PESTLE) açılardan "
         "analiz edin: her etkeni boyutu, belediyeye etkisi ve ne yapılması gerektiğiyle yazın ve fırsat ya da "
         "tehdit olarak sınıflandırın. GZFT'de güçlü ve zayıf yönler kurum içidir, fırsatlar ve tehditler dış "
         "çevreden gelir (PESTLE'den gelen bir fırsat ya da tehdidin PESTLE tablosunda öyle sınıflandırılmış bir "
         "etkeni olmalıdır); her maddenin kaynağını seçin. Birim girdilerinden ve paydaş analizinden yararlanın. "
         + RULE + GUIDE + ", PESTLE Analizi ve GZFT Analizi.", row=3),
    fork("join_analysis", E, 23),
    gate("merge_findings", "", E, 24),
    user("findings_needs", "Tespitleri ve ihtiyaçları belirle", E, 25, "findings_needs.schema.json",
         "Durum analizinin her aşamasından (plan değerlendirmesi, mevzuat, üst politika belgeleri, faaliyet "
         "alanları, paydaş analizi, kuruluş içi analiz, PESTLE, GZFT, birim girdileri) çıkan tespitleri ve "
         "sorunları yazın: her tespitin hangi analizden geldiğini seçin ve yol açtığı ihtiyacı ya da gelişim "
         "alanını yazın. Analizlerin bütünü bu sayfadaki “Durum analizinin bütünü” bağlantısında görülür. Liste "
         "Strateji Geliştirme Kurulunun onayına sunulur ve amaç ile hedeflerin temelini oluşturur. Kurul geri "
         "gönderdiyse açıklamasına göre düzeltin. " + RULE + GUIDE + ", Tespitler ve İhtiyaçların Belirlenmesi."),
    user("analysis_adoption", "Durum analizi sonuçlarını kabul et", K, 26, "analysis_adoption.schema.json",
         "Kurul toplantısında durum analizinin tespit ve ihtiyaçlarını görüşün ve kararı kaydedin. Kabul "
         "edilirse Geleceğe Bakış çalışmasına geçilir; eksik ya da düzeltilecek noktalar varsa açıklamayla "
         "ekibe geri gönderin. Kurul Başkanın başkanlığında toplanır; kararı kurul üyelerinden biri kaydeder."),
    gate("gw_analysis", "Tespitler kabul edildi mi?", K, 27, default="Flow_analysis_adopted"),
    # Looking ahead
    gate("merge_future", "", E, 28),
    user("future_draft", "Misyon, vizyon ve temel değerleri öner", E, 29, "future_draft.schema.json",
         "Durum analizi sonuçlarına dayanarak belediyenin misyonunu (varlık nedeni), vizyonunu (ulaşmak "
         "istediği gelecek) ve temel değerlerini önerin; öneriler Kurulda görüşülür. Kurul geri gönderdiyse "
         "açıklamasına göre düzeltin. " + RULE + GUIDE + ", Geleceğe Bakış."),
    user("future_adoption", "Misyon, vizyon ve temel değerleri kabul et", K, 30, "future_adoption.schema.json",
         "Kurul toplantısında önerilen misyon, vizyon ve temel değerleri görüşün; kabul edin ya da "
         "açıklamayla ekibe geri gönderin."),
    gate("gw_future", "Geleceğe bakış kabul edildi mi?", K, 31, default="Flow_future_adopted"),
    # Strategy
    gate("merge_strategy", "", E, 32),
    user("strategy_draft", "Amaç, hedef ve göstergeleri hazırla", E, 33, "strategy_draft.schema.json",
         "Amaçları, amaçlara bağlı hedefleri ve hedef kartlarını hazırlayın: her hedefin tek bir sorumlu "
         "birimi ve iş birliği yapılacak birimleri; performans göstergeleri (hedefe etkisi %, bir hedefin "
         "göstergelerinin etkileri toplamı 100; başlangıç değeri, beş yılın her biri için hedef değer, "
         "izleme ve raporlama sıklığı); riskler ve kontrol faaliyetleri; faaliyet ve projeler ile maliyet "
         "tahmini (TL). Harcama birimlerinin hedefleri gözden geçirmesi için son tarihi belirleyin. "
         + RULE + "5018 sayılı Kanun md. 9; " + GUIDE + ", Strateji Geliştirme.",
         post_script="target_reviews = []"),  # every review round starts with a fresh list
    unit_task("target_review", "Birimin hedeflerini gözden geçir", 34, "target_review.schema.json",
              "Stratejik Planlama Ekibinin hazırladığı amaç ve hedeflerden biriminizin sorumlu ya da iş "
              "birliği yapan birim olduğu hedefleri, göstergelerini ve maliyetlerini inceleyin. Uygunsa "
              "onaylayın; değişiklik gerekiyorsa neyin değişmesi gerektiğini yazın. Bir birim değişiklik "
              "isterse taslak ekibe döner ve bütün birimler yeniden gözden geçirir.",
              "review_unit", "unit_review", "review_deadline", "target_reviews"),
    gate("gw_targets", "Değişiklik istendi mi?", U, 35, default="Flow_targets_agreed"),
    user("monitoring_design", "İzleme ve değerlendirme sistemini tasarla", E, 36, "monitoring_design.schema.json",
         "Planın nasıl izlenip değerlendirileceğini belirleyin: izleme raporlarının dönemi (en az altı ayda "
         "bir), yıllık değerlendirme raporu, sorumlu birim ve raporlama düzeni. " + RULE + "Kamu "
         "İdarelerinde Stratejik Planlamaya İlişkin Usul ve Esaslar Hakkında Yönetmelik; " + GUIDE
         + ", İzleme ve Değerlendirme."),
    # Draft, board, mayor
    gate("merge_draft", "", E, 37),
    user("plan_draft", "Stratejik plan taslağını hazırla", E, 38, "plan_draft.schema.json",
         "Rehberdeki plan yapısına göre stratejik plan taslağını (Word) hazırlayın ve belge bağlantısını ya "
         "da EBYS sayısını girin. Kurul, Başkan ya da Meclis taslağı geri gönderdiyse açıklamalarına göre "
         "düzeltin ve değişiklikleri yazın. " + RULE + GUIDE + "."),
    user("draft_review", "Plan taslağını incele", K, 39, "draft_review.schema.json",
         "Kurul toplantısında stratejik plan taslağını inceleyin. Uygunsa Başkanın onayına gönderin; "
         "düzeltme gerekiyorsa açıklamayla ekibe geri gönderin."),
    gate("gw_draft_review", "Taslak uygun mu?", K, 40, default="Flow_draft_accepted"),
    user("plan_approval", "Stratejik planı onayla ve Meclise sun", M, 41, "plan_approval.schema.json",
         "Kurulun uygun bulduğu stratejik planı onaylayın. Onayınızla plan, Başkanlık teklifi olarak Meclise "
         "sunulmak üzere Yazı İşlerine gönderilir; Encümen inceler. Plan, mahalli idareler genel seçim "
         "gününden itibaren altı ay içinde Meclise sunulmalıdır: süreye uyum, planın Meclise sunulduğu "
         "(gündeme alındığı) tarihe göre değerlendirilir, kabul tarihine göre değil (son tarih görevde "
         "gösterilir). Düzeltme gerekiyorsa açıklamanızla ekibe geri gönderin. " + RULE + LAW
         + " md. 38(b) ve 41.", dueDateVariable="legal_deadline"),
    gate("gw_plan_approval", "Başkan onayladı mı?", M, 42, default="Flow_plan_approved"),
    # Encümen and council
    user("encumen_opinion", "Encümen görüşünü kaydet", N, 43, "encumen_opinion.schema.json",
         "Encümenin stratejik planı inceleyerek Meclise bildirdiği görüşü kaydedin: encümen toplantı tarihi, "
         "karar sayısı ve görüş. Encümen incelemesi Meclis toplantısından önce tamamlanmalıdır. " + RULE
         + LAW + " md. 34(a).", dueDateVariable="legal_deadline"),
    user("council_schedule", "Meclise sunuşu ve toplantıyı kaydet", Y, 44, "council_schedule.schema.json",
         "Başkanlık teklifinin Meclise sunulduğu (Meclis gündemine alındığı) tarihi ve planın görüşüleceği "
         "toplantıyı kaydedin. Yasal süreye uyum bu sunuş tarihine göre değerlendirilir: Eylül toplantısında "
         "gündeme alınıp Plan ve Bütçe Komisyonuna havale edilen ve Ekim'de kabul edilen plan süresinde "
         "sunulmuştur. Hedef, yasal süre (seçim günü + 6 ay) dolmadan yapılan son olağan toplantıdır; belediye "
         "meclisleri her ayın ilk haftasında, büyükşehir belediye meclisleri ikinci haftasında toplanır ve bir "
         "toplantı en çok beş gün sürer (son gününü girin). Bu toplantı kaçırıldıysa ya da süre içinde olağan "
         "toplantı kalmadıysa “Olağanüstü toplantı” seçin: Başkan Meclisi olağanüstü toplantıya çağırır. "
         + RULE + LAW + " md. 20 ve 41; 5216 sayılı Büyükşehir Belediyesi Kanunu md. 13.",
         dueDateVariable="legal_deadline"),
    gate("gw_meeting_kind", "Toplantı türü?", Y, 45, default="Flow_regular_meeting"),
    user("extraordinary_call", "Meclisi olağanüstü toplantıya çağır", M, 46, "extraordinary_call.schema.json",
         "Stratejik planın görüşülmesi için Meclisi olağanüstü toplantıya çağırın. Çağrı ve gündem en az üç "
         "gün önceden üyelere yazılı olarak duyurulur ve ilan edilir; olağanüstü toplantı yılda en fazla üç "
         "kez yapılabilir ve toplantıda yalnızca çağrıdaki konular görüşülür. " + RULE + LAW
         + " md. 20; büyükşehirlerde 5216 sayılı Kanun md. 13.", dueDateVariable="legal_deadline"),
    gate("merge_meeting", "", Y, 47),
    Node("council_meeting_timer", "timer", "Meclis toplantı günü", Y, 48,
         timer='council_meeting_date + "T09:00:00+03:00"'),
    gate("merge_council", "", Y, 49),
    user("council_decision", "Meclis kararını kaydet", Y, 50, "council_decision.schema.json",
         "Meclisin stratejik plan hakkındaki kararını kaydedin: karar sayısı ve tarihi, dönem, toplantı ve "
         "birleşim numaraları, oylama (oybirliği / oyçokluğu), Meclis Başkanı ile kâtip üyelerin adları. "
         "Değişiklikle kabul edildiyse değişiklikleri yazın (plan metni yayımdan önce güncellenir). "
         "Reddedildiyse gerekçesini yazın: plan ekibe döner. Plan ve Bütçe Komisyonuna (ya da başka bir "
         "komisyona) havale edildiyse bunu seçin; komisyon raporundan sonra kararı yeniden kaydedersiniz "
         "(aynı toplantının sonraki günlerinde ya da sonraki toplantıda). Başkan kararı yeniden görüşülmek "
         "üzere iade ettiyse ve Meclis üye tam sayısının salt çoğunluğuyla kararında ısrar ettiyse “Israr "
         "edildi” seçin: karar kesinleşir. " + RULE + LAW + " md. 18(a), 23 ve 24.",
         dueDateVariable="legal_deadline"),
    gate("gw_council", "Meclis kararı?", Y, 51, default="Flow_decided"),
    gate("gw_insisted", "Israr kararı mı?", Y, 52, default="Flow_adopted"),
    user("commission_report", "Komisyon raporunu kaydet", Y, 50, "commission_report.schema.json",
         "Planın havale edildiği komisyonun raporunu kaydedin: rapor tarihi ve komisyon görüşü. Ardından "
         "Meclisin kararını kaydedersiniz. " + RULE + LAW + " md. 24.", row=1),
    user("decision_review", "Meclis kararını değerlendir (iade hakkı)", M, 53, "decision_review.schema.json",
         "Meclisin stratejik plan kararını inceleyin. Hukuka aykırı bulursanız gerekçesiyle birlikte beş gün "
         "içinde yeniden görüşülmek üzere Meclise iade edebilirsiniz; iade etmezseniz karar kesinleşir. "
         "Kesinleşme tarihini girin: karar bu tarihten itibaren yedi gün içinde mülki idare amirine "
         "gönderilir. " + RULE + LAW + " md. 23."),
    gate("gw_decision_review", "Karar kesinleşti mi?", M, 54, default="Flow_decision_final"),
    gate("merge_final", "", Y, 55),
    Node("adoption_check", "script", "Sunuş ve kabul tarihlerini yasal süreyle karşılaştır", Y, 56,
         script=ADOPTION_SCRIPT),
    fork("split_publication", Y, 57),
    user("governor_submission", "Kararı mülki idare amirine gönder", Y, 58, "governor_submission.schema.json",
         "Meclis kararının tam metnini kesinleştiği tarihten itibaren en geç yedi gün içinde il merkezinde "
         "valiliğe, ilçelerde kaymakamlığa gönderin ve gönderme tarihini kaydedin. Mülki idare amirine "
         "gönderilmeyen kararlar yürürlüğe girmez. " + RULE + LAW + " md. 23; Belediye Meclisi Çalışma "
         "Yönetmeliği md. 18.", dueDateVariable="governor_due_date"),
    gate("gw_amended", "Değişiklikle mi kabul edildi?", C, 58, default="Flow_not_amended"),
    user("plan_amendment", "Meclis değişikliklerini plan metnine işle", C, 59, "plan_amendment.schema.json",
         "Meclis planı değişikliklerle kabul etti. Meclis kararındaki değişiklikleri plan metnine işleyin, "
         "güncel plan belgesinin bağlantısını ya da EBYS sayısını girin ve yapılan değişiklikleri yazın; "
         "plan bu metinle yayımlanır ve kurumlara gönderilir. " + RULE + LAW + " md. 18(a).", row=1),
    gate("merge_amended", "", C, 60),
    user("plan_publication", "Planı yayımla ve kurumlara gönder", C, 61, "plan_publication.schema.json",
         "Kabul edilen stratejik planı belediyenin internet sitesinde yayımlayın ve bağlantısını girin; planı "
         "ilgili kurumlara gönderip her gönderimi tabloya yazın. Gönderilecek kurumlar (bu süreç tanımının "
         "ayarı): Strateji ve Bütçe Başkanlığı; Çevre, Şehircilik ve İklim Değişikliği Bakanlığı; Sayıştay. "
         "Kesinleşen meclis kararlarının özetleri yedi gün içinde halka duyurulur. " + RULE + LAW
         + " md. 23; Kamu İdarelerinde Stratejik Planlamaya İlişkin Usul ve Esaslar Hakkında Yönetmelik."),
    fork("join_publication", C, 62),
    Node("end_event", "end", "Stratejik plan yürürlükte", C, 63),
]

@dataclass
class Flow:
    id: str
    source: str
    target: str
    name: str = ""
    condition: str | None = None


F = Flow
FLOWS = [
    F("Flow_start", "start_event", "mandate_check"),
    F("Flow_checked", "mandate_check", "gw_required"),
    F("Flow_required", "gw_required", "merge_circular", "Zorunlu", "plan_required"),
    F("Flow_not_required", "gw_required", "voluntary_decision", "Zorunlu değil"),
    F("Flow_voluntary_decided", "voluntary_decision", "gw_voluntary"),
    F("Flow_voluntary", "gw_voluntary", "merge_circular", "Evet", 'voluntary_preparation == "prepare"'),
    F("Flow_declined", "gw_voluntary", "end_not_prepared", "Hayır"),
    F("Flow_to_circular", "merge_circular", "circular_draft"),
    F("Flow_to_approval", "circular_draft", "circular_approval"),
    F("Flow_to_gw", "circular_approval", "gw_circular"),
    F("Flow_returned", "gw_circular", "merge_circular", "Geri gönderildi", 'circular_decision == "return"'),
    F("Flow_circular_approved", "gw_circular", "split_board_team", "Onaylandı"),
    F("Flow_to_board", "split_board_team", "merge_board"),
    F("Flow_to_nomination", "split_board_team", "team_nomination"),
    F("Flow_board_type", "merge_board", "gw_board_type"),
    F("Flow_board_metro", "gw_board_type", "board_composition_metro", "Büyükşehir",
      'municipality["type"] == "buyuksehir"'),
    F("Flow_board_district", "gw_board_type", "board_composition", "İl, ilçe, belde"),
    F("Flow_board_entered", "board_composition", "merge_board_forms"),
    F("Flow_board_metro_entered", "board_composition_metro", "merge_board_forms"),
    F("Flow_to_board_approval", "merge_board_forms", "board_approval"),
    F("Flow_board_decided", "board_approval", "gw_board_approval"),
    F("Flow_board_returned", "gw_board_approval", "merge_board", "Geri gönderildi", 'board_decision == "return"'),
    F("Flow_board_approved", "gw_board_approval", "join_board_team", "Onaylandı"),
    F("Flow_overdue", "nomination_overdue", "nomination_escalation"),
    F("Flow_escalated", "nomination_escalation", "end_escalation"),
    F("Flow_to_team", "team_nomination", "team_list"),
    F("Flow_to_build", "team_list", "build_team"),
    F("Flow_to_timer", "build_team", "kickoff_timer"),
    F("Flow_kickoff", "kickoff_timer", "join_board_team"),
    F("Flow_to_program", "join_board_team", "merge_program"),
    F("Flow_program_draft", "merge_program", "program_draft"),
    F("Flow_to_program_approval", "program_draft", "program_approval"),
    F("Flow_program_decided", "program_approval", "gw_program"),
    F("Flow_program_returned", "gw_program", "merge_program", "Geri gönderildi", 'program_decision == "return"'),
    F("Flow_program_approved", "gw_program", "split_analysis", "Onaylandı"),
    F("Flow_to_unit_analysis", "split_analysis", "unit_analysis"),
    F("Flow_to_plan_evaluation", "split_analysis", "plan_evaluation"),
    F("Flow_to_policy", "split_analysis", "policy_analysis"),
    F("Flow_to_stakeholders", "split_analysis", "stakeholder_analysis"),
    F("Flow_to_environment", "split_analysis", "environment_analysis"),
    F("Flow_unit_analysis_done", "unit_analysis", "join_analysis"),
    F("Flow_plan_evaluation_done", "plan_evaluation", "join_analysis"),
    F("Flow_policy_done", "policy_analysis", "join_analysis"),
    F("Flow_stakeholders_done", "stakeholder_analysis", "join_analysis"),
    F("Flow_environment_done", "environment_analysis", "join_analysis"),
    F("Flow_to_findings", "join_analysis", "merge_findings"),
    F("Flow_findings", "merge_findings", "findings_needs"),
    F("Flow_to_analysis_adoption", "findings_needs", "analysis_adoption"),
    F("Flow_analysis_decided", "analysis_adoption", "gw_analysis"),
    F("Flow_analysis_returned", "gw_analysis", "merge_findings", "Geri gönderildi",
      'analysis_decision == "return"'),
    F("Flow_analysis_adopted", "gw_analysis", "merge_future", "Kabul edildi"),
    F("Flow_future", "merge_future", "future_draft"),
    F("Flow_to_future_adoption", "future_draft", "future_adoption"),
    F("Flow_future_decided", "future_adoption", "gw_future"),
    F("Flow_future_returned", "gw_future", "merge_future", "Geri gönderildi", 'future_decision == "return"'),
    F("Flow_future_adopted", "gw_future", "merge_strategy", "Kabul edildi"),
    F("Flow_strategy", "merge_strategy", "strategy_draft"),
    F("Flow_to_review", "strategy_draft", "target_review"),
    F("Flow_reviewed", "target_review", "gw_targets"),
    F("Flow_targets_changed", "gw_targets", "merge_strategy", "Değişiklik istendi",
      'any(review.get("review_decision") == "change" for review in target_reviews)'),
    F("Flow_targets_agreed", "gw_targets", "monitoring_design", "Uygun"),
    F("Flow_to_draft", "monitoring_design", "merge_draft"),
    F("Flow_draft", "merge_draft", "plan_draft"),
    F("Flow_to_draft_review", "plan_draft", "draft_review"),
    F("Flow_draft_decided", "draft_review", "gw_draft_review"),
    F("Flow_draft_returned", "gw_draft_review", "merge_draft", "Geri gönderildi", 'draft_decision == "return"'),
    F("Flow_draft_accepted", "gw_draft_review", "plan_approval", "Uygun"),
    F("Flow_plan_decided", "plan_approval", "gw_plan_approval"),
    F("Flow_plan_returned", "gw_plan_approval", "merge_draft", "Geri gönderildi", 'plan_decision == "return"'),
    F("Flow_plan_approved", "gw_plan_approval", "encumen_opinion", "Onaylandı"),
    F("Flow_to_schedule", "encumen_opinion", "council_schedule"),
    F("Flow_scheduled", "council_schedule", "gw_meeting_kind"),
    F("Flow_extraordinary", "gw_meeting_kind", "extraordinary_call", "Olağanüstü",
      'meeting_kind == "extraordinary"'),
    F("Flow_regular_meeting", "gw_meeting_kind", "merge_meeting", "Olağan"),
    F("Flow_called", "extraordinary_call", "merge_meeting"),
    F("Flow_to_meeting", "merge_meeting", "council_meeting_timer"),
    F("Flow_meeting_day", "council_meeting_timer", "merge_council"),
    F("Flow_to_decision", "merge_council", "council_decision"),
    F("Flow_council_decided", "council_decision", "gw_council"),
    F("Flow_council_rejected", "gw_council", "merge_draft", "Reddedildi", 'council_outcome == "rejected"'),
    F("Flow_decided", "gw_council", "gw_insisted", "Karar verildi"),
    F("Flow_adopted", "gw_insisted", "decision_review", "Kabul edildi"),
    F("Flow_referred", "gw_council", "commission_report", "Komisyona havale", 'council_outcome == "referred"'),
    F("Flow_insisted", "gw_insisted", "merge_final", "Israr edildi", 'council_outcome == "insisted"'),
    F("Flow_commission_done", "commission_report", "merge_council"),
    F("Flow_decision_reviewed", "decision_review", "gw_decision_review"),
    F("Flow_decision_final", "gw_decision_review", "merge_final", "Kesinleşti"),
    F("Flow_decision_returned", "gw_decision_review", "merge_council", "Yeniden görüşülmek üzere iade",
      'decision_review_outcome == "return"'),
    F("Flow_to_check", "merge_final", "adoption_check"),
    F("Flow_to_publication", "adoption_check", "split_publication"),
    F("Flow_to_governor", "split_publication", "governor_submission"),
    F("Flow_to_amended", "split_publication", "gw_amended"),
    F("Flow_amended", "gw_amended", "plan_amendment", "Değişiklikle", 'council_outcome == "adopted_amended"'),
    F("Flow_not_amended", "gw_amended", "merge_amended", "Olduğu gibi"),
    F("Flow_amendment_done", "plan_amendment", "merge_amended"),
    F("Flow_to_publish", "merge_amended", "plan_publication"),
    F("Flow_governor_done", "governor_submission", "join_publication"),
    F("Flow_published", "plan_publication", "join_publication"),
    F("Flow_to_end", "join_publication", "end_event"),
]

# -- layout ----------------------------------------------------------------------------------

SIZES = {"user": (100, 80), "script": (100, 80), "xor": (50, 50), "and": (50, 50),
         "start": (36, 36), "end": (36, 36), "timer": (36, 36), "boundary": (36, 36)}
POOL_X, POOL_Y, HEADER = 100, 40, 30
LANE_PAD, ROW_H, COL_GAP, FIRST_GAP = 35, 100, 56, 40
BAND = (10, 19, 28)  # channel offsets from a lane's top and bottom edge
OFFSETS = (0, -12, 12, -24, 24)
SIDES = {"right": (1, 0), "left": (-1, 0), "top": (0, -1), "bottom": (0, 1)}
OUT_COST = {"right": 0, "top": 40, "bottom": 40, "left": 120}  # flows leave to the right ...
IN_COST = {"left": 0, "top": 20, "bottom": 20, "right": 120}  # ... and enter from the left


@dataclass
class Box:
    x: float
    y: float
    w: float
    h: float

    @property
    def cx(self):
        return self.x + self.w / 2

    @property
    def cy(self):
        return self.y + self.h / 2

    def port(self, side):
        return {"right": (self.x + self.w, self.cy), "left": (self.x, self.cy),
                "top": (self.cx, self.y), "bottom": (self.cx, self.y + self.h)}[side]

    def hit(self, a, b, pad=4) -> bool:
        """Does the orthogonal segment a-b pass through this box (grown by `pad`)?"""
        (x1, y1), (x2, y2) = a, b
        left, right, top, bottom = self.x - pad, self.x + self.w + pad, self.y - pad, self.y + self.h + pad
        if y1 == y2:
            return top < y1 < bottom and min(x1, x2) < right and max(x1, x2) > left
        return left < x1 < right and min(y1, y2) < bottom and max(y1, y2) > top


class Layout:
    def __init__(self, lanes, nodes):
        self.lanes, self.nodes = lanes, {n.id: n for n in nodes}
        cols = max(n.col for n in nodes) + 1
        widths = [0] * cols
        for n in nodes:
            if n.kind != "boundary":
                widths[n.col] = max(widths[n.col], SIZES[n.kind][0])
        self.col_left, x = [], POOL_X + HEADER * 2 + FIRST_GAP - COL_GAP / 2
        for w in widths:
            self.col_left.append(x)
            x += w + COL_GAP
        self.width = x + FIRST_GAP - COL_GAP / 2 - POOL_X
        self.lane_box, y = {}, POOL_Y
        for lane_id, _name, _role, rows in lanes:
            height = 2 * LANE_PAD + rows * ROW_H
            self.lane_box[lane_id] = Box(POOL_X + HEADER, y, self.width - HEADER, height)
            y += height
        self.height = y - POOL_Y
        self.boxes = {n.id: self._place(n) for n in nodes if n.kind != "boundary"}
        for n in nodes:
            if n.kind == "boundary":
                host = self.boxes[n.attached_to]
                self.boxes[n.id] = Box(host.x + host.w - 43, host.y - 18, 36, 36)

    def _place(self, n) -> Box:
        w, h = SIZES[n.kind]
        col_w = (self.col_left[n.col + 1] if n.col + 1 < len(self.col_left) else
                 self.col_left[n.col] + w + COL_GAP) - self.col_left[n.col]
        lane = self.lane_box[n.lane]
        cy = lane.y + LANE_PAD + n.row * ROW_H + ROW_H / 2
        return Box(self.col_left[n.col] + col_w / 2 - w / 2, cy - h / 2, w, h)

    def channels_x(self, lo, hi):
        """Column gaps near [lo, hi] (with offsets, so parallel flows keep apart)."""
        edges = self.col_left + [self.col_left[-1] + 2 * COL_GAP + 100]
        xs = [x for x in edges if lo - 250 <= x <= hi + 250]
        return [x + d for d in OFFSETS for x in xs]

    def channels_y(self):
        ys = []
        for box in self.lane_box.values():
            ys += [box.y + d for d in BAND] + [box.y + box.h - d for d in BAND]
        return ys


def _direction(a, b):
    dx, dy = b[0] - a[0], b[1] - a[1]
    return ((dx > 0) - (dx < 0), (dy > 0) - (dy < 0))


def _simplify(points):
    out = [points[0]]
    for p in points[1:]:
        if p == out[-1]:
            continue
        if len(out) >= 2 and (out[-2][0] == out[-1][0] == p[0] or out[-2][1] == out[-1][1] == p[1]):
            out[-1] = p
        else:
            out.append(p)
    return out


def _overlap(s, t) -> bool:
    """Collinear segments sharing more than a point."""
    (a, b), (c, d) = s, t
    if a[1] == b[1] == c[1] == d[1]:
        return min(max(a[0], b[0]), max(c[0], d[0])) - max(min(a[0], b[0]), min(c[0], d[0])) > 1
    if a[0] == b[0] == c[0] == d[0]:
        return min(max(a[1], b[1]), max(c[1], d[1])) - max(min(a[1], b[1]), min(c[1], d[1])) > 1
    return False


def _crosses(s, t) -> bool:
    (a, b), (c, d) = s, t
    if (a[1] == b[1]) == (c[1] == d[1]):
        return False
    h, v = ((a, b), (c, d)) if a[1] == b[1] else ((c, d), (a, b))
    return (min(h[0][0], h[1][0]) < v[0][0] < max(h[0][0], h[1][0])
            and min(v[0][1], v[1][1]) < h[0][1] < max(v[0][1], v[1][1]))


class Router:
    """Orthogonal routes with up to four bends that touch no shape but their own ends and
    never run along another flow (see `_may_share`)."""

    def __init__(self, layout: Layout):
        self.layout = layout
        self.routes: dict[str, list] = {}
        self.ends: dict[str, tuple] = {}

    def route(self, flow: Flow) -> list:
        src, dst = self.layout.boxes[flow.source], self.layout.boxes[flow.target]
        best = None
        for stage in (self._simple, self._detours):
            for out in self._sides(flow.source, outgoing=True):
                for inn in self._sides(flow.target, outgoing=False):
                    for path in stage(src.port(out), dst.port(inn)):
                        cost = self._cost(flow, path, out, inn)
                        if cost is not None and (best is None or cost < best[0]):
                            best = (cost, path)
            if best is not None:
                break
        if best is None:
            raise SystemExit(f"no route for {flow.id} ({flow.source} -> {flow.target})")
        self.routes[flow.id], self.ends[flow.id] = _simplify(best[1]), (flow.source, flow.target)
        return self.routes[flow.id]

    def _sides(self, node_id, outgoing):
        node = self.layout.nodes[node_id]
        if node.kind == "boundary":
            return ["top"] if outgoing else []
        return ["right", "top", "bottom", "left"] if outgoing else ["left", "top", "bottom", "right"]

    def _simple(self, p, q):
        """Straight, one bend, or two bends through a column gap or a lane channel."""
        yield [p, q]
        yield [p, (q[0], p[1]), q]
        yield [p, (p[0], q[1]), q]
        for x in self.layout.channels_x(min(p[0], q[0]), max(p[0], q[0])):
            yield [p, (x, p[1]), (x, q[1]), q]
        for y in self.layout.channels_y():
            yield [p, (p[0], y), (q[0], y), q]

    def _detours(self, p, q):
        """Three bends: out through a gap or channel, along a channel, into the target."""
        xs = self.layout.channels_x(min(p[0], q[0]), max(p[0], q[0]))
        for y in self.layout.channels_y():
            for x in xs:
                yield [p, (x, p[1]), (x, y), (q[0], y), q]
                yield [p, (p[0], y), (x, y), (x, q[1]), q]

    def _may_share(self, flow, source, target) -> bool:
        """Flows into one node may share their last stretch; flows out of a parallel split their
        first. Labelled flows out of a decision never share: each keeps its own exit."""
        return target == flow.target or (source == flow.source and self.layout.nodes[source].kind == "and")

    def _cost(self, flow, points, out, inn):
        points = _simplify(points)
        segments = list(pairwise(points))
        if any(a[0] != b[0] and a[1] != b[1] for a, b in segments):
            return None
        if _direction(*segments[0]) != SIDES[out]:
            return None
        if _direction(*segments[-1]) != tuple(-d for d in SIDES[inn]):
            return None
        for node_id, box in self.layout.boxes.items():
            for i, seg in enumerate(segments):
                if node_id == flow.source and i == 0 or node_id == flow.target and i == len(segments) - 1:
                    continue
                if box.hit(*seg):
                    return None
        crossings = 0
        for other_id, other in self.routes.items():
            shared = self._may_share(flow, *self.ends[other_id])
            others = list(pairwise(other))
            for seg in segments:
                for o in others:
                    if not shared and _overlap(seg, o):
                        return None
                    crossings += _crosses(seg, o)
        length = sum(abs(a[0] - b[0]) + abs(a[1] - b[1]) for a, b in segments)
        gateway = self.layout.nodes[flow.source].kind in ("xor", "and")
        side_cost = OUT_COST[out] * (1 if gateway else 3) + IN_COST[inn] * 1.5
        return length + 30 * (len(segments) - 1) + side_cost + 60 * crossings


# -- XML -------------------------------------------------------------------------------------

def q(prefix, tag):
    return f"{{{NS[prefix]}}}{tag}"


def sub(parent, prefix, tag, text=None, **attrs):
    el = etree.SubElement(parent, q(prefix, tag), {k: str(v) for k, v in attrs.items() if v is not None})
    if text is not None:
        el.text = text
    return el


def _properties(parent, props):
    box = sub(parent, "spiffworkflow", "properties")
    for name, value in props.items():
        sub(box, "spiffworkflow", "property", name=name, value=value)


def _node_xml(process, node, incoming, outgoing, due_rules, meaning):
    tags = {"start": "startEvent", "end": "endEvent", "user": "userTask", "script": "scriptTask",
            "xor": "exclusiveGateway", "and": "parallelGateway", "timer": "intermediateCatchEvent",
            "boundary": "boundaryEvent"}
    attrs = {"id": node.id, "name": node.name or None}
    if node.kind == "xor" and node.default:
        attrs["default"] = node.default
    if node.kind == "script":
        attrs["scriptFormat"] = "python"
    if node.kind == "boundary":
        attrs.update(attachedToRef=node.attached_to, cancelActivity="false")
    el = sub(process, "bpmn", tags[node.kind], **attrs)
    if node.kind == "user":
        ext = sub(el, "bpmn", "extensionElements")
        _properties(ext, {"formJsonSchemaFilename": node.form, **node.props, "dueDateRule": due_rules[node.id],
                          **meaning.get(node.id, {})})
        sub(ext, "spiffworkflow", "instructionsForEndUser", node.text)
        if node.script:
            sub(ext, "spiffworkflow", "postScript", node.script)
    for flow_id in incoming:
        sub(el, "bpmn", "incoming", flow_id)
    for flow_id in outgoing:
        sub(el, "bpmn", "outgoing", flow_id)
    if node.kind == "script":
        sub(el, "bpmn", "script", node.script)
    if node.mi:
        loop = sub(el, "bpmn", "multiInstanceLoopCharacteristics",
                   **{q("spiffworkflow", "scriptsOnInstances"): "true"})
        sub(loop, "bpmn", "loopDataInputRef", node.mi[0])
        sub(loop, "bpmn", "loopDataOutputRef", node.mi[1])
        sub(loop, "bpmn", "inputDataItem", id=node.mi[2], name=node.mi[2])
        sub(loop, "bpmn", "outputDataItem", id=node.mi[3], name=node.mi[3])
    if node.timer:
        timer = sub(el, "bpmn", "timerEventDefinition", id=f"Timer_{node.id}")
        sub(timer, "bpmn", "timeDate", node.timer, **{q("xsi", "type"): "bpmn:tFormalExpression"})


def _label(parent, x, y, w, h):
    label = sub(parent, "bpmndi", "BPMNLabel")
    sub(label, "dc", "Bounds", x=round(x), y=round(y), width=w, height=h)


def _shape(plane, element_id, box, **attrs):
    shape = sub(plane, "bpmndi", "BPMNShape", id=f"{element_id}_di", bpmnElement=element_id, **attrs)
    sub(shape, "dc", "Bounds", x=round(box.x), y=round(box.y), width=round(box.w), height=round(box.h))
    return shape


def _node_label(shape, node, box, used_sides):
    if node.kind in ("user", "script") or not node.name:
        return
    if node.kind == "boundary":
        _label(shape, box.x + box.w + 4, box.y - 30, 90, 27)
    elif "bottom" not in used_sides:
        _label(shape, box.cx - 50, box.y + box.h + 5, 100, 27)
    elif "top" not in used_sides:
        _label(shape, box.cx - 50, box.y - 32, 100, 27)
    else:
        _label(shape, box.x - 104, box.y + box.h, 100, 27)


def _side(box, point):
    for side in SIDES:
        if box.port(side) == point:
            return side
    return None


# The lanes of the yearly processes on an adopted plan (performance programme, evaluation; the
# monitoring uses the first three).
YEARLY_LANES = [
    ("Lane_coordinator", "Strateji Geliştirme Birimi", "coordinator", 2),
    ("Lane_units", "Harcama Birimleri", "unit_manager", 1),
    ("Lane_mayor", "Belediye Başkanı", "mayor", 1),
    ("Lane_council", "Meclis / Yazı İşleri", "council_clerk", 1),
]


def build(lanes=LANES, nodes=NODES, flows=FLOWS, process_id="strategic_plan",
          process_name="Stratejik Plan Hazırlık Süreci", due_rules=None, meaning=None) -> str:
    """The BPMN file of a model (the strategic plan's unless told: tools/build_plan_monitoring.py
    builds another process with the same layout and routing)."""
    due_rules = DUE_RULES if due_rules is None else due_rules
    meaning = MEANING if meaning is None else meaning
    layout = Layout(lanes, nodes)
    router = Router(layout)
    for flow in sorted(flows, key=lambda f: _span(layout, f)):
        router.route(flow)
    root = etree.Element(q("bpmn", "definitions"), nsmap=NS, id=f"Definitions_{process_id}",
                         targetNamespace="http://stratflow.example/bpmn", exporter="stratflow",
                         exporterVersion="2")
    collab = sub(root, "bpmn", "collaboration", id=f"Collaboration_{process_id}")
    sub(collab, "bpmn", "participant", id="Participant_municipality", name="Belediye", processRef=process_id)
    process = sub(root, "bpmn", "process", id=process_id, name=process_name,
                  isExecutable="true")
    lane_set = sub(process, "bpmn", "laneSet", id="LaneSet_1")
    for lane_id, name, role, _rows in lanes:
        lane = sub(lane_set, "bpmn", "lane", id=lane_id, name=name)
        _properties(sub(lane, "bpmn", "extensionElements"), {"role": role})
        for n in nodes:
            if n.lane == lane_id:
                sub(lane, "bpmn", "flowNodeRef", n.id)
    for n in nodes:
        _node_xml(process, n, [f.id for f in flows if f.target == n.id], [f.id for f in flows if f.source == n.id],
                  due_rules, meaning)
    for f in flows:
        el = sub(process, "bpmn", "sequenceFlow", id=f.id, name=f.name or None, sourceRef=f.source, targetRef=f.target)
        if f.condition:
            sub(el, "bpmn", "conditionExpression", f.condition, **{q("xsi", "type"): "bpmn:tFormalExpression"})
    _diagram(root, layout, router, lanes, nodes, flows, process_id)
    etree.indent(root, space="  ")
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + etree.tostring(root, encoding="unicode") + "\n"


def _span(layout, flow):
    """Routing order: forward flows before loops; straight ones first, then short before long."""
    a, b = layout.boxes[flow.source], layout.boxes[flow.target]
    backwards = b.cx <= a.cx
    return (backwards, a.cy != b.cy, abs(b.cx - a.cx) + abs(b.cy - a.cy))


def _diagram(root, layout, router, lanes, nodes, flows, process_id):
    diagram = sub(root, "bpmndi", "BPMNDiagram", id="BPMNDiagram_1")
    plane = sub(diagram, "bpmndi", "BPMNPlane", id="BPMNPlane_1", bpmnElement=f"Collaboration_{process_id}")
    _shape(plane, "Participant_municipality", Box(POOL_X, POOL_Y, layout.width, layout.height), isHorizontal="true")
    for lane_id, *_rest in lanes:
        _shape(plane, lane_id, layout.lane_box[lane_id], isHorizontal="true")
    used = {n.id: set() for n in nodes}
    for f in flows:
        points = router.routes[f.id]
        used[f.source].add(_side(layout.boxes[f.source], points[0]))
        used[f.target].add(_side(layout.boxes[f.target], points[-1]))
    for n in nodes:
        attrs = {"isMarkerVisible": "true"} if n.kind == "xor" else {}
        shape = _shape(plane, n.id, layout.boxes[n.id], **attrs)
        _node_label(shape, n, layout.boxes[n.id], used[n.id])
    for f in flows:
        edge = sub(plane, "bpmndi", "BPMNEdge", id=f"{f.id}_di", bpmnElement=f.id)
        points = router.routes[f.id]
        for x, y in points:
            sub(edge, "di", "waypoint", x=round(x), y=round(y))
        if f.name:
            (x1, y1), (x2, y2) = points[0], points[1]
            if y1 == y2:
                _label(edge, min(x1, x2) + 6, y1 - 18, 80, 14)
            else:
                _label(edge, x1 + 6, (y1 + 4) if y2 > y1 else (y1 - 18), 80, 14)


def write(target: Path, text: str, argv: list[str]) -> int:
    """Write a generated model, or with `--check` only say whether the file on disk differs."""
    if "--check" in argv:
        same = target.exists() and target.read_text(encoding="utf-8") == text
        print("up to date" if same else f"{target} differs from the generator's output")
        return 0 if same else 1
    target.write_text(text, encoding="utf-8")
    print(f"wrote {target}")
    return 0


def main(argv: list[str]) -> int:
    return write(TARGET, build(), argv)


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
