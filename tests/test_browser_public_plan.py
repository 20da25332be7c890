"""The public plan page in a real browser (issue 15): the coordinator switches it on in the
municipality's settings; an anonymous visitor (another browser context: no cookies) reads the
adopted plan's targets and their realisation, switches to English; the coordinator switches it off
and the visitor gets the plain 404."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from stratflow.extensions import db
from stratflow.services import accounts

from . import factories
from .conftest import ROOT
from .plan_helpers import town_with_plan
from .test_browser import sign_in
from .test_year_realisation import adopt, approve, enter, start

ARTIFACTS = ROOT / "test-artifacts"
pytest_plugins = ["tests.live_server"]
pytestmark = pytest.mark.browser


@pytest.fixture
def monitored(ctx, definition):
    town, plan, units = town_with_plan()
    adopt(plan)
    started = start(town, plan)
    enter(started, units)
    approve(town, started)
    coordinator = factories.person(town, "coordinator")
    coordinator.password_hash = accounts.hash_password("Demo.2024")
    found = town.id, town.name, coordinator.email  # plain values: the test holds no transaction
    db.session.commit()
    return found


def _set(page, town_id: int, choice: str) -> None:
    page.goto(f"/municipalities/{town_id}")
    form = page.locator('form[data-form="settings"]')
    form.locator('select[name="public_plan_page"]').select_option(choice)
    form.get_by_role("button", name="Ayarları kaydet").click()
    expect(page.locator(".flash.success")).to_contain_text("Ayarlar kaydedildi")


def test_switched_on_an_anonymous_visitor_reads_the_plan_then_off_it_is_gone(monitored, page, chromium, live_server):
    town_id, town_name, coordinator = monitored
    sign_in(page, coordinator)
    _set(page, town_id, "yes")
    expect(page.locator('[data-test="public-page-link"]')).to_have_attribute("href", f"/p/{town_id}")

    visitor = chromium.new_context(base_url=live_server.url, locale="tr-TR")
    visitor.set_default_timeout(15_000)
    anonymous = visitor.new_page()
    try:
        response = anonymous.goto(f"/p/{town_id}")
        assert response.status == 200
        expect(anonymous.get_by_role("heading", name="Stratejik Plan 2025–2029")).to_be_visible()
        expect(anonymous.locator(".brand")).to_have_text(town_name)
        expect(anonymous.locator('[data-target="H1.1"] .chip[data-period="2025-H1"]')).to_have_attribute(
            "data-rate", "70.0")
        expect(anonymous.locator('[data-test="public-periods"] tr[data-period="2025-H1"]')).to_contain_text("%59")
        ARTIFACTS.mkdir(exist_ok=True)
        anonymous.screenshot(path=str(ARTIFACTS / "public-plan-page.png"), full_page=True)
        anonymous.locator('[data-test="language"]').click()
        expect(anonymous.get_by_role("heading", name="Strategic Plan 2025–2029")).to_be_visible()
        expect(anonymous.locator('[data-test="public-periods"]')).to_contain_text("January–June 2025")

        _set(page, town_id, "no")
        gone = anonymous.goto(f"/p/{town_id}")
        assert gone.status == 404
        expect(anonymous.locator("body")).not_to_contain_text(town_name)
    finally:
        visitor.close()
