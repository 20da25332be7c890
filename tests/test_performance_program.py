"""The yearly performance programme (issue 15): the model runs through the engine; started on the
adopted plan's cards each responsible unit proposes its year's targets and costs from the plan's
values, due on the cycle's dates (15 August, before 1 September, the October council)."""

from __future__ import annotations

import json
from datetime import date

import pytest

from stratflow import engine
from stratflow.extensions import db
from stratflow.models import RoleAssignment, TaskRecord, User
from stratflow.services import ServiceError, forms, performance, tasks

from . import factories
from .conftest import ROOT
from .plan_helpers import manager_of, town_with_plan

WORKFLOWS = ROOT / "workflows"
BPMN = WORKFLOWS / "plan_performance.bpmn"
FORMS = {p.name: json.loads(p.read_text(encoding="utf-8")) for p in WORKFLOWS.glob("*.json")}


def test_the_model_is_clean(app):
    with app.app_context():
        report = engine.check(BPMN.read_bytes(), BPMN.name, FORMS, 2_000_000)
    assert [f.as_text() for f in report.findings if f.level in ("error", "warning")] == []


@pytest.fixture
def adopted(ctx, definition):
    town, plan, units = town_with_plan()
    plan.status = "completed"  # adopted: walking the preparation to its end is test_strategic_plan's work
    db.session.commit()
    return town, plan, units


def _open(instance) -> list[TaskRecord]:
    return list(db.session.execute(db.select(TaskRecord).filter_by(instance_id=instance.id, state="open")
                                   .order_by(TaskRecord.name)).scalars())


def _do(instance, bpmn_id, actor, data):
    [record] = [r for r in _open(instance) if r.bpmn_id == bpmn_id]
    tasks.complete(record.id, actor, data)
    db.session.commit()


def test_the_programme_for_2026_runs_to_the_council(adopted):
    town, plan, units = adopted
    coordinator, mayor = factories.person(town, "coordinator"), factories.person(town, "mayor")
    started = performance.start_program(coordinator, plan, 2026)
    db.session.commit()
    records = _open(started)
    assert {r.unit_id for r in records} == {units[0].id, units[1].id}
    assert {r.name for r in records} == {"2026 performans programı: 2 göstergenin hedefini öner"}
    assert {r.due_date for r in records} == {date(2025, 8, 15)}
    first = next(r for r in records if r.unit_id == units[0].id)
    assert first.draft["rows"][0] == {"indicator_code": "PG1.1.1", "indicator": "Gösterge PG1.1.1", "plan_value": 12.0}
    assert first.draft["activities"] == [{"name": "Yol yenileme", "cost": 2000.0, "funding": "Öz kaynak"}]
    schema = FORMS["performance_proposals.schema.json"]
    assert forms.validate(schema, {"rows": [{"indicator_code": "PG1.1.1"}]}) == {
        "rows-0-proposed": "Yılın performans hedefini girin."}
    for record in records:
        unit = next(u for u in units if u.id == record.unit_id)
        tasks.complete(record.id, manager_of(unit), {
            "rows": [dict(r, proposed=r["plan_value"]) for r in record.draft["rows"]],
            "activities": record.draft["activities"]})
    db.session.commit()
    [consolidation] = _open(started)
    assert consolidation.bpmn_id == "program_consolidation" and consolidation.due_date == date(2025, 8, 20)
    _do(started, "program_consolidation", coordinator, {"program_document": "EBYS 2025/900"})
    [approval] = _open(started)
    assert approval.due_date == date(2025, 8, 29)  # 31 August 2025 is a Sunday, the 30th Zafer Bayramı
    _do(started, "program_approval", mayor, {"approval_decision": "return", "approval_notes": "Maliyetler yüksek."})
    _do(started, "program_consolidation", coordinator, {"program_document": "EBYS 2025/901"})
    _do(started, "program_approval", mayor, {"approval_decision": "approve"})
    [council] = _open(started)
    assert council.bpmn_id == "program_council" and council.due_date == date(2025, 10, 7)  # October meeting
    clerk = User(email="yaziisleri@deneme.example", full_name="Yazı İşleri", municipality=town)
    clerk.roles.append(RoleAssignment(role="council_clerk", municipality=town))
    db.session.add(clerk)
    _do(started, "program_council", clerk,
        {"program_decision_date": "2025-10-07", "program_decision_number": "2025/120"})
    db.session.refresh(started)
    assert started.status == "completed"


def test_a_year_outside_the_plan_starts_nothing(adopted):
    town, plan, _units = adopted
    with pytest.raises(ServiceError, match="2025–2029"):
        performance.start_program(factories.person(town, "coordinator"), plan, 2031)
    plan.status = "running"
    with pytest.raises(ServiceError, match="yürürlüğe girmiş"):
        performance.start_program(factories.person(town, "coordinator"), plan, 2026)


def test_the_coordinator_starts_it_from_the_plan_page(adopted, client):
    from stratflow.services import accounts

    from .conftest import signed_in
    town, plan, _units = adopted
    coordinator = factories.person(town, "coordinator")
    coordinator.password_hash = accounts.hash_password("Demo.2024")
    db.session.commit()
    browser = signed_in(client, coordinator.email)
    assert 'data-form="performance-start"' in browser.get(f"/instances/{plan.id}/plan").get_data(as_text=True)
    response = browser.post(f"/instances/{plan.id}/performance", {"year": "2027"},
                            form_page=f"/instances/{plan.id}/plan")
    assert response.status_code == 302 and "/instances/" in response.headers["Location"]
    started = db.session.execute(db.select(TaskRecord).filter_by(bpmn_id="unit_proposals")).scalars().first()
    assert started is not None and started.name.startswith("2027 performans programı")
