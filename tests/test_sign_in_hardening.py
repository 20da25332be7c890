"""Sign-in hardening: where the login sends you afterwards, sessions and tokens that end with a
password change, reset, deactivation or logout, and throttling that cannot lock a real user out."""

from __future__ import annotations

import pytest

from .conftest import Browser

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
