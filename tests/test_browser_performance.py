"""The performance programme in a real browser (issue 15): the coordinator starts the 2026
programme on the adopted plan's page; each unit manager finds "2026 performans programı: 2
göstergenin hedefini öner" in the inbox with the plan's values filled in, changes one and sends;
the coordinator reads the consolidated programme from the consolidation task, records it; the
mayor approves; the clerk records the council's decision; the instance ends."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from stratflow.extensions import db
from stratflow.models import ProcessInstance, RoleAssignment, TaskRecord, User
from stratflow.services import accounts

from . import factories
from .plan_helpers import manager_of, town_with_plan
from .test_browser import sign_in, sign_out, submit

pytest_plugins = ["tests.live_server"]
pytestmark = pytest.mark.browser
CLERK = "yaziisleri@deneme.example"


@pytest.fixture
def adopted(ctx, definition):
    town, plan, units = town_with_plan()
    plan.status = "completed"
    clerk = User(email=CLERK, full_name="Yazı İşleri", municipality=town)
    clerk.roles.append(RoleAssignment(role="council_clerk", municipality=town))
    db.session.add(clerk)
    people = [factories.person(town, "coordinator"), factories.person(town, "mayor"), manager_of(units[0]),
              manager_of(units[1]), clerk]
    for user in people:
        user.password_hash = accounts.hash_password("Demo.2024")
    found = plan.id, [u.email for u in people]  # plain values: the test holds no transaction
    db.session.commit()
    return found


def _open_task(bpmn_id: str) -> str:
    [record] = db.session.execute(db.select(TaskRecord).filter_by(state="open", bpmn_id=bpmn_id)).scalars().all()
    found = record.id
    db.session.commit()
    return found


def test_the_programme_from_the_plan_page_to_the_council(adopted, page):
    plan_id, (coordinator, mayor, first, second, clerk) = adopted
    sign_in(page, coordinator)
    page.goto(f"/instances/{plan_id}/plan")
    form = page.locator('form[data-form="performance-start"]')
    form.locator('select[name="year"]').select_option("2026")
    form.get_by_role("button", name="Performans programı hazırlığını başlat").click()
    expect(page.locator(".flash.success")).to_contain_text("Performans programı hazırlığı başlatıldı")
    sign_out(page)

    for manager, proposed in ((first, "12.5"), (second, None)):
        sign_in(page, manager)
        page.get_by_role("link", name="2026 performans programı: 2 göstergenin hedefini öner").click()
        expect(page.locator('input[name="rows-0-plan_value"]')).to_have_value("12.0")  # the plan's 2026 value
        expect(page.locator('input[name="activities-0-cost"]')).to_have_value("2000.0")
        for row in (0, 1):
            page.locator(f'input[name="rows-{row}-proposed"]').fill(proposed if row == 0 and proposed else "12")
        if proposed:
            page.locator('input[name="rows-0-note"]').fill("Yeni ekip")
        assert submit(page) == 302
        expect(page.locator(".flash.success")).to_be_visible()
        sign_out(page)

    sign_in(page, coordinator)
    page.goto(f"/tasks/{_open_task('program_consolidation')}")
    page.locator('[data-test="related-link"] a').click()
    expect(page.locator('[data-test="program-waiting"]')).to_have_count(0)
    expect(page.locator('tr[data-indicator="PG1.1.1"] [data-test="proposed"]')).to_have_text("12.5")
    expect(page.locator('[data-test="program-total"]')).to_contain_text("4.000,00")
    with page.expect_download() as download:
        page.locator('[data-test="program-docx"]').click()
    assert download.value.suggested_filename.startswith("performans-programi-")
    page.go_back()
    page.goto(f"/tasks/{_open_task('program_consolidation')}")
    page.locator('[name="program_document"]').fill("EBYS 2025/900")
    assert submit(page) == 302
    sign_out(page)

    sign_in(page, mayor)
    page.goto(f"/tasks/{_open_task('program_approval')}")
    page.locator('[name="approval_decision"]').select_option("approve")
    assert submit(page) == 302
    sign_out(page)

    sign_in(page, clerk)
    page.goto(f"/tasks/{_open_task('program_council')}")
    page.locator('[name="program_decision_date"]').fill("2025-10-07")
    page.locator('[name="program_decision_number"]').fill("2025/120")
    assert submit(page) == 302
    db.session.expire_all()
    programme = db.session.execute(db.select(ProcessInstance).where(ProcessInstance.id != plan_id)).scalar_one()
    status = programme.status
    db.session.commit()
    assert status == "completed"
