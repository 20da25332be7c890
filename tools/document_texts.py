"""The wording of the default document templates (used by build_document_templates.py).

Items of a body: a str is an indented, justified paragraph; tuples: ("tag", "{%p … %}"),
("table", headers, fields, loop[, widths[, size]]), ("matrix", corner, column loop, row loop, row label,
cell loop, label width, cells width, size) (its columns repeat too: a header cell per item of the column
loop, a row per item of the row loop), ("facts", [(label, value), …]), ("h1"|"h2"|"h3", text),
("center", text), ("left", text), ("space",), ("pagebreak",), ("grid", [(label, value, label, value), …], widths)
(a borderless header of label/value pairs), ("signatures", [(name, title), …]) (signers side by side).
"""

LAW = "5393 sayılı Belediye Kanununun"
MAYOR_SIGN = ("{{ mayor.full_name }}", "{{ mayor.title }}")
COORD_SIGN = ("{{ coordinator.full_name }}", "{{ coordinator.title }}")
OLUR = [("center", "OLUR"), ("center", "…… / …… / 20……"), ("center", "{{ mayor.full_name }}"),
        ("center", "{{ mayor.title }}")]
DISTRIBUTION = [("left", "DAĞITIM:"), ("tag", "{%p for u in units %}"), ("left", "{{ u.name }}"),
                ("tag", "{%p endfor %}")]
MEMBERS = ("table", ["No", "Adı Soyadı", "Unvanı", "Birimi", "Kurul görevi"],
           ["no", "full_name", "title", "unit", "role"], "m in board.members", (1.2, 4.3, 4.5, 4.0, 2.5), 10)
TEAM_TABLE = ("table", ["No", "Adı Soyadı", "Unvanı", "Birimi", "Alt grup", "E-posta", "Telefon"],
              ["no", "full_name", "title", "unit", "subgroup", "email", "phone"], "m in team.members",
              (1.1, 4.2, 4.2, 5.0, 3.5, 5.2, 3.0), 10)

CIRCULAR = [
    LAW + " 41 inci maddesi gereğince belediye başkanı, mahalli idareler genel seçimlerinden itibaren altı ay "
    "içinde stratejik planı hazırlayarak belediye meclisine sunar. {{ election_date }} tarihinde yapılan "
    "seçimlerin ardından Belediyemizin {{ plan_period }} dönemi Stratejik Planının en geç {{ legal_deadline }} "
    "tarihine kadar Belediye Meclisine sunulması gerekmektedir. Plan; 5018 sayılı Kamu Mali Yönetimi ve Kontrol "
    "Kanununun 9 uncu maddesi, Kamu İdarelerinde Stratejik Planlamaya İlişkin Usul ve Esaslar Hakkında Yönetmelik "
    "ve Belediyeler İçin Stratejik Planlama Rehberi esas alınarak hazırlanacaktır.",
    "Belediyemizin yönetimine yön verecek, bütçesine ve performans programına temel oluşturacak stratejik plan "
    "çalışmaları Başkanlığımızca sahiplenilmekte olup çalışmaların her aşaması tarafımdan takip edilecektir.",
    "Çalışmalar {{ coordinating_unit }} koordinasyonunda yürütülecektir. Koordinatör birim hazırlık programını "
    "hazırlayacak, birimler arasındaki eş güdümü sağlayacak ve çalışmaların takvime uygun ilerlemesini "
    "izleyecektir.",
    "Çalışmalara yön vermek ve kararları almak üzere Başkanlığımın başkanlığında, {{ board.rule }} oluşan "
    "Strateji Geliştirme Kurulu oluşturulacaktır.",
    "Tüm harcama birimlerimiz, Stratejik Planlama Ekibinde görev alacak personelini (adı soyadı, unvanı, e-posta "
    "adresi ve telefonu) en geç {{ nomination_deadline }} tarihine kadar {{ coordinating_unit_dative }} "
    "bildirecektir. Görevlendirilen personel çalışmalarda birimini temsil edecek ve çalışmalar süresince gerekli "
    "zamanı ayıracaktır.",
    "Çalışma takvimi aşağıdadır:",
    ("table", ["No", "Aşama", "Hedef tarih"], ["no", "phase", "due"], "t in timetable", (1.2, 10.3, 4.5), 10),
    ("tag", "{%p if timetable_note %}"), ("left", "{{ timetable_note }}"), ("tag", "{%p endif %}"),
    "Tüm birimlerimizin stratejik plan çalışmalarına gereken önemi vermesini ve sürecin zamanında tamamlanması "
    "için gerekli katkıyı sağlamasını rica ederim.",
]

BOARD = [
    "Belediyemizin {{ plan_period }} dönemi Stratejik Planının hazırlık çalışmaları Başkanlık Genelgesi ile "
    "başlatılmıştır. Belediyeler İçin Stratejik Planlama Rehberine göre Strateji Geliştirme Kurulu, Belediye "
    "Başkanının başkanlığında; {{ board.rule }} oluşur.",
    "Bu çerçevede Strateji Geliştirme Kurulunun aşağıda belirtilen üyelerden oluşturulması hususunu "
    "olurlarınıza arz ederim.",
    MEMBERS,
    ("tag", "{%p if board.override %}"),
    "Kurul, belediye türü için öngörülen oluşumdan farklı belirlenmiştir. Gerekçe: {{ board.override_reason }}",
    ("tag", "{%p endif %}"),
]

TEAM = [
    "Başkanlık Genelgesi gereğince harcama birimlerinin bildirdiği personelden oluşan Stratejik Planlama Ekibi "
    "aşağıda gösterilmiştir.",
    ("facts", [("Ekip lideri", "{{ team.leader }}"), ("Ekip koordinatörü", "{{ team.coordinator }}"),
               ("Koordinatör birim", "{{ coordinating_unit }}"), ("Açılış toplantısı", "{{ team.kickoff_date }}")],
     (6, 18.1)),
    ("h2", "Ekip üyeleri ve iletişim bilgileri"),
    TEAM_TABLE,
    ("tag", "{%p if team.subgroups %}"), ("h2", "Alt gruplar"),
    ("table", ["No", "Alt grup", "Sorumlu", "Konusu"], ["no", "name", "lead", "scope"], "s in team.subgroups",
     (1.1, 6, 5, 14)),
    ("tag", "{%p endif %}"),
    ("tag", "{%p if team.units_without_nominee %}"), ("h2", "Üye bildirmeyen birimler"),
    ("table", ["Birim", "Gerekçe"], ["unit", "reason"], "u in team.units_without_nominee", (8, 18.1)),
    ("tag", "{%p endif %}"),
    ("tag", "{%p if team.notes %}"), "Notlar: {{ team.notes }}", ("tag", "{%p endif %}"),
]

PROGRAM = [
    "Belediyemizin {{ plan_period }} dönemi Stratejik Planının hazırlanmasına ilişkin aşamalar, faaliyetler, "
    "sorumlular ve tarihler aşağıdaki tabloda gösterilmiştir. Plan en geç {{ legal_deadline }} tarihine kadar "
    "Belediye Meclisine sunulacaktır; hedef Meclis toplantısı: {{ target_meeting }}.",
]
PROGRAM_AFTER = [
    ("facts", [("Açılış toplantısı", "{{ program.kickoff_date }}"),
               ("Birim durum analizi girdileri için son tarih", "{{ program.analysis_deadline }}"),
               ("Eğitim takvimi", "{{ program.training_calendar }}"),
               ("Toplantı takvimi (Kurul ve ekip)", "{{ program.meeting_calendar }}")], (8, 18.1)),
]

METRO_LAW = "{% if municipality.is_metropolitan %}5216 sayılı Büyükşehir Belediyesi Kanunu ve {% endif %}"
ADOPTION_BASIS = METRO_LAW + LAW + " 18 inci maddesinin (a) bendi ile 41 inci maddesi"
FINAL_BASIS = ("{% if municipality.is_metropolitan %}5216 sayılı Büyükşehir Belediyesi Kanununun 14 üncü"
               "{% else %}" + LAW + " 23 üncü{% endif %} maddesi")
REFERENCE = ("left", "İlgi\t: Belediye Meclisinin {{ decision.date }} tarihli ve {{ decision.number }} sayılı kararı.")

# The mayor's proposal (Başkanlık teklifi) to the council: what is asked and on which basis, nothing else.
LETTER = [
    "Belediyemizin {{ plan_period }} dönemi Stratejik Planı, " + METRO_LAW + LAW + " 41 inci maddesi gereğince "
    "kalkınma planı ve programı ile varsa bölge planına uygun olarak, üniversiteler, meslek odaları ve ilgili sivil "
    "toplum kuruluşlarının görüşleri alınarak hazırlanmış ve Başkanlığımca uygun görülmüştür.",
    "Ekte sunulan planın, aynı Kanunun 34 üncü maddesinin (a) bendi uyarınca Encümence incelenerek 18 inci "
    "maddesinin (a) bendi ve 41 inci maddesi gereğince Meclisimizce görüşülüp karara bağlanması hususunu arz "
    "ederim.",
]
LETTER_CLOSING = [("left", "Ek: {{ plan_period }} Dönemi Stratejik Planı (1 adet)")]

DECISION_GRID = [
    ("Dönemi", "{{ decision.term }}", "Karar tarihi", "{{ decision.date }}"),
    ("Toplantı no", "{{ decision.meeting_no }}{% if decision.extraordinary %} (olağanüstü){% endif %}",
     "Karar sayısı", "{{ decision.number }}"),
    ("Birleşim no", "{{ decision.sitting_no }}", "Oturum no", "{{ decision.session_no }}"),
]
DECISION = [
    ("grid", DECISION_GRID, (3.2, 4.8, 3.2, 4.8)),
    ("left", "Özü\t: {{ document.subject }}"),
    ("space",),
    "{% if decision.insisted %}Belediye Başkanınca " + FINAL_BASIS + " gereğince yeniden görüşülmek üzere "
    "Meclisimize iade edilen, Belediyemiz {{ plan_period }} Dönemi Stratejik Planına ilişkin Meclis kararı yeniden "
    "görüşüldü.{% else %}Belediye Başkanlığının{% if submission_date %} {{ submission_date }} "
    "tarihli{% endif %} teklifi ile Meclisimize sunulan Belediyemiz {{ plan_period }} Dönemi Stratejik Planı"
    "{% if encumen.number %}, Belediye Encümeninin{% if encumen.date %} {{ encumen.date }} tarihli ve{% endif %} "
    "{{ encumen.number }} sayılı görüşü{% if decision.commission %} ve {{ decision.commission }} raporu{% endif %} "
    "ile birlikte{% elif decision.commission %}, {{ decision.commission }} raporu ile birlikte{% endif %} "
    "görüşüldü.{% endif %}",
    "Yapılan görüşmeler sonunda, {% if decision.insisted %}kararda ısrar edilmesine ve {% endif %}Belediyemiz "
    "{{ plan_period }} Dönemi Stratejik Planının {% if decision.amended %}aşağıdaki değişikliklerle {% endif %}"
    + ADOPTION_BASIS + " gereğince kabulüne{% if decision.insisted %}, üye tam sayısının salt çoğunluğu "
    "sağlanarak,{% endif %} {{ decision.vote_label }} ile karar verildi.",
    ("tag", "{%p if decision.amended %}"),  # left-aligned: a justified list of changes stretches its lines
    ("left", "Değişiklikler:"), ("left", "{{ decision.amendments }}"),
    ("tag", "{%p endif %}"),
]
DECISION_SIGNATURES = [("signatures", [("{{ council.chair.full_name }}", "{{ council.chair.title }}"),
                                       ("{{ council.clerk_1.full_name }}", "{{ council.clerk_1.title }}"),
                                       ("{{ council.clerk_2.full_name }}", "{{ council.clerk_2.title }}")])]

GOVERNOR = [
    REFERENCE,
    ("space",),
    "Belediyemiz {{ plan_period }} Dönemi Stratejik Planı, {% if decision.insisted %}Belediye Meclisinin ilgi ısrar "
    "kararı ile{% else %}" + ADOPTION_BASIS + " gereğince Belediye Meclisinin ilgi kararı ile"
    "{% if decision.amended %} değiştirilerek{% endif %}{% endif %} kabul edilmiş ve karar"
    "{% if decision.finalised_on %} {{ decision.finalised_on }} tarihinde{% endif %} kesinleşmiştir.",
    "Kesinleşen kararın onaylı örneği ile Stratejik Plan, " + FINAL_BASIS + " gereğince ekte gönderilmektedir.",
    "Bilgilerinize arz ederim.",
]
GOVERNOR_CLOSING = [("left", "Ekler:"), ("left", "1- Meclis kararının onaylı örneği (1 adet)"),
                    ("left", "2- {{ plan_period }} Dönemi Stratejik Planı (1 adet)")]

AUTHORITIES = [
    REFERENCE,
    ("space",),
    "Belediyemiz {{ plan_period }} Dönemi Stratejik Planı, " + METRO_LAW + LAW + " 41 inci maddesi gereğince "
    "hazırlanmış ve Belediye Meclisinin ilgi kararı ile kabul edilmiştir.",
    "Kamu İdarelerinde Stratejik Planlamaya İlişkin Usul ve Esaslar Hakkında Yönetmelik hükümleri gereğince planın "
    "bir örneği ekte gönderilmektedir.{% if website_url %} Plan, Belediyemizin internet sitesinde "
    "({{ website_url }}) kamuoyuna duyurulmuştur.{% endif %}",
    "Bilgilerinize arz ederim.",
]
AUTHORITIES_CLOSING = [
    ("left", "Ekler:"), ("left", "1- {{ plan_period }} Dönemi Stratejik Planı (1 adet)"),
    ("left", "2- Meclis kararının onaylı örneği (1 adet)"),
    ("tag", "{%p if several_recipients %}"), ("space",), ("left", "Dağıtım:"), ("left", "Gereği:"),
    ("tag", "{%p for r in recipients %}"), ("left", "{{ r.name }}"), ("tag", "{%p endfor %}"), ("tag", "{%p endif %}"),
]

YEARS = [f"{{{{ years[{i}] }}}}" for i in range(5)]
PLAN = [
    ("center", "{{ plan_period }} DÖNEMİ STRATEJİK PLANI"),
    ("h1", "Sunuş"),
    "[Belediye Başkanının sunuş yazısı]",
    ("h1", "1. Stratejik Plan Hazırlık Süreci"),
    "Plan, Başkanlık Genelgesi ile başlatılan çalışmalarla {{ coordinating_unit }} koordinasyonunda, "
    "Belediyeler İçin Stratejik Planlama Rehberi (2019) esas alınarak hazırlanmıştır.",
    ("h2", "1.1. Strateji Geliştirme Kurulu"), MEMBERS,
    ("h2", "1.2. Stratejik Planlama Ekibi"),
    ("facts", [("Ekip lideri", "{{ team.leader }}"), ("Ekip koordinatörü", "{{ team.coordinator }}")]),
    ("table", ["No", "Adı Soyadı", "Unvanı", "Birimi"], ["no", "full_name", "title", "unit"], "m in team.members",
     (1.2, 4.8, 5, 5), 10),
    ("h1", "2. Durum Analizi"),
    ("h2", "2.1. Kurumsal Tarihçe"), "{{ history }}",
    ("h2", "2.2. Uygulanmakta Olan Stratejik Planın Değerlendirilmesi"),
    ("facts", [("Yürürlükte plan", "{{ current_plan.exists }}"), ("Dönemi", "{{ current_plan.period }}"),
               ("Gerçekleşme ve sapmalar", "{{ current_plan.evaluation }}"),
               ("Çıkarılan dersler", "{{ current_plan.lessons }}")]),
    ("h2", "2.3. Mevzuat Analizi"),
    ("table", ["No", "Mevzuat", "Madde", "Görev / etki"], ["no", "regulation", "article", "duty"],
     "r in legislation", (1.2, 5, 2.3, 7.5), 10),
    ("h2", "2.4. Üst Politika Belgelerinin Analizi"),
    ("table", ["No", "Belge", "İlgili hüküm", "Plana etkisi"], ["no", "document", "provision", "implication"],
     "p in policy_documents", (1.2, 4.5, 5.3, 5), 10),
    ("h2", "2.5. Faaliyet Alanları ile Ürün ve Hizmetler"),
    ("table", ["No", "Kod", "Faaliyet alanı", "Ürün ve hizmetler"], ["no", "code", "name", "services"],
     "a in activity_areas", (1.2, 1.8, 5, 8), 10),
    ("tag", "{%p for u in unit_inputs %}"), ("h3", "{{ u.unit }}"),
    ("table", ["No", "Mevzuattan kaynaklanan görev", "Dayanağı"], ["no", "duty", "legal_basis"], "d in u.duties",
     (1.2, 10, 4.8), 10),
    ("table", ["No", "Ürün / hizmet", "Faydalananlar"], ["no", "service", "beneficiaries"], "s in u.services",
     (1.2, 9, 5.8), 10),
    ("tag", "{%p endfor %}"),
    ("h2", "2.6. Paydaş Analizi"),
    ("h3", "Paydaşların önceliklendirilmesi"),
    "Paydaşların etki (belediyenin faaliyetlerini etkileme gücü) ve önem (belediyenin faaliyetlerinden "
    "etkilenme derecesi) dereceleri 1–5 arasında puanlanmış; öncelik puanı ikisinin çarpımıdır. Paydaşla "
    "kurulacak ilişki, paydaş etki/önem matrisindeki yerine göre belirlenmiştir.",
    ("table", ["No", "Paydaş", "İç / dış", "Niteliği", "Etki", "Önem", "Öncelik", "İlişki"],
     ["no", "name", "kind", "category", "impact", "importance", "score", "priority"], "s in stakeholders",
     (0.9, 3.9, 1.5, 2.1, 1.3, 1.5, 1.9, 2.9), 9),
    ("h3", "Paydaş – ürün/hizmet matrisi"),
    ("matrix", "Paydaş", "c in stakeholder_matrix.codes", "r in stakeholder_matrix.rows", "r.name",
     "x in r.cells", 5, 11, 9),
    ("h3", "Paydaş görüşlerinin alınması"),
    ("table", ["No", "Anket", "Tarih", "Katılan", "Sonuçların özeti", "Rapor (EBYS / bağlantı)"],
     ["no", "survey", "date", "respondents", "summary", "document"], "v in stakeholder.surveys",
     (1, 2.8, 2.4, 1.9, 5, 2.9), 9),
    ("table", ["No", "Çalıştay tarihi", "Katılımcı", "Konu", "Özet", "Tutanak (EBYS / bağlantı)"],
     ["no", "date", "participants", "topic", "summary", "document"], "w in stakeholder.workshops",
     (1, 2.6, 2.2, 3, 4.4, 2.8), 9),
    ("facts", [("Görüşü alınan kuruluşlar", "{{ stakeholder.consulted_bodies }}"),
               ("Sonuçlar", "{{ stakeholder.findings }}")]),
    ("h2", "2.7. Kuruluş İçi Analiz"),
    ("table", ["Birim", "Personel", "İnsan kaynakları", "Teknoloji", "Fiziki", "Mali"],
     ["unit", "staff_count", "human_resources", "technology", "physical", "financial"], "u in unit_inputs",
     (3.4, 1.8, 2.8, 2.7, 2.7, 2.6), 9),
    ("h2", "2.8. PESTLE Analizi"),
    ("tag", "{%p for p in pestle %}"), ("h3", "{{ p.factor }}"),
    ("table", ["No", "Etken", "Belediyeye etkisi", "Fırsat / tehdit", "Ne yapılmalı?"],
     ["no", "factor", "effect", "classification_label", "action"], "f in p.factors", (1, 5, 4, 2.2, 3.8), 9),
    ("tag", "{%p endfor %}"),
    ("h2", "2.9. GZFT Analizi"),
    *[item for key, title in (("strengths", "Güçlü yönler (iç)"), ("weaknesses", "Zayıf yönler (iç)"),
                              ("opportunities", "Fırsatlar (dış)"), ("threats", "Tehditler (dış)"))
      for item in (("h3", title), ("table", ["No", "Madde", "Kaynağı"], ["no", "item", "source"], f"i in swot.{key}",
                                   (1.2, 10, 4.8), 10))],
    ("h2", "2.10. Tespitler ve İhtiyaçlar"),
    ("table", ["No", "Durum analizi aşaması", "Alan", "Tespit / sorun", "İhtiyaç / gelişim alanı"],
     ["no", "source", "area", "finding", "need"], "f in findings", (1, 3.4, 2.4, 4.6, 4.6), 9),
    ("h1", "3. Geleceğe Bakış"),
    ("h2", "3.1. Misyon"), "{{ mission }}",
    ("h2", "3.2. Vizyon"), "{{ vision }}",
    ("h2", "3.3. Temel Değerler"),
    ("table", ["No", "Değer", "Açıklama"], ["no", "value", "description"], "v in core_values", (1.2, 4.5, 10.3), 10),
    ("h1", "4. Stratejiye Ulaşma: Amaçlar, Hedefler ve Performans Göstergeleri"),
    ("tag", "{%p for g in goals %}"), ("h2", "Amaç {{ g.code }}: {{ g.goal }}"),
    ("tag", "{%p for t in g.targets %}"), ("h3", "Hedef kartı {{ t.code }}: {{ t.target }}"),
    ("facts", [("Sorumlu birim", "{{ t.responsible_unit }}"), ("İş birliği yapılacak birimler",
                                                              "{{ t.cooperating_units }}"),
               ("Maliyet tahmini", "{{ t.cost }}"), ("Tespitler", "{{ t.findings }}"),
               ("İhtiyaçlar", "{{ t.needs }}"), ("Stratejiler", "{{ t.strategies }}")]),
    ("table", ["Kod", "Performans göstergesi", "Etki %", "Başl.", *YEARS, "İzleme", "Rapor"],
     ["code", "indicator", "weight", "baseline", "year_1", "year_2", "year_3", "year_4", "year_5", "monitoring",
      "reporting"], "i in t.indicators", (1.6, 2.9, 1.0, 1.1, 1.3, 1.3, 1.3, 1.3, 1.3, 1.5, 1.5), 8),
    ("table", ["Faaliyet / proje", "Tür", *YEARS, "Toplam", "Kaynak"],
     ["name", "kind", "cost_1", "cost_2", "cost_3", "cost_4", "cost_5", "total", "funding"], "a in t.activities",
     (3.2, 1.4, 1.5, 1.5, 1.5, 1.5, 1.5, 1.7, 2.2), 8),
    ("table", ["Risk", "Olasılık", "Etki", "Kontrol faaliyeti"], ["risk", "likelihood", "impact", "control"],
     "r in t.risks", (6, 1.5, 1.5, 7), 10),
    ("tag", "{%p endfor %}"), ("tag", "{%p endfor %}"),
    ("h1", "5. Maliyetlendirme"),
    "Hedeflerin toplam maliyet tahmini: {{ total_cost }}.",
    ("table", ["Hedef", *YEARS, "Toplam"], ["label", "year_1", "year_2", "year_3", "year_4", "year_5", "total"],
     "c in costing", (5.0, 1.8, 1.8, 1.8, 1.8, 1.8, 2.0), 9),
    ("h1", "6. İzleme ve Değerlendirme"),
    ("facts", [("İzleme raporu dönemi", "{{ monitoring.period }}"),
               ("Değerlendirme raporu", "{{ monitoring.evaluation_report }}"),
               ("Sorumlu birim", "{{ monitoring.unit }}"), ("Raporlama düzeni", "{{ monitoring.notes }}")]),
    ("h1", "Ekler"),
    ("h2", "Ek-1. Temel Performans Göstergeleri (TPG)"),
    ("table", ["Kod", "Gösterge", "Hedef", "Başl.", *YEARS], ["code", "indicator", "target", "baseline", "year_1",
                                                            "year_2", "year_3", "year_4", "year_5"],
     "k in key_indicators", (1.9, 4.5, 1.6, 1.2, 1.4, 1.4, 1.4, 1.4, 1.4), 9),
    "[Paydaş anketi sonuçları, çalıştay raporu, hedef kartlarının ayrıntıları]",
]

BODIES = {
    "circular": {"title": "Stratejik Plan Genelgesi", "heading": ("GENELGE", "{{ circular_number }}"),
                 "body": CIRCULAR, "closing": DISTRIBUTION},
    "board_approval": {"title": "Strateji Geliştirme Kurulu Olur'u", "addressee": "BAŞKANLIK MAKAMINA",
                       "body": BOARD, "signer": COORD_SIGN, "closing": OLUR},
    "team_list": {"title": "Stratejik Planlama Ekibi Listesi", "heading": "STRATEJİK PLANLAMA EKİBİ",
                  "body": TEAM, "signer": COORD_SIGN, "landscape": True},
    "program": {"title": "Stratejik Plan Hazırlık Programı", "heading": "STRATEJİK PLAN HAZIRLIK PROGRAMI",
                "body": PROGRAM, "after_gantt": PROGRAM_AFTER, "signer": COORD_SIGN, "closing": OLUR,
                "landscape": True},
    "submission_letter": {"title": "Başkanlık Teklifi", "addressee": "{{ addressee }}", "body": LETTER,
                          "closing": LETTER_CLOSING},
    "plan_skeleton": {"title": "Stratejik Plan Taslağı", "body": PLAN, "signer": None, "letter": False},
    "council_decision": {"title": "Belediye Meclisi Kararı", "letter": "council", "heading": "MECLİS KARARI",
                         "body": DECISION, "signer": None, "closing": DECISION_SIGNATURES},
    "governor_letter": {"title": "Meclis Kararının Gönderilmesi", "addressee": "{{ addressee }}", "body": GOVERNOR,
                        "closing": GOVERNOR_CLOSING},
    "authorities_letter": {"title": "Stratejik Planın Gönderilmesi", "addressee": "{{ addressee }}",
                           "body": AUTHORITIES, "closing": AUTHORITIES_CLOSING},
}
