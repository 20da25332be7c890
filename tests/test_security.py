"""Sign-in, throttling, CSRF, headers and scoping of every object to the user's roles."""

from datetime import date

from stratflow.extensions import db
from stratflow.models import (
    LoginThrottle,
    Municipality,
    ProcessInstance,
    RoleAssignment,
    SpendingUnit,
    TaskRecord,
    User,
)
from stratflow.services import instances
from stratflow.services.accounts import hash_password

from .conftest import Browser, signed_in


def _other_municipality():
    """A second municipality with its own coordinator and a running process."""
    town = Municipality(name="Denizköy Belediyesi", province="İzmir", type="ilce", population=60000,
                        election_date=date(2024, 3, 31), mazbata_date=date(2024, 4, 4))
    unit = SpendingUnit(municipality=town, name="Fen İşleri Müdürlüğü", code="fen2")
    db.session.add_all([town, unit])
    user = User(email="sgm@denizkoy.bel.tr", full_name="Deniz Koordinatör", password_hash=hash_password("Demo.2024"),
                municipality=town)
    user.roles.append(RoleAssignment(role="coordinator", municipality=town))
    db.session.add(user)
    db.session.flush()
    instance = instances.start_instance(town, user)
    db.session.commit()
    return town, instance


def test_wrong_password_is_refused_and_counted(demo, client):
    b = Browser(client)
    r = b.login("fen@camlitepe.bel.tr", "wrong")
    assert r.status_code == 401
    assert "E-posta adresi veya parola hatalı." in r.get_data(as_text=True)
    buckets = db.session.execute(db.select(LoginThrottle.email, LoginThrottle.failures)).all()
    assert sorted(buckets) == [("", 1), ("fen@camlitepe.bel.tr", 1)]  # the address, and e-mail + address


def test_login_from_one_address_waits_after_repeated_failures_even_with_right_password(demo, client):
    b = Browser(client)
    for _ in range(5):
        assert b.login("fen@camlitepe.bel.tr", "wrong").status_code == 401
    r = b.login("fen@camlitepe.bel.tr", "Demo.2024")
    assert r.status_code == 429 and r.headers["Retry-After"]
    assert "Çok fazla hatalı giriş denemesi" in r.get_data(as_text=True)
    # Another account is not affected.
    assert Browser(client.application.test_client()).login("imar@camlitepe.bel.tr").status_code == 302


def test_unknown_email_and_empty_form(demo, client):
    b = Browser(client)
    assert b.login("nobody@example.com", "x").status_code == 401
    r = b.post("/login", {"email": "", "password": ""})
    assert r.status_code == 400
    assert "E-posta adresinizi girin." in r.get_data(as_text=True)


def test_post_without_csrf_token_is_refused(demo, client):
    b = signed_in(client, "fen@camlitepe.bel.tr")
    task = db.session.execute(db.select(TaskRecord).filter_by(state="open", bpmn_id="team_nomination")
                              .where(TaskRecord.unit.has(code="fen"))).scalar_one()
    r = client.post(f"/tasks/{task.id}", data={"action": "submit", "no_nominee": "1",
                                               "no_nominee_reason": "Personel yok."})
    assert r.status_code == 400
    assert "güvenlik doğrulaması" in r.get_data(as_text=True)
    assert db.session.get(TaskRecord, task.id).state == "open"
    assert b.get("/").status_code == 200


def test_pages_need_sign_in(demo, client):
    assert client.get("/").status_code == 302
    assert client.get("/instances").headers["Location"].startswith("/login")


def test_security_headers_and_cookie_flags(demo, client):
    r = Browser(client).login("fen@camlitepe.bel.tr")
    cookie = r.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    page = client.get("/")
    assert page.headers["X-Frame-Options"] == "DENY"
    assert "default-src 'self'" in page.headers["Content-Security-Policy"]


def test_foreign_municipality_objects_are_404(demo, client):
    _town, foreign = _other_municipality()
    foreign_task = db.session.execute(db.select(TaskRecord).filter_by(instance_id=foreign.id)).scalars().first()
    b = signed_in(client, "sgm@camlitepe.bel.tr")
    assert b.get(f"/instances/{foreign.id}").status_code == 404
    assert b.get(f"/tasks/{foreign_task.id}").status_code == 404
    page = b.get("/instances").get_data(as_text=True)
    assert "Denizköy" not in page
    # And the other way round.
    other = signed_in(client.application.test_client(), "sgm@denizkoy.bel.tr")
    own = db.session.execute(db.select(ProcessInstance).filter_by(municipality_id=demo.id)).scalar_one()
    assert other.get(f"/instances/{own.id}").status_code == 404


def test_unit_manager_cannot_open_instance_page(demo, client):
    instance = db.session.execute(db.select(ProcessInstance)).scalar_one()
    b = signed_in(client, "fen@camlitepe.bel.tr")
    assert b.get(f"/instances/{instance.id}").status_code == 404


def test_consultant_sees_instance_but_cannot_complete(demo, client):
    instance = db.session.execute(db.select(ProcessInstance)).scalar_one()
    task = db.session.execute(
        db.select(TaskRecord).filter_by(state="open", bpmn_id="team_nomination")).scalars().first()
    b = signed_in(client, "danisman@aymett.example")
    assert b.get(f"/instances/{instance.id}").status_code == 200
    page = b.get(f"/tasks/{task.id}").get_data(as_text=True)
    assert 'value="submit"' not in page  # read-only
    r = b.post(f"/tasks/{task.id}", {"action": "submit", "no_nominee": "1", "no_nominee_reason": "Yok, yok."})
    assert r.status_code == 403  # as in the API: a viewer may look, not act
    assert db.session.get(TaskRecord, task.id).state == "open"
    assert b.get("/").get_data(as_text=True).count("data-task=") == 0


def test_coordinator_cannot_start_a_second_process(demo, client):
    b = signed_in(client, "sgm@camlitepe.bel.tr")
    r = b.post(f"/municipalities/{demo.id}/start", form_page="/instances", follow_redirects=True)
    assert "zaten yürütülüyor" in r.get_data(as_text=True)
    assert db.session.execute(db.select(db.func.count(ProcessInstance.id))).scalar() == 1


def test_unit_manager_cannot_start_a_process(demo, client):
    b = signed_in(client, "fen@camlitepe.bel.tr")
    assert b.post(f"/municipalities/{demo.id}/start", form_page="/instances").status_code == 404


def test_language_choice_is_kept_per_user(demo, client):
    b = signed_in(client, "fen@camlitepe.bel.tr")
    assert '<html lang="tr">' in b.get("/").get_data(as_text=True)
    b.post("/language", {"locale": "en"}, form_page="/")
    assert '<html lang="en">' in b.get("/").get_data(as_text=True)
    assert db.session.execute(db.select(User.locale).filter_by(email="fen@camlitepe.bel.tr")).scalar() == "en"
    assert b.post("/language", {"locale": "xx"}, form_page="/").status_code == 302
    assert db.session.execute(db.select(User.locale).filter_by(email="fen@camlitepe.bel.tr")).scalar() == "en"


def test_out_of_range_ids_are_404_not_500(demo, client):
    b = signed_in(client, "sgm@camlitepe.bel.tr")
    assert b.get("/instances/100000000000000000000").status_code == 404
    assert b.get("/tasks/" + "x" * 500).status_code == 404


def test_every_demo_account_can_sign_in(demo, app):
    emails = db.session.execute(db.select(User.email)).scalars().all()
    assert "admin@stratflow.example" in emails
    for email in emails:
        assert signed_in(app.test_client(), email)


def test_deactivating_a_user_ends_their_open_session(demo, client):
    b = signed_in(client, "fen@camlitepe.bel.tr")
    assert b.get("/").status_code == 200
    user = db.session.execute(db.select(User).filter_by(email="fen@camlitepe.bel.tr")).scalar_one()
    user.active = False
    db.session.commit()
    assert b.get("/").status_code == 302


def test_many_accounts_tried_from_one_address_are_throttled(demo, app):
    app.config["LOGIN_MAX_FAILURES_PER_ADDRESS"] = 4
    try:
        emails = ["fen@", "imar@", "park@", "zabita@"]
        for e in emails:
            assert Browser(app.test_client()).login(e + "camlitepe.bel.tr", "wrong").status_code == 401
        r = Browser(app.test_client()).login("kultur@camlitepe.bel.tr")
        assert r.status_code == 429 and "Çok fazla hatalı giriş denemesi" in r.get_data(as_text=True)
    finally:
        app.config["LOGIN_MAX_FAILURES_PER_ADDRESS"] = 30


def test_coordinator_cannot_edit_an_account_that_opens_another_municipality(demo, client):
    town, _instance = _other_municipality()
    fen = db.session.execute(db.select(User).filter_by(email="fen@camlitepe.bel.tr")).scalar_one()
    fen.roles.append(RoleAssignment(role="coordinator", municipality_id=town.id))
    db.session.commit()
    from stratflow.services import people
    coordinator = db.session.execute(db.select(User).filter_by(email="sgm@camlitepe.bel.tr")).scalar_one()
    assert not people.can_edit_details(coordinator, fen, demo)
    b = signed_in(client, "sgm@camlitepe.bel.tr")
    before = db.session.execute(db.select(User.password_hash).filter_by(id=fen.id)).scalar()
    b.post(f"/municipalities/{demo.id}/people/{fen.id}",
           {"email": fen.email, "full_name": fen.full_name, "password": "Yeni.Parola.2024", "roles": "unit_manager"})
    assert db.session.execute(db.select(User.password_hash).filter_by(id=fen.id)).scalar() == before


def test_https_setting_makes_cookies_secure_and_sends_hsts(demo, app, monkeypatch):
    from stratflow import create_app
    from stratflow.config import from_environment

    monkeypatch.setenv("STRATFLOW_HTTPS", "1")
    settings = from_environment()
    assert settings["HTTPS"] and settings["SESSION_COOKIE_SECURE"] and settings["REMEMBER_COOKIE_SECURE"]
    monkeypatch.delenv("STRATFLOW_HTTPS")
    assert not from_environment()["SESSION_COOKIE_SECURE"] and not from_environment()["HTTPS"]

    secure = create_app({key: app.config[key] for key in ("TESTING", "SECRET_KEY", "SERVER_NAME",
                                                          "PASSWORD_HASH_FAST", "SQLALCHEMY_DATABASE_URI",
                                                          "SQLALCHEMY_ENGINE_OPTIONS")} | {"HTTPS": True})
    secure.test_client_class = type(app.test_client())
    client = secure.test_client()
    client.environ_base.update({"wsgi.url_scheme": "https", "HTTP_REFERER": "https://localhost/login"})
    response = Browser(client).login("fen@camlitepe.bel.tr")  # (CSRF over HTTPS checks the referrer)
    assert response.status_code == 302
    assert "Secure" in response.headers["Set-Cookie"]
    assert response.headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    assert "Strict-Transport-Security" not in app.test_client().get("/login").headers  # plain HTTP (dev)


def test_behind_a_trusted_proxy_throttling_sees_the_clients_address(app):
    """STRATFLOW_PROXY_HOPS=1: the address is the forwarded one (not the proxy's), and only the last
    hop is trusted, so a client cannot choose its address by sending its own X-Forwarded-For."""
    from flask import request

    from stratflow import create_app
    proxied = create_app({key: app.config[key] for key in ("TESTING", "SECRET_KEY", "SQLALCHEMY_DATABASE_URI")}
                         | {"PROXY_HOPS": 1})
    seen = []

    @proxied.get("/_address")
    def _address():
        seen.append(request.remote_addr)
        return "ok"

    client = proxied.test_client()
    client.get("/_address", headers={"X-Forwarded-For": "203.0.113.7"}, environ_base={"REMOTE_ADDR": "10.0.0.2"})
    client.get("/_address", headers={"X-Forwarded-For": "198.51.100.1, 203.0.113.8"},
               environ_base={"REMOTE_ADDR": "10.0.0.2"})
    client.get("/_address", environ_base={"REMOTE_ADDR": "10.0.0.3"})
    assert seen == ["203.0.113.7", "203.0.113.8", "10.0.0.3"]
