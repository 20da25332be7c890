"""Election kind (issue 13 point 2): a re-run (yenileme) counts the legal deadline from the general
election day, a by-election (ara) from its own day. A re-run without a fitting general election
date is refused on every way a municipality is created or edited — web form, JSON API, sheet import — with a
clear message in Turkish and English, and nothing changes."""

from __future__ import annotations

import html
import io
from datetime import date

import pytest
from sqlalchemy import func

from stratflow.calendar import add_months
from stratflow.extensions import db
from stratflow.models import AuditEvent, Municipality, ProcessInstance, RoleAssignment, User
from stratflow.services import calendars, instances
from stratflow.services.accounts import hash_password

from .conftest import signed_in
from .test_api import api, check  # noqa: F401 - the fixture

COORDINATOR = "sgm@camlitepe.bel.tr"
ADMIN = "yonetici@stratflow.example"
NEW = {"name": "Kuzeykent Belediyesi", "province": "Ordu", "type": "ilce", "population": "40000",
       "election_date": "2019-06-23", "mazbata_date": "2019-06-27", "council_weekday": "tuesday"}
NEEDS_GENERAL = "Yenileme seçiminde genel seçim tarihi girilmelidir"


def snapshot() -> dict:
    rows = db.session.execute(db.select(
        Municipality.id, Municipality.name, Municipality.election_date, Municipality.election_kind,
        Municipality.general_election_date, Municipality.calendar_stamp).order_by(Municipality.id)).all()
    return {"municipality": [tuple(map(str, r)) for r in rows],
            "audit": db.session.execute(db.select(func.count(AuditEvent.id))).scalar()}


def text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def facts(town, **changes) -> dict:
    data = {"name": town.name, "province": town.province, "type": town.type, "population": str(town.population),
            "election_date": town.election_date.isoformat(), "election_kind": town.election_kind,
            "general_election_date": town.general_election_date.isoformat() if town.general_election_date else "",
            "mazbata_date": town.mazbata_date.isoformat() if town.mazbata_date else "",
            "council_weekday": town.council_weekday}
    data.update(changes)
    return data


@pytest.fixture
def admin(demo):
    admin = User(email=ADMIN, full_name="Yönetici İki", password_hash=hash_password("Demo.2024"))
    admin.roles.append(RoleAssignment(role="admin"))
    db.session.add(admin)
    db.session.commit()
    return admin


def fresh(town_id: int) -> Municipality:
    db.session.expire_all()
    return db.session.get(Municipality, town_id)


# -- the web form ---------------------------------------------------------------------------------

def test_admin_creates_a_rerun_counted_from_the_general_election(admin, client):
    b = signed_in(client, ADMIN)
    page = text(b.get("/municipalities/new"))
    assert 'name="election_kind"' in page and "Yenileme seçimi" in page and 'name="general_election_date"' in page
    response = b.post("/municipalities/new",
                      {**NEW, "election_kind": "yenileme", "general_election_date": "31.03.2019"})
    assert response.status_code == 302, text(response)[:2000]
    town = db.session.execute(db.select(Municipality).filter_by(name="Kuzeykent Belediyesi")).scalar_one()
    assert (town.election_kind, town.general_election_date) == ("yenileme", date(2019, 3, 31))
    assert calendars.of(town).schedule.legal_deadline == date(2019, 9, 30)  # not 23 December 2019
    event = db.session.execute(db.select(AuditEvent).filter_by(action="municipality.created")).scalar_one()
    assert event.details["election_kind"] == "yenileme" and event.details["general_election_date"] == "2019-03-31"
    page = text(b.get(f"/municipalities/{town.id}"))
    assert "Yenileme seçimi (YSK kararıyla)" in page
    assert "30 Eylül 2019" in page and "süre 31 Mart 2019 tarihinden sayılır" in page


@pytest.mark.parametrize(("change", "field", "message"), [
    ({"election_kind": "yenileme"}, "general_election_date", NEEDS_GENERAL),
    ({"election_kind": "yenileme", "general_election_date": "2019-06-23"}, "general_election_date",
     "Genel seçim tarihi yenileme seçiminin tarihinden önce olmalıdır."),
    ({"election_kind": "yenileme", "general_election_date": "2019-08-01"}, "general_election_date",
     "Genel seçim tarihi yenileme seçiminin tarihinden önce olmalıdır."),
    ({"election_kind": "yenileme", "general_election_date": "2018-03-25"}, "general_election_date",
     "en fazla 12 ay önce olabilir"),
    ({"election_kind": "yenileme", "general_election_date": "31.02.2019"}, "general_election_date",
     "Genel seçim tarihi geçerli bir tarih değil"),
    ({"election_kind": "genel", "general_election_date": "2019-03-31"}, "general_election_date",
     "yalnızca yenileme seçiminde girilir"),
    ({"election_kind": "ara", "general_election_date": "2019-03-31"}, "general_election_date",
     "yalnızca yenileme seçiminde girilir"),
    ({"election_kind": "erken"}, "election_kind", "Seçim türü listeden seçilmelidir"),
])
def test_create_refuses_a_bad_election_and_saves_nothing(admin, client, change, field, message):
    b = signed_in(client, ADMIN)
    before = snapshot()
    response = b.post("/municipalities/new", {**NEW, **change})
    assert response.status_code == 422
    page = text(response)
    assert "Lütfen işaretli alanları düzeltin." in page
    assert f'data-error-for="{field}">' in page and message in page
    assert snapshot() == before


def test_coordinator_turns_the_election_into_a_rerun_and_the_deadline_moves(demo, client):
    b = signed_in(client, COORDINATOR)
    path = f"/municipalities/{demo.id}"
    election = demo.election_date
    general = add_months(election, -2)
    before = snapshot()
    refused = b.post(path, facts(demo, election_kind="yenileme"))
    assert refused.status_code == 422 and NEEDS_GENERAL in text(refused)
    assert snapshot() == before  # nothing saved, no stamp changed, no audit row
    response = b.post(path, facts(demo, election_kind="yenileme", general_election_date=general.isoformat()))
    assert response.status_code == 302, text(response)[:2000]
    town = fresh(demo.id)
    assert (town.election_kind, town.general_election_date) == ("yenileme", general)
    assert calendars.of(town).schedule.legal_deadline == add_months(general, 6)
    event = db.session.execute(db.select(AuditEvent).filter_by(action="municipality.updated")
                               .order_by(AuditEvent.id.desc())).scalars().first()
    assert event.details["changes"] == {"election_kind": ["genel", "yenileme"],
                                        "general_election_date": [None, general.isoformat()]}
    # the instance page says which day the deadline counts from
    instance_id = db.session.execute(db.select(ProcessInstance.id)
                                     .filter_by(municipality_id=demo.id)).scalar_one()
    page = text(b.get(f"/instances/{instance_id}"))
    assert 'data-test="deadline-counts-from"' in page and "genel seçim günü" in page
    assert "Yenileme seçimi (YSK kararıyla)" in page
    # back to a general election: the general date must go too (never kept silently)
    kept = b.post(path, facts(town, election_kind="genel"))
    assert kept.status_code == 422 and "yalnızca yenileme seçiminde girilir" in text(kept)
    assert b.post(path, facts(town, election_kind="genel", general_election_date="")).status_code == 302
    assert calendars.of(fresh(demo.id)).schedule.legal_deadline == add_months(election, 6)


def test_a_by_election_counts_from_its_own_day(demo, client):
    b = signed_in(client, COORDINATOR)
    assert b.post(f"/municipalities/{demo.id}", facts(demo, election_kind="ara")).status_code == 302
    town = fresh(demo.id)
    sched = calendars.of(town).schedule
    assert town.election_kind == "ara" and sched.deadline_counts_from == town.election_date
    assert sched.legal_deadline == add_months(town.election_date, 6)
    assert "Ara seçim" in text(b.get(f"/municipalities/{demo.id}"))


def test_the_refusal_in_english(demo, client):
    coordinator = db.session.execute(db.select(User).filter_by(email=COORDINATOR)).scalar_one()
    coordinator.locale = "en"
    db.session.commit()
    b = signed_in(client, COORDINATOR)
    before = snapshot()
    response = b.post(f"/municipalities/{demo.id}", facts(demo, election_kind="yenileme"))
    assert response.status_code == 422
    assert "A re-run election needs the general election's date" in text(response)
    assert snapshot() == before


def test_start_data_carries_the_election_kind(demo):
    demo.election_kind, demo.general_election_date = "yenileme", add_months(demo.election_date, -1)
    data = instances.start_data(demo)["municipality"]
    assert data["election_kind"] == "yenileme"
    assert data["general_election_date"] == demo.general_election_date.isoformat()
    db.session.rollback()


# -- the JSON API ---------------------------------------------------------------------------------

API_NEW = {**NEW, "population": 40000}


def test_api_creates_reads_and_patches_a_rerun(admin, api):  # noqa: F811
    caller = api(ADMIN)
    body = check(caller.post("/municipalities", {**API_NEW, "election_kind": "yenileme",
                                                 "general_election_date": "2019-03-31"}),
                 "post", "/municipalities", 201)
    assert body["election"] == {"kind": "yenileme", "date": "2019-06-23", "general_election_date": "2019-03-31",
                                "deadline_counts_from": "2019-03-31", "legal_deadline": "2019-09-30"}
    town_id = body["id"]
    read = check(caller.get(f"/municipalities/{town_id}"), "get", "/municipalities/{municipality_id}", 200)
    assert read == body
    patched = caller.client.patch(f"/api/v1/municipalities/{town_id}", headers=caller.headers,
                                  json={"election_kind": "ara", "general_election_date": None})
    body = check(patched, "patch", "/municipalities/{municipality_id}", 200)
    assert body["election"]["deadline_counts_from"] == "2019-06-23" and body["election"]["legal_deadline"] == \
        "2019-12-23"


@pytest.mark.parametrize(("change", "message"), [
    ({"election_kind": "yenileme"}, NEEDS_GENERAL),
    ({"election_kind": "yenileme", "general_election_date": "2019-07-01"}, "önce olmalıdır"),
    ({"election_kind": "genel", "general_election_date": "2019-03-31"}, "yalnızca yenileme seçiminde"),
])
def test_api_refuses_a_rerun_without_a_fitting_general_date(admin, api, change, message):  # noqa: F811
    caller = api(ADMIN)
    before = snapshot()
    reply = check(caller.post("/municipalities", {**API_NEW, **change}), "post", "/municipalities", 422)
    assert reply["error"]["code"] == "validation" and message in reply["error"]["fields"]["general_election_date"]
    assert snapshot() == before


def test_api_patch_refuses_and_changes_nothing(demo, api):  # noqa: F811
    caller = api(COORDINATOR)
    before = snapshot()
    reply = check(caller.client.patch(f"/api/v1/municipalities/{demo.id}", headers=caller.headers,
                                      json={"election_kind": "yenileme"}),
                  "patch", "/municipalities/{municipality_id}", 422)
    assert NEEDS_GENERAL in reply["error"]["fields"]["general_election_date"]
    assert snapshot() == before
    unknown = check(caller.client.patch(f"/api/v1/municipalities/{demo.id}", headers=caller.headers,
                                        json={"election_kind": "erken"}),
                    "patch", "/municipalities/{municipality_id}", 422)
    assert "election_kind" in unknown["error"]["fields"]
    assert snapshot() == before


def test_api_refusal_in_english_and_out_of_scope_is_404(demo, api):  # noqa: F811
    coordinator = db.session.execute(db.select(User).filter_by(email=COORDINATOR)).scalar_one()
    coordinator.locale = "en"
    db.session.commit()
    caller = api(COORDINATOR)
    reply = check(caller.client.patch(f"/api/v1/municipalities/{demo.id}", headers=caller.headers,
                                      json={"election_kind": "yenileme"}),
                  "patch", "/municipalities/{municipality_id}", 422)
    assert "A re-run election needs the general election's date" in reply["error"]["fields"]["general_election_date"]
    mayor = api("baskan@camlitepe.bel.tr")
    check(mayor.get(f"/municipalities/{demo.id}"), "get", "/municipalities/{municipality_id}", 404)
    check(mayor.post("/municipalities", API_NEW), "post", "/municipalities", 404)
    before = snapshot()
    check(mayor.client.patch(f"/api/v1/municipalities/{demo.id}", headers=mayor.headers,
                             json={"population": 5}), "patch", "/municipalities/{municipality_id}", 404)
    assert snapshot() == before


def test_api_instance_says_which_day_the_deadline_counts_from(demo, api):  # noqa: F811
    instance_id = db.session.execute(db.select(ProcessInstance.id)
                                     .filter_by(municipality_id=demo.id)).scalar_one()
    body = check(api(COORDINATOR).get(f"/instances/{instance_id}"), "get", "/instances/{instance_id}", 200)
    assert body["election"]["kind"] == "genel"
    assert body["election"]["deadline_counts_from"] == demo.election_date.isoformat()


# -- the sheet import (administrators) ------------------------------------------------------------

HEADER = "Belediye Adı;İl;Tür;Nüfus;Seçim Tarihi;Seçim Türü;Genel Seçim Tarihi;Mazbata Tarihi;Meclis Günü"


def _upload(b, text_: str, filename: str = "belediyeler.csv"):
    return b.post("/municipalities/import", {"file": (io.BytesIO(text_.encode()), filename)},
                  form_page="/municipalities/new")


def test_import_creates_a_rerun_a_by_election_and_a_general_election(admin, client):
    b = signed_in(client, ADMIN)
    sheet = "\n".join([HEADER, "Kuzeykent Belediyesi;Ordu;İlçe;40.000;23.06.2019;Yenileme seçimi;31.03.2019;;Salı",
                       "Güneykent Belediyesi;Muğla;belde;9000;2026-06-07;ara;;;Çarşamba",
                       "Batıkent Belediyesi;Van;il;120000;31.03.2024;;;2024-04-04;monday"])
    response = _upload(b, sheet)
    assert response.status_code == 302, text(response)[:3000]
    towns = {m.name: m for m in db.session.execute(db.select(Municipality)).scalars()}
    rerun, by, general = towns["Kuzeykent Belediyesi"], towns["Güneykent Belediyesi"], towns["Batıkent Belediyesi"]
    assert (rerun.type, rerun.election_kind, rerun.general_election_date, rerun.council_weekday) == \
        ("ilce", "yenileme", date(2019, 3, 31), "tuesday")
    assert calendars.of(rerun).schedule.legal_deadline == date(2019, 9, 30)
    assert (by.election_kind, calendars.of(by).schedule.legal_deadline) == ("ara", date(2026, 12, 7))
    assert (general.election_kind, general.general_election_date) == ("genel", None)
    template = b.get("/municipalities/import/municipalities.xlsx")
    assert template.status_code == 200 and template.data.startswith(b"PK")


def test_import_refuses_a_rerun_without_its_general_date_and_adds_nothing(admin, client):
    b = signed_in(client, ADMIN)
    sheet = "\n".join([HEADER, "Batıkent Belediyesi;Van;il;120000;31.03.2024;genel;;;monday",
                       "Kuzeykent Belediyesi;Ordu;ilçe;40000;23.06.2019;yenileme;;;Salı",
                       "Doğukent Belediyesi;Ordu;ilçe;40000;23.06.2019;yenileme;01.07.2019;;Salı",
                       "Kuzeykent Belediyesi;Ordu;ilçe;40000;23.06.2019;erken;;;Salı"])
    before = snapshot()
    response = _upload(b, sheet)
    assert response.status_code == 422
    page = text(response)
    assert "Hiçbir kayıt eklenmedi" in page
    assert f"Satır 3: Genel Seçim Tarihi: {NEEDS_GENERAL}" in page
    assert "Satır 4: Genel Seçim Tarihi: Genel seçim tarihi yenileme seçiminin tarihinden önce olmalıdır." in page
    assert "Satır 5: Seçim Türü: Seçim türü listeden seçilmelidir" in page
    assert snapshot() == before


def test_only_an_administrator_imports_municipalities(demo, client):
    b = signed_in(client, COORDINATOR)
    before = snapshot()
    token = b.csrf(f"/municipalities/{demo.id}")
    response = b.client.post("/municipalities/import", data={
        "csrf_token": token, "file": (io.BytesIO((HEADER + "\nX;Ordu;il;1;2024-03-31;;;;Salı").encode()), "b.csv")})
    assert response.status_code == 404
    assert b.get("/municipalities/import/municipalities.xlsx").status_code == 404
    assert snapshot() == before


def test_a_form_without_the_election_kind_keeps_the_rerun(demo, client):
    general = add_months(demo.election_date, -1)
    demo.election_kind, demo.general_election_date = "yenileme", general
    db.session.commit()
    b = signed_in(client, COORDINATOR)
    data = facts(demo, population="91000")
    del data["election_kind"], data["general_election_date"]
    assert b.post(f"/municipalities/{demo.id}", data).status_code == 302
    town = fresh(demo.id)
    assert (town.population, town.election_kind, town.general_election_date) == (91000, "yenileme", general)


def test_the_model_and_the_calendar_know_the_same_kinds():
    from stratflow import calendar
    from stratflow.models import org
    assert org.ELECTION_KINDS == calendar.ELECTION_KINDS == ("genel", "yenileme", "ara")
