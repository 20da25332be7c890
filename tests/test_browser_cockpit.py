"""The cockpit and the overview in a real browser: a consultant opens the cockpit from the
navigation, drills down to the instance page and opens the municipality overview."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from .test_browser import screenshot, sign_in

pytest_plugins = ["tests.live_server"]
pytestmark = pytest.mark.browser


def test_consultant_opens_the_cockpit_and_drills_down(demo, page):
    sign_in(page, "danisman@aymett.example")
    page.locator('a[data-nav="cockpit"]').click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Kokpit")
    row = page.locator("table.cockpit tbody tr[data-municipality]")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("Çamlıtepe Belediyesi")
    expect(row).to_contain_text("Kurul ve ekip")
    expect(row.locator(".risk")).to_have_text(re.compile("Düşük|Orta|Yüksek|Süre aşıldı"))
    screenshot(page, "cockpit")

    page.locator("select[name=province]").select_option("Balıkesir")
    page.get_by_role("button", name="Süz").click()
    expect(page).to_have_url(re.compile(r"province=Bal"))
    expect(row).to_have_count(1)

    row.get_by_role("link", name="Çamlıtepe Belediyesi").click()
    expect(page.locator('[data-test="overview-tiles"]')).to_be_visible()
    circular = page.locator('table[data-test="phases"] tr[data-phase="circular"]')
    expect(circular).to_have_attribute("data-progress", "100")
    expect(page.locator('[data-test="report-pdf"]')).to_be_visible()
    screenshot(page, "overview")

    page.go_back()
    page.locator('[data-test="drill-down"]').click()
    expect(page).to_have_url(re.compile(r"/instances/\d+$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Çamlıtepe Belediyesi")
    screenshot(page, "cockpit-drill-down")
