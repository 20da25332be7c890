"""Starting a monitoring period on an adopted plan's target cards (issue 15): one task per
responsible unit named after its indicators and the period, its form starting with them, due
from the period's end; realisation per target from what the units entered."""

from __future__ import annotations

from datetime import date

import pytest

from stratflow.extensions import db
from stratflow.models import ProcessInstance, TaskRecord
from stratflow.services import ServiceError, monitoring, tasks

from . import factories
from .conftest import ROOT
from .plan_helpers import manager_of, town_with_plan

ARTIFACTS = ROOT / "test-artifacts"


@pytest.fixture
def adopted(ctx, definition):
    town, plan, units = town_with_plan()
    plan.status = "completed"  # adopted: walking the preparation to its end is test_strategic_plan's work
    db.session.commit()
    return town, plan, units


def _open(instance) -> list[TaskRecord]:
    return list(db.session.execute(db.select(TaskRecord).filter_by(instance_id=instance.id, state="open")
                                   .order_by(TaskRecord.name)).scalars())


def test_a_period_gives_each_responsible_unit_its_indicators(adopted):
    town, plan, units = adopted
    coordinator = factories.person(town, "coordinator")
    started = monitoring.start_period(coordinator, plan, 2025, 1)
    db.session.commit()
    assert started.title == f"{town.name} — Ocak–Haziran 2025 izleme"
    records = _open(started)
    assert {r.unit_id for r in records} == {units[0].id, units[1].id}
    assert {r.name for r in records} == {"2 göstergenin Ocak–Haziran 2025 gerçekleşme değerlerini gir"}
    assert {r.due_date for r in records} == {date(2025, 7, 14)}  # 15 July is a holiday
    first = next(r for r in records if r.unit_id == units[0].id)
    assert [row["indicator_code"] for row in first.draft["rows"]] == ["PG1.1.1", "PG1.1.2"]
    assert first.draft["rows"][0]["planned"] == 11.0  # the 2025 value of the card

    for record in records:
        rows = [dict(row, actual=10.5 if row["indicator_code"] == "PG1.1.1" else 12) for row in record.draft["rows"]]
        unit = next(u for u in units if u.id == record.unit_id)
        tasks.complete(record.id, manager_of(unit), {"rows": rows})
    db.session.commit()
    result = monitoring.realisation_of(started)
    by_code = {t.code: t for t in result.targets}
    # H1.1: PG1.1.1 (weight 60) 10 → 10.5 of 10 → 11 = 50 %; PG1.1.2 (40) 10 → 12 of 10 → 11 = 200 %, counted 100
    assert by_code["H1.1"].rate == 70.0
    assert {r.code: r.rate for r in by_code["H1.1"].indicators} == {"PG1.1.1": 50.0, "PG1.1.2": 200.0}
    assert by_code["H2.1"].rate == 100.0  # both 10 → 12 of 10 → 11: counted 100 each
    assert [t.bpmn_id for t in _open(started)] == ["monitoring_report"]


def test_bad_periods_start_nothing(adopted):
    town, plan, _units = adopted
    coordinator = factories.person(town, "coordinator")
    before = db.session.execute(db.select(db.func.count()).select_from(ProcessInstance)).scalar()
    with pytest.raises(ServiceError, match="2025–2029"):
        monitoring.start_period(coordinator, plan, 2031, 1)
    with pytest.raises(ServiceError):
        monitoring.start_period(coordinator, plan, 2025, 3)
    plan.status = "running"
    with pytest.raises(ServiceError, match="yürürlüğe girmiş"):
        monitoring.start_period(coordinator, plan, 2025, 1)
    db.session.rollback()
    assert db.session.execute(db.select(db.func.count()).select_from(ProcessInstance)).scalar() == before


def test_the_first_half_asks_only_for_six_monthly_indicators(adopted):
    town, plan, units = adopted
    for indicator in plan_indicators(plan):
        indicator.monitoring = "yearly"
    db.session.commit()
    coordinator = factories.person(town, "coordinator")
    with pytest.raises(ServiceError, match="izlenecek gösterge yok"):
        monitoring.start_period(coordinator, plan, 2025, 1)
    started = monitoring.start_period(coordinator, plan, 2025, 2)
    assert {r.due_date for r in _open(started)} == {date(2026, 1, 15)}


def plan_indicators(plan):
    from stratflow.models import PlanIndicator
    return list(db.session.execute(db.select(PlanIndicator).filter_by(instance_id=plan.id)).scalars())


# -- on the web ------------------------------------------------------------------------------------

def login(client, user):
    from stratflow.services import accounts

    from .conftest import signed_in
    user.password_hash = accounts.hash_password("Demo.2024")
    db.session.commit()
    return signed_in(client, user.email)


def test_the_coordinator_starts_a_period_and_everyone_reads_the_realisation(adopted, client):
    import io

    import openpyxl

    town, plan, units = adopted
    coordinator = factories.person(town, "coordinator")
    browser = login(client, coordinator)
    page = browser.get(f"/instances/{plan.id}/plan").get_data(as_text=True)
    assert 'data-form="monitoring-start"' in page
    before = db.session.execute(db.select(db.func.count()).select_from(ProcessInstance)).scalar()
    refused = browser.post(f"/instances/{plan.id}/monitoring", {"year": "2031", "half": "1"},
                           form_page=f"/instances/{plan.id}/plan")
    assert refused.status_code == 302
    assert db.session.execute(db.select(db.func.count()).select_from(ProcessInstance)).scalar() == before
    assert "2025–2029" in browser.get(f"/instances/{plan.id}/plan").get_data(as_text=True)  # the flash
    response = browser.post(f"/instances/{plan.id}/monitoring", {"year": "2025", "half": "1"},
                            form_page=f"/instances/{plan.id}/plan")
    assert response.status_code == 302
    db.session.expire_all()
    [started] = monitoring.periods(plan)
    manager = manager_of(units[0])
    inbox = login(client.application.test_client(), manager).get("/").get_data(as_text=True)
    assert "2 göstergenin Ocak–Haziran 2025 gerçekleşme değerlerini gir" in inbox
    [record] = [r for r in _open(started) if r.unit_id == units[0].id]
    tasks.complete(record.id, manager, {"rows": [dict(r, actual=11) for r in record.draft["rows"]]})
    db.session.commit()
    instance_page = browser.get(f"/instances/{started.id}").get_data(as_text=True)
    assert 'data-test="realisation-link"' in instance_page and 'data-test="kpi-compliance"' not in instance_page
    html = browser.get(f"/instances/{started.id}/realisation").get_data(as_text=True)
    assert 'data-target="H1.1"' in html and 'data-rate="100.0"' in html  # 10 → 11 of 10 → 11
    assert "girişler bekleniyor" in html  # H2.1's unit has not entered yet
    sheet = openpyxl.load_workbook(io.BytesIO(browser.get(f"/instances/{started.id}/realisation.xlsx").data)).active
    assert sheet["A1"].value == "Hedef" and sheet.max_row == 1 + 4
    import docx
    body = browser.get(f"/instances/{started.id}/realisation.docx").data
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "monitoring-report.docx").write_bytes(body)  # looked at as a PDF page (README)
    report = docx.Document(io.BytesIO(body))
    assert "İzleme Raporu — Ocak–Haziran 2025" in "\n".join(p.text for p in report.paragraphs)
    cells = [[c.text for c in row.cells] for row in report.tables[0].rows]
    assert cells[1] == ["H1.1", "100", "100"] and cells[2][1] == "girişler bekleniyor"
    stranger_town, _instance, _units = town_with_plan("Başka Belediyesi", cards=False)
    stranger = factories.person(stranger_town, "coordinator")
    other = login(client.application.test_client(), stranger)
    assert other.get(f"/instances/{started.id}/realisation").status_code == 404
    assert other.post(f"/instances/{plan.id}/monitoring", {"year": "2025", "half": "2"},
                      form_page=f"/instances/{_instance.id}/plan").status_code == 404


def test_the_cockpit_shows_an_adopted_plans_next_date(adopted, client):
    import time_machine
    town, plan, _units = adopted
    coordinator = factories.person(town, "coordinator")
    with time_machine.travel(date(2025, 7, 20), tick=False):
        html = login(client, coordinator).get("/cockpit").get_data(as_text=True)
    cell = html.split('data-test="next-cycle-date"')[1].split("</td>")[0]
    assert "Altı aylık izleme raporu" in cell and "31 Temmuz 2025" in cell
    assert 'data-test="units-behind"' not in cell


def test_the_cockpit_counts_the_units_behind_in_monitoring(adopted, client):
    import time_machine
    town, plan, units = adopted
    coordinator = factories.person(town, "coordinator")
    with time_machine.travel(date(2025, 7, 1), tick=False):
        started = monitoring.start_period(coordinator, plan, 2025, 1)
        db.session.commit()
    record = next(r for r in _open(started) if r.unit_id == units[1].id)
    tasks.complete(record.id, manager_of(units[1]), {"rows": [dict(r, actual=11) for r in record.draft["rows"]]})
    db.session.commit()
    with time_machine.travel(date(2025, 7, 18), tick=False):  # due on 14 July
        html = login(client, coordinator).get("/cockpit").get_data(as_text=True)
    assert 'data-units="1"' in html and "İzlemede 1 birim gecikti" in html


def test_reminders_and_escalations_walked_day_by_day(adopted, app):
    """The units' due date (15 July 2025 is a holiday: Monday 14th) drives the usual reminders:
    before, on the day, overdue, then the escalation to the strategy unit; a unit that answered
    gets nothing more."""
    import time_machine

    from stratflow.models import OutboxMessage

    from .test_reminders import _at, _walk
    town, plan, units = adopted
    coordinator = factories.person(town, "coordinator")
    with time_machine.travel(_at(date(2025, 7, 1)), tick=False):
        started = monitoring.start_period(coordinator, plan, 2025, 1)
        db.session.commit()
    ours = {r.id for r in _open(started)}
    first, second = (manager_of(u).email for u in units[:2])
    sent = _walk(app, date(2025, 7, 2), date(2025, 7, 10))
    # working days before Monday 14 July: 7 → Thursday 3 July, 3 → Wednesday 9 July
    assert sent == {date(2025, 7, 3): sorted([("before-7", first), ("before-7", second)]),
                    date(2025, 7, 9): sorted([("before-3", first), ("before-3", second)])}
    record = next(r for r in _open(started) if r.unit_id == units[1].id)
    with time_machine.travel(_at(date(2025, 7, 10)), tick=False):
        tasks.complete(record.id, manager_of(units[1]), {"rows": [dict(r, actual=11) for r in record.draft["rows"]]})
        db.session.commit()
    sent = _walk(app, date(2025, 7, 11), date(2025, 7, 25))
    mails = [(day, kind, to) for day, rows in sent.items() for kind, to in rows]
    assert (date(2025, 7, 14), "due", first) in mails
    assert any(kind.startswith("overdue") and to == first for _day, kind, to in mails)
    assert any(kind.startswith("escalation") and to == coordinator.email for _day, kind, to in mails)
    assert not [m for m in mails if m[2] == second]  # answered: no more mail
    rows = db.session.execute(db.select(OutboxMessage)).scalars().all()
    assert {r.task_id for r in rows if r.task_id} <= ours | {t.id for t in _open(plan)}


def test_the_realisation_counts_every_unit_that_answered_so_far(adopted):
    from stratflow.services import plan_content

    from .plan_helpers import card
    town, plan, units = adopted
    coordinator = factories.person(town, "coordinator")
    plan.status = "running"  # the cards of a plan in force are read-only: H3.1 was there at adoption
    plan_content.save_goal(coordinator, plan, {"code": "A3", "title": "Amaç A3"})
    plan_content.save_card(coordinator, plan, card("H3.1", units[2].id))
    plan.status = "completed"
    db.session.commit()
    started = monitoring.start_period(coordinator, plan, 2025, 1)
    db.session.commit()
    for unit in units[:2]:  # the third unit has not answered yet
        [record] = [r for r in _open(started) if r.unit_id == unit.id]
        tasks.complete(record.id, manager_of(unit), {"rows": [dict(r, actual=11) for r in record.draft["rows"]]})
        db.session.commit()
    rates = {t.code: t.rate for t in monitoring.realisation_of(started).targets}
    assert rates == {"H1.1": 100.0, "H2.1": 100.0, "H3.1": None}


# Hand-computed: 15 days after the half's end, the previous working day when that is none (15 July
# is always a holiday — Demokrasi ve Millî Birlik Günü).
UNIT_DUE = {
    (2025, 1): date(2025, 7, 14), (2025, 2): date(2026, 1, 15),
    (2026, 1): date(2026, 7, 14), (2026, 2): date(2027, 1, 15),
    (2027, 1): date(2027, 7, 14), (2027, 2): date(2028, 1, 14),   # 15 January 2028 a Saturday
    (2028, 1): date(2028, 7, 14), (2028, 2): date(2029, 1, 15),
    (2029, 1): date(2029, 7, 13), (2029, 2): date(2030, 1, 15),   # 14 July 2029 a Saturday
}


@pytest.mark.parametrize(("year", "half"), sorted(UNIT_DUE))
def test_the_units_due_date_of_every_half_of_the_plan(adopted, year, half):
    town, plan, _units = adopted
    started = monitoring.start_period(factories.person(town, "coordinator"), plan, year, half)
    db.session.commit()
    assert {r.due_date for r in _open(started)} == {UNIT_DUE[(year, half)]}
