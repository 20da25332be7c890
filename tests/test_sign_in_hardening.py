"""Sign-in hardening: where the login sends you afterwards, sessions and tokens that end with a
password change, reset, deactivation or logout, and throttling that cannot lock a real user out."""

from __future__ import annotations

import html

import pytest

from stratflow.extensions import db
from stratflow.models import ApiToken, AuditEvent, User
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
    "/%5c%5cevil.example", "https://evil.example/", "javascript:alert(1)", "/%00/x", "%2F%2Fevil.example",
    "/%E2%80%A8/evil.example", "http:/evil.example", " //evil.example",
])
def test_login_never_redirects_off_site(demo, client, target):
    response = _login_to(client, target)
    assert response.status_code == 302, response.get_data(as_text=True)[:300]
    assert response.headers["Location"] == "/", response.headers["Location"]


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
    ({"current_password": "Demo.2024", "new_password": "Yeni\x00Parola.25", "confirm_password": "Yeni\x00Parola.25"},
     "Parola denetim karakteri içeremez."),
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
