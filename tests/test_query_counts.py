"""SQL statements per request or job: a fixed, small number, whatever the size of the country.

Each test measures the same request twice: with one municipality, and after other municipalities
with many more open tasks were added. The figures are budgets (DESIGN.md §3a, issue 11): a test
fails when a change adds statements or makes them grow with the data."""

from __future__ import annotations

from contextlib import contextmanager
from datetime import datetime, timedelta

import pytest
from sqlalchemy import event

from stratflow.extensions import db
from stratflow.models import TaskRecord
from stratflow.models.base import utcnow
from stratflow.services import accounts, calendars, reminders

from .conftest import signed_in
from .factories import at_nominations, open_task, person

MEMBER = {"members": [{"full_name": "Deniz Acar", "title": "Uzman", "email": "deniz@example.org",
                       "phone": "0266 555 10 20"}]}
COMPLETION_BUDGET = 12


@contextmanager
def statements():
    seen: list[str] = []

    def listener(_conn, _cursor, statement, *_args):
        seen.append(statement)
    event.listen(db.engine, "before_cursor_execute", listener)
    try:
        yield seen
    finally:
        event.remove(db.engine, "before_cursor_execute", listener)


def _grow_the_country(count: int = 2, units: int = 25) -> None:
    """Other municipalities, each at its nominations: many more open tasks elsewhere."""
    for n in range(count):
        at_nominations(f"Ek{n} Belediyesi", units)


def _api(app, user):
    _token, secret = accounts.create_token(user, "sayım")
    db.session.commit()
    client = app.test_client()
    headers = {"Authorization": f"Bearer {secret}"}
    assert client.get("/api/v1/tasks", headers=headers).status_code == 200  # the token's use is recorded
    return client, headers


def _complete_over_api(app, town, task_id: str) -> list[str]:
    record = db.session.get(TaskRecord, task_id)
    manager = db.session.execute(db.select(TaskRecord).where(TaskRecord.id == task_id)).scalar_one()
    from .helpers import holder
    client, headers = _api(app, holder(manager))
    db.session.commit()
    path = f"/api/v1/tasks/{record.id}/complete"
    with statements() as seen:
        response = client.post(path, headers=headers, json=MEMBER)
    assert response.status_code == 200, response.get_data(as_text=True)
    return seen


def test_an_api_completion_costs_the_same_few_statements_however_big_the_country(definition, app):
    town, instance = at_nominations("Birinci Belediyesi", units=4)
    first, second, *_rest = [t.id for t in db.session.execute(db.select(TaskRecord).filter_by(
        instance_id=instance.id, bpmn_id="team_nomination", state="open").order_by(TaskRecord.id)).scalars()]
    small = _complete_over_api(app, town, first)
    _grow_the_country()
    calendars.forget()  # a cold cache costs its reads once …
    _complete_over_api(app, town, second)
    third = open_task(instance.id, "team_nomination").id
    big = _complete_over_api(app, town, third)  # … and none once warm
    assert len(small) <= COMPLETION_BUDGET, "\n".join(small)
    assert len(big) == len(small), "\n".join(big)
    assert not any("municipality_settings" in s for s in big)  # settings come from the context


def test_a_completion_that_opens_and_closes_steps_stays_in_budget(definition, app):
    """The last nomination: the team list opens, the escalation step (if any) is withdrawn, mail of
    the closed steps is cancelled, documents are asked for — still one statement per kind of write."""
    town, instance = at_nominations("Birinci Belediyesi", units=2)
    first, last = [t.id for t in db.session.execute(db.select(TaskRecord).filter_by(
        instance_id=instance.id, bpmn_id="team_nomination", state="open").order_by(TaskRecord.id)).scalars()]
    _complete_over_api(app, town, first)
    seen = _complete_over_api(app, town, last)
    assert open_task(instance.id, "team_list") is not None
    assert len(seen) <= COMPLETION_BUDGET, "\n".join(seen)


def test_the_inbox_costs_the_same_however_many_tasks_are_open_elsewhere(definition, app):
    town, _instance = at_nominations("Birinci Belediyesi", units=3)
    client, headers = _api(app, person(town, "unit_manager"))
    with statements() as small:
        assert client.get("/api/v1/tasks", headers=headers).status_code == 200
    _grow_the_country()
    with statements() as big:
        body = client.get("/api/v1/tasks", headers=headers).get_json()
    assert len(body["tasks"]) == 1
    assert len(big) == len(small) <= 3, "\n".join(big)


def test_the_inbox_page_costs_the_same_however_many_tasks_are_open_elsewhere(definition, app, client):
    town, _instance = at_nominations("Birinci Belediyesi", units=3)
    manager = person(town, "unit_manager")
    manager.password_hash = accounts.hash_password("Demo.2024")
    db.session.commit()
    b = signed_in(client, manager.email)
    with statements() as small:
        assert b.get("/").status_code == 200
    _grow_the_country()
    with statements() as big:
        assert b.get("/").status_code == 200
    assert len(big) == len(small) <= 6, "\n".join(big)


def test_the_instance_page_is_a_fixed_number_of_statements(definition, app, client):
    town, instance = at_nominations("Birinci Belediyesi", units=3)
    coordinator = person(town, "coordinator")
    coordinator.password_hash = accounts.hash_password("Demo.2024")
    db.session.commit()
    b = signed_in(client, coordinator.email)
    page = f"/instances/{instance.id}"
    assert b.get(page).status_code == 200  # warm the caches
    with statements() as small:
        assert b.get(page).status_code == 200
    _grow_the_country()
    with statements() as big:
        assert b.get(page).status_code == 200
    assert len(big) == len(small) <= 20, "\n".join(big)


@pytest.mark.parametrize("municipalities", [1, 3])
def test_a_reminder_sweep_is_a_fixed_number_of_statements(definition, app, municipalities):
    """Every open task is due today: the sweep writes their reminders in batches, not one by one."""
    for n in range(municipalities):
        at_nominations(f"S{n} Belediyesi", units=6)
    today = (utcnow() + timedelta(hours=3)).date()
    db.session.execute(db.update(TaskRecord).where(TaskRecord.state == "open").values(due_date=today))
    db.session.commit()
    moment = datetime.combine(today, datetime.min.time()) + timedelta(hours=12)
    with statements() as seen:
        planned = reminders.plan_due(moment)
        db.session.commit()
    assert planned >= 6 * municipalities
    assert len(seen) <= 14, "\n".join(seen)


def _monitored_town(name: str):
    """A municipality with an adopted plan and an approved January–June 2025 monitoring period."""
    from .plan_helpers import town_with_plan
    from .test_year_realisation import adopt, approve, enter, start
    town, plan, units = town_with_plan(name)
    adopt(plan)
    started = start(town, plan)
    enter(started, units)
    approve(town, started)
    return town


def test_the_cockpit_with_this_years_realisation_is_a_fixed_number_of_statements(definition, app, client):
    """The realisation column reads the periods, their engine states, the plans and their indicators
    once for all municipalities."""
    from datetime import date

    import time_machine

    from stratflow.models import RoleAssignment

    from .test_year_realisation import consultant_of, login
    consultant = consultant_of(_monitored_town("Birinci Belediyesi"))
    with time_machine.travel(date(2025, 8, 1), tick=False):
        b = login(client, consultant)
        assert b.get("/cockpit").status_code == 200  # warm the caches
        with statements() as small:
            html = b.get("/cockpit").get_data(as_text=True)
        assert html.count('data-rate="59.0"') == 1
        for n in range(2):
            town = _monitored_town(f"Ek{n} Belediyesi")
            db.session.add(RoleAssignment(role="consultant", municipality=town, user_id=consultant.id))
        db.session.commit()
        assert b.get("/cockpit").status_code == 200  # the new municipalities' calendars
        with statements() as big:
            html = b.get("/cockpit").get_data(as_text=True)
    assert html.count('data-rate="59.0"') == 3
    assert len(big) == len(small) <= 12, "\n".join(big)
