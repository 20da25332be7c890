"""The scheduler starts each plan in force's monitoring period once its half-year has ended
(services/cycle_start.py): once, within the window, not where the coordinator started it already or
the municipality turned it off; a terminated period starts again; a second manual start is refused."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from stratflow.extensions import db
from stratflow.jobs.scheduler import run_due_jobs
from stratflow.models import MunicipalitySettings, ProcessInstance, TaskRecord
from stratflow.services import Conflict, cycle_start, instance_actions, monitoring

from . import factories
from .plan_helpers import town_with_plan

YEARS = [2025, 2026, 2027, 2028, 2029]


@pytest.mark.parametrize(("today", "expected"), [
    (date(2025, 6, 30), None),                            # the half has not ended
    (date(2025, 7, 1), (2025, 1, date(2025, 6, 30))),
    (date(2025, 7, 31), (2025, 1, date(2025, 6, 30))),    # 31 days after: still in the window
    (date(2025, 8, 1), None),                             # 32 days: the coordinator starts it
    (date(2026, 1, 2), (2025, 2, date(2025, 12, 31))),
    (date(2030, 1, 5), (2029, 2, date(2029, 12, 31))),    # the plan's last half
    (date(2030, 7, 1), None),                             # 2030 is not a plan year
    (date(2025, 1, 10), None),                            # 2024 is not a plan year
])
def test_the_half_that_is_due(today, expected):
    assert cycle_start.due_half(today, YEARS) == expected


@pytest.fixture
def adopted(ctx, definition):
    town, plan, units = town_with_plan()
    plan.status = "completed"
    db.session.commit()
    return town, plan, units


def _periods(town) -> list[ProcessInstance]:
    return list(db.session.execute(db.select(ProcessInstance).where(
        ProcessInstance.municipality_id == town.id, ProcessInstance.title.like("%izleme")).order_by(
        ProcessInstance.id)).scalars())


def test_the_scheduler_starts_the_period_once_after_the_half(adopted, app):
    town, plan, units = adopted
    assert run_due_jobs(app, datetime(2025, 6, 30, 20, 0))["monitoring_started"] == 0  # 23:00 in Türkiye
    assert run_due_jobs(app, datetime(2025, 6, 30, 21, 30))["monitoring_started"] == 1  # 1 July, 00:30
    assert run_due_jobs(app, datetime(2025, 7, 1, 9, 0))["monitoring_started"] == 0
    [started] = _periods(town)
    assert started.started_by_id is None and started.anchors["period_end"] == "2025-06-30"
    records = db.session.execute(db.select(TaskRecord).filter_by(instance_id=started.id, state="open")).scalars()
    assert {(r.unit_id, r.due_date) for r in records} == {(units[0].id, date(2025, 7, 14)),
                                                          (units[1].id, date(2025, 7, 14))}


def test_not_again_where_the_coordinator_started_it_and_again_once_terminated(adopted, app):
    town, plan, _units = adopted
    coordinator = factories.person(town, "coordinator")
    first = monitoring.start_period(coordinator, plan, 2025, 1)
    db.session.commit()
    with pytest.raises(Conflict, match="Ocak–Haziran 2025 izleme dönemi bu belediye için zaten başlatıldı"):
        monitoring.start_period(coordinator, plan, 2025, 1)
    db.session.rollback()
    assert run_due_jobs(app, datetime(2025, 7, 2, 9, 0))["monitoring_started"] == 0
    instance_actions.terminate(first.id, coordinator, "Yanlış dönem")
    db.session.commit()
    assert run_due_jobs(app, datetime(2025, 7, 2, 9, 5))["monitoring_started"] == 1
    assert [p.status for p in _periods(town)] == ["terminated", "running"]


def test_not_where_the_municipality_turned_it_off_nor_on_a_running_plan(adopted, app):
    town, plan, _units = adopted
    db.session.add(MunicipalitySettings(municipality_id=town.id, due_rules={}, monitoring_autostart=False))
    other, running, _ = town_with_plan("Başka Belediye")  # its plan is not adopted yet
    db.session.commit()
    assert run_due_jobs(app, datetime(2025, 7, 2, 9, 0))["monitoring_started"] == 0
    assert _periods(town) == [] and _periods(other) == []


def test_a_period_that_cannot_start_is_tried_again_later(adopted, app):
    town, plan, _units = adopted
    coordinator = factories.person(town, "coordinator")
    monitoring.start_period(coordinator, plan, 2025, 2)  # the second half of 2025 still runs in January 2026
    db.session.commit()
    # mid-2026: the first half of 2026 is due but the 2025 period is still running
    assert run_due_jobs(app, datetime(2026, 7, 1, 9, 0))["monitoring_started"] == 0
    [running] = [p for p in _periods(town) if p.status == "running"]
    instance_actions.terminate(running.id, coordinator, "Kapatıldı")
    db.session.commit()
    assert run_due_jobs(app, datetime(2026, 7, 1, 9, 5))["monitoring_started"] == 1


def test_the_coordinator_turns_it_off_on_the_settings_form_and_bad_input_changes_nothing(adopted, client, app):
    from stratflow.models import AuditEvent
    from stratflow.services import settings as settings_service

    from .test_public_plan_page import _post
    from .test_year_realisation import login
    town, plan, _units = adopted
    browser = login(client, factories.person(town, "coordinator"))
    page = browser.get(f"/municipalities/{town.id}").get_data(as_text=True)
    assert 'name="monitoring_autostart"' in page and "İzleme dönemlerinin başlaması" in page
    refused = _post(browser, town, monitoring_autostart="belki")
    assert refused.status_code == 422 and "“evet” ya da “hayır” seçin" in refused.get_data(as_text=True)
    assert settings_service.current(town).monitoring_autostart is True
    assert _post(browser, town, monitoring_autostart="no").status_code == 302
    db.session.expire_all()
    assert settings_service.current(town).monitoring_autostart is False
    event = db.session.execute(db.select(AuditEvent).filter_by(action="municipality.settings_changed")).scalar_one()
    assert event.details["changes"] == {"monitoring_autostart": [True, False]}
    db.session.rollback()  # end the test's reads before the scheduler's transaction
    assert run_due_jobs(app, datetime(2025, 7, 2, 9, 0))["monitoring_started"] == 0
    assert _post(browser, town, monitoring_autostart="yes").status_code == 302
    assert run_due_jobs(app, datetime(2025, 7, 2, 9, 5))["monitoring_started"] == 1
