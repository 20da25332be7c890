"""The coordinator suspends and resumes an instance in a real browser (Chromium + Playwright)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from stratflow.extensions import db
from stratflow.models import AuditEvent, ProcessInstance

from .test_browser import screenshot, sign_in

pytest_plugins = ["tests.live_server"]  # fixtures: live_server, chromium, page
pytestmark = pytest.mark.browser


def test_coordinator_suspends_and_resumes_with_a_reason(demo, page):
    instance_id = db.session.execute(db.select(ProcessInstance.id)).scalar_one()
    db.session.commit()  # the browser's requests must not wait for this session

    sign_in(page, "sgm@camlitepe.bel.tr")
    page.goto(f"/instances/{instance_id}")
    panel = page.locator('[data-test="instance-actions"]')
    expect(panel).to_be_visible()
    panel.get_by_text("Süreci askıya al, devam ettir ya da sonlandır").click()
    form = page.locator('[data-test="suspend-form"]')
    with page.expect_response(lambda r: r.request.method == "POST") as response:
        form.get_by_role("button", name="Askıya al").click()
    assert response.value.status == 422
    expect(page.locator(".flash.error")).to_contain_text("Bu işlem için bir gerekçe yazmalısınız.")
    expect(page.locator('[data-test="instance-status"]')).to_have_text("Yürütülüyor")

    page.locator('[data-test="suspend-form"] textarea[name="reason"]').fill("Başkanlık onayı bekleniyor.")
    page.locator('[data-test="suspend-form"]').get_by_role("button", name="Askıya al").click()
    expect(page.locator(".flash.success")).to_contain_text("Süreç askıya alındı.")
    expect(page.locator('[data-test="instance-status"]')).to_have_text("Askıda")
    expect(page.locator('[data-test="suspended-note"]')).to_be_visible()
    expect(page.locator('[data-test="audit"]')).to_contain_text("Süreç askıya alındı")
    screenshot(page, "actions-01-suspended")

    page.get_by_text("Süreci askıya al, devam ettir ya da sonlandır").click()
    page.locator('[data-test="resume-form"] textarea[name="reason"]').fill("Onay geldi.")
    page.locator('[data-test="resume-form"]').get_by_role("button", name="Devam ettir").click()
    expect(page.locator('[data-test="instance-status"]')).to_have_text("Yürütülüyor")

    db.session.expire_all()
    reasons = [e.details["reason"] for e in db.session.execute(
        db.select(AuditEvent).where(AuditEvent.action.in_(("instance.suspended", "instance.resumed")))
        .order_by(AuditEvent.id)).scalars()]
    assert reasons == ["Başkanlık onayı bekleniyor.", "Onay geldi."]
    db.session.commit()
