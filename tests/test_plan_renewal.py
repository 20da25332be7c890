"""The renewal (yenileme) of a plan after a new election: the new preparation process starts with
the previous plan's realisation (per goal and target, from its monitoring periods) as the starting
values of its evaluation of the plan in force."""

from __future__ import annotations

from datetime import date

import pytest

from stratflow.extensions import db
from stratflow.services import monitoring, renewal, tasks, versions
from stratflow.services.transition import _start_values

from . import factories
from .plan_helpers import manager_of, town_with_plan
from .test_strategic_plan import FORMS, Run, municipality, spec  # noqa: F401  (the module's fixtures)
from .test_strategic_plan import clock as clock  # noqa: PLC0414


@pytest.fixture
def adopted_and_monitored(ctx, definition):
    """The 2025–2029 plan in force; in its 2025 year-end monitoring unit 0 answered (H1.1: 12 and 11
    of 11 planned from 10 → 100 and 100 %), unit 1 (H2.1) not yet."""
    town, plan, units = town_with_plan()
    plan.status = "completed"
    db.session.commit()
    started = monitoring.start_period(factories.person(town, "coordinator"), plan, 2025, 2)
    db.session.commit()
    record = next(r for r in factories_open(started) if r.unit_id == units[0].id)
    rows = [dict(r, actual=12 if r["indicator_code"].endswith(".1") else 11) for r in record.draft["rows"]]
    tasks.complete(record.id, manager_of(units[0]), {"rows": rows})
    db.session.commit()
    return town, plan, units


def factories_open(instance):
    from stratflow.models import TaskRecord
    return list(db.session.execute(db.select(TaskRecord).filter_by(instance_id=instance.id, state="open")).scalars())


def test_the_previous_plans_realisation_starts_the_evaluation(adopted_and_monitored, app):
    from stratflow.models import ProcessInstance

    from .test_plan_api import client
    town, plan, _units = adopted_and_monitored
    start = renewal.evaluation_start(town)
    assert start["current_plan"] == "in_force" and start["current_plan_period"] == "2025-2029"
    assert start["realisation"] == [
        {"goal_code": "A1", "target_code": "H1.1", "target": "Hedef H1.1", "rate": 100.0,
         "period": "Temmuz–Aralık 2025"},
        {"goal_code": "A2", "target_code": "H2.1", "target": "Hedef H2.1"}]
    assert "A1 Amaç A1: %100 — H1.1 %100 (Temmuz–Aralık 2025)" in start["evaluation"]
    assert "A2 Amaç A2: —" in start["evaluation"] and "İzleme verisi olmayan hedefler: H2.1." in start["evaluation"]
    # a new election, a new preparation process: its data holds the evaluation's starting values
    town.election_date, town.mazbata_date = date(2029, 3, 25), date(2029, 3, 29)
    db.session.commit()
    api = client(app, factories.person(town, "coordinator"))  # the API starts it as the web page does
    reply = api.post("/instances", {"municipality_id": town.id})
    assert reply.status_code == 201, reply.get_data(as_text=True)
    new = db.session.get(ProcessInstance, reply.get_json()["id"])
    data = versions.read_workflow(new).data
    assert data["previous_plan_evaluation"] == start
    assert new.title.endswith("2030–2034 Stratejik Planı")


def test_without_an_adopted_plan_there_is_nothing_to_start_from(ctx, definition):
    town, plan, _units = town_with_plan()  # still being prepared
    assert renewal.evaluation_start(town) is None
    assert "previous_plan_evaluation" not in versions.read_workflow(plan).data


def test_the_evaluation_task_opens_with_them(spec, clock):  # noqa: F811
    start = {"current_plan": "in_force", "current_plan_period": "2025-2029",
             "evaluation": "Önceki plan …\nA1 Amaç: %80",
             "realisation": [{"goal_code": "A1", "target_code": "H1.1", "target": "Yollar", "rate": 80.0,
                              "period": "Temmuz–Aralık 2028"}]}
    run = Run(spec, clock)
    from stratflow import engine

    from .test_strategic_plan import UNITS
    run.wf = engine.Workflow.start(*spec, {"municipality": municipality(), "units": UNITS,
                                           "previous_plan_evaluation": start})
    run.walk(last="program_approval")
    [task] = run.waiting("plan_evaluation")
    assert task.properties["formStartVariable"] == "previous_plan_evaluation"
    draft = _start_values(task.data, task.properties["formStartVariable"])
    assert draft == start
    run.do("plan_evaluation", draft)  # the starting values are a valid answer as they are


def test_the_previous_plans_cards_are_offered_as_a_starting_point(ctx, definition, client):
    from stratflow.services import ServiceError, plan_content

    from .test_monitoring_service import login
    town, plan, units = town_with_plan()
    plan.status = "completed"
    town.election_date, town.mazbata_date = date(2029, 3, 25), date(2029, 3, 29)
    db.session.commit()
    coordinator = factories.person(town, "coordinator")
    new = renewal.start_preparation(town, coordinator)
    db.session.commit()
    assert not renewal.may_copy_cards(manager_of(units[0]), new)  # a unit manager edits only its own cards
    browser = login(client, coordinator)
    page = browser.get(f"/instances/{new.id}/plan").get_data(as_text=True)
    assert 'data-form="copy-previous"' in page
    assert 'data-form="copy-previous"' not in browser.get(f"/instances/{plan.id}/plan").get_data(as_text=True)
    response = browser.post(f"/instances/{new.id}/plan/copy-previous", {}, form_page=f"/instances/{new.id}/plan")
    assert response.status_code == 302
    years = plan_content.snapshot(new)["years"]
    assert years == [2030, 2031, 2032, 2033, 2034]
    copied = plan_content.card(plan_content.target(new, "H1.1"), years)
    assert copied["responsible_unit"]["id"] == units[0].id and copied["weight_total"] == 100
    assert [i["code"] for i in copied["indicators"]] == ["PG1.1.1", "PG1.1.2"]
    assert set(copied["indicators"][0]["values"].values()) == {None} and copied["indicators"][0]["baseline"] is None
    assert copied["activities"][0]["name"] == "Yol yenileme" and set(copied["activities"][0]["costs"].values()) == {0}
    # the previous plan keeps its years and values
    assert plan_content.snapshot(plan)["years"] == [2025, 2026, 2027, 2028, 2029]
    assert plan_content.target(plan, "H1.1").indicators[0].value_1 == 11
    with pytest.raises(ServiceError, match="henüz amacı olmayan"):
        renewal.copy_cards(coordinator, new)
    assert 'data-form="copy-previous"' not in browser.get(f"/instances/{new.id}/plan").get_data(as_text=True)
