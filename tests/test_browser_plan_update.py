"""The plan update in a real browser (issue 15): the coordinator opens an update on the adopted
plan's page with its reason; the planning team changes a remaining year's value on a target card
(a past year's value is refused on the form), completes its step; the board and the mayor approve,
the clerk records the encümen's opinion and the council's decision; the versions page shows the
update's version with it."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import time_machine
from playwright.sync_api import expect

from stratflow.extensions import db
from stratflow.models import RoleAssignment, TaskRecord, User
from stratflow.services import accounts, plan_versions

from . import factories
from .plan_helpers import town_with_plan
from .test_browser import sign_in, sign_out, submit

pytest_plugins = ["tests.live_server"]
pytestmark = pytest.mark.browser
PEOPLE = {"team_member": "ekip@deneme.example", "board_member": "kurul@deneme.example",
          "council_clerk": "yaziisleri@deneme.example"}


YEAR = 2026  # the clock of the whole test (the live server's too): the plan's second year


@pytest.fixture
def adopted(ctx, definition):
    """The 2025–2029 plan in force on 2 March 2026 (past its first year: 2027–2029 remain)."""
    traveller = time_machine.travel(datetime(YEAR, 3, 2, 9, 0, tzinfo=UTC), tick=True)
    traveller.start()
    yield _adopted()
    traveller.stop()


def _adopted():
    town, plan, _units = town_with_plan()
    coordinator, mayor = factories.person(town, "coordinator"), factories.person(town, "mayor")
    plan_versions.freeze(plan, coordinator, "draft_review")
    plan.status = "completed"
    people = [coordinator, mayor]
    for role, email in PEOPLE.items():
        user = User(email=email, full_name=role, municipality=town)
        user.roles.append(RoleAssignment(role=role, municipality=town))
        db.session.add(user)
        people.append(user)
    for user in people:
        user.password_hash = accounts.hash_password("Demo.2024")
    found = plan.id, coordinator.email, mayor.email  # plain values: the test holds no transaction
    db.session.commit()
    return found


def _task(bpmn_id: str) -> str:
    [record] = db.session.execute(db.select(TaskRecord).filter_by(state="open", bpmn_id=bpmn_id)).scalars().all()
    found = record.id
    db.session.commit()  # release the lock before the browser acts
    return found


def _work(page, email: str, bpmn_id: str, fields: dict) -> None:
    sign_in(page, email)
    page.goto(f"/tasks/{_task(bpmn_id)}")
    for name, value in fields.items():
        field = page.locator(f'[name="{name}"]')
        if field.evaluate("e => e.tagName") == "SELECT":
            field.select_option(value)
        else:
            field.fill(value)
    assert submit(page) == 302, page.locator(".field-error").all_inner_texts()
    expect(page.locator(".flash.success")).to_be_visible()
    sign_out(page)


def test_an_update_from_the_plan_page_to_the_council(adopted, page):
    plan_id, coordinator, mayor = adopted
    year = YEAR
    sign_in(page, coordinator)
    page.goto(f"/instances/{plan_id}/plan/targets/H1.1")
    expect(page.locator('[data-test="plan-locked"]')).to_be_visible()  # read-only outside an update
    expect(page.locator('[data-test="save-card"]')).to_have_count(0)
    page.goto(f"/instances/{plan_id}/plan")
    form = page.locator('form[data-form="update-start"]')
    form.locator('textarea[name="reason"]').fill("Ödenek kesintisi: kalan yılların hedefleri gözden geçirilir.")
    form.get_by_role("button", name="Plan güncellemesini aç").click()
    expect(page.locator(".flash.success")).to_contain_text("Plan güncellemesi açıldı")
    sign_out(page)

    sign_in(page, PEOPLE["team_member"])
    page.goto(f"/instances/{plan_id}/plan/targets/H1.1")
    expect(page.locator('[data-test="update-scope"]')).to_contain_text(f"{year + 1}–2029")
    page.locator('input[name="indicators-0-values-2025"]').fill("99")  # a past year
    page.locator('[data-test="save-card"]').click()
    expect(page.locator('[data-error-for="indicators-0-values-2025"]')).to_contain_text(
        "2025 geçmiş bir plan yılıdır")
    page.locator('input[name="indicators-0-values-2025"]').fill("11")
    page.locator('input[name="indicators-0-values-2029"]').fill("25")  # a remaining year
    page.locator('[data-test="save-card"]').click()
    expect(page.locator(".flash.success")).to_contain_text("H1.1 hedef kartı kaydedildi")
    expect(page.locator('input[name="indicators-0-values-2029"]')).to_have_value("25")
    sign_out(page)

    _work(page, PEOPLE["team_member"], "update_cards", {"changes_summary": "PG1.1.1: 2029 hedefi 25."})
    _work(page, PEOPLE["board_member"], "update_review", {"update_decision": "approve"})
    _work(page, mayor, "update_approval", {"update_decision": "approve"})
    _work(page, PEOPLE["council_clerk"], "update_encumen",
          {"encumen_date": f"{year}-11-25", "encumen_decision_number": f"{year}/12", "encumen_opinion": "Uygun."})
    _work(page, PEOPLE["council_clerk"], "update_council",
          {"update_decision_date": f"{year}-12-01", "update_decision_number": f"{year}/45"})

    sign_in(page, coordinator)
    page.goto(f"/instances/{plan_id}/plan/versions")
    row = page.locator('tr[data-version="2"]')
    expect(row.locator('[data-test="update-version"]')).to_contain_text(f"{year}/45")
    expect(page.locator('table[data-test="changed"]')).to_contain_text("values.2029")
    expect(page.locator('table[data-test="changed"]')).not_to_contain_text("values.2025")
    page.goto(f"/instances/{plan_id}/plan")
    expect(page.locator('table[data-test="plan-updates"]')).to_contain_text("Tamamlandı")
