"""The activity reports and the yearly evaluation (issue 15 item 3): the model runs through the
engine; started on an adopted plan after the year has ended, each responsible unit writes its unit
activity report from its indicators (the year's monitoring actuals) and activities, due at the end
of February; the strategy unit consolidates, the mayor approves or sends back, the clerk records the
April council. Dates for 2025–2029, realisation and costs checked against hand-computed values."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

import pytest
import time_machine

from stratflow import engine
from stratflow.extensions import db
from stratflow.models import ProcessInstance, RoleAssignment, TaskRecord, User
from stratflow.services import Conflict, ServiceError, evaluation, forms, monitoring, plan_content, tasks

from . import factories
from .conftest import ROOT
from .plan_helpers import card, manager_of, town_with_plan

WORKFLOWS = ROOT / "workflows"
BPMN = WORKFLOWS / "plan_evaluation_year.bpmn"
FORMS = {p.name: json.loads(p.read_text(encoding="utf-8")) for p in WORKFLOWS.glob("*.json")}
AFTER_2025 = datetime(2026, 1, 20, 7, tzinfo=UTC)


def test_the_model_is_clean_and_generated(app):
    import subprocess
    with app.app_context():
        report = engine.check(BPMN.read_bytes(), BPMN.name, FORMS, 2_000_000)
    assert [f.as_text() for f in report.findings if f.level in ("error", "warning")] == []
    done = subprocess.run([str(ROOT / ".venv" / "bin" / "python"), "tools/build_plan_evaluation.py", "--check"],
                          cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout


def _rows(*codes):
    return {"year": "2025", "rows": [{"target": "H1.1", "indicator_code": c, "indicator": f"Gösterge {c}",
                                      "planned": 11} for c in codes], "activities": []}


TEXTS = {"general_info": "Birim 12 personelle çalışır.", "performance_assessment": "Hedeflerin çoğu tuttu.",
         "capacity_assessment": "Araç parkı eski.", "proposals": "Araç alımı."}


def test_the_reports_run_through_the_engine(app):
    with app.app_context():
        compiled = engine.compile_definition(BPMN.read_bytes(), BPMN.name, FORMS, 2_000_000)
        spec = ("test-plan-evaluation", compiled.spec_json)
        start = {"municipality": {"id": 1, "name": "Deneme Belediyesi"}, "plan_year": 2025,
                 "reports_due": "2026-02-27", "council_due": "2026-04-07",
                 "report_units": [{"id": 1, "name": "Fen İşleri Müdürlüğü", "indicator_count": 2,
                                   "start_values": _rows("PG1.1.1", "PG1.1.2")},
                                  {"id": 2, "name": "Mali Hizmetler Müdürlüğü", "indicator_count": 1,
                                   "start_values": _rows("PG2.1.1")}]}
        wf = engine.Workflow.start(*spec, start)
        units = [t for t in wf.ready_human_tasks() if t.bpmn_id == "unit_activity_report"]
        assert len(units) == 2 and all(t.lane == "Harcama Birimleri" for t in units)
        assert {t.properties["formStartVariable"] for t in units} == {"unit.start_values"}
        schema = FORMS["activity_report_unit.schema.json"]
        for task in units:
            rows = [dict(r, actual=11) for r in task.data["unit"]["start_values"]["rows"]]
            answer = {"rows": rows, **TEXTS}
            assert forms.validate(schema, answer) == {}
            wf.complete(task.id, {"report": answer})
            wf = engine.Workflow.load(*spec, wf.dump())

        def do(bpmn_id, data):
            nonlocal wf
            [task] = [t for t in wf.ready_human_tasks() if t.bpmn_id == bpmn_id]
            assert forms.validate(FORMS[task.properties["formJsonSchemaFilename"]], data) == {}, bpmn_id
            variable = task.properties.get("formDataVariable")
            wf.complete(task.id, {variable: data} if variable else data)
            wf = engine.Workflow.load(*spec, wf.dump())

        assert [t.bpmn_id for t in wf.ready_human_tasks()] == ["activity_report_consolidation"]
        do("activity_report_consolidation", {"assessment": "Yıl iyi geçti."})
        do("activity_report_approval", {"approval_decision": "return", "approval_notes": "Borç durumu eksik."})
        assert [t.bpmn_id for t in wf.ready_human_tasks()] == ["activity_report_consolidation"]
        do("activity_report_consolidation", {"assessment": "Yıl iyi geçti.", "debt_status": "Borç yok."})
        do("activity_report_approval", {"approval_decision": "approve"})
        [council] = wf.ready_human_tasks()
        assert council.bpmn_id == "activity_report_council" and council.lane == "Meclis / Yazı İşleri"
        do("activity_report_council", {"presented_on": "2026-04-07", "agenda_number": "2026/41"})
    assert wf.is_completed()
    assert sorted(a["unit"]["name"] for a in wf.data["unit_reports"]) == ["Fen İşleri Müdürlüğü",
                                                                          "Mali Hizmetler Müdürlüğü"]
    assert wf.data["council"]["agenda_number"] == "2026/41"


def test_a_deviation_needs_its_reason_and_the_texts_are_required(ctx):
    schema = FORMS["activity_report_unit.schema.json"]
    row = {"indicator_code": "PG1.1.1", "planned": 11, "actual": 10.5}
    errors = forms.validate(schema, {"rows": [row], **TEXTS})
    assert errors == {"rows-0-deviation_reason": "Gerçekleşen değer yılın hedefinden farklı: sapmanın nedenini yazın."}
    assert forms.validate(schema, {"rows": [dict(row, deviation_reason="Ödenek gecikti.")], **TEXTS}) == {}
    missing = forms.validate(schema, {"rows": [dict(row, actual=11)]})
    assert set(missing) == {"general_info", "performance_assessment", "capacity_assessment", "proposals"}
    assert forms.validate(schema, {"rows": [{"indicator_code": "PG1.1.1"}], **TEXTS}) == {
        "rows-0-actual": "Gerçekleşen değeri girin."}


# -- on the adopted plan ------------------------------------------------------------------------------

@pytest.fixture
def adopted(ctx, definition):
    town, plan, units = town_with_plan()
    coordinator = factories.person(town, "coordinator")
    plan_content.save_card(coordinator, plan, card("H1.2", units[2].id, weights=(50, 50)))  # a second target of A1
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


def clerk_of(town) -> User:
    clerk = User(email=f"yaziisleri{town.id}@deneme.example", full_name="Yazı İşleri Müdürü", municipality=town)
    clerk.roles.append(RoleAssignment(role="council_clerk", municipality=town))
    db.session.add(clerk)
    db.session.commit()
    return clerk


ACTUALS = {"PG1.1.1": 10.5, "PG1.1.2": 12, "PG2.1.1": 11, "PG2.1.2": 10, "PG1.2.1": 11, "PG1.2.2": 13}


def _monitor(plan, units, coordinator, half, actuals):
    started = monitoring.start_period(coordinator, plan, 2025, half)
    db.session.commit()
    for record in _open(started):
        unit = next(u for u in units if u.id == record.unit_id)
        tasks.complete(record.id, manager_of(unit), {"rows": [dict(r, actual=actuals[r["indicator_code"]])
                                                              for r in record.draft["rows"]]})
    db.session.commit()
    _do(started, "monitoring_report", coordinator, {"assessment": "İzlendi."})
    _do(started, "monitoring_approval", factories.person(plan.municipality, "mayor"), {"approval_decision": "approve"})
    return started


def _answer(record, reasons=True, spent=800):
    rows = []
    for row in record.draft["rows"]:
        actual = row.get("actual", row["planned"])
        rows.append(dict(row, actual=actual, deviation_reason="Ödenek gecikti." if reasons and actual != row["planned"]
                         else ""))
    return {"rows": rows, "activities": [dict(a, actual_cost=spent) for a in record.draft["activities"]], **TEXTS}


def test_the_year_runs_from_the_units_to_the_april_council(adopted):
    town, plan, units = adopted
    coordinator, mayor = factories.person(town, "coordinator"), factories.person(town, "mayor")
    _monitor(plan, units, coordinator, 1, {code: 10 for code in ACTUALS})  # the first half: not the year's figure
    _monitor(plan, units, coordinator, 2, ACTUALS)
    with time_machine.travel(AFTER_2025, tick=False):
        started = evaluation.start_year(coordinator, plan, 2025)
        db.session.commit()
    assert started.title == f"{town.name} — 2025 faaliyet raporu ve değerlendirme"
    records = _open(started)
    assert {r.unit_id for r in records} == {u.id for u in units}
    assert {r.name for r in records} == {"2025 birim faaliyet raporu: 2 göstergenin gerçekleşmesini raporla"}
    assert {r.due_date for r in records} == {date(2026, 2, 27)}  # 28 February 2026 is a Saturday
    first = next(r for r in records if r.unit_id == units[0].id)
    assert first.draft["rows"] == [
        {"target": "H1.1", "indicator_code": "PG1.1.1", "indicator": "Gösterge PG1.1.1", "planned": 11.0,
         "actual": 10.5},
        {"target": "H1.1", "indicator_code": "PG1.1.2", "indicator": "Gösterge PG1.1.2", "planned": 11.0,
         "actual": 12}]
    assert first.draft["activities"] == [{"target": "H1.1", "name": "Yol yenileme", "planned_cost": 1000.0}]
    assert first.draft["actuals_source"] == "Temmuz–Aralık 2025 izlemesi"
    refused = tasks.complete
    with pytest.raises(ServiceError) as exc:
        refused(first.id, manager_of(units[0]), _answer(first, reasons=False))
    assert "rows-0-deviation_reason" in exc.value.field_errors
    db.session.rollback()
    for record in records:
        unit = next(u for u in units if u.id == record.unit_id)
        tasks.complete(record.id, manager_of(unit), _answer(record, spent=800 if unit == units[0] else 0))
    db.session.commit()
    [consolidation] = _open(started)
    assert consolidation.bpmn_id == "activity_report_consolidation"
    assert consolidation.due_date == date(2026, 3, 24)  # 10 working days before the April meeting (7 April 2026)

    report = evaluation.report_of(started)
    rates = {t.code: t.rate for t in report.targets}
    # H1.1: PG1.1.1 (60) 10 → 10.5 of 10 → 11 = 50 %, PG1.1.2 (40) 200 % counted 100 → 70
    # H2.1: PG2.1.1 (60) 100 %, PG2.1.2 (40) 10 → 10 = 0 % → 60; H1.2: 100 % and 300 % → 100
    assert rates == {"H1.1": 70.0, "H1.2": 100.0, "H2.1": 60.0}
    assert {g.code: g.rate for g in report.goals} == {"A1": 85.0, "A2": 60.0}  # A1: (70 + 100) / 2
    assert [r["code"] for r in report.deviations] == ["PG1.1.1", "PG1.1.2", "PG1.2.2", "PG2.1.2"]
    assert {r["reason"] for r in report.deviations} == {"Ödenek gecikti."}
    assert evaluation.cost_totals(report.activities) == (3000.0, 800.0, 26.67)  # 3 × 1000 planned, 800 spent

    _do(started, "activity_report_consolidation", coordinator, {"assessment": "Hedeflerin çoğu tuttu."})
    [approval] = _open(started)
    assert approval.due_date == date(2026, 3, 31)
    _do(started, "activity_report_approval", mayor, {"approval_decision": "return", "approval_notes": "Borçlar eksik."})
    _do(started, "activity_report_consolidation", coordinator,
        {"assessment": "Hedeflerin çoğu tuttu.", "debt_status": "Kısa vadeli borç yok."})
    _do(started, "activity_report_approval", mayor, {"approval_decision": "approve"})
    [council] = _open(started)
    assert council.bpmn_id == "activity_report_council" and council.due_date == date(2026, 4, 7)
    _do(started, "activity_report_council", clerk_of(town), {"presented_on": "2026-04-07", "agenda_number": "2026/41"})
    db.session.refresh(started)
    assert started.status == "completed"
    done = evaluation.report_of(started)
    assert done.consolidation["debt_status"] == "Kısa vadeli borç yok." and done.council["agenda_number"] == "2026/41"
    with time_machine.travel(AFTER_2025, tick=False), pytest.raises(Conflict, match="2025 yılının .* zaten tamamlandı"):
        evaluation.start_year(coordinator, plan, 2025)  # a year is reported once


def test_without_monitoring_the_units_enter_the_actuals(adopted):
    town, plan, units = adopted
    with time_machine.travel(AFTER_2025, tick=False):
        started = evaluation.start_year(factories.person(town, "coordinator"), plan, 2025)
    first = next(r for r in _open(started) if r.unit_id == units[0].id)
    assert all("actual" not in row for row in first.draft["rows"])
    assert first.draft["actuals_source"].startswith("Bu yıl için izleme yapılmadı")


def test_refusals_start_nothing(adopted):
    town, plan, _units = adopted
    coordinator = factories.person(town, "coordinator")
    count = db.select(db.func.count()).select_from(ProcessInstance)
    before = db.session.execute(count).scalar()
    with (time_machine.travel(datetime(2025, 12, 31, 12, tzinfo=UTC), tick=False),
          pytest.raises(ServiceError, match="2025 yılı henüz bitmedi")):
        evaluation.start_year(coordinator, plan, 2025)
    with time_machine.travel(AFTER_2025, tick=False):
        with pytest.raises(ServiceError, match="2025–2029"):
            evaluation.start_year(coordinator, plan, 2031)
        evaluation.start_year(coordinator, plan, 2025)
        db.session.commit()
        with pytest.raises(Conflict, match="zaten yürütülüyor"):
            evaluation.start_year(coordinator, plan, 2025)
    assert db.session.execute(count).scalar() == before + 1
    plan.status = "running"
    with time_machine.travel(AFTER_2025, tick=False), pytest.raises(ServiceError, match="yürürlüğe girmiş"):
        evaluation.start_year(coordinator, plan, 2025)
    db.session.rollback()


# Hand-computed: the end of February of Y + 1, the previous working day when it is none; the April
# meeting of an ilçe council meeting on the first Tuesday; the strategy unit 10 and the mayor 5
# working days before it.
DATES = {
    2025: (date(2026, 2, 27), date(2026, 3, 24), date(2026, 3, 31), date(2026, 4, 7)),   # 28 Feb 2026 a Saturday
    2026: (date(2027, 2, 26), date(2027, 3, 23), date(2027, 3, 30), date(2027, 4, 6)),   # 28 Feb 2027 a Sunday
    2027: (date(2028, 2, 29), date(2028, 3, 21), date(2028, 3, 28), date(2028, 4, 4)),   # leap year: Tuesday 29th
    2028: (date(2029, 2, 28), date(2029, 3, 20), date(2029, 3, 27), date(2029, 4, 3)),   # a Wednesday
    2029: (date(2030, 2, 28), date(2030, 3, 19), date(2030, 3, 26), date(2030, 4, 2)),   # a Thursday
}


@pytest.mark.parametrize("year", sorted(DATES))
def test_the_due_dates_of_every_plan_year(adopted, year):
    town, plan, _units = adopted
    coordinator, mayor = factories.person(town, "coordinator"), factories.person(town, "mayor")
    reports, consolidation, approval, council = DATES[year]
    assert evaluation.evaluation_dates(plan, year) == {"reports_due": reports, "council_due": council}
    with time_machine.travel(datetime(year + 1, 1, 5, 7, tzinfo=UTC), tick=False):
        started = evaluation.start_year(coordinator, plan, year)
        db.session.commit()
        assert {r.due_date for r in _open(started)} == {reports}
        for record in _open(started):
            unit = record.unit
            tasks.complete(record.id, manager_of(unit), _answer(record))
        db.session.commit()
        assert [r.due_date for r in _open(started)] == [consolidation]
        _do(started, "activity_report_consolidation", coordinator, {"assessment": "Değerlendirme."})
        assert [r.due_date for r in _open(started)] == [approval]
        _do(started, "activity_report_approval", mayor, {"approval_decision": "approve"})
        assert [r.due_date for r in _open(started)] == [council]


def test_reminders_and_escalations_walked_day_by_day(adopted, app):
    """Due Friday 27 February 2026: reminders 7 and 3 working days before, on the day, overdue,
    then the escalation to the coordinator; a unit that reported gets nothing more."""
    from .test_reminders import _at, _walk
    town, plan, units = adopted
    coordinator = factories.person(town, "coordinator")
    with time_machine.travel(_at(date(2026, 2, 2)), tick=False):
        started = evaluation.start_year(coordinator, plan, 2025)
        db.session.commit()
    first, second, third = (manager_of(u).email for u in units)
    sent = _walk(app, date(2026, 2, 3), date(2026, 2, 20))
    # 7 working days before Friday 27 February → Wednesday 18 February; 3 → Tuesday 24 February
    assert sent == {date(2026, 2, 18): sorted([("before-7", first), ("before-7", second), ("before-7", third)])}
    record = next(r for r in _open(started) if r.unit_id == units[1].id)
    with time_machine.travel(_at(date(2026, 2, 20)), tick=False):
        tasks.complete(record.id, manager_of(units[1]), _answer(record))
        db.session.commit()
    sent = _walk(app, date(2026, 2, 21), date(2026, 3, 12))
    mails = [(day, kind, to) for day, rows in sent.items() for kind, to in rows]
    assert (date(2026, 2, 24), "before-3", first) in mails and (date(2026, 2, 26), "before-1", first) in mails
    assert (date(2026, 2, 27), "due", first) in mails
    assert any(kind.startswith("overdue") and to == first for _day, kind, to in mails)
    assert any(kind.startswith("escalation") and to == coordinator.email for _day, kind, to in mails)
    assert not [m for m in mails if m[2] == second]  # reported: no more mail


# -- on the web and through the API ---------------------------------------------------------------------

def login(client, user):
    from stratflow.services import accounts

    from .conftest import signed_in
    user.password_hash = accounts.hash_password("Demo.2024")
    db.session.commit()
    return signed_in(client, user.email)


def test_started_from_the_plan_page_answered_through_the_api_and_read_on_the_web(adopted, client, app, tmp_path):
    import io

    import docx

    from stratflow.services import accounts

    from .test_api import Api
    town, plan, units = adopted
    coordinator = factories.person(town, "coordinator")
    page = f"/instances/{plan.id}/plan"
    count = db.select(db.func.count()).select_from(ProcessInstance)
    before = db.session.execute(count).scalar()
    with time_machine.travel(datetime(2025, 11, 3, 9, tzinfo=UTC)):  # sessions are signed in at the clock's time
        browser = login(client, coordinator)
        assert 'data-form="evaluation-start"' in browser.get(page).get_data(as_text=True)
        refused = browser.post(f"/instances/{plan.id}/evaluation-year", {"year": "2025"}, form_page=page)
        assert refused.status_code == 302
        assert "2025 yılı henüz bitmedi" in browser.get(page).get_data(as_text=True)  # the flash
    assert db.session.execute(count).scalar() == before
    with time_machine.travel(AFTER_2025):
        browser = login(client.application.test_client(), coordinator)
        response = browser.post(f"/instances/{plan.id}/evaluation-year", {"year": "2025"}, form_page=page)
        assert response.status_code == 302 and "/instances/" in response.headers["Location"]
        again = browser.post(f"/instances/{plan.id}/evaluation-year", {"year": "2025"}, form_page=page)
        assert again.status_code == 302
        assert "zaten yürütülüyor" in browser.get(page).get_data(as_text=True)
    db.session.expire_all()
    [started] = evaluation.instances_of(plan)
    assert db.session.execute(count).scalar() == before + 1

    manager = manager_of(units[0])
    inbox = login(client.application.test_client(), manager).get("/").get_data(as_text=True)
    assert "2025 birim faaliyet raporu: 2 göstergenin gerçekleşmesini raporla" in inbox
    [record] = [r for r in _open(started) if r.unit_id == units[0].id]
    _token, secret = accounts.create_token(manager, "test")
    db.session.commit()
    api = Api(app, secret)
    body = api.get(f"/tasks/{record.id}").get_json()
    assert body["form_schema"]["properties"]["rows"]["items"]["additionalProperties"] is False
    draft = body["draft"]
    assert [r["indicator_code"] for r in draft["rows"]] == ["PG1.1.1", "PG1.1.2"] and draft["activities"]
    rows = [dict(r, actual=10.5 if r["indicator_code"] == "PG1.1.1" else 11) for r in draft["rows"]]
    answer = {**draft, "rows": rows, "activities": [dict(a, actual_cost=750.5) for a in draft["activities"]], **TEXTS}
    bad = api.post(f"/tasks/{record.id}/complete", answer)
    assert bad.status_code == 422 and "rows-0-deviation_reason" in bad.get_json()["error"]["fields"]
    assert _open(started) and record.id in {r.id for r in _open(started)}  # nothing changed
    rows[0]["deviation_reason"] = "İhale gecikti."
    done = api.post(f"/tasks/{record.id}/complete", answer)
    assert done.status_code == 200 and done.get_json()["state"] == "completed"
    db.session.expire_all()

    browser = login(client.application.test_client(), coordinator)
    instance_page = browser.get(f"/instances/{started.id}").get_data(as_text=True)
    assert 'data-test="year-report-link"' in instance_page
    html = browser.get(f"/instances/{started.id}/year-report").get_data(as_text=True)
    assert 'data-target="H1.1"' in html and 'data-rate="70.0"' in html  # 0.6 × 50 + 0.4 × 100
    assert "Harcama oranı: 75,05 %" in html  # 750.50 of 1000
    assert "girişler bekleniyor" in html and "İhale gecikti." in html  # the other units have not reported yet
    unit_doc = browser.get(f"/instances/{started.id}/year-report/unit-{units[0].id}.docx")
    assert unit_doc.status_code == 200 and unit_doc.mimetype.endswith("wordprocessingml.document")
    text = "\n".join(p.text for p in docx.Document(io.BytesIO(unit_doc.data)).paragraphs)
    for expected in ("2025 YILI BİRİM FAALİYET RAPORU", "I. Genel Bilgiler", "IV. Kurumsal Kabiliyet",
                     "V. Öneri ve Tedbirler", "Araç parkı eski.", "Harcama Yetkilisi"):
        assert expected in text, expected
    assert browser.get(f"/instances/{started.id}/year-report/unit-{units[1].id}.docx").status_code == 404
    stranger_town, other_plan, _units = town_with_plan("Başka Belediyesi", cards=False)
    other = login(client.application.test_client(), factories.person(stranger_town, "coordinator"))
    assert other.get(f"/instances/{started.id}/year-report").status_code == 404
    assert other.post(f"/instances/{plan.id}/evaluation-year", {"year": "2025"},
                      form_page=f"/instances/{other_plan.id}/plan").status_code == 404
    assert browser.get(f"/instances/{plan.id}/year-report").status_code == 404  # the plan is no year's report


def test_the_three_reports_render_as_pages(adopted, tmp_path):
    """Word → PDF (LibreOffice) → PNG pages under test-artifacts/, looked at by eye; each has text."""
    import subprocess

    from stratflow import pdf
    from stratflow.services import evaluation_report

    from .test_status_report import ARTIFACTS, non_white_share
    town, plan, units = adopted
    coordinator, mayor = factories.person(town, "coordinator"), factories.person(town, "mayor")
    _monitor(plan, units, coordinator, 2, ACTUALS)
    with time_machine.travel(AFTER_2025, tick=False):
        started = evaluation.start_year(coordinator, plan, 2025)
        db.session.commit()
    for record in _open(started):
        tasks.complete(record.id, manager_of(record.unit), _answer(record))
    db.session.commit()
    _do(started, "activity_report_consolidation", coordinator, {
        "general_info": "Belediyemiz 12 müdürlükle hizmet verir.", "assessment": "Hedeflerin büyük bölümü tuttu.",
        "deviations": "Sapmalar ödenek gecikmesinden.", "measures": "Ödenekler ilk çeyrekte serbest bırakılacak.",
        "debt_status": "Kısa vadeli borç yoktur."})
    _do(started, "activity_report_approval", mayor, {"approval_decision": "approve"})
    _do(started, "activity_report_council", clerk_of(town), {"presented_on": "2026-04-07", "agenda_number": "2026/41"})
    ARTIFACTS.mkdir(exist_ok=True)
    for name, body in (("unit-activity-report", evaluation_report.unit_docx(started, units[0].id)),
                       ("activity-report", evaluation_report.activity_docx(started)),
                       ("evaluation-report", evaluation_report.evaluation_docx(started))):
        (ARTIFACTS / f"{name}.docx").write_bytes(body)
        target = tmp_path / f"{name}.pdf"
        target.write_bytes(pdf.docx_to_pdf(body))
        subprocess.run(["pdftoppm", "-r", "30", str(target), str(tmp_path / name)], check=True)
        pages = sorted(tmp_path.glob(f"{name}*.ppm"))
        assert pages and all(0.005 < non_white_share(p.read_bytes()) < 0.9 for p in pages), name
        subprocess.run(["pdftoppm", "-r", "70", "-png", str(target), str(ARTIFACTS / name)], check=True)
    text = subprocess.run(["pdftotext", str(tmp_path / "evaluation-report.pdf"), "-"], capture_output=True,
                          text=True, check=True).stdout
    assert "85" in text and "Ödenek gecikti." in text


@pytest.mark.parametrize("task_id, bases", [
    ("unit_activity_report", ("Kamu İdarelerince Hazırlanacak Faaliyet Raporları Hakkında Yönetmelik", "md. 41",
                              "şubat ayı sonuna kadar", "kurumsal kabiliyet ve kapasitenin değerlendirilmesi")),
    ("activity_report_consolidation", ("md. 56", "md. 41", "Usul ve Esaslar", "Stratejik Planlama Kılavuzu")),
    ("activity_report_approval", ("md. 56",)),
    ("activity_report_council", ("nisan ayı toplantısında", "md. 56"))])
def test_the_instructions_give_the_legal_basis(task_id, bases):
    from lxml import etree
    ns = {"bpmn": "http://www.omg.org/spec/BPMN/20100524/MODEL", "spiff": "http://spiffworkflow.org/bpmn/schema/1.0/core"}
    task = etree.parse(str(BPMN)).getroot().find(f".//bpmn:userTask[@id='{task_id}']", ns)
    text = task.findtext("bpmn:extensionElements/spiff:instructionsForEndUser", namespaces=ns)
    for basis in bases:
        assert basis in text, (task_id, basis)


def test_an_april_recess_leaves_the_last_working_day_of_april(adopted):
    from stratflow.services import settings

    from .test_bad_input import SETTINGS_FORM
    town, plan, _units = adopted
    settings.update_settings(factories.person(town, "coordinator"), town, {**SETTINGS_FORM, "recess_month": "4"})
    db.session.commit()
    # 30 April 2026 is a Thursday; 30 April 2028 a Sunday (→ Friday 28th)
    assert evaluation.evaluation_dates(plan, 2025)["council_due"] == date(2026, 4, 30)
    assert evaluation.evaluation_dates(plan, 2027)["council_due"] == date(2028, 4, 28)
