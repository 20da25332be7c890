"""Sign-in hardening: where the login sends you afterwards, sessions and tokens that end with a
password change, reset, deactivation or logout, and throttling that cannot lock a real user out."""

from __future__ import annotations

import html
import threading
from datetime import UTC, datetime

import pytest
import time_machine

from stratflow.extensions import db
from stratflow.models import ApiToken, AuditEvent, LoginThrottle, User
from stratflow.services import accounts

from .conftest import Browser, signed_in
from .test_api import counting_queries

FEN = "fen@camlitepe.bel.tr"


def _login_to(client, target: str):
    b = Browser(client)
    token = b.csrf("/login")
    return client.post(f"/login?next={target}", data={"email": FEN, "password": "Demo.2024", "csrf_token": token})


@pytest.mark.parametrize("target", [
    "/%09/evil.example/", "/%0a/x", "/%0d%0a/evil.example", "//evil.example/", "/\\evil.example",
    "/%5c%5cevil.example", "https://evil.example/", "javascript:alert(1)", "/%1b/x", "%2F%2Fevil.example",
    "/%E2%80%A8/evil.example", "http:/evil.example", " //evil.example",
])
def test_login_never_redirects_off_site(demo, client, target):
    response = _login_to(client, target)
    assert response.status_code == 302, response.get_data(as_text=True)[:300]
    assert response.headers["Location"] == "/", response.headers["Location"]


def test_login_with_a_nul_in_next_is_refused(demo, client):
    response = _login_to(client, "/%00/x")  # a NUL anywhere in a query string: stratflow/web/inputs.py
    assert response.status_code == 400 and "Location" not in response.headers


@pytest.mark.parametrize("target", ["/instances", "/tasks/abc?x=1", "/municipalities/1#people"])
def test_login_follows_a_same_site_next(demo, client, target):
    response = _login_to(client, target.replace("?", "%3F").replace("#", "%23"))
    assert response.status_code == 302 and response.headers["Location"] == target


# -- sessions and tokens end with a password change, reset, deactivation or logout ----------------

COORDINATOR = "sgm@camlitepe.bel.tr"
NEW_PASSWORD = "Yeni.Parola.2025"


def _user(email: str = FEN) -> User:
    db.session.expire_all()
    return db.session.execute(db.select(User).filter_by(email=email)).scalar_one()


def _token(email: str = FEN) -> str:
    _record, secret = accounts.create_token(_user(email), "takvim")
    db.session.commit()
    return secret


def _api_ok(app, secret: str) -> bool:
    status = app.test_client().get("/api/v1/tasks", headers={"Authorization": f"Bearer {secret}"}).status_code
    assert status in (200, 401), status
    return status == 200


def _calendar_ok(app, secret: str) -> bool:
    status = app.test_client().get(f"/calendar/me.ics?token={secret}").status_code
    assert status in (200, 401), status
    return status == 200


def _sign_in(client, email: str, password: str) -> Browser:
    b = Browser(client)
    response = b.login(email, password)
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    return b


def _signed_in(b: Browser) -> bool:
    response = b.get("/")
    assert response.status_code in (200, 302)
    return response.status_code == 200


def _person_form(user: User, **changes) -> dict:
    form = {"email": user.email, "full_name": user.full_name, "title": user.title or "", "phone": user.phone or "",
            "roles": [r.role for r in user.roles], "password": ""}
    unit = next((r.unit_id for r in user.roles if r.unit_id), None)
    form["unit_id"] = str(unit) if unit else ""
    form.update(changes)
    return form


def test_password_reset_by_the_coordinator_ends_sessions_tokens_and_calendar_urls(demo, app):
    fen = signed_in(app.test_client(), FEN)
    secret = _token()
    assert _signed_in(fen) and _api_ok(app, secret) and _calendar_ok(app, secret)
    coordinator = signed_in(app.test_client(), COORDINATOR)
    user = _user()
    generation, page = user.session_generation, f"/municipalities/{demo.id}/people/{user.id}"
    assert coordinator.post(page, _person_form(user, password=NEW_PASSWORD)).status_code == 302
    assert not _signed_in(fen)
    assert not _api_ok(app, secret) and not _calendar_ok(app, secret)
    assert _user().session_generation == generation + 1
    assert db.session.execute(db.select(ApiToken.revoked_at).filter_by(user_id=user.id)).scalar() is not None
    assert _sign_in(app.test_client(), FEN, NEW_PASSWORD)
    assert _signed_in(coordinator)  # the one who reset it is not affected


def test_changing_an_unrelated_field_keeps_sessions_and_tokens(demo, app):
    fen = signed_in(app.test_client(), FEN)
    secret = _token()
    coordinator = signed_in(app.test_client(), COORDINATOR)
    user = _user()
    assert coordinator.post(f"/municipalities/{demo.id}/people/{user.id}",
                            _person_form(user, title="Fen İşleri Müdürü V.")).status_code == 302
    assert _signed_in(fen) and _api_ok(app, secret)


def test_own_password_change_keeps_this_session_and_tokens_but_ends_the_others(demo, app):
    here, elsewhere = signed_in(app.test_client(), FEN), signed_in(app.test_client(), FEN)
    secret = _token()
    response = here.post("/profile/password", {"current_password": "Demo.2024", "new_password": NEW_PASSWORD,
                                               "confirm_password": NEW_PASSWORD}, form_page="/profile")
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    assert _signed_in(here) and not _signed_in(elsewhere)
    assert _api_ok(app, secret) and _calendar_ok(app, secret)
    assert _sign_in(app.test_client(), FEN, NEW_PASSWORD)
    actions = db.session.execute(db.select(AuditEvent.action).order_by(AuditEvent.id)).scalars().all()
    assert "user.password_changed" in actions


@pytest.mark.parametrize("form, message", [
    ({"current_password": "wrong-one", "new_password": NEW_PASSWORD, "confirm_password": NEW_PASSWORD},
     "Şu anki parolanız hatalı."),
    ({"current_password": "Demo.2024", "new_password": "kısa", "confirm_password": "kısa"},
     "Parola 8-128 karakter olmalıdır."),
    ({"current_password": "Demo.2024", "new_password": NEW_PASSWORD, "confirm_password": NEW_PASSWORD + "x"},
     "Yeni parola ile tekrarı aynı değil."),
    ({"current_password": "Demo.2024", "new_password": "Yeni\x1bParola.25", "confirm_password": "Yeni\x1bParola.25"},
     "Parola denetim karakteri içeremez."),
    ({"current_password": "Demo.2024", "new_password": "Yeni\x00Parola.25", "confirm_password": "Yeni\x00Parola.25"},
     "izin verilmeyen bir denetim karakteri (NUL)"),
])
def test_own_password_change_with_bad_input_changes_nothing(demo, app, form, message):
    here, elsewhere = signed_in(app.test_client(), FEN), signed_in(app.test_client(), FEN)
    before = _user().password_hash
    response = here.post("/profile/password", form, form_page="/profile")
    assert response.status_code in (400, 422)
    assert message in html.unescape(response.get_data(as_text=True))
    assert _user().password_hash == before and _signed_in(elsewhere)


def test_deactivation_ends_sessions_and_tokens_and_reactivation_does_not_revive_them(demo, app):
    fen = signed_in(app.test_client(), FEN)
    secret = _token()
    coordinator = signed_in(app.test_client(), COORDINATOR)
    user = _user()
    page = f"/municipalities/{demo.id}/people/{user.id}/active"
    assert coordinator.post(page, {"action": "deactivate"}, form_page=f"/municipalities/{demo.id}").status_code == 302
    assert not _signed_in(fen) and not _api_ok(app, secret)
    assert coordinator.post(page, {"action": "activate"}, form_page=f"/municipalities/{demo.id}").status_code == 302
    assert _user().active
    assert not _signed_in(fen), "an old session must not come back with the account"
    assert not _api_ok(app, secret) and not _calendar_ok(app, secret)
    assert signed_in(app.test_client(), FEN)


def test_logout_ends_a_captured_cookie_and_every_other_session(demo, app):
    client, other = app.test_client(), app.test_client()
    fen, elsewhere = signed_in(client, FEN), signed_in(other, FEN)
    cookie = client.get_cookie("session").value
    assert fen.post("/logout", form_page="/").status_code == 302
    replay = app.test_client()
    replay.set_cookie("session", cookie, domain="localhost")
    assert replay.get("/").status_code == 302
    assert not _signed_in(elsewhere)  # logging out logs out everywhere


def test_the_user_loader_and_token_lookup_cost_one_query_each(demo, app):
    secret = _token()
    user_id = _user().id
    db.session.remove()
    with counting_queries() as statements:
        assert accounts.user_for_token(secret).email == FEN
    assert len([s for s in statements if s.lstrip().upper().startswith("SELECT")]) == 1, statements
    db.session.remove()
    fen = signed_in(app.test_client(), FEN)
    with app.test_request_context():
        from flask import session
        session["_user_id"] = db.session.get(User, user_id).get_id()
        db.session.remove()
        with counting_queries() as statements:
            assert app.login_manager._user_callback(session["_user_id"]).email == FEN
    assert len([s for s in statements if s.lstrip().upper().startswith("SELECT")]) == 1, statements
    assert _signed_in(fen)


def test_own_password_change_on_the_people_page_keeps_this_session_and_the_tokens(demo, app):
    here, elsewhere = signed_in(app.test_client(), COORDINATOR), signed_in(app.test_client(), COORDINATOR)
    secret = _token(COORDINATOR)
    me = _user(COORDINATOR)
    response = here.post(f"/municipalities/{demo.id}/people/{me.id}", _person_form(me, password=NEW_PASSWORD))
    assert response.status_code == 302
    assert _signed_in(here) and not _signed_in(elsewhere) and _api_ok(app, secret)


# -- throttling: an attacker cannot lock a legitimate user out ---------------------------------------

ATTACKER, OFFICE = "203.0.113.7", "198.51.100.20"


def _from(app, address: str) -> Browser:
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    return Browser(client)


def _attempt(app, address: str, email: str = FEN, password: str = "wrong-guess"):
    return _from(app, address).login(email, password)


def _text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def test_the_right_password_from_another_address_works_while_an_attacker_hammers(demo, app):
    for _ in range(12):
        assert _attempt(app, ATTACKER).status_code in (401, 429)
    assert _attempt(app, OFFICE, password="Demo.2024").status_code == 302
    assert _attempt(app, ATTACKER, password="Demo.2024").status_code == 429  # the attacker still waits


def test_failures_from_one_pair_bring_a_short_growing_wait_not_a_lockout(demo, app):
    with time_machine.travel(datetime(2030, 1, 7, 9, 0, tzinfo=UTC), tick=False) as clock:
        for _ in range(5):
            assert _attempt(app, ATTACKER).status_code == 401
        refused = _attempt(app, ATTACKER, password="Demo.2024")
        assert refused.status_code == 429 and refused.headers["Retry-After"] == "15"
        assert "15 saniye sonra tekrar deneyin" in _text(refused)
        clock.shift(16)
        assert _attempt(app, ATTACKER).status_code == 401  # one more guess after the wait …
        assert _attempt(app, ATTACKER).headers["Retry-After"] == "30"  # … and the wait doubles
        clock.shift(31)
        assert _attempt(app, ATTACKER, password="Demo.2024").status_code == 302  # the owner, once it passed
        assert _attempt(app, ATTACKER).status_code == 401  # and success forgave the earlier failures
    assert db.session.execute(db.select(db.func.count()).select_from(LoginThrottle)
                              .where(LoginThrottle.email == FEN)).scalar() == 1


def test_colleagues_behind_one_address_are_not_locked_out_by_each_others_typos(demo, app):
    emails = [f"{u}@camlitepe.bel.tr" for u in ("fen", "imar", "zabita", "temizlik", "park", "kultur", "destek",
                                                  "mali", "ik", "bilgiislem", "yaziisleri", "baskan")]
    app.config["LOGIN_MAX_FAILURES_PER_ADDRESS"] = 6
    try:
        for email in emails:  # twelve typos from one office, each followed by the right password
            assert _attempt(app, OFFICE, email).status_code == 401
            assert _attempt(app, OFFICE, email, "Demo.2024").status_code == 302
    finally:
        app.config["LOGIN_MAX_FAILURES_PER_ADDRESS"] = 30


def test_many_accounts_guessed_from_one_address_bring_a_wait_for_that_address(demo, app):
    app.config["LOGIN_MAX_FAILURES_PER_ADDRESS"] = 4
    try:
        for local in ("fen", "imar", "park", "zabita"):
            assert _attempt(app, ATTACKER, f"{local}@camlitepe.bel.tr").status_code == 401
        refused = _attempt(app, ATTACKER, "kultur@camlitepe.bel.tr", "Demo.2024")
        assert refused.status_code == 429 and "Çok fazla hatalı giriş denemesi" in _text(refused)
        assert int(refused.headers["Retry-After"]) <= 15
        assert _attempt(app, OFFICE, "kultur@camlitepe.bel.tr", "Demo.2024").status_code == 302
    finally:
        app.config["LOGIN_MAX_FAILURES_PER_ADDRESS"] = 30


def test_concurrent_guesses_never_get_past_the_limit(demo, app, monkeypatch):
    """Twenty guesses at once from one address: at most LOGIN_MAX_FAILURES passwords are checked."""
    checked = []
    real_verify = accounts._verify
    monkeypatch.setattr(accounts, "_verify", lambda stored, given: checked.append(1) or real_verify(stored, given))
    barrier = threading.Barrier(20)
    statuses = []

    def guess():
        browser = _from(app, ATTACKER)
        token = browser.csrf("/login")
        barrier.wait()
        statuses.append(browser.client.post("/login", data={"email": FEN, "password": "wrong",
                                                            "csrf_token": token}).status_code)

    threads = [threading.Thread(target=guess) for _ in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert len(statuses) == 20 and set(statuses) <= {401, 429}, statuses
    assert len(checked) <= app.config["LOGIN_MAX_FAILURES"], len(checked)
    assert statuses.count(401) == len(checked)


def test_guessing_the_current_password_on_the_profile_is_throttled_too(demo, app):
    fen = signed_in(_from(app, ATTACKER).client, FEN)
    wrong = {"current_password": "guess", "new_password": NEW_PASSWORD, "confirm_password": NEW_PASSWORD}
    for _ in range(5):
        assert fen.post("/profile/password", wrong, form_page="/profile").status_code == 422
    refused = fen.post("/profile/password", {**wrong, "current_password": "Demo.2024"}, form_page="/profile")
    assert refused.status_code == 429 and "saniye sonra tekrar deneyin" in _text(refused)
    assert _attempt(app, OFFICE, password="Demo.2024").status_code == 302  # still the owner's account
