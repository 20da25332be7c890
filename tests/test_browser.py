"""Real pages in a real browser: Debian's Chromium driven by Playwright against a live server.

The test's own database session is committed before the browser acts (SQLite uses
BEGIN IMMEDIATE: an open transaction here would block the server's writes).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from stratflow.extensions import db
from stratflow.models import AuditEvent, ProcessInstance, TaskRecord, User

pytest_plugins = ["tests.live_server"]  # fixtures: live_server, chromium, page
pytestmark = pytest.mark.browser

ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"  # gitignored

NOMINATION = "Stratejik Planlama Ekibine üye bildir"
FEN_UNIT = "Fen İşleri Müdürlüğü"
FEN_MANAGER = "İsmail Şahin"


def screenshot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def sign_in(page, email: str, password: str = "Demo.2024") -> None:
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/login"))
    page.locator('input[name="email"]').fill(email)
    page.locator('input[name="password"]').fill(password)
    page.get_by_role("button", name="Giriş yap").click()
    expect(page.get_by_role("heading", name="Gelen kutusu", exact=True)).to_be_visible()


def sign_out(page) -> None:
    page.get_by_role("button", name="Çıkış").click()
    expect(page).to_have_url(re.compile(r"/login$"))


def fill_member(page, row: int, **values) -> None:
    for column, value in values.items():
        page.locator(f'input[name="members-{row}-{column}"]').fill(value)


def submit(page) -> int:
    """Press "Gönder" and return the status of the form's POST response."""
    with page.expect_response(lambda r: r.request.method == "POST") as response:
        page.get_by_role("button", name="Gönder", exact=True).click()
    page.wait_for_load_state()
    return response.value.status


def _unit_manager_nominates(page) -> None:
    sign_in(page, "fen@camlitepe.bel.tr")
    inbox_row = page.locator('tr[data-task="team_nomination"]')
    expect(inbox_row).to_have_count(1)
    expect(inbox_row).to_contain_text(FEN_UNIT)
    screenshot(page, "01-inbox-unit-manager")
    inbox_row.get_by_role("link", name=NOMINATION).click()

    expect(page.get_by_role("heading", level=1)).to_have_text(NOMINATION)
    expect(page.locator("section.instructions")).to_contain_text(
        "Stratejik Planlama Ekibinde görev alacak personeli")
    fill_member(page, 0, full_name="Ali Veli", title="İnşaat Mühendisi", email="ali.veli-at-camlitepe")
    assert submit(page) == 422
    expect(page.locator('[data-error-for="members-0-email"]')).to_have_text("Geçerli bir e-posta adresi girin.")
    expect(page.get_by_role("alert")).to_contain_text("Lütfen işaretli alanları düzeltin.")
    expect(page.locator('input[name="members-0-full_name"]')).to_have_value("Ali Veli")
    screenshot(page, "02-task-invalid-email")

    fill_member(page, 0, email="ali.veli@camlitepe.bel.tr", phone="0266 555 11 22")
    assert submit(page) == 302
    expect(page.get_by_role("heading", name="Gelen kutusu", exact=True)).to_be_visible()
    expect(page.locator(".flash.success")).to_contain_text(f"“{NOMINATION}” tamamlandı.")
    expect(page.locator('tr[data-task="team_nomination"]')).to_have_count(0)
    expect(page.locator('[data-test="inbox"]')).to_contain_text("Bekleyen göreviniz yok.")
    screenshot(page, "03-inbox-after-submit")
    sign_out(page)


def _coordinator_sees_it(page, title: str) -> None:
    sign_in(page, "sgm@camlitepe.bel.tr")
    page.locator("header nav").get_by_role("link", name="Süreçler", exact=True).click()
    page.get_by_role("link", name=title).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(title)

    completed = page.locator('[data-test="completed-steps"] tbody tr').filter(has_text=FEN_UNIT)
    expect(completed).to_have_count(1)
    expect(completed).to_contain_text(NOMINATION)
    expect(completed).to_contain_text(FEN_MANAGER)
    audit = page.locator('[data-test="audit"] tbody tr').filter(has_text=FEN_MANAGER) \
        .filter(has_text="Görev tamamlandı")
    expect(audit).to_have_count(1)
    expect(audit).to_contain_text(NOMINATION)
    # Fen İşleri no longer waits; the other units (here: İmar) still do.
    open_tasks = page.locator('[data-test="open-tasks"]')
    expect(open_tasks).not_to_contain_text(FEN_UNIT)
    expect(open_tasks).to_contain_text("İmar ve Şehircilik Müdürlüğü")
    screenshot(page, "04-instance-coordinator")


def test_nomination_from_inbox_to_instance_page(demo, page):
    instance = db.session.execute(db.select(ProcessInstance)).scalar_one()
    title, instance_id = instance.title, instance.id
    db.session.commit()  # the browser's requests must not wait for this session

    _unit_manager_nominates(page)
    _coordinator_sees_it(page, title)

    db.session.expire_all()
    fen = db.session.execute(db.select(User).filter_by(email="fen@camlitepe.bel.tr")).scalar_one()
    done = db.session.execute(db.select(TaskRecord).filter_by(
        instance_id=instance_id, bpmn_id="team_nomination", completed_by_id=fen.id)).scalar_one()
    assert done.state == "completed" and done.unit.name == FEN_UNIT
    assert "ali.veli@camlitepe.bel.tr" in db.session.get(ProcessInstance, instance_id).state
    completions = db.session.execute(db.select(AuditEvent).filter_by(
        action="task.completed", task_id=done.id)).scalars().all()
    assert len(completions) == 1 and completions[0].actor_id == fen.id
    db.session.commit()


def test_language_button_switches_html_lang(demo, page):
    sign_in(page, "fen@camlitepe.bel.tr")
    expect(page.locator("html")).to_have_attribute("lang", "tr")
    page.locator('[data-test="language"]').click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator('[data-test="language"]')).to_have_text("Türkçe")
    screenshot(page, "05-inbox-english")

    db.session.expire_all()
    user = db.session.execute(db.select(User).filter_by(email="fen@camlitepe.bel.tr")).scalar_one()
    assert user.locale == "en"  # kept on the account, not only in the session
    db.session.commit()

    page.reload()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    page.locator('[data-test="language"]').click()
    expect(page.locator("html")).to_have_attribute("lang", "tr")
