"""A unit manager fills a target card in the browser: two indicators whose weights are wrong
(60 + 30: the form says so while typing and the server refuses it), then right (60 + 40)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from stratflow.extensions import db
from stratflow.models import PlanTarget
from stratflow.services import accounts, plan_content

from . import factories
from .plan_helpers import YEARS, card, manager_of, town_with_plan
from .test_browser import screenshot

pytest_plugins = ["tests.live_server"]
pytestmark = pytest.mark.browser


@pytest.fixture
def bare_card(ctx, definition):
    town, instance, units = town_with_plan(cards=False)
    coordinator = factories.person(town, "coordinator")
    plan_content.save_card(coordinator, instance, card("H1.1", units[0].id, weights=()))
    manager = manager_of(units[0])
    manager.password_hash = accounts.hash_password("Demo.2024")
    db.session.commit()
    return instance.id, manager.email


def _fill_indicator(page, row: int, code: str, weight: str) -> None:
    p = f"indicators-{row}"
    page.locator(f'input[name="{p}-code"]').fill(code)
    page.locator(f'input[name="{p}-name"]').fill(f"Gösterge {row + 1}")
    page.locator(f'input[name="{p}-weight"]').fill(weight)
    page.locator(f'input[name="{p}-baseline"]').fill("10")
    for n, year in enumerate(YEARS):
        page.locator(f'input[name="{p}-values-{year}"]').fill(str(11 + n))
    page.locator(f'select[name="{p}-monitoring"]').select_option("six_monthly")
    page.locator(f'select[name="{p}-reporting"]').select_option("yearly")


def _save(page) -> int:
    with page.expect_response(lambda r: r.request.method == "POST") as response:
        page.locator('[data-test="save-card"]').click()
    page.wait_for_load_state()
    return response.value.status


def test_unit_manager_fills_a_card_weights_wrong_then_right(bare_card, page):
    instance_id, email = bare_card
    page.goto("/login")
    page.locator('input[name="email"]').fill(email)
    page.locator('input[name="password"]').fill("Demo.2024")
    page.get_by_role("button", name="Giriş yap").click()
    expect(page.get_by_role("heading", name="Gelen kutusu", exact=True)).to_be_visible()
    page.goto(f"/instances/{instance_id}/plan/targets/H1.1")
    expect(page.get_by_role("heading", level=1)).to_have_text("Hedef kartı H1.1")
    expect(page.locator('input[name="code"]')).to_be_disabled()  # the unit's card: its code stays
    total = page.locator('[data-test="weight-total"]')

    _fill_indicator(page, 0, "PG1.1.1", "60")
    _fill_indicator(page, 1, "PG1.1.2", "30")
    expect(total).to_have_text(re.compile(r"Ağırlıklar toplamı: 90 — .*tam 100 olmalıdır"))
    assert _save(page) == 422
    expect(page.locator('[data-error-for="indicators"]')).to_have_text(
        "H1.1 hedefinin göstergelerinin ağırlıkları toplamı 90; tam 100 olmalıdır.")
    expect(page.locator('input[name="indicators-1-weight"]')).to_have_value("30")  # what was typed stays
    screenshot(page, "plan-01-weights-90")

    page.locator('input[name="indicators-1-weight"]').fill("40")
    expect(total).to_have_text("Ağırlıklar toplamı: 100")
    assert _save(page) == 302
    expect(page.locator(".flash.success")).to_contain_text("H1.1 hedef kartı kaydedildi.")
    expect(total).to_have_text("Ağırlıklar toplamı: 100")
    screenshot(page, "plan-02-saved")

    db.session.expire_all()
    target = db.session.execute(db.select(PlanTarget).filter_by(code="H1.1")).scalar_one()
    assert [(i.code, int(i.weight)) for i in target.indicators] == [("PG1.1.1", 60), ("PG1.1.2", 40)]
    db.session.commit()
