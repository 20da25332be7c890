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


# Hand-computed: proposals 15 August of the year before (the previous working day when it is none),
# the budget to the encümen before 1 September (31 August, or the working day before: 30 August is
# Zafer Bayramı), the strategy unit 7 working days before that, the council's October meeting (an
# ilçe council meeting in the first week of the month on Tuesdays).
PROGRAMME_DATES = {
    2025: (date(2024, 8, 15), date(2024, 8, 20), date(2024, 8, 29), date(2024, 10, 1)),  # 31 Aug 2024 a Saturday
    2026: (date(2025, 8, 15), date(2025, 8, 20), date(2025, 8, 29), date(2025, 10, 7)),  # 31 Aug 2025 a Sunday
    2027: (date(2026, 8, 14), date(2026, 8, 20), date(2026, 8, 31), date(2026, 10, 6)),  # 15 Aug 2026 a Saturday
    2028: (date(2027, 8, 13), date(2027, 8, 19), date(2027, 8, 31), date(2027, 10, 5)),  # 30 Aug 2027 a Monday
    2029: (date(2028, 8, 15), date(2028, 8, 21), date(2028, 8, 31), date(2028, 10, 3)),
}


@pytest.mark.parametrize("year", sorted(PROGRAMME_DATES))
def test_the_due_dates_of_every_plan_year(adopted, year):
    town, plan, units = adopted
    coordinator, mayor = factories.person(town, "coordinator"), factories.person(town, "mayor")
    started = performance.start_program(coordinator, plan, year)
    db.session.commit()
    proposals, consolidation, approval, council = PROGRAMME_DATES[year]
    assert {r.due_date for r in _open(started)} == {proposals}
    for record in _open(started):
        unit = next(u for u in units if u.id == record.unit_id)
        tasks.complete(record.id, manager_of(unit), {
            "rows": [dict(r, proposed=r["plan_value"]) for r in record.draft["rows"]],
            "activities": record.draft["activities"]})
    db.session.commit()
    assert [(r.bpmn_id, r.due_date) for r in _open(started)] == [("program_consolidation", consolidation)]
    _do(started, "program_consolidation", coordinator, {"program_document": "EBYS"})
    assert [(r.bpmn_id, r.due_date) for r in _open(started)] == [("program_approval", approval)]
    _do(started, "program_approval", mayor, {"approval_decision": "approve"})
    assert [(r.bpmn_id, r.due_date) for r in _open(started)] == [("program_council", council)]


def test_reminders_walked_day_by_day(adopted, app):
    """The units' 15 August 2025 drives the usual reminders: 7 and 3 working days before, on the
    day, then overdue and the escalation to the strategy unit; a unit that answered gets no more."""
    import time_machine

    from .test_reminders import _at, _walk
    town, plan, units = adopted
    coordinator = factories.person(town, "coordinator")
    with time_machine.travel(_at(date(2025, 8, 1)), tick=False):
        started = performance.start_program(coordinator, plan, 2026)
        db.session.commit()
    first, second = (manager_of(u).email for u in units[:2])
    sent = _walk(app, date(2025, 8, 2), date(2025, 8, 12))
    # working days before Friday 15 August: 7 → Wednesday 6 August, 3 → Tuesday 12 August
    assert sent == {date(2025, 8, 6): sorted([("before-7", first), ("before-7", second)]),
                    date(2025, 8, 12): sorted([("before-3", first), ("before-3", second)])}
    record = next(r for r in _open(started) if r.unit_id == units[1].id)
    with time_machine.travel(_at(date(2025, 8, 13)), tick=False):
        tasks.complete(record.id, manager_of(units[1]), {
            "rows": [dict(r, proposed=r["plan_value"]) for r in record.draft["rows"]],
            "activities": record.draft["activities"]})
        db.session.commit()
    sent = _walk(app, date(2025, 8, 14), date(2025, 8, 29))
    mails = [(day, kind, to) for day, rows in sent.items() for kind, to in rows]
    assert (date(2025, 8, 15), "due", first) in mails
    assert any(kind.startswith("overdue") and to == first for _day, kind, to in mails)
    assert any(kind.startswith("escalation") and to == coordinator.email for _day, kind, to in mails)
    assert not [m for m in mails if m[2] == second]  # answered: no more mail
