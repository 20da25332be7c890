"""Setting up a municipality through the web forms: facts, spending units, people, access."""

from __future__ import annotations

import html
import re
from datetime import date

import pytest
from sqlalchemy import func

from stratflow.extensions import db
from stratflow.models import AuditEvent, Municipality, RoleAssignment, SpendingUnit, TaskRecord, User
from stratflow.services.accounts import hash_password

from .conftest import Browser, signed_in

COORDINATOR = "sgm@camlitepe.bel.tr"
# The demo admin (admin@stratflow.local) cannot use the login form: WTForms' Email() refuses the
# special-use .local domain. These tests sign in as a second administrator instead.
ADMIN = "yonetici@stratflow.example"


def snapshot() -> dict:
    """Everything these pages may change, read fresh from the database."""
    def rows(*columns):
        return sorted(tuple(str(v) for v in r) for r in db.session.execute(db.select(*columns)).all())

    return {
        "municipality": rows(Municipality.id, Municipality.name, Municipality.province, Municipality.type,
                             Municipality.population, Municipality.election_date, Municipality.mazbata_date,
                             Municipality.council_weekday),
        "unit": rows(SpendingUnit.id, SpendingUnit.municipality_id, SpendingUnit.name, SpendingUnit.code),
        "user": rows(User.id, User.email, User.full_name, User.title, User.phone, User.password_hash,
                     User.active, User.municipality_id),
        "role": rows(RoleAssignment.user_id, RoleAssignment.role, RoleAssignment.municipality_id,
                     RoleAssignment.unit_id),
        "audit": db.session.execute(db.select(func.count(AuditEvent.id))).scalar(),
    }


def text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def audits(action: str) -> list[AuditEvent]:
    db.session.expire_all()
    return list(db.session.execute(db.select(AuditEvent).filter_by(action=action)
                                   .order_by(AuditEvent.id)).scalars())


def user(email: str) -> User:
    db.session.expire_all()
    return db.session.execute(db.select(User).filter_by(email=email)).scalar_one()


def login(client, email: str, password: str):
    """Sign in with a fresh client (its own cookie jar); the login response."""
    return Browser(client.application.test_client()).login(email, password)


def unit(town: Municipality, code: str) -> SpendingUnit:
    return next(u for u in town.units if u.code == code)


@pytest.fixture(autouse=True)
def second_admin(request):
    """A web-usable administrator, added whenever the demo is loaded."""
    if "demo" not in request.fixturenames:
        return None
    request.getfixturevalue("demo")
    admin = User(email=ADMIN, full_name="Yönetici İki", password_hash=hash_password("Demo.2024"))
    admin.roles.append(RoleAssignment(role="admin"))
    db.session.add(admin)
    db.session.commit()
    return admin


@pytest.fixture
def other_town(demo):
    """A second municipality with one unit and its own coordinator."""
    town = Municipality(name="Yeşilova Belediyesi", province="Burdur", type="ilce", population=14500,
                        election_date=date(2024, 3, 31), council_weekday="monday")
    office = SpendingUnit(municipality=town, name="Fen İşleri Müdürlüğü", code="fen")
    boss = User(email="sgm@yesilova.bel.tr", full_name="Işıl Öztürk", municipality=town,
                password_hash=hash_password("Demo.2024"))
    boss.roles.append(RoleAssignment(role="coordinator", municipality=town))
    db.session.add_all([town, office, boss])
    db.session.commit()
    return town


def facts(town, **changes) -> dict:
    data = {"name": town.name, "province": town.province, "type": town.type, "population": str(town.population),
            "election_date": town.election_date.isoformat(),
            "mazbata_date": town.mazbata_date.isoformat() if town.mazbata_date else "",
            "council_weekday": town.council_weekday}
    data.update(changes)
    return data


# -- access ---------------------------------------------------------------------------------------

def test_coordinator_manages_only_own_municipality(other_town, demo, client):
    b = signed_in(client, COORDINATOR)
    listing = text(b.get("/municipalities"))
    assert "Çamlıtepe Belediyesi" in listing and "Yeşilova" not in listing
    assert "Yeni belediye ekle" not in listing
    assert b.get(f"/municipalities/{demo.id}").status_code == 200
    foreign = other_town.id
    foreign_unit = other_town.units[0].id
    foreign_person = user("sgm@yesilova.bel.tr").id
    before = snapshot()
    own = f"/municipalities/{demo.id}"
    for path in (f"/municipalities/{foreign}", f"/municipalities/{foreign}/people/{foreign_person}",
                 f"/municipalities/{foreign}/import/units.xlsx"):
        assert b.get(path).status_code == 404, path
    posts = {
        f"/municipalities/{foreign}": facts(other_town, population="1"),
        f"/municipalities/{foreign}/units": {"name": "Yeni Birim"},
        f"/municipalities/{foreign}/units/{foreign_unit}": {"name": "Başka Ad"},
        f"/municipalities/{foreign}/units/{foreign_unit}/remove": {},
        f"/municipalities/{foreign}/people": {"email": "x@yesilova.bel.tr", "full_name": "X", "roles": "mayor",
                                              "password": "Parola.2024"},
        f"/municipalities/{foreign}/people/{foreign_person}/active": {"action": "deactivate"},
        f"/municipalities/{foreign}/import": {"kind": "units"},
        # a foreign unit or person reached through one's own municipality is just as unknown
        f"{own}/units/{foreign_unit}": {"name": "Başka Ad"},
        f"{own}/units/{foreign_unit}/remove": {},
        f"{own}/people/{foreign_person}/active": {"action": "deactivate"},
    }
    for path, data in posts.items():
        assert b.post(path, data, form_page=own).status_code == 404, path
    assert b.get(f"{own}/people/{foreign_person}").status_code == 404
    assert snapshot() == before


@pytest.mark.parametrize("email", ["fen@camlitepe.bel.tr", "baskan@camlitepe.bel.tr", "danisman@aymett.example",
                                   "baskanyardimcisi1@camlitepe.bel.tr", "yaziisleri@camlitepe.bel.tr"])
def test_other_roles_get_404(demo, client, email):
    b = signed_in(client, email)
    assert "/municipalities\"" not in b.get("/").get_data(as_text=True)  # no menu entry
    for path in ("/municipalities", f"/municipalities/{demo.id}", "/municipalities/new",
                 f"/municipalities/{demo.id}/import/people.xlsx"):
        assert b.get(path).status_code == 404, path
    before = snapshot()
    token = b.csrf("/profile")
    for path, data in {f"/municipalities/{demo.id}": facts(demo, population="5"),
                       f"/municipalities/{demo.id}/units": {"name": "Gizli Birim"},
                       "/municipalities/new": facts(demo, name="Sahte Belediyesi")}.items():
        assert b.client.post(path, data={**data, "csrf_token": token}).status_code == 404, path
    assert snapshot() == before


def test_admin_sees_all_and_only_admin_creates(other_town, demo, client):
    b = signed_in(client, ADMIN)
    listing = text(b.get("/municipalities"))
    assert "Çamlıtepe Belediyesi" in listing and "Yeşilova Belediyesi" in listing
    assert b.get(f"/municipalities/{other_town.id}").status_code == 200
    coordinator = signed_in(client.application.test_client(), COORDINATOR)
    assert coordinator.get("/municipalities/new").status_code == 404
    before = snapshot()
    response = coordinator.post("/municipalities/new", facts(demo, name="Kaçak Belediyesi"),
                                form_page=f"/municipalities/{demo.id}")
    assert response.status_code == 404
    assert snapshot() == before


def test_post_without_csrf_token_is_refused(demo, client):
    b = signed_in(client, COORDINATOR)
    before = snapshot()
    response = b.client.post(f"/municipalities/{demo.id}/units", data={"name": "CSRF Birimi"})
    assert response.status_code == 400
    assert "güvenlik doğrulaması" in text(response)
    assert snapshot() == before


# -- creating and editing the municipality --------------------------------------------------------

def test_admin_creates_municipality(demo, client):
    b = signed_in(client, ADMIN)
    assert "Belediyeyi oluştur" in text(b.get("/municipalities/new"))
    response = b.post("/municipalities/new", {
        "name": "  Güzelyalı   Belediyesi ", "province": "İzmir", "type": "belde", "population": "12.345",
        "election_date": "31.03.2024", "mazbata_date": "2024-04-03", "council_weekday": "wednesday"})
    assert response.status_code == 302, text(response)[:2000]
    town = db.session.execute(db.select(Municipality).filter_by(name="Güzelyalı Belediyesi")).scalar_one()
    assert (town.province, town.type, town.population, town.election_date, town.mazbata_date,
            town.council_weekday) == ("İzmir", "belde", 12345, date(2024, 3, 31), date(2024, 4, 3), "wednesday")
    assert response.headers["Location"].endswith(f"/municipalities/{town.id}")
    [event] = audits("municipality.created")
    assert event.municipality_id == town.id and event.details["population"] == 12345
    assert event.details["election_date"] == "2024-03-31" and event.actor.email == ADMIN
    page = text(b.get(f"/municipalities/{town.id}"))
    assert "Güzelyalı Belediyesi" in page and "Henüz harcama birimi yok" in page


BAD_FACTS = [
    ({"name": ""}, "name", "Belediye adı boş olamaz."),
    ({"name": "x" * 201}, "name", "Belediye adı en fazla 200 karakter olabilir."),
    ({"name": "ÇAMLITEPE BELEDİYESİ"}, "name", "Bu adla kayıtlı bir belediye zaten var."),
    ({"province": "Atlantis"}, "province", "İl, 81 il arasından seçilmelidir."),
    ({"province": ""}, "province", "İl, 81 il arasından seçilmelidir."),
    ({"type": "metropol"}, "type", "Belediye türü listeden seçilmelidir"),
    ({"population": "0"}, "population", "Nüfus pozitif bir tam sayı olmalıdır."),
    ({"population": "-120"}, "population", "Nüfus pozitif bir tam sayı olmalıdır."),
    ({"population": "12,5"}, "population", "Nüfus pozitif bir tam sayı olmalıdır."),
    ({"population": "çok"}, "population", "Nüfus pozitif bir tam sayı olmalıdır."),
    ({"population": ""}, "population", "Nüfus pozitif bir tam sayı olmalıdır."),
    ({"population": "25000000"}, "population", "Nüfus en fazla 20.000.000 olabilir."),
    ({"election_date": ""}, "election_date", "Seçim tarihi boş olamaz."),
    ({"election_date": "2024-02-30"}, "election_date", "Seçim tarihi geçerli bir tarih değil"),
    ({"election_date": "dün"}, "election_date", "Seçim tarihi geçerli bir tarih değil"),
    ({"mazbata_date": "31/04/2024"}, "mazbata_date", "Mazbata tarihi geçerli bir tarih değil"),
    ({"election_date": "2024-03-31", "mazbata_date": "2024-03-30"}, "mazbata_date",
     "Mazbata tarihi seçim tarihinden önce olamaz."),
    ({"council_weekday": "funday"}, "council_weekday", "Meclis toplantı günü listeden seçilmelidir."),
    ({"council_weekday": ""}, "council_weekday", "Meclis toplantı günü listeden seçilmelidir."),
]


@pytest.mark.parametrize(("change", "field", "message"), BAD_FACTS)
def test_create_rejects_bad_input(demo, client, change, field, message):
    b = signed_in(client, ADMIN)
    data = {"name": "Kuzeykent Belediyesi", "province": "Ordu", "type": "ilce", "population": "40000",
            "election_date": "2024-03-31", "mazbata_date": "2024-04-02", "council_weekday": "friday"}
    data.update(change)
    before = snapshot()
    response = b.post("/municipalities/new", data)
    assert response.status_code == 422
    page = text(response)
    assert "Lütfen işaretli alanları düzeltin." in page
    assert f'data-error-for="{field}">{message}' in page
    assert snapshot() == before


def test_coordinator_updates_municipality(demo, client):
    b = signed_in(client, COORDINATOR)
    path = f"/municipalities/{demo.id}"
    mazbata = demo.mazbata_date.isoformat()
    response = b.post(path, facts(demo, population="91000", council_weekday="thursday", mazbata_date=""))
    assert response.status_code == 302
    db.session.expire_all()
    town = db.session.get(Municipality, demo.id)
    assert (town.population, town.council_weekday, town.mazbata_date) == (91000, "thursday", None)
    [event] = audits("municipality.updated")
    assert event.details["changes"] == {"population": [90412, 91000], "council_weekday": ["tuesday", "thursday"],
                                        "mazbata_date": [mazbata, None]}
    before = snapshot()
    assert b.post(path, facts(town)).status_code == 302  # nothing changed: no audit row
    assert snapshot() == before
    assert "Değişiklik yok." in text(b.get(path))


@pytest.mark.parametrize(("change", "field", "message"), [
    ({"mazbata_date": "2024-01-01"}, "mazbata_date", "Mazbata tarihi seçim tarihinden önce olamaz."),
    ({"population": "-1"}, "population", "Nüfus pozitif bir tam sayı olmalıdır."),
    ({"name": "yeşilova belediyesi"}, "name", "Bu adla kayıtlı bir belediye zaten var."),
    ({"type": ""}, "type", "Belediye türü listeden seçilmelidir"),
    ({"council_weekday": "Salı"}, "council_weekday", "Meclis toplantı günü listeden seçilmelidir."),
])
def test_update_rejects_bad_input(other_town, demo, client, change, field, message):
    b = signed_in(client, COORDINATOR)
    before = snapshot()
    response = b.post(f"/municipalities/{demo.id}", facts(demo, **change))
    assert response.status_code == 422
    assert f'data-error-for="{field}">{message}' in text(response)
    assert snapshot() == before


# -- spending units -------------------------------------------------------------------------------

def test_units_add_rename_remove(demo, client):
    b = signed_in(client, COORDINATOR)
    path = f"/municipalities/{demo.id}"
    response = b.post(f"{path}/units", {"name": " Afet  İşleri Müdürlüğü ", "code": "afet"}, form_page=path)
    assert response.status_code == 302
    added = db.session.execute(db.select(SpendingUnit).filter_by(code="afet")).scalar_one()
    assert added.name == "Afet İşleri Müdürlüğü" and added.municipality_id == demo.id
    assert "“Afet İşleri Müdürlüğü” birimi eklendi." in text(b.get(path))

    response = b.post(f"{path}/units/{added.id}", {"name": "Afet ve Acil Durum Müdürlüğü", "code": "afad"},
                      form_page=path)
    assert response.status_code == 302
    db.session.expire_all()
    assert (added.name, added.code) == ("Afet ve Acil Durum Müdürlüğü", "afad")

    added_id = added.id
    response = b.post(f"{path}/units/{added_id}/remove", form_page=path)
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(SpendingUnit, added_id) is None
    assert [e.details["name"] for e in audits("unit.created")] == ["Afet İşleri Müdürlüğü"]
    assert audits("unit.updated")[0].details["changes"] == {
        "name": ["Afet İşleri Müdürlüğü", "Afet ve Acil Durum Müdürlüğü"], "code": ["afet", "afad"]}
    assert audits("unit.removed")[0].details["code"] == "afad"


@pytest.mark.parametrize(("data", "field", "message"), [
    ({"name": "   "}, "name", "Birim adı boş olamaz."),
    ({"name": "B" * 201}, "name", "Birim adı en fazla 200 karakter olabilir."),
    ({"name": "fen işleri müdürlüğü"}, "name", "Bu belediyede “fen işleri müdürlüğü” adlı bir birim zaten var."),
    ({"name": "Yeni Birim", "code": "FEN"}, "code", "“FEN” kodu başka bir birimde kullanılıyor."),
    ({"name": "Yeni Birim", "code": "kod var"}, "code", "Kod en fazla 40 karakter olabilir"),
    ({"name": "Yeni Birim", "code": "k" * 41}, "code", "Kod en fazla 40 karakter olabilir"),
])
def test_add_unit_rejects_bad_input(demo, client, data, field, message):
    b = signed_in(client, COORDINATOR)
    path = f"/municipalities/{demo.id}"
    before = snapshot()
    response = b.post(f"{path}/units", data, form_page=path)
    assert response.status_code == 422
    page = text(response)
    assert f'data-error-for="{field}">{message}' in page
    assert snapshot() == before


def test_rename_unit_rejects_duplicate(demo, client):
    b = signed_in(client, COORDINATOR)
    path = f"/municipalities/{demo.id}"
    fen = unit(demo, "fen")
    before = snapshot()
    response = b.post(f"{path}/units/{fen.id}", {"name": "İMAR VE ŞEHİRCİLİK MÜDÜRLÜĞÜ", "code": "fen"},
                      form_page=path)
    assert response.status_code == 422
    page = text(response)
    assert 'data-error-for="unit-name">Bu belediyede “İMAR VE ŞEHİRCİLİK MÜDÜRLÜĞÜ” adlı bir birim zaten var.' in page
    assert 'value="İMAR VE ŞEHİRCİLİK MÜDÜRLÜĞÜ"' in page  # the typed value is shown again
    response = b.post(f"{path}/units/{fen.id}", {"name": "", "code": "fen"}, form_page=path)
    assert response.status_code == 422 and "Birim adı boş olamaz." in text(response)
    assert snapshot() == before


def test_unit_in_use_cannot_be_removed(demo, client):
    b = signed_in(client, COORDINATOR)
    path = f"/municipalities/{demo.id}"
    park = unit(demo, "park")
    assert db.session.execute(db.select(TaskRecord).filter_by(unit_id=park.id)).first()
    before = snapshot()
    response = b.post(f"{path}/units/{park.id}/remove", form_page=path)
    assert response.status_code == 409
    assert "“Park ve Bahçeler Müdürlüğü” süreçteki görevlerde geçtiği için silinemez." in text(response)
    assert snapshot() == before


def test_unit_with_people_cannot_be_removed(other_town, client):
    b = signed_in(client, "sgm@yesilova.bel.tr")
    office = other_town.units[0]
    worker = User(email="fen@yesilova.bel.tr", full_name="Ömer Çınar", municipality=other_town)
    worker.roles.append(RoleAssignment(role="team_member", municipality=other_town, unit=office))
    db.session.add(worker)
    db.session.commit()
    path = f"/municipalities/{other_town.id}"
    before = snapshot()
    response = b.post(f"{path}/units/{office.id}/remove", form_page=path)
    assert response.status_code == 409
    assert "“Fen İşleri Müdürlüğü” birimine bağlı kişiler var" in text(response)
    assert snapshot() == before


def test_unit_of_a_running_process_cannot_be_removed(other_town, client):
    """Before the nominations exist, the unit is still in the list the running process started with."""
    from stratflow.services import instances
    boss = user("sgm@yesilova.bel.tr")
    instances.start_instance(other_town, boss)
    db.session.commit()
    office = other_town.units[0]
    assert not db.session.execute(db.select(TaskRecord).filter_by(unit_id=office.id)).first()
    b = signed_in(client, "sgm@yesilova.bel.tr")
    path = f"/municipalities/{other_town.id}"
    before = snapshot()
    response = b.post(f"{path}/units/{office.id}/remove", form_page=path)
    assert response.status_code == 409
    assert "yürütülen bir süreçte yer aldığı için silinemez" in text(response)
    assert snapshot() == before
    # a unit added after the start is not part of that process and can go
    assert b.post(f"{path}/units", {"name": "Geç Eklenen Birim"}, form_page=path).status_code == 302
    late = db.session.execute(db.select(SpendingUnit).filter_by(name="Geç Eklenen Birim")).scalar_one()
    assert b.post(f"{path}/units/{late.id}/remove", form_page=path).status_code == 302


# -- people ---------------------------------------------------------------------------------------

PERSON = {"email": "Ali.Veli@Camlitepe.bel.tr", "full_name": "Ali Veli", "title": "İnşaat Mühendisi",
          "phone": "0266 555 11 22", "password": "Güçlü.Parola1"}


def test_add_person_then_sign_in(demo, client):
    b = signed_in(client, COORDINATOR)
    path = f"/municipalities/{demo.id}"
    fen = unit(demo, "fen")
    response = b.post(f"{path}/people", {**PERSON, "roles": ["team_member", "board_member"],
                                         "unit_id": str(fen.id)}, form_page=path)
    assert response.status_code == 302, text(response)[:3000]
    ali = user("ali.veli@camlitepe.bel.tr")
    assert (ali.full_name, ali.title, ali.phone, ali.municipality_id) == (
        "Ali Veli", "İnşaat Mühendisi", "0266 555 11 22", demo.id)
    assert ali.password_hash.startswith("$argon2") and "Güçlü" not in ali.password_hash
    assert sorted((r.role, r.unit_id, r.municipality_id) for r in ali.roles) == [
        ("board_member", None, demo.id), ("team_member", fen.id, demo.id)]
    [event] = audits("user.created")
    assert event.details["roles"] == ["board_member", "team_member@Fen İşleri Müdürlüğü"]
    assert "password" not in event.details and event.details["password_set"] is True
    assert "Ali Veli" in text(b.get(path))
    assert login(client, "ali.veli@camlitepe.bel.tr", "Güçlü.Parola1").status_code == 302


@pytest.mark.parametrize(("change", "field", "message"), [
    ({"email": "ali.veli@"}, "email", "E-posta geçersiz."),
    ({"email": ""}, "email", "E-posta boş olamaz."),
    ({"email": "FEN@camlitepe.bel.tr"}, "email", "Bu e-posta adresiyle kayıtlı bir kişi zaten var."),
    ({"full_name": " "}, "full_name", "Ad Soyad boş olamaz."),
    ({"full_name": "A" * 201}, "full_name", "Ad Soyad en fazla 200 karakter olabilir."),
    ({"title": "U" * 201}, "title", "Unvan en fazla 200 karakter olabilir."),
    ({"phone": "telefonum yok"}, "phone", "Telefon numarası geçersiz."),
    ({"phone": "12"}, "phone", "Telefon numarası geçersiz."),
    ({"roles": []}, "roles", "En az bir rol seçin."),
    ({"roles": ["admin"]}, "roles", "Sistem yöneticisi rolü burada verilemez."),
    ({"roles": ["emperor"]}, "roles", "Geçersiz rol: emperor"),
    ({"roles": ["unit_manager"], "unit_id": ""}, "unit_id",
     "Birim müdürü ve ekip üyesi rolleri için birim seçilmelidir."),
    ({"roles": ["mayor"]}, "unit_id", "Birim yalnızca birim müdürü ya da ekip üyesi rolüyle birlikte seçilir."),
    ({"unit_id": "foreign"}, "unit_id", "Seçilen birim bu belediyeye ait değil."),
    ({"unit_id": "999999"}, "unit_id", "Seçilen birim bu belediyeye ait değil."),
    ({"password": "kısa"}, "password", "Parola 8-128 karakter olmalıdır."),
    ({"password": ""}, "password", "İlk parola boş olamaz."),
])
def test_add_person_rejects_bad_input(other_town, demo, client, change, field, message):
    b = signed_in(client, COORDINATOR)
    path = f"/municipalities/{demo.id}"
    data = {**PERSON, "roles": ["unit_manager"], "unit_id": str(unit(demo, "fen").id), **change}
    if data["unit_id"] == "foreign":  # a unit that exists, but in another municipality
        data["unit_id"] = str(other_town.units[0].id)
    before = snapshot()
    response = b.post(f"{path}/people", data, form_page=path)
    assert response.status_code == 422
    page = text(response)
    assert "Lütfen işaretli alanları düzeltin." in page
    assert f'data-error-for="{field}">{message}' in page
    assert snapshot() == before


def test_edit_person_roles_details_and_password(demo, client):
    b = signed_in(client, COORDINATOR)
    park = user("park@camlitepe.bel.tr")
    path = f"/municipalities/{demo.id}/people/{park.id}"
    page = text(b.get(path))
    assert 'value="park@camlitepe.bel.tr"' in page
    assert re.search(r'<input checked id="roles-\d" name="roles" type="checkbox" value="unit_manager">', page)
    assert len(re.findall(r"<input checked", page)) == 1
    kultur = unit(demo, "kultur")
    response = b.post(path, {"email": "ebru.koc@camlitepe.bel.tr", "full_name": "Ebru Koç",
                             "title": "Kültür Müdürü", "phone": "", "roles": ["unit_manager", "board_member"],
                             "unit_id": str(kultur.id), "password": "Yeni.Parola.7"})
    assert response.status_code == 302, text(response)[:2000]
    park = user("ebru.koc@camlitepe.bel.tr")
    assert park.title == "Kültür Müdürü"
    assert sorted((r.role, r.unit_id) for r in park.roles) == [("board_member", None),
                                                               ("unit_manager", kultur.id)]
    [event] = audits("user.updated")
    changes = event.details["changes"]
    assert changes["email"] == ["park@camlitepe.bel.tr", "ebru.koc@camlitepe.bel.tr"]
    assert changes["password"] == "changed"
    assert changes["roles"] == [["unit_manager@Park ve Bahçeler Müdürlüğü"],
                                ["board_member", "unit_manager@Kültür ve Sosyal İşler Müdürlüğü"]]
    assert login(client, "ebru.koc@camlitepe.bel.tr", "Yeni.Parola.7").status_code == 302


@pytest.mark.parametrize(("change", "field", "message"), [
    ({"roles": []}, "roles", "En az bir rol seçin."),
    ({"unit_id": ""}, "unit_id", "Birim müdürü ve ekip üyesi rolleri için birim seçilmelidir."),
    ({"email": "imar@camlitepe.bel.tr"}, "email", "Bu e-posta adresiyle kayıtlı bir kişi zaten var."),
    ({"email": "yanlış adres"}, "email", "E-posta geçersiz."),
    ({"password": "1234567"}, "password", "Parola 8-128 karakter olmalıdır."),
    ({"phone": "++90"}, "phone", "Telefon numarası geçersiz."),
])
def test_edit_person_rejects_bad_input(demo, client, change, field, message):
    b = signed_in(client, COORDINATOR)
    park = user("park@camlitepe.bel.tr")
    path = f"/municipalities/{demo.id}/people/{park.id}"
    data = {"email": park.email, "full_name": park.full_name, "title": park.title or "", "phone": "",
            "roles": ["unit_manager"], "unit_id": str(unit(demo, "park").id), "password": "", **change}
    before = snapshot()
    response = b.post(path, data)
    assert response.status_code == 422
    assert f'data-error-for="{field}">{message}' in text(response)
    assert snapshot() == before


def test_coordinator_keeps_own_coordinator_role(demo, client):
    b = signed_in(client, COORDINATOR)
    me = user(COORDINATOR)
    path = f"/municipalities/{demo.id}/people/{me.id}"
    before = snapshot()
    response = b.post(path, {"email": me.email, "full_name": me.full_name, "title": me.title,
                             "roles": ["unit_manager"], "unit_id": str(unit(demo, "sgm").id)})
    assert response.status_code == 422
    assert "Kendi koordinatör rolünüzü kaldıramazsınız." in text(response)
    assert snapshot() == before


def test_external_person_only_roles_editable(demo, client):
    """The consultant belongs to no municipality: a coordinator changes only the roles held here."""
    b = signed_in(client, COORDINATOR)
    consultant = user("danisman@aymett.example")
    path = f"/municipalities/{demo.id}/people/{consultant.id}"
    page = text(b.get(path))
    assert "yalnızca bu belediyedeki rollerini değiştirebilirsiniz" in page
    assert 'name="email"' not in page
    response = b.post(path, {"email": "ele.gecirildi@example.com", "full_name": "Başka Biri",
                             "password": "Ele.Gecirildi1", "roles": ["consultant", "board_member"]})
    assert response.status_code == 302
    consultant = user("danisman@aymett.example")
    assert consultant.full_name == "Selin Yalçın"
    assert sorted(r.role for r in consultant.roles) == ["board_member", "consultant"]
    before = snapshot()
    response = b.post(f"{path}/active", {"action": "deactivate"}, form_page=f"/municipalities/{demo.id}")
    assert response.status_code == 403
    assert "yalnızca sistem yöneticisi değiştirebilir" in text(response)
    assert snapshot() == before


def test_deactivate_and_reactivate(demo, client):
    b = signed_in(client, COORDINATOR)
    page = f"/municipalities/{demo.id}"
    zabita = user("zabita@camlitepe.bel.tr")
    response = b.post(f"{page}/people/{zabita.id}/active", {"action": "deactivate"}, form_page=page)
    assert response.status_code == 302
    assert user("zabita@camlitepe.bel.tr").active is False
    refused = login(client, "zabita@camlitepe.bel.tr", "Demo.2024")
    assert refused.status_code == 401 and "Bu hesap devre dışı." in text(refused)
    assert "Devre dışı" in text(b.get(page))
    assert b.post(f"{page}/people/{zabita.id}/active", {"action": "activate"}, form_page=page).status_code == 302
    assert user("zabita@camlitepe.bel.tr").active is True
    assert [e.action for e in audits("user.deactivated") + audits("user.activated")] == [
        "user.deactivated", "user.activated"]


def test_deactivate_refusals(demo, client):
    b = signed_in(client, COORDINATOR)
    page = f"/municipalities/{demo.id}"
    me = user(COORDINATOR)
    before = snapshot()
    response = b.post(f"{page}/people/{me.id}/active", {"action": "deactivate"}, form_page=page)
    assert response.status_code == 400
    assert "Kendi hesabınızı devre dışı bırakamazsınız." in text(response)
    response = b.post(f"{page}/people/{me.id}/active", {"action": "sil"}, form_page=page)
    assert response.status_code == 400
    admin = user(ADMIN)
    assert b.post(f"{page}/people/{admin.id}/active", {"action": "deactivate"}, form_page=page).status_code == 404
    assert snapshot() == before


def test_admin_edits_external_person(demo, client):
    b = signed_in(client, ADMIN)
    consultant = user("danisman@aymett.example")
    path = f"/municipalities/{demo.id}/people/{consultant.id}"
    assert 'name="email"' in text(b.get(path))
    response = b.post(f"{path}/active", {"action": "deactivate"}, form_page=f"/municipalities/{demo.id}")
    assert response.status_code == 302
    assert user("danisman@aymett.example").active is False


def test_stored_address_is_not_judged_again(demo, client):
    """A person created elsewhere (e.g. from the command line) with a special-use domain stays editable."""
    old = User(email="arsiv@belediye.local", full_name="Arşiv Memuru", municipality_id=demo.id)
    old.roles.append(RoleAssignment(role="board_member", municipality_id=demo.id))
    db.session.add(old)
    db.session.commit()
    b = signed_in(client, COORDINATOR)
    path = f"/municipalities/{demo.id}/people/{old.id}"
    response = b.post(path, {"email": "arsiv@belediye.local", "full_name": "Arşiv Memuru", "title": "Şef",
                             "roles": ["board_member"]})
    assert response.status_code == 302
    assert user("arsiv@belediye.local").title == "Şef"
    response = b.post(path, {"email": "yeni@belediye.local", "full_name": "Arşiv Memuru",
                             "roles": ["board_member"]})
    assert response.status_code == 422 and "E-posta geçersiz." in text(response)
