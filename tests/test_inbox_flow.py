"""The process end to end through the web pages, with the demo data."""

from stratflow.extensions import db
from stratflow.models import AuditEvent, ProcessInstance, TaskRecord

from .conftest import signed_in


def _open(bpmn_id=None):
    q = db.select(TaskRecord).filter_by(state="open")
    if bpmn_id:
        q = q.filter_by(bpmn_id=bpmn_id)
    return list(db.session.execute(q).scalars())


def test_demo_has_one_nomination_task_per_unit(demo):
    nominations = _open("team_nomination")
    assert len(nominations) == len(demo.units) - 1  # the IT unit has already nominated
    assert len({t.unit_id for t in nominations}) == len(nominations)
    assert all(t.role == "unit_manager" and t.due_date is not None for t in nominations)


def test_unit_manager_sees_only_own_unit_task(demo, client):
    b = signed_in(client, "fen@camlitepe.bel.tr")
    page = b.get("/").get_data(as_text=True)
    assert "Stratejik Planlama Ekibine üye bildir" in page
    assert page.count('data-task="team_nomination"') == 1
    other = next(t for t in _open("team_nomination") if t.unit.code == "imar")
    assert b.get(f"/tasks/{other.id}").status_code == 404


def test_nomination_submit_invalid_then_valid(demo, client):
    b = signed_in(client, "fen@camlitepe.bel.tr")
    task = next(t for t in _open("team_nomination") if t.unit.code == "fen")
    path = f"/tasks/{task.id}"
    before = db.session.execute(db.select(db.func.count(AuditEvent.id))).scalar()
    response = b.post(path, {"action": "submit", "members-0-full_name": "Ali Veli",
                             "members-0-email": "not-an-email"})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Geçerli bir e-posta adresi girin." in page
    assert 'data-error-for="members-0-title"' in page  # required column missing
    db.session.expire_all()
    assert db.session.get(TaskRecord, task.id).state == "open"
    assert db.session.execute(db.select(db.func.count(AuditEvent.id))).scalar() == before

    response = b.post(path, {"action": "draft", "members-0-full_name": "Ali Veli"})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(TaskRecord, task.id).draft == {"members": [{"full_name": "Ali Veli"}], "no_nominee": False}
    assert "Ali Veli" in b.get(path).get_data(as_text=True)

    response = b.post(path, {"action": "submit", "members-0-full_name": "Ali Veli",
                             "members-0-title": "İnşaat Mühendisi",
                             "members-0-email": "ali.veli@camlitepe.bel.tr",
                             "members-0-phone": "0266 555 11 22"})
    assert response.status_code == 302
    db.session.expire_all()
    done = db.session.get(TaskRecord, task.id)
    assert done.state == "completed" and done.completed_by.email == "fen@camlitepe.bel.tr"
    assert b.post(path, {"action": "submit"}).status_code == 409


def test_no_nominee_needs_reason(demo, client):
    b = signed_in(client, "park@camlitepe.bel.tr")
    task = next(t for t in _open("team_nomination") if t.unit.code == "park")
    response = b.post(f"/tasks/{task.id}", {"action": "submit", "no_nominee": "1"})
    assert response.status_code == 422
    assert 'data-error-for="no_nominee_reason"' in response.get_data(as_text=True)
    response = b.post(f"/tasks/{task.id}", {"action": "submit", "no_nominee": "1",
                                            "no_nominee_reason": "Birimde yalnızca iki personel var."})
    assert response.status_code == 302


def test_whole_process_through_pages(demo, client):
    """Every unit nominates, the coordinator closes the team list, the timer fires, the coordinator
    drafts the preparation program and the mayor approves it: the situation analysis starts.
    (The whole process in a browser: tests/test_browser_full.py.)"""
    from datetime import date, datetime, timedelta

    import time_machine

    from stratflow.jobs.scheduler import run_due_jobs

    for task in _open("team_nomination"):
        b = signed_in(client.application.test_client(), f"{task.unit.code}@camlitepe.bel.tr")
        assert b.post(f"/tasks/{task.id}", {"action": "submit", "no_nominee": "1",
                                            "no_nominee_reason": "Personel yetersiz."}).status_code == 302
    coordinator = signed_in(client, "sgm@camlitepe.bel.tr")
    kickoff = date.today() + timedelta(days=2)
    team = _open("team_list")
    assert len(team) == 1
    assert coordinator.post(f"/tasks/{team[0].id}", {"action": "submit", "team_leader": "Zeynep Çelik",
                                                    "kickoff_date": kickoff.isoformat()}).status_code == 302
    db.session.expire_all()
    instance = db.session.execute(db.select(ProcessInstance)).scalar_one()
    # The process now waits for the kick-off date; nothing happens before it.
    assert instance.next_timer_at is not None and _open() == []
    db.session.commit()  # the scheduler runs in its own session: release ours
    assert run_due_jobs(client.application)["timers_fired"] == 0
    later = datetime.combine(kickoff + timedelta(days=1), datetime.min.time())
    with time_machine.travel(later, tick=False):
        assert run_due_jobs(client.application, later)["timers_fired"] == 1
    db.session.commit()
    db.session.expire_all()
    [program] = _open("program_draft")
    assert program.role == "coordinator"
    assert coordinator.post(f"/tasks/{program.id}", {
        "action": "submit", "program_activities-0-phase": "situation",
        "program_activities-0-activity": "Durum analizi çalıştayı",
        "analysis_deadline": (kickoff + timedelta(days=30)).isoformat()}).status_code == 302
    db.session.expire_all()
    approval = _open("program_approval")
    assert len(approval) == 1 and approval[0].role == "mayor"
    mayor = signed_in(client.application.test_client(), "baskan@camlitepe.bel.tr")
    r = mayor.post(f"/tasks/{approval[0].id}", {"action": "submit"})
    assert r.status_code == 422
    r = mayor.post(f"/tasks/{approval[0].id}", {"action": "submit", "program_decision": "approve"})
    assert r.status_code == 302
    db.session.expire_all()
    assert db.session.get(ProcessInstance, instance.id).status == "running"
    assert {t.bpmn_id for t in _open()} == {"unit_analysis", "plan_evaluation", "policy_analysis",
                                           "stakeholder_analysis", "environment_analysis"}
    page = coordinator.get(f"/instances/{instance.id}").get_data(as_text=True)
    assert "Yürütülüyor" in page and "Hazırlık programını onayla" in page
    assert "Birim durum analizi girdilerini hazırla" in page


def test_nomination_form_explains_what_is_missing(demo, client):
    b = signed_in(client, "zabita@camlitepe.bel.tr")
    task = next(t for t in _open("team_nomination") if t.unit.code == "zabita")
    page = b.post(f"/tasks/{task.id}", {"action": "submit"}).get_data(as_text=True)
    assert "En az bir kişi bildirin" in page


def test_undeclared_fields_inside_table_rows_are_refused():
    from stratflow.services import forms
    schema = {"type": "object", "properties": {"members": {"type": "array", "items": {
        "type": "object", "properties": {"full_name": {"type": "string"}}}}}}
    errors = forms.validate(schema, {"members": [{"full_name": "A", "units": []}], "municipality": {}})
    assert set(errors) == {"members-0-units", "municipality"}


def test_forms_may_not_overwrite_start_data():
    from stratflow.engine import form_problem
    assert "süreç verisinin" in str(form_problem({"type": "object", "properties": {"units": {"type": "array"}}}))
    assert form_problem({"type": "object", "properties": {"unit_count": {"type": "integer"}}}) is None
