"""A file attached on a task page in a real browser: chosen in the form, kept by the draft,
submitted with the task, listed and downloaded on the instance page."""

from __future__ import annotations

from datetime import date

import pytest
from playwright.sync_api import expect

from stratflow.extensions import db
from stratflow.models import Attachment, RoleAssignment, TaskRecord, User
from stratflow.services.accounts import hash_password

from .midway import DOMAIN, seed
from .test_attachments import PDF
from .test_browser import screenshot, sign_in, sign_out
from .test_browser_full import fill
from .test_strategic_plan import steps

pytest_plugins = ["tests.live_server"]  # fixtures: live_server, chromium, page
pytestmark = pytest.mark.browser
MEMBER = f"ekip.fen@{DOMAIN}"


def _team_member(town_id: int) -> None:
    fen = db.session.execute(db.select(RoleAssignment.unit_id).where(
        RoleAssignment.municipality_id == town_id, RoleAssignment.role == "unit_manager",
        RoleAssignment.user.has(email=f"fen@{DOMAIN}"))).scalar_one()
    member = User(email=MEMBER, full_name="Burak Tekin", municipality_id=town_id,
                  password_hash=hash_password("Demo.2024"))
    member.roles.append(RoleAssignment(role="team_member", municipality_id=town_id, unit_id=fen))
    db.session.add(member)
    db.session.commit()


def test_survey_results_attached_on_the_task_page(app, definition, page):
    info = seed(app, date.today())
    _team_member(info["municipality_id"])
    task_id = db.session.execute(db.select(TaskRecord.id).filter_by(bpmn_id="stakeholder_analysis",
                                                                     state="open")).scalar_one()
    db.session.commit()

    sign_in(page, MEMBER)
    page.goto(f"/tasks/{task_id}")
    fill(page, dict(steps())["stakeholder_analysis"])  # the structured analysis of the happy path
    page.locator('input[type="file"][name="survey_results_files"]').set_input_files(
        [{"name": "anket-sonuclari.pdf", "mimeType": "application/pdf", "buffer": PDF}])
    page.get_by_role("button", name="Taslak kaydet").click()
    expect(page.locator(".flash.success")).to_contain_text("Taslak kaydedildi")
    field = page.locator('[data-test="file-field"][data-field="survey_results_files"]')
    expect(field.get_by_role("link", name="anket-sonuclari.pdf")).to_be_visible()
    expect(field.locator('input[type="checkbox"]')).to_be_checked()
    screenshot(page, "attachment-draft")

    with page.expect_response(lambda r: r.request.method == "POST") as response:
        page.get_by_role("button", name="Gönder", exact=True).click()
    assert response.value.status == 302
    expect(page.get_by_role("heading", name="Gelen kutusu", exact=True)).to_be_visible()
    sign_out(page)

    sign_in(page, f"sgm@{DOMAIN}")
    page.goto(f"/instances/{info['instance_id']}#attachments")
    section = page.locator('[data-test="instance-attachments"]')
    expect(section).to_contain_text("Burak Tekin")
    with page.expect_download() as download:
        section.get_by_role("link", name="anket-sonuclari.pdf").click()
    assert download.value.suggested_filename == "anket-sonuclari.pdf"
    with open(download.value.path(), "rb") as f:
        assert f.read() == PDF
    db.session.expire_all()
    [row] = db.session.execute(db.select(Attachment)).scalars().all()
    assert row.task.state == "completed" and row.uploaded_by.email == MEMBER
    db.session.commit()
