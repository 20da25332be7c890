"""The opt-in public plan page (issue 15): /p/<municipality id> and /p/<id>.json without signing in.
Off, no adopted plan, or no such municipality: the same plain 404. On: the adopted plan's goals,
targets with their responsible unit, indicators with their yearly targets and the realisation of
the approved monitoring periods only — never a running period, a person, a note or evidence. The
coordinator switches it on the settings form (audited; bad input changes nothing)."""

from __future__ import annotations

import re

import pytest

from stratflow.extensions import db
from stratflow.models import AuditEvent, LoginThrottle, MunicipalitySettings
from stratflow.services import settings as settings_service

from . import factories
from .plan_helpers import town_with_plan
from .test_settings import SETTINGS_FORM
from .test_year_realisation import ACTUALS, EVIDENCE, NOTE, adopt, approve, enter, login, start


def switch(town, on: bool = True) -> None:
    row = db.session.get(MunicipalitySettings, town.id) or MunicipalitySettings(municipality_id=town.id, due_rules={})
    row.public_plan_page = on
    db.session.add(row)
    db.session.commit()


def without_csrf(html: str) -> str:
    return re.sub(r'name="csrf_token" value="[^"]+"', "", html)


@pytest.fixture
def public(ctx, definition):
    """An adopted plan with an approved January–June 2025 and a running July–December 2025."""
    town, plan, units = town_with_plan()
    adopt(plan)
    first = start(town, plan, 2025, 1)
    enter(first, units)
    approve(town, first)
    second = start(town, plan, 2025, 2)
    enter(second, units, {code: 777.5 for code in ACTUALS})  # entered, but the period is not approved
    switch(town)
    return town, plan, units


def test_the_page_shows_the_adopted_plan_and_only_approved_periods(public, client):
    town, plan, units = public
    response = client.get(f"/p/{town.id}")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Stratejik Plan 2025–2029" in html and town.name in html
    assert 'data-goal="A1"' in html and 'data-target="H1.1"' in html and 'data-target="H2.1"' in html
    assert units[0].name in html and units[1].name in html  # the responsible units
    assert 'data-indicator="PG1.1.1"' in html and ">15<" in html  # the 2029 target
    assert 'data-period="2025-H1"' in html and "2025-H2" not in html and "777" not in html
    h1 = html.split('data-target="H1.1"')[1].split("</div>")[0]
    assert 'data-period="2025-H1" data-rate="70.0"' in h1
    assert "10,5" in h1 and "(%50)" in h1  # PG1.1.1's actual and rate
    periods = html.split('data-test="public-periods"')[1].split("</table>")[0]
    assert 'data-rate="59.0"' in periods and "%59" in periods and "2 / 2" in periods
    for secret in (NOTE, EVIDENCE, "Müdür 1", "mudur0@", "coordinator@", "Coordinator Deneme", "Mayor Deneme",
                   "Hedefler büyük ölçüde yolunda"):
        assert secret not in html, secret
    assert response.headers["Content-Security-Policy"].startswith("default-src 'self'")
    assert response.headers["X-Frame-Options"] == "DENY"


def test_mission_vision_and_values_as_the_process_holds_them(public, client):
    """Set as the board's "looking ahead" step writes them (walking the preparation is other tests' work)."""
    from stratflow.services import versions
    town, plan, _units = public
    workflow = versions.read_workflow(plan)
    workflow.data.update(mission="Yaşanabilir bir kent için hizmet", vision="  ", core_values=[
        {"value": "Şeffaflık", "description": "Açıklık"}, {"value": ""}, "bozuk"])
    plan.state, plan.revision = workflow.dump(), plan.revision + 1
    db.session.commit()
    html = client.get(f"/p/{town.id}").get_data(as_text=True)
    section = html.split('data-test="looking-ahead"')[1].split("</section>")[0]
    assert "Yaşanabilir bir kent için hizmet" in section and "<li>Şeffaflık</li>" in section
    assert "Vizyon" not in section and "Açıklık" not in section  # empty texts and descriptions are not shown
    body = client.get(f"/p/{town.id}.json").get_json()
    assert (body["mission"], body["vision"], body["core_values"]) == ("Yaşanabilir bir kent için hizmet", None,
                                                                      ["Şeffaflık"])


def test_the_json_holds_the_same_and_nothing_personal(public, client):
    town, _plan, units = public
    response = client.get(f"/p/{town.id}.json")
    assert response.status_code == 200 and response.is_json
    body = response.get_json()
    assert body["municipality"] == {"id": town.id, "name": town.name, "province": "Manisa", "type": "ilce"}
    assert body["plan_period"] == {"first_year": 2025, "last_year": 2029}
    assert body["monitoring_periods"] == [{"period": "2025-H1", "label": "Ocak–Haziran 2025",
                                           "plan_realisation": 59.0, "targets_counted": 2}]
    [h11] = [t for g in body["goals"] for t in g["targets"] if t["code"] == "H1.1"]
    assert h11["responsible_unit"] == units[0].name and h11["realisation"] == {"2025-H1": 70.0}
    [pg] = [i for i in h11["indicators"] if i["code"] == "PG1.1.1"]
    assert pg["targets"] == {"2025": 11.0, "2026": 12.0, "2027": 13.0, "2028": 14.0, "2029": 15.0}
    assert pg["realised"] == {"2025-H1": {"actual": 10.5, "rate": 50.0}}
    text = response.get_data(as_text=True)
    assert NOTE not in text and EVIDENCE not in text and "@" not in text and "777" not in text


def test_off_unknown_or_not_adopted_is_the_same_plain_404(public, client):
    town, plan, _units = public
    switch(town, on=False)
    off = client.get(f"/p/{town.id}")
    missing = client.get(f"/p/{town.id + 1000}")
    assert off.status_code == missing.status_code == 404
    assert without_csrf(off.get_data(as_text=True)) == without_csrf(missing.get_data(as_text=True))
    assert town.name not in off.get_data(as_text=True)
    for path in ("/p/abc", "/p/-1", "/p/99999999999", f"/p/{town.id}/x"):
        response = client.get(path)
        assert response.status_code == 404 and response.get_data(as_text=True) == off.get_data(as_text=True), path
    assert client.get(f"/p/{town.id}.json").get_json() == {"error": "not_found"}
    switch(town)
    plan.status = "running"  # a plan whose preparation has not ended is never public
    db.session.commit()
    assert client.get(f"/p/{town.id}").get_data(as_text=True) == off.get_data(as_text=True)
    other, other_plan, _units = town_with_plan("Başka Belediyesi")
    switch(other)
    assert client.get(f"/p/{other.id}").status_code == 404  # on, but no adopted plan


def test_the_query_string_is_never_echoed_and_english_is_offered(public, client):
    town, _plan, _units = public
    html = client.get(f"/p/{town.id}?lang=<script>alert(1)</script>&x=%22%3E").get_data(as_text=True)
    assert "<script>" not in html and "alert(1)" not in html
    assert 'data-test="language"' in html
    english = client.get(f"/p/{town.id}", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "Strategic Plan 2025–2029" in english and "January–June 2025" in english and "59%" in english


def test_too_many_requests_from_one_address_wait(public, client, app, monkeypatch):
    town, _plan, _units = public
    monkeypatch.setitem(app.config, "PUBLIC_MAX_REQUESTS", 3)
    assert [client.get(f"/p/{town.id + 1000}").status_code for _ in range(2)] == [404, 404]  # probing counts
    assert client.get(f"/p/{town.id}").status_code == 200
    refused = client.get(f"/p/{town.id}")
    assert refused.status_code == 429 and int(refused.headers["Retry-After"]) >= 1
    assert "saniye sonra tekrar deneyin" in refused.get_data(as_text=True)
    assert town.name not in refused.get_data(as_text=True)
    assert client.get(f"/p/{town.id}.json").status_code == 429
    db.session.expire_all()
    assert db.session.execute(db.select(LoginThrottle.email)).scalars().all() == ["public-plan-page"]


# -- the setting -------------------------------------------------------------------------------------

def _post(browser, town, **fields):
    return browser.post(f"/municipalities/{town.id}/settings", {**SETTINGS_FORM, **fields},
                        form_page=f"/municipalities/{town.id}")


def _audits():
    db.session.expire_all()
    return list(db.session.execute(db.select(AuditEvent).filter_by(action="municipality.settings_changed")).scalars())


def test_the_coordinator_switches_it_on_and_bad_input_changes_nothing(ctx, definition, client):
    town, plan, _units = town_with_plan()
    adopt(plan)
    browser = login(client, factories.person(town, "coordinator"))
    page = browser.get(f"/municipalities/{town.id}").get_data(as_text=True)
    assert 'name="public_plan_page"' in page and 'data-test="public-page-link"' not in page
    refused = _post(browser, town, public_plan_page="maybe")
    assert refused.status_code == 422
    assert "“açık” ya da “kapalı” seçin" in refused.get_data(as_text=True)
    assert settings_service.current(town).public_plan_page is False and _audits() == []
    assert _post(browser, town, public_plan_page="yes").status_code == 302
    db.session.expire_all()
    assert settings_service.current(town).public_plan_page is True
    [event] = _audits()
    assert event.details["changes"] == {"public_plan_page": [False, True]}
    assert client.get(f"/p/{town.id}").status_code == 200
    page = browser.get(f"/municipalities/{town.id}").get_data(as_text=True)
    assert f'href="/p/{town.id}" data-test="public-page-link"' in page
    assert 'data-test="public-page-link"' in browser.get(f"/municipalities/{town.id}/overview").get_data(as_text=True)
    assert 'data-test="public-page-link"' in browser.get(f"/instances/{plan.id}/plan").get_data(as_text=True)
    assert _post(browser, town).status_code == 302  # a post without the field keeps it
    db.session.expire_all()
    assert settings_service.current(town).public_plan_page is True
    assert _post(browser, town, public_plan_page="no").status_code == 302
    assert client.get(f"/p/{town.id}").status_code == 404
    mayor = login(client.application.test_client(), factories.person(town, "mayor"))
    assert mayor.post(f"/municipalities/{town.id}/settings", {**SETTINGS_FORM, "public_plan_page": "yes"},
                      form_page="/").status_code == 404  # only who manages the municipality
    db.session.expire_all()
    assert settings_service.current(town).public_plan_page is False
