"""The coordinator's instance page: timeline, unit matrix, diagram states, open tasks by person,
audit filters, exports and who may see them — against the seeded scenario of tests/midway.py
with the clock frozen, every expected figure worked out here from the scenario's own dates."""

from __future__ import annotations

import csv
import io
import json
from calendar import monthrange
from datetime import date, datetime, timedelta

import openpyxl
import pytest
import time_machine
from lxml import html as lxml_html
from sqlalchemy import event

from stratflow.calendar.timeline import previous_working_day
from stratflow.extensions import db
from stratflow.models import AuditEvent, Municipality, ProcessInstance, TaskRecord, User
from stratflow.services import demo as demo_data
from stratflow.services import tasks

from .conftest import signed_in
from .midway import ANALYSIS_DAY, DOMAIN, STEP_DATA, UNITS_DONE, moment, seed

TODAY = date(2026, 3, 2)          # a Monday; the scenario starts 30 days earlier
COORDINATOR = f"sgm@{DOMAIN}"
MANAGERS = {code: name for _unit, code, name in demo_data.UNITS}
UNIT_NAMES = {code: unit for unit, code, _name in demo_data.UNITS}


@pytest.fixture
def scenario(app, definition):
    info = seed(app, TODAY)
    with time_machine.travel(moment(TODAY), tick=False):
        yield info


def get(client, path, email=COORDINATOR):
    """GET as `email`, signing in on the first request of this client."""
    if getattr(client, "signed_in_as", None) != email:
        assert getattr(client, "signed_in_as", None) is None, "one person per client"
        signed_in(client, email)
        client.signed_in_as = email
    return client.get(path)


def page_tree(client, info, query="", email=COORDINATOR):
    response = get(client, f"/instances/{info['instance_id']}{query}", email)
    assert response.status_code == 200
    return lxml_html.fromstring(response.get_data(as_text=True))


def plus_months(day: date, months: int) -> date:
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, monthrange(year, month)[1]))


def town() -> Municipality:
    return db.session.execute(db.select(Municipality)).scalar_one()


# -- timeline ----------------------------------------------------------------------------------

def test_timeline_figures(scenario, client):
    t0 = scenario["t0"]
    election = town().election_date
    mazbata = election + timedelta(days=5)
    legal = plus_months(election, 6)
    tree = page_tree(client, scenario)
    rows = {r.get("data-phase"): r for r in tree.xpath('//*[@data-test="timeline-row"]')}
    assert list(rows) == ["circular", "organisation", "program", "analysis", "future", "strategy",
                          "approval", "council", "publication"]
    # the circular: due 15 days after the mazbata (on a working day), approved on T0
    circular, circular_due = rows["circular"], previous_working_day(mazbata + timedelta(days=15))
    assert circular.get("data-state") == "done"
    assert circular.get("data-target") == circular_due.isoformat()
    assert int(circular.get("data-days-late")) == max((t0 - circular_due).days, 0) > 0
    # the analysis: 4 of 12 unit inputs and none of the 6 other required steps
    analysis = rows["analysis"]
    assert analysis.get("data-state") == "active"
    assert int(analysis.get("data-percent")) == round(100 * (4 / 12) / 7)
    assert [r.get("data-state") for r in rows.values()][4:] == ["not_reached"] * 5
    assert rows["program"].get("data-state") == rows["organisation"].get("data-state") == "done"
    # markers: the legal deadline and today, placed on a span of whole months
    timeline = tree.xpath('//*[@data-test="timeline"]')[0]
    start, end = date.fromisoformat(timeline.get("data-start")), date.fromisoformat(timeline.get("data-end"))
    assert start == election.replace(day=1)
    assert end == (legal.replace(day=1) + timedelta(days=32)).replace(day=1)
    [deadline] = tree.xpath('//*[@data-test="timeline-deadline"]')
    assert deadline.get("data-date") == legal.isoformat()
    [today] = tree.xpath('//*[@data-test="timeline-today"]')
    assert today.get("data-date") == TODAY.isoformat()
    assert float(today.get("data-at")) == round((TODAY - start).days / (end - start).days * 100, 2)
    # the target meeting: a Tuesday (the demo council's day) in a month's first week, before the deadline
    [meeting] = tree.xpath('//*[@data-test="timeline-meeting"]')
    day = date.fromisoformat(meeting.get("data-date"))
    assert day <= legal and day.weekday() == 1 and day.day <= 7
    assert tree.xpath('//*[@data-test="kpi-days-left"]')[0].text_content().strip().startswith(
        str((legal - TODAY).days))


def test_entered_council_meeting_moves_the_timeline_marker(scenario, client, monkeypatch):
    """The meeting date the clerk entered (process data) wins over the computed target meeting."""
    from stratflow.services import instance_page
    real = instance_page._engine_view

    def with_meeting(instance, workflow=None):
        progress, data = real(instance, workflow)
        return progress, dict(data, council_meeting_date="2026-07-07")
    monkeypatch.setattr(instance_page, "_engine_view", with_meeting)
    tree = page_tree(client, scenario)
    [meeting] = tree.xpath('//*[@data-test="timeline-meeting"]')
    assert meeting.get("data-date") == "2026-07-07"
    assert "7 Temmuz 2026" in tree.xpath('//*[@data-test="kpi-meeting"]')[0].text_content()
    council = tree.xpath('//*[@data-test="timeline-row"][@data-phase="council"]')[0]
    assert council.get("data-target") == "2026-07-07"   # the council decision's rule: the meeting day


# -- unit matrix -------------------------------------------------------------------------------

def _matrix(tree) -> dict:
    found = {}
    for row in tree.xpath('//*[@data-test="unit-matrix"]/tbody/tr'):
        cells = {td.get("data-step"): td for td in row.xpath("./td")}
        found[row.get("data-unit")] = cells
    return found


def test_unit_matrix_figures(scenario, client):
    t0, analysis_due = scenario["t0"], scenario["analysis_deadline"]
    late_now = (TODAY - analysis_due).days
    assert late_now == 30 - ANALYSIS_DAY
    matrix = _matrix(page_tree(client, scenario))
    assert set(matrix) == set(UNIT_NAMES.values())
    for code, unit in UNIT_NAMES.items():
        nomination, analysis = matrix[unit]["team_nomination"], matrix[unit]["unit_analysis"]
        assert nomination.get("data-state") == "completed" and nomination.get("data-days-late") == "0"
        assert MANAGERS[code] in nomination.text_content()
        if code in UNITS_DONE:
            assert analysis.get("data-state") == "completed" and analysis.get("data-days-late") == "0"
        else:
            assert analysis.get("data-state") == "overdue"
            assert int(analysis.get("data-days-late")) == late_now
            assert MANAGERS[code] in analysis.text_content()   # who holds it
        assert matrix[unit]["target_review"].text_content().strip() == "—"
        assert matrix[unit]["targets"].text_content().strip() == "—"
    del t0


def test_late_completion_counts_its_days(scenario, client):
    record = db.session.execute(db.select(TaskRecord).join(TaskRecord.unit).where(
        TaskRecord.bpmn_id == "unit_analysis", TaskRecord.state == "open")
        .order_by(TaskRecord.id).limit(1)).scalar_one()
    unit, code = record.unit.name, record.unit.code
    manager = db.session.execute(db.select(User).filter_by(email=f"{code}@{DOMAIN}")).scalar_one()
    tasks.complete(record.id, manager, STEP_DATA["unit_analysis"])
    db.session.commit()
    cell = _matrix(page_tree(client, scenario))[unit]["unit_analysis"]
    assert cell.get("data-state") == "completed"
    assert int(cell.get("data-days-late")) == (TODAY - scenario["analysis_deadline"]).days
    assert MANAGERS[code] in cell.text_content()


# -- diagram states ----------------------------------------------------------------------------

def test_diagram_states_and_bpmn(scenario, client):
    tree = page_tree(client, scenario)
    states = json.loads(tree.xpath('//*[@id="sf-diagram-states"]')[0].text)
    assert states["circular_draft"]["state"] == "completed"
    assert states["kickoff_timer"]["state"] == "completed" and states["gw_program"]["state"] == "completed"
    assert states["unit_analysis"]["state"] == "overdue"
    assert len(states["unit_analysis"]["tasks"]) == 12
    open_analysis = {t["label"]: t["state"] for t in states["unit_analysis"]["tasks"]}
    assert {u for u, s in open_analysis.items() if s == "completed"} == {UNIT_NAMES[c] for c in UNITS_DONE}
    due = {r.bpmn_id: r.due_date for r in db.session.execute(db.select(TaskRecord).filter_by(state="open")).scalars()}
    assert states["plan_evaluation"]["state"] == ("overdue" if due["plan_evaluation"] < TODAY else "active")
    for later in ("join_analysis", "findings_needs", "end_event", "nomination_escalation"):
        assert later not in states
    xml = get(client, f"/instances/{scenario['instance_id']}/diagram.bpmn")
    assert xml.status_code == 200 and xml.mimetype == "application/xml"
    assert b'id="circular_draft"' in xml.data and b"bpmndi:BPMNShape" in xml.data


# -- open tasks by person ----------------------------------------------------------------------

def test_open_tasks_by_person(scenario, client):
    tree = page_tree(client, scenario)
    rows = tree.xpath('//*[@data-test="open-tasks"]/tbody/tr')
    by_person: dict[str, list[str]] = {}
    for row in rows:
        by_person.setdefault(row.get("data-person"), []).append(row.xpath("./td//a")[0].text_content())
    late_units = [c for c in UNIT_NAMES if c not in UNITS_DONE]
    assert set(by_person) == {MANAGERS[c] for c in late_units} | {""}  # team tasks: nobody holds the role
    for code in late_units:
        assert by_person[MANAGERS[code]] == ["Birim durum analizi girdilerini hazırla"]
    assert len(by_person[""]) == 4


# -- audit filters -----------------------------------------------------------------------------

def _audit_rows(tree) -> list[list[str]]:
    return [[td.text_content().strip() for td in row.xpath("./td")]
            for row in tree.xpath('//*[@data-test="audit"]/tbody/tr')]


def test_audit_filters(scenario, client):
    instance_id = scenario["instance_id"]
    fen = db.session.execute(db.select(User).filter_by(email=f"fen@{DOMAIN}")).scalar_one()
    events = list(db.session.execute(db.select(AuditEvent).filter_by(instance_id=instance_id)).scalars())
    fen_id = fen.id
    mine = [e for e in events if e.actor_id == fen_id]
    rows = _audit_rows(page_tree(client, scenario, f"?person={fen_id}"))
    assert len(rows) == len(mine) > 0 and all(r[1] == MANAGERS["fen"] for r in rows)

    analysis_ids = set(db.session.execute(db.select(TaskRecord.id).filter_by(bpmn_id="unit_analysis")).scalars())
    step_rows = _audit_rows(page_tree(client, scenario, "?step=unit_analysis&action=task.completed"))
    assert len(step_rows) == sum(1 for e in events if e.task_id in analysis_ids and e.action == "task.completed") \
        == len(UNITS_DONE)

    day = scenario["t0"] + timedelta(days=5)   # the day the four units handed in their inputs
    start = datetime(day.year, day.month, day.day) - timedelta(hours=3)   # Turkey: UTC+3
    on_day = [e for e in events if start <= e.created_at < start + timedelta(days=1)]
    dated = _audit_rows(page_tree(client, scenario, f"?from={day}&to={day}"))
    assert len(dated) == len(on_day) > 0

    tree = page_tree(client, scenario, "?person=abc&step=nope&action=drop.tables&from=2026-13-01&to=yesterday")
    notes = [n.text_content() for n in tree.xpath('//*[@data-test="audit-filter-note"]')]
    assert len(notes) == 5
    assert len(_audit_rows(tree)) == len(events)   # bad filters ignored: the whole trail
    tree = page_tree(client, scenario, f"?from={day}&to={scenario['t0']}")
    assert len(tree.xpath('//*[@data-test="audit-filter-note"]')) == 1
    assert len(_audit_rows(tree)) == len(events)


# -- exports -----------------------------------------------------------------------------------

def _csv(response) -> list[list[str]]:
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert response.data.startswith(b"\xef\xbb\xbf")
    assert "attachment" in response.headers["Content-Disposition"]
    return list(csv.reader(io.StringIO(response.data.decode("utf-8-sig")), delimiter=";"))


def _xlsx(response) -> list[list]:
    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(response.data))
    return [list(row) for row in book.active.iter_rows(values_only=True)]


def test_unit_matrix_exports(scenario, client):
    base = f"/instances/{scenario['instance_id']}/export/matrix"
    due = scenario["analysis_deadline"]
    rows = _csv(get(client, base + ".csv"))
    header, body = rows[0], {r[0]: r for r in rows[1:]}
    assert header[0] == "Birim" and len(header) == 1 + 3 * 4 + 1
    assert set(body) == set(UNIT_NAMES.values())
    zabita = body[UNIT_NAMES["zabita"]]
    assert zabita[5:9] == ["Gecikmiş", due.isoformat(), str((TODAY - due).days), MANAGERS["zabita"]]
    assert body[UNIT_NAMES["fen"]][5:8] == ["Tamamlandı", due.isoformat(), "0"]
    assert zabita[9:13] == ["", "", "", ""]     # no target review yet
    sheet = _xlsx(get(client, base + ".xlsx"))
    assert sheet[0] == header
    xrow = next(r for r in sheet[1:] if r[0] == UNIT_NAMES["zabita"])
    assert xrow[5] == "Gecikmiş" and xrow[6].date() == due and xrow[7] == (TODAY - due).days
    assert len(sheet) == len(rows)


def test_status_exports(scenario, client):
    base = f"/instances/{scenario['instance_id']}/export/status"
    rows = _csv(get(client, base + ".csv"))
    sections = [r[0] for r in rows[1:]]
    open_count = db.session.execute(db.select(db.func.count()).select_from(TaskRecord).filter_by(state="open")).scalar()
    done_count = db.session.execute(db.select(db.func.count()).select_from(TaskRecord)
                                    .filter_by(state="completed")).scalar()
    assert sections.count("Aşama") == 9
    assert sections.count("Açık görev") == open_count == 12
    assert sections.count("Tamamlanan adım") == done_count
    zabita = next(r for r in rows if r[0] == "Açık görev" and r[2] == UNIT_NAMES["zabita"])
    assert zabita[3] == "Gecikmiş" and zabita[4] == MANAGERS["zabita"]
    assert zabita[7] == str((TODAY - scenario["analysis_deadline"]).days)
    sheet = _xlsx(get(client, base + ".xlsx"))
    assert [r[0] for r in sheet] == [r[0] for r in rows]


def test_bad_export_kind_is_not_found(scenario, client):
    base = f"/instances/{scenario['instance_id']}/export"
    for path in ("/matrix.pdf", "/secrets.csv", "/status.CSV"):
        assert get(client, base + path).status_code == 404


# -- who may see it ------------------------------------------------------------------------------

def test_unit_manager_and_other_municipalities_see_nothing(scenario, client):
    from .test_api import new_municipality
    instance_id = scenario["instance_id"]
    paths = [f"/instances/{instance_id}", f"/instances/{instance_id}/diagram.bpmn",
             f"/instances/{instance_id}/export/status.csv", f"/instances/{instance_id}/export/matrix.xlsx"]
    zabita_task = db.session.execute(db.select(TaskRecord.id).join(TaskRecord.unit).where(
        TaskRecord.bpmn_id == "unit_analysis")
        .where(TaskRecord.unit.has(code="zabita"))).scalar_one()
    new_municipality("Yeniköy Belediyesi", "sgm@yenikoy.bel.tr")
    fen = signed_in(client, f"fen@{DOMAIN}")
    assert [fen.get(p).status_code for p in paths] == [404] * 4
    assert fen.get(f"/tasks/{zabita_task}").status_code == 404    # another unit's task
    other = signed_in(client.application.test_client(), "sgm@yenikoy.bel.tr")
    assert [other.get(p).status_code for p in paths] == [404] * 4
    for email in ("danisman@aymett.example", f"baskan@{DOMAIN}", COORDINATOR):
        viewer = signed_in(client.application.test_client(), email)
        assert [viewer.get(p).status_code for p in paths] == [200] * 4, email


# -- speed: no query per task ----------------------------------------------------------------------

def _queries(app, call) -> int:
    count = [0]

    def count_it(*_args):
        count[0] += 1
    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", count_it)
    try:
        call()
    finally:
        event.remove(engine, "before_cursor_execute", count_it)
    return count[0]


def test_page_queries_do_not_grow_with_tasks(scenario, client, app):
    """Eight more completions by eight people the page has not shown yet: not one query more."""
    from stratflow.models import RoleAssignment
    coordinator = signed_in(client, COORDINATOR)
    path = f"/instances/{scenario['instance_id']}"
    coordinator.get(path)
    before = _queries(app, lambda: coordinator.get(path))
    for record in db.session.execute(db.select(TaskRecord).filter_by(bpmn_id="unit_analysis", state="open")
                                     ).scalars().all():
        deputy = User(email=f"vekil.{record.unit.code}@{DOMAIN}", full_name=f"Vekil {record.unit.name}",
                      municipality_id=record.municipality_id)
        deputy.roles.append(RoleAssignment(role="unit_manager", municipality_id=record.municipality_id,
                                           unit_id=record.unit_id))
        db.session.add(deputy)
        db.session.flush()
        tasks.complete(record.id, deputy, STEP_DATA["unit_analysis"])
    db.session.commit()
    after = _queries(app, lambda: coordinator.get(path))
    assert after <= before


def test_english_page(scenario, client):
    coordinator = signed_in(client, COORDINATOR)
    user = db.session.execute(db.select(User).filter_by(email=COORDINATOR)).scalar_one()
    user.locale = "en"
    db.session.commit()
    response = coordinator.get(f"/instances/{scenario['instance_id']}")
    assert response.status_code == 200 and '<html lang="en">' in response.get_data(as_text=True)


def test_terminated_instance_keeps_its_marks_from_the_records(scenario, client):
    instance = db.session.get(ProcessInstance, scenario["instance_id"])
    instance.status = "terminated"
    db.session.commit()
    states = json.loads(page_tree(client, scenario).xpath('//*[@id="sf-diagram-states"]')[0].text)
    assert states["circular_draft"]["state"] == "completed" and "start_event" not in states


def _settings_queries(app, call) -> list[str]:
    found = []

    def note(_conn, _cursor, statement, *_args):
        if "municipality_settings" in statement:
            found.append(statement)
    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", note)
    try:
        call()
    finally:
        event.remove(engine, "before_cursor_execute", note)
    return found


def test_page_reads_the_settings_once(scenario, client, app):
    """The phase targets' rules, the schedule and the deadlines share one settings read (the
    municipality has no stored settings row here, so nothing comes from the session's cache)."""
    from stratflow.models import MunicipalitySettings
    assert db.session.get(MunicipalitySettings, town().id) is None
    coordinator = signed_in(client, COORDINATOR)
    path = f"/instances/{scenario['instance_id']}"
    assert coordinator.get(path).status_code == 200
    found = _settings_queries(app, lambda: coordinator.get(path))
    assert len(found) <= 1, found
