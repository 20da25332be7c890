"""The documented placeholders of every document kind, and the sample data uploads are checked with.

A placeholder path reads like `municipality.name_upper` or `team.members[].full_name` (`[]`: an
item of a list, used in a `{% for %}` loop or a `{%tr for %}` table row). Filters: `|date` (an ISO
date → “30 Eylül 2024”), `|short_date` (30.09.2024), `|upper` (Turkish: i → İ), `|money`
(1.250.000 TL), `|dative` (…Müdürlüğü → …Müdürlüğüne). tests/test_documents.py checks that this
list and the contexts the builders make name exactly the same fields.
"""

from __future__ import annotations

COMMON = [
    ("municipality.name", "Belediyenin adı (Çamlıtepe Belediyesi)"),
    ("municipality.name_upper", "Belediyenin adı, büyük harfle (ÇAMLITEPE BELEDİYESİ)"),
    ("municipality.province", "İl"),
    ("municipality.province_upper", "İl, büyük harfle"),
    ("municipality.type", "Belediye türü kodu (buyuksehir, il, ilce, belde)"),
    ("municipality.type_label", "Belediye türü (İlçe Belediyesi)"),
    ("municipality.population", "Nüfus (90.412)"),
    ("municipality.is_metropolitan", "Büyükşehir belediyesi mi (doğru/yanlış; {% if %} içinde)"),
    ("document.title", "Belgenin adı"),
    ("document.title_upper", "Belgenin adı, büyük harfle"),
    ("document.subject", "Konu satırı"),
    ("document.number", "Sayı (boşsa noktalı yer; EBYS sayısını sonra yazın)"),
    ("document.date", "Tarih satırı, rakamla (30.09.2024): belgenin oluşturulduğu gün; Başkanlık teklifinde "
                      "Meclise sunuş tarihi, meclis kararında karar tarihi"),
    ("directorate", "Yazıyı hazırlayan birim (başlıktaki müdürlük)"),
    ("directorate_upper", "Yazıyı hazırlayan birim, büyük harfle"),
    ("coordinating_unit", "Çalışmaları koordine eden birim"),
    ("coordinating_unit_dative", "Koordinatör birim, yönelme hâlinde (…Müdürlüğüne)"),
    ("mayor.full_name", "Belediye Başkanının adı soyadı"),
    ("mayor.title", "Belediye Başkanının unvanı"),
    ("coordinator.full_name", "Koordinatör birim yöneticisinin adı soyadı"),
    ("coordinator.title", "Koordinatör birim yöneticisinin unvanı"),
    ("election_date", "Mahalli idareler genel seçim tarihi"),
    ("mazbata_date", "Mazbata tarihi"),
    ("legal_deadline", "Planın Meclise sunulması için yasal son tarih (seçim + 6 ay)"),
    ("target_meeting", "Hedef Meclis toplantısı"),
    ("plan_period", "Plan dönemi (2025–2029)"),
    ("units[].no", "Harcama birimleri: sıra no"),
    ("units[].name", "Harcama birimleri: birim adı (dağıtım listesi)"),
]

TIMETABLE = [
    ("timetable[].no", "Çalışma takvimi: sıra no"),
    ("timetable[].phase", "Çalışma takvimi: aşama"),
    ("timetable[].due", "Çalışma takvimi: hedef tarih"),
]

BOARD = [
    ("board.rule", "Kurulun oluşumu kuralı (belediye türüne göre)"),
    ("board.members[].no", "Kurul üyeleri: sıra no"),
    ("board.members[].full_name", "Kurul üyeleri: adı soyadı"),
    ("board.members[].title", "Kurul üyeleri: unvanı"),
    ("board.members[].unit", "Kurul üyeleri: birimi"),
    ("board.members[].role", "Kurul üyeleri: kuruldaki görevi (Kurul Başkanı / Üye)"),
    ("board.override", "Oluşum kuralından ayrılındı mı"),
    ("board.override_reason", "Ayrılma gerekçesi"),
    ("board.approved", "Başkan olur verdi mi"),
    ("board.comment", "Başkanın açıklaması"),
]

MEMBER = ("no", "full_name", "title", "unit", "email", "phone", "subgroup")
MEMBER_LABELS = dict(zip(MEMBER, ("sıra no", "adı soyadı", "unvanı", "birimi", "e-posta", "telefon", "alt grubu"),
                         strict=True))
TEAM = [
    ("team.leader", "Ekip lideri"),
    ("team.coordinator", "Ekip koordinatörü"),
    *[(f"team.members[].{f}", f"Ekip üyeleri: {MEMBER_LABELS[f]}") for f in MEMBER],
    ("team.by_unit[].unit", "Birimlere göre üyeler: birim"),
    *[(f"team.by_unit[].members[].{f}", f"Birimlere göre üyeler: {MEMBER_LABELS[f]}") for f in MEMBER],
    ("team.subgroups[].no", "Alt gruplar: sıra no"),
    ("team.subgroups[].name", "Alt gruplar: adı"),
    ("team.subgroups[].lead", "Alt gruplar: sorumlusu"),
    ("team.subgroups[].scope", "Alt gruplar: konusu"),
    ("team.kickoff_date", "Açılış toplantısı tarihi"),
    ("team.notes", "Notlar"),
    ("team.units_without_nominee[].unit", "Üye bildirmeyen birimler: birim"),
    ("team.units_without_nominee[].reason", "Üye bildirmeyen birimler: gerekçe"),
]

PLAN = [
    ("years[]", "Plan yılları (2025 … 2029)"),
    ("history", "Kurumsal tarihçe"),
    ("current_plan.exists", "Yürürlükte plan var mı (formdaki cevap)"),
    ("current_plan.period", "Yürürlükteki planın dönemi"),
    ("current_plan.evaluation", "Gerçekleşme durumu, sapmalar"),
    ("current_plan.lessons", "Çıkarılan dersler"),
    ("legislation[].no", "Mevzuat analizi: sıra no"),
    ("legislation[].regulation", "Mevzuat analizi: mevzuat"),
    ("legislation[].article", "Mevzuat analizi: madde"),
    ("legislation[].duty", "Mevzuat analizi: görev / etki"),
    ("policy_documents[].no", "Üst politika belgeleri: sıra no"),
    ("policy_documents[].document", "Üst politika belgeleri: belge"),
    ("policy_documents[].provision", "Üst politika belgeleri: ilgili hüküm"),
    ("policy_documents[].implication", "Üst politika belgeleri: plana etkisi"),
    ("unit_inputs[].unit", "Birim girdileri: birim"),
    ("unit_inputs[].duties[].no", "Birim girdileri: görev sıra no"),
    ("unit_inputs[].duties[].duty", "Birim girdileri: mevzuattan kaynaklanan görev"),
    ("unit_inputs[].duties[].legal_basis", "Birim girdileri: görevin dayanağı"),
    ("unit_inputs[].services[].no", "Birim girdileri: hizmet sıra no"),
    ("unit_inputs[].services[].service", "Birim girdileri: ürün / hizmet"),
    ("unit_inputs[].services[].beneficiaries", "Birim girdileri: faydalananlar"),
    ("unit_inputs[].staff_count", "Birim girdileri: personel sayısı"),
    ("unit_inputs[].human_resources", "Birim girdileri: insan kaynakları"),
    ("unit_inputs[].technology", "Birim girdileri: teknolojik kaynaklar"),
    ("unit_inputs[].physical", "Birim girdileri: fiziki kaynaklar"),
    ("unit_inputs[].financial", "Birim girdileri: mali kaynaklar"),
    ("unit_inputs[].findings", "Birim girdileri: birimin tespit ve ihtiyaçları"),
    ("activity_areas[].no", "Faaliyet alanları: sıra no"),
    ("activity_areas[].code", "Faaliyet alanları: kod (FA1)"),
    ("activity_areas[].name", "Faaliyet alanları: faaliyet alanı"),
    ("activity_areas[].services", "Faaliyet alanları: ürün ve hizmetler"),
    ("stakeholders[].no", "Paydaşlar (önceliğe göre): sıra no"),
    ("stakeholders[].name", "Paydaşlar: paydaş"),
    ("stakeholders[].kind", "Paydaşlar: iç / dış"),
    ("stakeholders[].category", "Paydaşlar: niteliği (kurum, kişi, grup)"),
    ("stakeholders[].impact", "Paydaşlar: etki derecesi (1–5)"),
    ("stakeholders[].importance", "Paydaşlar: önem derecesi (1–5)"),
    ("stakeholders[].score", "Paydaşlar: öncelik puanı (etki × önem)"),
    ("stakeholders[].priority", "Paydaşlar: ilişki (birlikte çalış, çıkarlarını gözet, bilgilendir, izle)"),
    ("stakeholders[].areas", "Paydaşlar: ilgili faaliyet alanlarının kodları"),
    ("stakeholders[].area_names", "Paydaşlar: ilgili faaliyet alanları (kod ve ad)"),
    ("stakeholder_matrix.codes[]", "Paydaş–ürün/hizmet matrisi: sütunlar (faaliyet alanı kodları)"),
    ("stakeholder_matrix.rows[].name", "Paydaş–ürün/hizmet matrisi: satırın paydaşı"),
    ("stakeholder_matrix.rows[].cells[]", "Paydaş–ürün/hizmet matrisi: hücreler (X: ilgili)"),
    ("stakeholder.surveys[].no", "Anketler: sıra no"),
    ("stakeholder.surveys[].survey", "Anketler: iç / dış paydaş anketi"),
    ("stakeholder.surveys[].date", "Anketler: tarih"),
    ("stakeholder.surveys[].respondents", "Anketler: katılan sayısı"),
    ("stakeholder.surveys[].summary", "Anketler: sonuçların özeti"),
    ("stakeholder.surveys[].document", "Anketler: sonuç raporu (EBYS no / bağlantı)"),
    ("stakeholder.workshops[].no", "Çalıştaylar: sıra no"),
    ("stakeholder.workshops[].date", "Çalıştaylar: tarih"),
    ("stakeholder.workshops[].participants", "Çalıştaylar: katılımcı sayısı"),
    ("stakeholder.workshops[].topic", "Çalıştaylar: konu"),
    ("stakeholder.workshops[].summary", "Çalıştaylar: özet"),
    ("stakeholder.workshops[].document", "Çalıştaylar: tutanak / rapor (EBYS no / bağlantı)"),
    ("stakeholder.consulted_bodies", "Görüşü alınan üniversite, meslek odası ve STK'lar"),
    ("stakeholder.findings", "Paydaş analizi sonuçları"),
    ("pestle[].factor", "PESTLE: boyut (Politik, Ekonomik …)"),
    ("pestle[].factors[].no", "PESTLE: etken sıra no"),
    ("pestle[].factors[].factor", "PESTLE: etken"),
    ("pestle[].factors[].effect", "PESTLE: belediyeye etkisi"),
    ("pestle[].factors[].classification", "PESTLE: sınıf kodu (opportunity, threat)"),
    ("pestle[].factors[].classification_label", "PESTLE: fırsat / tehdit"),
    ("pestle[].factors[].action", "PESTLE: ne yapılmalı"),
    *[(f"swot.{key}[].{field}", f"GZFT {title}: {what}") for key, title in (
        ("strengths", "güçlü yönler"), ("weaknesses", "zayıf yönler"), ("opportunities", "fırsatlar"),
        ("threats", "tehditler")) for field, what in (("no", "sıra no"), ("item", "madde"), ("source", "kaynağı"))],
    ("findings[].no", "Tespitler ve ihtiyaçlar: sıra no"),
    ("findings[].source", "Tespitler ve ihtiyaçlar: durum analizi aşaması (kaynağı)"),
    ("findings[].area", "Tespitler ve ihtiyaçlar: alan"),
    ("findings[].finding", "Tespitler ve ihtiyaçlar: tespit / sorun"),
    ("findings[].need", "Tespitler ve ihtiyaçlar: ihtiyaç / gelişim alanı"),
    ("mission", "Misyon"),
    ("vision", "Vizyon"),
    ("core_values[].no", "Temel değerler: sıra no"),
    ("core_values[].value", "Temel değerler: değer"),
    ("core_values[].description", "Temel değerler: açıklama"),
    ("goals[].code", "Amaçlar: kod (A1)"),
    ("goals[].goal", "Amaçlar: amaç"),
    ("goals[].targets[].code", "Hedef kartı: hedef kodu (H1.1)"),
    ("goals[].targets[].target", "Hedef kartı: hedef"),
    ("goals[].targets[].responsible_unit", "Hedef kartı: sorumlu birim"),
    ("goals[].targets[].cooperating_units", "Hedef kartı: iş birliği yapılacak birimler"),
    ("goals[].targets[].cost", "Hedef kartı: maliyet tahmini"),
    ("goals[].targets[].indicators[].indicator", "Hedef kartı: performans göstergesi"),
    ("goals[].targets[].indicators[].weight", "Hedef kartı: hedefe etkisi (%)"),
    ("goals[].targets[].indicators[].baseline", "Hedef kartı: başlangıç değeri"),
    *[(f"goals[].targets[].indicators[].year_{n}", f"Hedef kartı: {n}. yıl hedefi") for n in range(1, 6)],
    ("goals[].targets[].indicators[].monitoring", "Hedef kartı: izleme sıklığı"),
    ("goals[].targets[].indicators[].reporting", "Hedef kartı: raporlama sıklığı"),
    ("goals[].targets[].findings", "Hedef kartı: tespitler"),
    ("goals[].targets[].needs", "Hedef kartı: ihtiyaçlar"),
    ("goals[].targets[].strategies", "Hedef kartı: stratejiler"),
    ("goals[].targets[].indicators[].code", "Hedef kartı: gösterge kodu (PG1.1.1)"),
    ("goals[].targets[].indicators[].unit_of_measure", "Hedef kartı: gösterge ölçü birimi"),
    ("goals[].targets[].indicators[].direction", "Hedef kartı: göstergenin yönü (artış / azalış)"),
    ("goals[].targets[].activities[].name", "Hedef kartı: faaliyet / proje"),
    ("goals[].targets[].activities[].kind", "Hedef kartı: faaliyet ya da proje"),
    *[(f"goals[].targets[].activities[].cost_{n}", f"Hedef kartı: faaliyetin {n}. yıl maliyeti") for n in range(1, 6)],
    ("goals[].targets[].activities[].total", "Hedef kartı: faaliyetin toplam maliyeti"),
    ("goals[].targets[].activities[].funding", "Hedef kartı: finansman kaynağı"),
    ("goals[].targets[].risks[].risk", "Hedef kartı: risk"),
    ("goals[].targets[].risks[].likelihood", "Hedef kartı: riskin olasılığı (1–5)"),
    ("goals[].targets[].risks[].impact", "Hedef kartı: riskin etkisi (1–5)"),
    ("goals[].targets[].risks[].control", "Hedef kartı: kontrol faaliyeti"),
    ("costing[].label", "Maliyetlendirme tablosu: hedef, amaç toplamı ya da genel toplam"),
    *[(f"costing[].year_{n}", f"Maliyetlendirme tablosu: {n}. yıl") for n in range(1, 6)],
    ("costing[].total", "Maliyetlendirme tablosu: toplam"),
    ("key_indicators[].code", "TPG eki: gösterge kodu"),
    ("key_indicators[].indicator", "TPG eki: gösterge"),
    ("key_indicators[].target", "TPG eki: hedef kodu"),
    ("key_indicators[].baseline", "TPG eki: başlangıç değeri"),
    *[(f"key_indicators[].year_{n}", f"TPG eki: {n}. yıl hedefi") for n in range(1, 6)],
    ("total_cost", "Hedeflerin toplam maliyet tahmini"),
    ("monitoring.period", "İzleme raporu dönemi"),
    ("monitoring.evaluation_report", "Değerlendirme raporu"),
    ("monitoring.unit", "İzleme ve değerlendirmeden sorumlu birim"),
    ("monitoring.notes", "Raporlama düzeni"),
]

DECISION = [
    ("decision.outcome", "Karar kodu (adopted, adopted_amended, insisted)"),
    ("decision.outcome_label", "Karar (Kabul / Değiştirilerek kabul / Israr)"),
    ("decision.adopted", "Plan kabul edildi mi"),
    ("decision.amended", "Değiştirilerek mi kabul edildi"),
    ("decision.insisted", "Başkanın iadesi üzerine ısrar kararı mı"),
    ("decision.number", "Meclis karar sayısı"),
    ("decision.date", "Meclis karar tarihi (30.09.2024)"),
    ("decision.finalised_on", "Kararın kesinleştiği gün (30.09.2024)"),
]

PLACEHOLDERS = {
    "circular": COMMON + TIMETABLE + [
        ("nomination_deadline", "Harcama birimlerinin ekip üyesi bildirmesi için son tarih"),
        ("timetable_note", "Genelge taslağındaki takvim açıklaması"),
        ("board.rule", "Kurulun oluşumu kuralı (belediye türüne göre)"),
        ("circular_year", "Genelge yılı"),
        ("circular_number", "Genelge sayısı (2024/3; girilmediyse “2024/……”: Word'de doldurun)"),
    ],
    "board_approval": COMMON + BOARD,
    "team_list": COMMON + TEAM,
    "program": COMMON + TIMETABLE + [
        ("program.months[]", "Gantt tablosunun ay başlıkları (yedi ay: seçim ayı … son tarih ayı)"),
        ("program.activities[].no", "Faaliyetler: sıra no"),
        ("program.activities[].phase", "Faaliyetler: aşama"),
        ("program.activities[].activity", "Faaliyetler: faaliyet"),
        ("program.activities[].owner", "Faaliyetler: sorumlu"),
        ("program.activities[].start", "Faaliyetler: başlangıç"),
        ("program.activities[].end", "Faaliyetler: bitiş"),
        ("program.activities[].cells[].fill", "Gantt hücresi rengi ({% cellbg a.cells[0].fill %})"),
        ("program.activities[].cells[].mark", "Gantt hücresi işareti (■ ya da boş)"),
        ("program.training_calendar", "Eğitim takvimi"),
        ("program.meeting_calendar", "Toplantı takvimi"),
        ("program.analysis_deadline", "Birim durum analizi girdileri için son tarih"),
        ("program.kickoff_date", "Açılış toplantısı tarihi"),
        ("program.approved", "Başkan programı onayladı mı"),
    ],
    "submission_letter": COMMON + [
        ("addressee", "Muhatap (BELEDİYE MECLİSİ BAŞKANLIĞINA)"),
        ("submission_date", "Meclise sunuş tarihi"),
        ("council_meeting_date", "Planın görüşüleceği Meclis toplantısı"),
        ("plan.document", "Plan belgesinin bağlantısı ya da EBYS sayısı"),
        ("plan.version", "Plan sürümü"),
    ],
    "plan_skeleton": COMMON + [p for p in BOARD if p[0] != "board.rule"] + [("board.rule", BOARD[0][1])]
    + TEAM + PLAN,
    "council_decision": COMMON + DECISION + [
        ("decision.vote", "Oylama kodu (unanimous, majority)"),
        ("decision.vote_label", "Oylama (oybirliği / oyçokluğu)"),
        ("decision.term", "Meclis dönemi"),
        ("decision.meeting_no", "Toplantı numarası"),
        ("decision.sitting_no", "Birleşim numarası"),
        ("decision.session_no", "Oturum numarası"),
        ("decision.extraordinary", "Olağanüstü toplantı mı"),
        ("decision.amendments", "Değişiklikler (değiştirilerek kabulde)"),
        ("decision.commission", "Raporu görüşülen komisyon"),
        ("council.chair.full_name", "Meclis Başkanının adı soyadı (girilmediyse Belediye Başkanı)"),
        ("council.chair.title", "Meclis Başkanı"),
        ("council.clerk_1.full_name", "Birinci kâtip üyenin adı soyadı"),
        ("council.clerk_1.title", "Kâtip Üye"),
        ("council.clerk_2.full_name", "İkinci kâtip üyenin adı soyadı"),
        ("council.clerk_2.title", "Kâtip Üye"),
        ("encumen.date", "Encümen karar tarihi (30.09.2024)"),
        ("encumen.number", "Encümen karar sayısı"),
        ("submission_date", "Başkanlık teklifinin tarihi (30.09.2024)"),
    ],
    "governor_letter": COMMON + DECISION + [
        ("addressee", "Muhatap (BALIKESİR VALİLİĞİNE / ÇAMLITEPE KAYMAKAMLIĞINA)"),
    ],
    "authorities_letter": COMMON + DECISION + [
        ("addressee", "Muhatap (tek kurumsa …BAŞKANLIĞINA, birden çoksa DAĞITIM YERLERİNE)"),
        ("recipients[].no", "Gönderilen kurumlar: sıra no"),
        ("recipients[].name", "Gönderilen kurumlar: kurum (dağıtım listesi)"),
        ("several_recipients", "Birden çok kurum mu (dağıtım listesi gösterilir)"),
        ("website_url", "Planın internet sitesindeki bağlantısı"),
    ],
}


def top_level(kind: str) -> set[str]:
    return {path.split(".")[0].split("[")[0] for path, _ in PLACEHOLDERS[kind]}


def leaf_paths(value, prefix: str = "") -> set[str]:
    """Every field path of a context, in the notation above (lists read through their items)."""
    if isinstance(value, dict):
        found = set()
        for key, item in value.items():
            found |= leaf_paths(item, f"{prefix}.{key}" if prefix else key)
        return found
    if isinstance(value, list):
        found = set()
        for item in value:
            found |= leaf_paths(item, f"{prefix}[]")
        return found or {f"{prefix}[]"}
    return {prefix}
