"""The monitoring period and the performance programme answered through the JSON API (issue 15):
a unit manager's bearer token lists the named task, reads its form and its starting values, a bad
answer gets 422 naming the field and changes nothing, a good one completes it, and the figures
follow (the realisation, the consolidated programme)."""

from __future__ import annotations

from datetime import date

import pytest

from stratflow.extensions import db
from stratflow.models import TaskRecord
from stratflow.services import accounts, monitoring, performance, performance_report

from . import factories
from .plan_helpers import manager_of, town_with_plan
from .test_api import Api


@pytest.fixture
def adopted(ctx, definition):
    town, plan, units = town_with_plan()
    plan.status = "completed"
    db.session.commit()
    return town, plan, units


def _api(app, user) -> Api:
    _token, secret = accounts.create_token(user, "test")
    db.session.commit()
    return Api(app, secret)


def _record(instance, unit) -> TaskRecord:
    return db.session.execute(db.select(TaskRecord).filter_by(instance_id=instance.id, unit_id=unit.id,
                                                              state="open")).scalar_one()


def test_a_unit_enters_its_actuals_through_the_api(adopted, app):
    town, plan, units = adopted
    started = monitoring.start_period(factories.person(town, "coordinator"), plan, 2025, 1)
    db.session.commit()
    record = _record(started, units[0])
    api = _api(app, manager_of(units[0]))
    listed = {t["id"]: t for t in api.get("/tasks").get_json()["tasks"]}
    assert listed[record.id]["name"] == "2 göstergenin Ocak–Haziran 2025 gerçekleşme değerlerini gir"
    body = api.get(f"/tasks/{record.id}").get_json()
    rows = body["draft"]["rows"]
    assert [r["indicator_code"] for r in rows] == ["PG1.1.1", "PG1.1.2"] and rows[0]["planned"] == 11.0
    bad = api.post(f"/tasks/{record.id}/complete", {"rows": [dict(r, actual="çok") for r in rows]})
    assert bad.status_code == 422 and "rows-0-actual" in bad.get_json()["error"]["fields"]
    db.session.expire_all()
    assert db.session.get(TaskRecord, record.id).state == "open"
    done = api.post(f"/tasks/{record.id}/complete", {"rows": [dict(r, actual=10.5 if r["indicator_code"] == "PG1.1.1"
                                                                   else 12) for r in rows]})
    assert done.status_code == 200 and done.get_json()["state"] == "completed"
    db.session.expire_all()
    by_code = {t.code: t for t in monitoring.realisation_of(started).targets}
    assert by_code["H1.1"].rate == 70.0  # 0.6 × 50 + 0.4 × 100 (200 counted 100)
    assert api.post(f"/tasks/{record.id}/complete", {"rows": rows}).status_code in (404, 409)  # done already


def test_a_unit_proposes_its_programme_through_the_api(adopted, app):
    town, plan, units = adopted
    started = performance.start_program(factories.person(town, "coordinator"), plan, 2026)
    db.session.commit()
    record = _record(started, units[0])
    api = _api(app, manager_of(units[0]))
    body = api.get(f"/tasks/{record.id}").get_json()
    assert body["name"] == "2026 performans programı: 2 göstergenin hedefini öner"
    draft = body["draft"]
    bad = api.post(f"/tasks/{record.id}/complete", {**draft, "rows": [
        {k: v for k, v in r.items() if k != "proposed"} for r in draft["rows"]]})
    assert bad.status_code == 422 and bad.get_json()["error"]["fields"]["rows-0-proposed"] == \
        "Yılın performans hedefini girin."
    rows = [dict(r, proposed=13) for r in draft["rows"]]
    done = api.post(f"/tasks/{record.id}/complete", {**draft, "rows": rows,
                                                     "activities": [dict(a, cost=2500) for a in draft["activities"]]})
    assert done.status_code == 200
    db.session.expire_all()
    programme = performance_report.programme_of(started)
    first = next(u for u in programme.units if u.answered)
    assert [r["proposed"] for r in first.rows] == [13.0, 13.0] and first.total == 2500.0
    assert programme.total == 4500.0 and programme.waiting == [units[1].name]  # 2,500 + the other's 2,000


def test_the_coordinator_starts_the_yearly_processes_through_the_api(adopted, app):
    import time_machine

    from stratflow.models import ProcessInstance
    town, plan, units = adopted
    coordinator = factories.person(town, "coordinator")
    api = _api(app, coordinator)
    path = f"/instances/{plan.id}/plan/cycle"
    count = db.select(db.func.count()).select_from(ProcessInstance)
    before = db.session.execute(count).scalar()
    for body, status, needle in (
            ({"process": "plan_monitoring", "year": 2031, "half": 1}, 422, "2025–2029"),
            ({"process": "plan_monitoring", "year": 2025, "half": 3}, 422, None),
            ({"process": "yok", "year": 2025}, 422, None),
            ({"process": "plan_update"}, 409, "ilk yılı")):
        with time_machine.travel(date(2025, 3, 1), tick=False):
            response = api.post(path, body)
        assert response.status_code == status, response.get_json()
        assert needle is None or needle in response.get_json()["error"]["message"]
    assert db.session.execute(count).scalar() == before  # nothing started
    generic = api.post("/instances", {"municipality_id": town.id, "process": "plan_monitoring"})
    assert generic.status_code == 422 and "process" in generic.get_json()["error"]["fields"]
    started = api.post(path, {"process": "plan_monitoring", "year": 2025, "half": 1})
    assert started.status_code == 201 and started.headers["Location"].endswith(f"/instances/{started.get_json()['id']}")
    assert started.get_json()["definition"]["key"] == "plan_monitoring"
    assert api.post(path, {"process": "plan_monitoring", "year": 2025, "half": 1}).status_code == 409  # again
    programme = api.post(path, {"process": "plan_performance", "year": 2026})
    assert programme.status_code == 201
    with time_machine.travel(date(2026, 1, 20), tick=False):
        reports = api.post(path, {"process": "plan_evaluation_year", "year": 2025})
    assert reports.status_code == 201
    manager = _api(app, manager_of(units[0]))
    assert manager.post(path, {"process": "plan_performance", "year": 2027}).status_code == 403
    assert db.session.execute(count).scalar() == before + 3
