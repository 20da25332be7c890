"""Display labels and filters handed to templates (templates decide nothing themselves)."""

import json

from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from ..i18n import file_size, long_date, long_datetime

ROLE_LABELS = {
    "admin": _l("Sistem yöneticisi"), "mayor": _l("Belediye Başkanı"),
    "deputy_mayor": _l("Başkan Yardımcısı"), "coordinator": _l("Strateji Geliştirme Birimi"),
    "unit_manager": _l("Birim müdürü"), "team_member": _l("Ekip üyesi"),
    "board_member": _l("Kurul üyesi"), "council_clerk": _l("Yazı İşleri"),
    "consultant": _l("Danışman"),
}
ELECTION_KIND_LABELS = {"genel": _l("Genel seçim"), "yenileme": _l("Yenileme seçimi (YSK kararıyla)"),
                        "ara": _l("Ara seçim")}
TASK_STATES = {"open": _l("Açık"), "completed": _l("Tamamlandı"), "cancelled": _l("İptal edildi"),
               "rewound": _l("Geri alındı")}
INSTANCE_STATUSES = {"running": _l("Yürütülüyor"), "completed": _l("Tamamlandı"),
                     "suspended": _l("Askıda"), "terminated": _l("Sonlandırıldı"), "error": _l("Hata")}
ACTIONS = {
    "instance.started": _l("Süreç başlatıldı"), "instance.completed": _l("Süreç tamamlandı"),
    "task.created": _l("Görev oluştu"), "task.completed": _l("Görev tamamlandı"),
    "task.cancelled": _l("Görev iptal edildi"), "task.draft_saved": _l("Taslak kaydedildi"),
    "task.rewound": _l("Görev geri alındı"),
    "task.due_changed": _l("Son tarih değişti"),
    "timer.fired": _l("Beklenen tarih geldi"), "definition.imported": _l("Süreç tanımı yüklendi"),
    "municipality.created": _l("Belediye oluşturuldu"), "municipality.updated": _l("Belediye bilgileri güncellendi"),
    "unit.created": _l("Birim eklendi"), "unit.updated": _l("Birim güncellendi"),
    "unit.removed": _l("Birim kaldırıldı"),
    "user.created": _l("Kişi eklendi"), "user.updated": _l("Kişi güncellendi"),
    "user.activated": _l("Kişi etkinleştirildi"), "user.deactivated": _l("Kişi devre dışı bırakıldı"),
    "import.done": _l("Toplu içe aktarma yapıldı"), "token.created": _l("API anahtarı oluşturuldu"),
    "token.revoked": _l("API anahtarı iptal edildi"),
    "mail.failed": _l("E-posta tüm denemelere rağmen gönderilemedi"),
    "timer.failed": _l("Zamanlayıcı çalıştırılamadı; bir saat sonra yeniden denenecek"),
    "municipality.settings_changed": _l("Belediye ayarları değişti"),
    "council_meeting.entered": _l("Meclis toplantı tarihi girildi"),
    "council_meeting.removed": _l("Girilen meclis toplantı tarihi silindi"),
    "leave_day.added": _l("İdari izin günü eklendi"), "leave_day.removed": _l("İdari izin günü silindi"),
    "task.reassigned": _l("Görev yeniden atandı"), "instance.suspended": _l("Süreç askıya alındı"),
    "instance.resumed": _l("Süreç devam ettirildi"), "instance.terminated": _l("Süreç sonlandırıldı"),
    "instance.rewound": _l("Süreç önceki bir adıma geri alındı"),
    "document.generated": _l("Belge oluşturuldu"), "document.failed": _l("Belge oluşturulamadı"),
    "document.template_uploaded": _l("Belge şablonu yüklendi"),
    "document.template_activated": _l("Önceki belge şablonu yeniden kullanıma alındı"),
    "document.template_reverted": _l("Varsayılan belge şablonuna dönüldü"),
    "attachment.uploaded": _l("Dosya eklendi"), "attachment.downloaded": _l("Ek dosya indirildi"),
    "attachment.removed": _l("Ek dosya çıkarıldı"),
}


def _overview_nav() -> dict:
    """Navigation to the cockpit (consultants, coordinators, admins) and to the overview of the one
    municipality a person sees (stratflow/web/cockpit.py)."""
    from ..services import access, overview
    if not current_user.is_authenticated:
        return {"cockpit": False, "overview": None}
    viewed = current_user.municipality_ids(*access.INSTANCE_VIEWERS)
    return {"cockpit": overview.can_use_cockpit(current_user),
            "overview": next(iter(viewed)) if len(viewed) == 1 and not current_user.is_admin else None}


def init_app(app) -> None:
    @app.context_processor
    def helpers():
        from ..services import access
        show_municipalities = bool(
            current_user.is_authenticated and (current_user.is_admin
                                               or current_user.municipality_ids(*access.MANAGERS)))
        return {
            "role_label": lambda r: ROLE_LABELS.get(r, r or "—"),
            "state_label": lambda s: TASK_STATES.get(s, s),
            "election_kind_label": lambda k: ELECTION_KIND_LABELS.get(k, k),
            "status_label": lambda s: INSTANCE_STATUSES.get(s, s),
            "action_label": lambda a: ACTIONS.get(a, a),
            "nav": {"municipalities": show_municipalities,
                    "council_meetings": min(current_user.municipality_ids("council_clerk"), default=None)
                    if current_user.is_authenticated else None,
                    **_overview_nav()},
        }

    app.jinja_env.filters["date"] = lambda d: long_date(d, _locale())
    app.jinja_env.filters["datetime"] = lambda d: long_datetime(d, _locale())
    app.jinja_env.filters["filesize"] = lambda n: file_size(n, _locale())
    app.jinja_env.filters["tl"] = lambda v: amount_text(v, _locale())
    app.jinja_env.filters["plain_json"] = lambda v: v if isinstance(v, str) else json.dumps(v, ensure_ascii=False)


def amount_text(value, locale: str = "tr") -> str:
    """An amount of money as the page shows it: 1.234.567,50 (Turkish) or 1,234,567.50."""
    if value is None:
        return "—"
    text = f"{value:,.2f}"
    return text.replace(",", "\0").replace(".", ",").replace("\0", ".") if locale == "tr" else text


def _locale() -> str:
    return str(get_locale() or "tr")
