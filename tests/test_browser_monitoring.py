"""The monitoring in a real browser (issue 15): the coordinator starts the first half of 2025 on
the adopted plan's page; the unit manager finds "2 göstergenin … gerçekleşme değerlerini gir" in
the inbox, the form already lists the indicators with their targets, enters the actuals and sends;
the realisation page shows the target's weighted rate."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from stratflow.extensions import db
from stratflow.services import accounts

from . import factories
from .plan_helpers import manager_of, town_with_plan
from .test_browser import sign_in, sign_out, submit

pytest_plugins = ["tests.live_server"]
pytestmark = pytest.mark.browser


@pytest.fixture
def adopted(ctx, definition):
    town, plan, units = town_with_plan()
    plan.status = "completed"  # adopted: walking the preparation to its end is test_strategic_plan's work
    coordinator, manager = factories.person(town, "coordinator"), manager_of(units[0])
    for user in (coordinator, manager):
        user.password_hash = accounts.hash_password("Demo.2024")
    found = plan.id, coordinator.email, manager.email  # plain values: the test holds no transaction
    db.session.commit()
    return found


def test_a_unit_enters_its_actuals_and_the_realisation_follows(adopted, page):
    plan_id, coordinator, manager = adopted
    sign_in(page, coordinator)
    page.goto(f"/instances/{plan_id}/plan")
    form = page.locator('form[data-form="monitoring-start"]')
    form.locator('select[name="year"]').select_option("2025")
    form.locator('select[name="half"]').select_option("1")
    form.get_by_role("button", name="İzleme dönemini başlat").click()
    expect(page.locator(".flash.success")).to_contain_text("İzleme dönemi başlatıldı")
    sign_out(page)

    sign_in(page, manager)
    page.get_by_role("link", name="2 göstergenin Ocak–Haziran 2025 gerçekleşme değerlerini gir").click()
    expect(page.locator('input[name="rows-0-indicator_code"]')).to_have_value("PG1.1.1")
    expect(page.locator('input[name="rows-0-planned"]')).to_have_value("11.0")
    page.locator('input[name="rows-0-actual"]').fill("10.5")
    page.locator('input[name="rows-1-actual"]').fill("11")
    assert submit(page) == 302
    expect(page.locator(".flash.success")).to_be_visible()
    sign_out(page)

    sign_in(page, coordinator)
    page.goto(f"/instances/{plan_id}/plan")
    page.locator('[data-test="realisation-link"]').first.click()
    expect(page.locator('tr[data-target="H1.1"] td[data-rate]')).to_have_attribute("data-rate", "70.0")
