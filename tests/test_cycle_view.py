"""The plan year's cycle on one timeline (services/cycle_view.py, /instances/<id>/cycle): the dates of
plan year 2026 for a district council meeting on Tuesdays (hand-computed), in date order, the
performance programme beside the budget, each date with the process that carries it."""

from __future__ import annotations

import re
from datetime import date

import pytest
import time_machine

from stratflow.extensions import db
from stratflow.services import accounts, evaluation, monitoring, performance

from . import factories
from .conftest import signed_in
from .plan_helpers import town_with_plan

EXPECTED_2026 = [
    ("2026-07-14", "monitoring_h1_actuals"), ("2026-07-31", "monitoring_h1_report"),
    ("2026-08-14", "unit_performance_proposals"), ("2026-08-31", "budget_to_encumen"),
    ("2026-10-06", "performance_program_council"), ("2026-11-03", "budget_council"),
    ("2027-01-15", "monitoring_h2_actuals"), ("2027-01-29", "monitoring_h2_report"),
    ("2027-02-26", "unit_activity_reports"), ("2027-03-23", "evaluation_report"),
    ("2027-04-06", "activity_report_council"), ("2027-05-04", "final_accounts_council"),
]


@pytest.fixture
def adopted(ctx, definition):
    town, plan, units = town_with_plan()
    plan.status = "completed"
    coordinator = factories.person(town, "coordinator")
    coordinator.password_hash = accounts.hash_password("Demo.2024")
    db.session.commit()
    return town, plan, coordinator


def _rows(page: str) -> list[tuple[str, str]]:
    return re.findall(r'<tr data-key="([a-z_0-9]+)"[^>]*>\s*<td data-date="([0-9-]*)"', page)


def test_the_year_on_one_timeline_with_its_processes(adopted, client):
    town, plan, coordinator = adopted
    with time_machine.travel(date(2026, 7, 2), tick=False):
        h1 = monitoring.start_period(coordinator, plan, 2026, 1)
        db.session.commit()
        programme = performance.start_program(coordinator, plan, 2027)  # prepared in 2026 for 2027
        db.session.commit()
        ids = (h1.id, programme.id)
        browser = signed_in(client, coordinator.email)
        assert 'data-test="cycle-link"' in browser.get(f"/instances/{plan.id}/plan").get_data(as_text=True)
        page = browser.get(f"/instances/{plan.id}/cycle").get_data(as_text=True)  # the current year
    assert [(d, k) for k, d in _rows(page)] == EXPECTED_2026
    assert "2026 plan yılının takvimi" in page
    section = page[page.index('data-key="monitoring_h1_report"'):page.index('data-key="unit_performance_proposals"')]
    assert f'href="/instances/{ids[0]}"' in section and 'class="past"' not in section
    section = page[page.index('data-key="budget_to_encumen"'):page.index('data-key="performance_program_council"')]
    assert f'href="/instances/{ids[1]}"' in section and "5393 sayılı Belediye Kanunu md. 62 (mevzuat)" in section
    section = page[page.index('data-key="budget_council"'):page.index('data-key="monitoring_h2_actuals"')]
    assert "Bütçe stratflow dışında hazırlanır" in section and "/instances/" not in section
    section = page[page.index('data-key="monitoring_h2_actuals"'):page.index('data-key="monitoring_h2_report"')]
    assert "—" in section and "/instances/" not in section  # the second half has no period yet


def test_the_years_activity_reports_carry_its_report_dates(adopted, client):
    town, plan, coordinator = adopted
    with time_machine.travel(date(2027, 1, 4), tick=False):
        reports = evaluation.start_year(coordinator, plan, 2026)
        db.session.commit()
        reports_id = reports.id
        page = signed_in(client, coordinator.email).get(f"/instances/{plan.id}/cycle?year=2026").get_data(as_text=True)
    for key, then in (("unit_activity_reports", "evaluation_report"), ("evaluation_report", "activity_report_council"),
                      ("activity_report_council", "final_accounts_council")):
        section = page[page.index(f'data-key="{key}"'):page.index(f'data-key="{then}"')]
        assert f'href="/instances/{reports_id}"' in section
    assert 'class="past"' in page[page.index('data-key="monitoring_h1_actuals"'):]  # 2026's July is over


def test_another_year_in_english_and_a_bad_year(adopted, client):
    town, plan, coordinator = adopted
    coordinator.locale = "en"
    db.session.commit()
    browser = signed_in(client, coordinator.email)
    page = browser.get(f"/instances/{plan.id}/cycle?year=2028").get_data(as_text=True)
    rows = _rows(page)
    assert ("budget_to_encumen", "2028-08-31") in rows and ("unit_activity_reports", "2029-02-28") in rows
    assert "5393 sayılı Belediye Kanunu md. 62 (legislation)" in page and ">31 August 2028<" in page
    response = browser.get(f"/instances/{plan.id}/cycle?year=2031")
    body = response.get_data(as_text=True)
    assert response.status_code == 400 and "(2025–2029)" in body and 'data-test="cycle-error"' in body
    assert browser.get(f"/instances/{plan.id}/cycle?year=abc").status_code == 400


def test_only_a_strategic_plan_and_only_for_its_municipality(adopted, client):
    town, plan, coordinator = adopted
    period = monitoring.start_period(coordinator, plan, 2025, 1)
    db.session.commit()
    browser = signed_in(client, coordinator.email)
    assert browser.get(f"/instances/{period.id}/cycle").status_code == 404
    stranger = factories.person(factories.municipality("Uzak Belediyesi", units=1), "coordinator")
    stranger.password_hash = accounts.hash_password("Demo.2024")
    db.session.commit()
    assert signed_in(client.application.test_client(), stranger.email).get(
        f"/instances/{plan.id}/cycle").status_code == 404
