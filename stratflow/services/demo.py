"""Demo data: a fictional district municipality with its process already under way."""

from __future__ import annotations

from datetime import date, timedelta

from ..extensions import db
from ..models import Municipality, RoleAssignment, SpendingUnit, TaskRecord, User
from . import instances, tasks
from .accounts import hash_password

DEMO_PASSWORD = "Demo.2024"
DOMAIN = "camlitepe.bel.tr"
UNITS = [
    ("Yazı İşleri Müdürlüğü", "yaziisleri", "Ayşe Yıldız"),
    ("Mali Hizmetler Müdürlüğü", "mali", "Mehmet Kaya"),
    ("Strateji Geliştirme Müdürlüğü", "sgm", "Zeynep Çelik"),
    ("İnsan Kaynakları ve Eğitim Müdürlüğü", "ik", "Hüseyin Demir"),
    ("Fen İşleri Müdürlüğü", "fen", "İsmail Şahin"),
    ("İmar ve Şehircilik Müdürlüğü", "imar", "Gülşen Öztürk"),
    ("Zabıta Müdürlüğü", "zabita", "Oğuz Aydın"),
    ("Temizlik İşleri Müdürlüğü", "temizlik", "Şükrü Arslan"),
    ("Park ve Bahçeler Müdürlüğü", "park", "Ebru Koç"),
    ("Kültür ve Sosyal İşler Müdürlüğü", "kultur", "Çağla Kurt"),
    ("Destek Hizmetleri Müdürlüğü", "destek", "Ümit Polat"),
    ("Bilgi İşlem Müdürlüğü", "bilgiislem", "İrem Güneş"),
]


def is_empty() -> bool:
    return db.session.execute(db.select(Municipality.id).limit(1)).first() is None


def demo_election_date(today: date) -> date:
    """A Sunday three to four weeks back: the demo always shows a cycle under way, with its
    dates ahead (a fictional early election; the election date is always an input)."""
    back = today - timedelta(days=21)
    return back - timedelta(days=(back.weekday() + 1) % 7)


def load(today: date | None = None) -> Municipality:
    password = hash_password(DEMO_PASSWORD)  # one hash for all demo accounts: loading stays fast
    election = demo_election_date(today or date.today())
    town = Municipality(name="Çamlıtepe Belediyesi", province="Balıkesir", type="ilce",
                        population=90412, election_date=election,
                        mazbata_date=election + timedelta(days=5), council_weekday="tuesday")
    db.session.add(town)
    units = {}
    for name, code, _manager in UNITS:
        units[code] = SpendingUnit(municipality=town, name=name, code=code)
        db.session.add(units[code])
    db.session.flush()

    def person(email, full_name, title, *roles):
        user = User(email=email, full_name=full_name, title=title, password_hash=password,
                    municipality=town if email.endswith(DOMAIN) else None)
        for role, unit in roles:
            user.roles.append(RoleAssignment(role=role, municipality=None if role == "admin" else town,
                                             unit=unit))
        db.session.add(user)
        return user

    person("admin@stratflow.example", "Sistem Yöneticisi", "Yönetici", ("admin", None))
    person(f"baskan@{DOMAIN}", "Levent Erdem", "Belediye Başkanı", ("mayor", None))
    person(f"baskanyardimcisi1@{DOMAIN}", "Nermin Aksoy", "Başkan Yardımcısı",
           ("deputy_mayor", None), ("board_member", None))
    person(f"baskanyardimcisi2@{DOMAIN}", "Kemal Özdemir", "Başkan Yardımcısı",
           ("deputy_mayor", None), ("board_member", None))
    for name, code, manager in UNITS:
        roles = [("unit_manager", units[code])]
        if code == "sgm":
            roles.append(("coordinator", None))
        if code == "yaziisleri":
            roles.append(("council_clerk", None))
        person(f"{code}@{DOMAIN}", manager, f"{name} Müdürü", *roles)
    person("danisman@aymett.example", "Selin Yalçın", "Stratejik Plan Danışmanı", ("consultant", None))
    db.session.flush()
    _advance(town)
    return town


FOLLOWED = [
    # name, province, type, population, domain, process started?, units
    ("Karadere Büyükşehir Belediyesi", "Karadere", "buyuksehir", 1184250, "karadere.bel.tr", True,
     ["Strateji Geliştirme Dairesi Başkanlığı", "Mali Hizmetler Dairesi Başkanlığı",
      "Fen İşleri Dairesi Başkanlığı", "İmar ve Şehircilik Dairesi Başkanlığı", "Ulaşım Dairesi Başkanlığı",
      "Çevre Koruma ve Kontrol Dairesi Başkanlığı"]),
    ("Akçakaya Belediyesi", "Karadere", "ilce", 61870, "akcakaya.bel.tr", False,
     ["Mali Hizmetler Müdürlüğü", "Fen İşleri Müdürlüğü", "Yazı İşleri Müdürlüğü", "Zabıta Müdürlüğü"]),
]


def load_followed(today: date | None = None) -> list[Municipality]:
    """Two more fictional municipalities the demo consultant follows, so the cockpit has rows to
    compare: a metropolitan one whose process has just started and a district one that has not
    started yet. Loaded by `stratflow setup` / `stratflow demo` after `load()`."""
    password = hash_password(DEMO_PASSWORD)
    election = demo_election_date(today or date.today())
    consultant = _user("danisman@aymett.example")
    created = []
    for name, province, kind, population, domain, started, unit_names in FOLLOWED:
        town = Municipality(name=name, province=province, type=kind, population=population,
                            election_date=election, mazbata_date=election + timedelta(days=4),
                            council_weekday="monday" if kind == "buyuksehir" else "wednesday")
        db.session.add(town)
        units = [SpendingUnit(municipality=town, name=unit, code=f"u{i}") for i, unit in enumerate(unit_names, 1)]
        db.session.add_all(units)
        db.session.flush()
        coordinator = User(email=f"strateji@{domain}", full_name="Koordinatör " + name.split()[0],
                           title=f"{unit_names[0]} yetkilisi", password_hash=password, municipality=town)
        coordinator.roles.append(RoleAssignment(role="coordinator", municipality=town))
        coordinator.roles.append(RoleAssignment(role="unit_manager", municipality=town, unit=units[0]))
        mayor = User(email=f"baskan@{domain}", full_name="Başkan " + name.split()[0], title="Belediye Başkanı",
                     password_hash=password, municipality=town)
        mayor.roles.append(RoleAssignment(role="mayor", municipality=town))
        db.session.add_all([coordinator, mayor])
        for number, unit in enumerate(units[1:], 2):
            manager = User(email=f"birim{number}@{domain}", full_name=f"{unit.name} Yetkilisi",
                           title="Birim yöneticisi", password_hash=password, municipality=town)
            manager.roles.append(RoleAssignment(role="unit_manager", municipality=town, unit=unit))
            db.session.add(manager)
        consultant.roles.append(RoleAssignment(role="consultant", municipality=town))
        db.session.flush()
        if started:
            instances.start_instance(town, coordinator)
        created.append(town)
    return created


def _advance(town: Municipality) -> None:
    """Start the process and take it to the nominations, with one unit already done: the
    circular is signed and the Strategy Development Board formed (deputy mayors + managers)."""
    coordinator = _user(f"sgm@{DOMAIN}")
    mayor = _user(f"baskan@{DOMAIN}")
    instance = instances.start_instance(town, coordinator)
    deadline = (town.mazbata_date + timedelta(days=30)).isoformat()
    _complete_open(instance, "circular_draft", coordinator, {
        "nomination_deadline": deadline, "coordinating_unit": "Strateji Geliştirme Müdürlüğü",
        "timetable": "Genelge: Nisan 2024 · Durum analizi: Mayıs–Haziran · Meclis: Eylül 2024"})
    _complete_open(instance, "circular_approval", mayor, {"circular_decision": "approve"})
    _complete_open(instance, "board_composition", coordinator, {
        "deputy_mayors": [{"full_name": "Nermin Aksoy", "title": "Başkan Yardımcısı",
                           "email": f"baskanyardimcisi1@{DOMAIN}"},
                          {"full_name": "Kemal Özdemir", "title": "Başkan Yardımcısı",
                           "email": f"baskanyardimcisi2@{DOMAIN}"}],
        "other_members": [{"full_name": "Zeynep Çelik", "title": "Strateji Geliştirme Müdürü",
                           "unit": "Strateji Geliştirme Müdürlüğü"},
                          {"full_name": "Mehmet Kaya", "title": "Mali Hizmetler Müdürü",
                           "unit": "Mali Hizmetler Müdürlüğü"}]})
    _complete_open(instance, "board_approval", mayor, {"board_decision": "approve"})
    it = _user(f"bilgiislem@{DOMAIN}")
    record = next(t for t in _open(instance) if t.unit and t.unit.code == "bilgiislem")
    tasks.complete(record.id, it, {"members": [
        {"full_name": "Deniz Acar", "title": "Bilgisayar Mühendisi", "email": f"deniz.acar@{DOMAIN}",
         "phone": "0266 555 10 20"}]})


def _user(email: str) -> User:
    return db.session.execute(db.select(User).filter_by(email=email)).scalar_one()


def _open(instance):
    return list(db.session.execute(db.select(TaskRecord).filter_by(
        instance_id=instance.id, state="open")).scalars())


def _complete_open(instance, bpmn_id, actor, data) -> None:
    record = next(t for t in _open(instance) if t.bpmn_id == bpmn_id)
    tasks.complete(record.id, actor, data)
