"""The year's activity reports in a real browser (issue 15 item 3): the coordinator starts 2025 on the
adopted plan's page; each unit manager finds "2025 birim faaliyet raporu: …" in the inbox, the form
already lists the indicators with the year's targets and the activities with their planned costs,
enters the actuals, the reason of a deviation and the report's sections, and sends; the coordinator
consolidates, the mayor approves, the clerk records the April council; the reports page shows the
weighted realisation."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from stratflow.extensions import db
from stratflow.models import RoleAssignment, User
from stratflow.services import accounts

from . import factories
from .plan_helpers import manager_of, town_with_plan
from .test_browser import sign_in, sign_out, submit
from .test_status_report import ARTIFACTS

pytest_plugins = ["tests.live_server"]
pytestmark = pytest.mark.browser

TEXTS = {"general_info": "Birim 12 personelle çalışır.", "performance_assessment": "Hedeflerin çoğu tuttu.",
         "capacity_assessment": "Araç parkı eski.", "proposals": "Araç alımı."}


@pytest.fixture
def adopted(ctx, definition):
    town, plan, units = town_with_plan()
    plan.status = "completed"  # adopted: walking the preparation to its end is test_strategic_plan's work
    clerk = User(email="yaziisleri@deneme.example", full_name="Yazı İşleri Müdürü", municipality=town)
    clerk.roles.append(RoleAssignment(role="council_clerk", municipality=town))
    db.session.add(clerk)
    people = [factories.person(town, "coordinator"), factories.person(town, "mayor"), clerk,
              manager_of(units[0]), manager_of(units[1])]
    for user in people:
        user.password_hash = accounts.hash_password("Demo.2024")
    found = plan.id, [u.email for u in people]  # plain values: the test holds no transaction
    db.session.commit()
    return found


def _report(page, manager, actuals):
    sign_in(page, manager)
    page.get_by_role("link", name="2025 birim faaliyet raporu: 2 göstergenin gerçekleşmesini raporla").click()
    expect(page.locator('input[name="rows-0-planned"]')).to_have_value("11.0")
    expect(page.locator('input[name="activities-0-name"]')).to_have_value("Yol yenileme")
    for i, value in enumerate(actuals):
        page.locator(f'input[name="rows-{i}-actual"]').fill(str(value))
    page.locator('input[name="activities-0-actual_cost"]').fill("800")
    for name, text in TEXTS.items():
        page.locator(f'textarea[name="{name}"]').fill(text)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "unit-activity-report-form.png"), full_page=True)
    assert submit(page) == 422  # 10.5 is not the year's 11: the reason is asked for
    expect(page.locator('[data-error-for="rows-0-deviation_reason"]')).to_contain_text("sapmanın nedenini yazın")
    for i, value in enumerate(actuals):
        if value != 11:
            page.locator(f'input[name="rows-{i}-deviation_reason"]').fill("İhale gecikti.")
    assert submit(page) == 302
    expect(page.locator(".flash.success")).to_be_visible()
    sign_out(page)


def _inbox_task(page, email, link):
    sign_in(page, email)
    page.get_by_role("link", name=link).click()


def test_the_year_from_the_plan_page_to_the_council(adopted, page):
    plan_id, (coordinator, mayor, clerk, first, second) = adopted
    sign_in(page, coordinator)
    page.goto(f"/instances/{plan_id}/plan")
    form = page.locator('form[data-form="evaluation-start"]')
    form.locator('select[name="year"]').select_option("2025")
    form.get_by_role("button", name="Faaliyet raporu hazırlığını başlat").click()
    expect(page.locator(".flash.success")).to_contain_text("Faaliyet raporu hazırlığı başlatıldı")
    sign_out(page)

    _report(page, first, [10.5, 11])
    _report(page, second, [10.5, 12])

    _inbox_task(page, coordinator, "İdare faaliyet raporunu ve değerlendirme raporunu hazırla")
    expect(page.locator('[data-test="year-report-link"]')).to_be_visible()  # the consolidated figures
    page.locator('textarea[name="assessment"]').fill("Hedeflerin büyük bölümü tuttu.")
    assert submit(page) == 302
    sign_out(page)
    _inbox_task(page, mayor, "Faaliyet raporunu onayla")
    page.locator('select[name="approval_decision"]').select_option("approve")
    assert submit(page) == 302
    sign_out(page)
    _inbox_task(page, clerk, "Faaliyet raporunun meclise sunulduğunu kaydet")
    page.locator('input[name="presented_on"]').fill("2026-04-07")
    page.locator('input[name="agenda_number"]').fill("2026/41")
    assert submit(page) == 302
    sign_out(page)

    sign_in(page, coordinator)
    page.goto(f"/instances/{plan_id}/plan")
    page.locator('[data-test="evaluation-years"] [data-test="year-report-link"]').first.click()
    # H1.1: 10 → 10.5 of 10 → 11 is 50 % (weight 60), 11 is 100 % (40) → 70; H2.1: 50 % and 200 % → 70
    expect(page.locator('tr[data-target="H1.1"] td[data-rate]')).to_have_attribute("data-rate", "70.0")
    expect(page.locator('tr[data-goal="A2"] th[data-rate]')).to_have_attribute("data-rate", "70.0")
    expect(page.locator('[data-test="year-indicators"]')).to_contain_text("İhale gecikti.")
    expect(page.locator('[data-test="council-record"]')).to_contain_text(
        "7 Nisan 2026 tarihli toplantısına sunuldu (2026/41)")
    page.screenshot(path=str(ARTIFACTS / "year-report-page.png"), full_page=True)
    with page.expect_download() as download:
        page.locator('[data-test="activity-report-docx"]').click()
    assert download.value.suggested_filename.startswith("faaliyet-raporu-")
