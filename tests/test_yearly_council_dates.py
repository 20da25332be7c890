"""The yearly processes' council steps follow the council calendar after they started (issue 15):
when the clerk enters the actual date of the meeting (the April meeting of the activity report, the
October meeting of the performance programme), the open steps that count back from it move, and an
entered date removed gives the rule's date back."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
import time_machine

from stratflow.extensions import db
from stratflow.models import CouncilMeetingDate, TaskRecord
from stratflow.services import evaluation, performance, settings, tasks

from . import factories
from .plan_helpers import manager_of, town_with_plan


@pytest.fixture
def adopted(ctx, definition):
    town, plan, units = town_with_plan()
    plan.status = "completed"
    db.session.commit()
    return town, plan, units


def _open(instance) -> list[TaskRecord]:
    db.session.expire_all()
    return list(db.session.execute(db.select(TaskRecord).filter_by(instance_id=instance.id, state="open")
                                   .order_by(TaskRecord.name)).scalars())


TEXTS = {"general_info": "Birim 12 personelle çalışır.", "performance_assessment": "Hedeflerin çoğu tuttu.",
         "capacity_assessment": "Araç parkı eski.", "proposals": "Araç alımı."}


def test_the_april_meeting_entered_later_moves_the_activity_reports_steps(adopted):
    town, plan, units = adopted
    coordinator = factories.person(town, "coordinator")
    with time_machine.travel(datetime(2026, 1, 20, 7, tzinfo=UTC), tick=False):
        started = evaluation.start_year(coordinator, plan, 2025)
        db.session.commit()
    for record in _open(started):
        unit = next(u for u in units if u.id == record.unit_id)
        rows = [dict(r, actual=r["planned"]) for r in record.draft["rows"]]
        activities = [dict(a, actual_cost=a["planned_cost"]) for a in record.draft["activities"]]
        tasks.complete(record.id, manager_of(unit), {**record.draft, "rows": rows, "activities": activities, **TEXTS})
    db.session.commit()
    [consolidation] = _open(started)
    assert consolidation.due_date == date(2026, 3, 24)  # 10 working days before Tuesday 7 April 2026
    settings.enter_meeting(coordinator, town, {"meeting_date": "2026-04-14"})
    db.session.commit()
    [consolidation] = _open(started)
    assert consolidation.due_date == date(2026, 3, 31)  # 10 working days before 14 April
    row = db.session.execute(db.select(CouncilMeetingDate)).scalar_one()
    settings.remove_meeting(coordinator, town, row.id)
    db.session.commit()
    assert _open(started)[0].due_date == date(2026, 3, 24)


def test_the_october_meeting_entered_later_moves_the_programmes_council_step(adopted):
    town, plan, units = adopted
    coordinator, mayor = factories.person(town, "coordinator"), factories.person(town, "mayor")
    started = performance.start_program(coordinator, plan, 2026)
    db.session.commit()
    for record in _open(started):
        unit = next(u for u in units if u.id == record.unit_id)
        tasks.complete(record.id, manager_of(unit), {
            "rows": [dict(r, proposed=r["plan_value"]) for r in record.draft["rows"]],
            "activities": record.draft["activities"]})
    db.session.commit()
    for bpmn_id, actor, data in (("program_consolidation", coordinator, {"program_document": "EBYS"}),
                                 ("program_approval", mayor, {"approval_decision": "approve"})):
        [record] = _open(started)
        assert record.bpmn_id == bpmn_id
        tasks.complete(record.id, actor, data)
        db.session.commit()
    [council] = _open(started)
    assert council.due_date == date(2025, 10, 7)
    settings.enter_meeting(coordinator, town, {"meeting_date": "2025-10-09"})
    db.session.commit()
    assert _open(started)[0].due_date == date(2025, 10, 9)
