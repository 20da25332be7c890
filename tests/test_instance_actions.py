"""Coordinator actions on an instance: reassign, suspend / resume / terminate, rewind —
through the instance page's forms, each audited with its reason, refused to roles without
the right."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine

from stratflow.extensions import db
from stratflow.jobs.scheduler import run_due_jobs
from stratflow.models import AuditEvent, OutboxMessage, ProcessInstance, RoleAssignment, TaskRecord, User
from stratflow.services import instance_actions, instance_page, instances, phases, reminders, tasks
from stratflow.services.versions import read_workflow as load

from .conftest import signed_in
from .test_api import api, check, new_municipality  # noqa: F401 - `api` is a fixture
from .test_strategic_plan import NOMINATION, fire_timers_on, steps

COORDINATOR = "sgm@camlitepe.bel.tr"
REASON = "Birim müdürü izinde; görevi ekip üyesi yürütecek."


def _instance() -> ProcessInstance:
    return db.session.execute(db.select(ProcessInstance)).scalar_one()


def _open(bpmn_id=None) -> list[TaskRecord]:
    query = db.select(TaskRecord).filter_by(state="open")
    if bpmn_id:
        query = query.filter_by(bpmn_id=bpmn_id)
    return list(db.session.execute(query).scalars())


def _user(email) -> User:
    return db.session.execute(db.select(User).filter_by(email=email)).scalar_one()


def _nomination(code: str) -> TaskRecord:
    return next(t for t in _open("team_nomination") if t.unit.code == code)


def _audits(action: str) -> list[AuditEvent]:
    return list(db.session.execute(db.select(AuditEvent).filter_by(action=action)
                                   .order_by(AuditEvent.id)).scalars())


def _fen_team_member(town) -> User:
    fen = next(u for u in town.units if u.code == "fen")
    from stratflow.services.accounts import hash_password
    person = User(email="ekip.fen@camlitepe.bel.tr", full_name="Burak Tekin", municipality=town,
                  password_hash=hash_password("Demo.2024"))
    person.roles.append(RoleAssignment(role="team_member", municipality=town, unit=fen))
    db.session.add(person)
    db.session.commit()
    return person


def _action(browser, instance_id: int, action: str, **form):
    return browser.post(f"/instances/{instance_id}/actions/{action}", form,
                        form_page=f"/instances/{instance_id}")


def _inbox_ids(browser) -> str:
    return browser.get("/").get_data(as_text=True)


# -- reassignment ------------------------------------------------------------------------------

def test_reassigned_task_moves_to_the_new_persons_inbox(demo, client, app):
    member = _fen_team_member(demo)
    instance, task = _instance(), _nomination("fen")
    coordinator = signed_in(client, COORDINATOR)
    page = coordinator.get(f"/instances/{instance.id}").get_data(as_text=True)
    assert 'data-test="assign-form"' in page and "Burak Tekin" in page

    refused = _action(coordinator, instance.id, "assign", task_id=task.id, assignee_id=str(member.id), reason=" ")
    assert refused.status_code == 422
    assert "Bu işlem için bir gerekçe yazmalısınız." in refused.get_data(as_text=True)
    imar = _user("imar@camlitepe.bel.tr")  # another unit's manager: not eligible for a Fen task
    refused = _action(coordinator, instance.id, "assign", task_id=task.id, assignee_id=str(imar.id), reason=REASON)
    assert refused.status_code == 422 and "üstlenemez" in refused.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(TaskRecord, task.id).assignee_id is None and _audits("task.reassigned") == []

    done = _action(coordinator, instance.id, "assign", task_id=task.id, assignee_id=str(member.id), reason=REASON)
    assert done.status_code == 302
    db.session.expire_all()
    assert db.session.get(TaskRecord, task.id).assignee_id == member.id
    [event] = _audits("task.reassigned")
    assert event.details["reason"] == REASON and event.details["assignee_id"] == member.id
    assert event.actor.email == COORDINATOR
    assert "Görev yeniden atandı" in coordinator.get(f"/instances/{instance.id}").get_data(as_text=True)

    manager = signed_in(app.test_client(), "fen@camlitepe.bel.tr")
    assert f'/tasks/{task.id}"' not in _inbox_ids(manager)
    assert manager.get(f"/tasks/{task.id}").status_code == 404
    new_holder = signed_in(app.test_client(), member.email)
    assert f'/tasks/{task.id}"' in _inbox_ids(new_holder)

    # Later transitions keep the assignment.
    other = _nomination("imar")
    tasks.complete(other.id, imar, NOMINATION)
    db.session.commit()
    db.session.expire_all()
    assert db.session.get(TaskRecord, task.id).assignee_id == member.id

    # Back to the role: the unit manager holds it again.
    assert _action(coordinator, instance.id, "assign", task_id=task.id, assignee_id="",
                   reason="Müdür izinden döndü.").status_code == 302
    assert f'/tasks/{task.id}"' in _inbox_ids(manager)
    assert f'/tasks/{task.id}"' not in _inbox_ids(new_holder)
    assert new_holder.post(f"/tasks/{task.id}", {"action": "submit"}, form_page="/").status_code == 404


def test_reminders_go_to_the_assignee(demo, app):
    member = _fen_team_member(demo)
    task = _nomination("fen")
    instance_actions.reassign(task.id, _user(COORDINATOR), member.id, REASON)
    db.session.commit()
    late = datetime.combine(task.due_date + timedelta(days=1), datetime.min.time()).replace(hour=12)
    with app.test_request_context():
        reminders.plan_due(late)
    db.session.commit()
    rows = db.session.execute(db.select(OutboxMessage).filter_by(task_id=task.id)).scalars().all()
    recipients = {r.recipient_id for r in rows if not r.kind.startswith("escalation")}
    assert recipients == {member.id}
    other = _nomination("imar")
    assert {r.recipient_id for r in db.session.execute(db.select(OutboxMessage).filter_by(task_id=other.id))
            .scalars() if not r.kind.startswith("escalation")} == {_user("imar@camlitepe.bel.tr").id}


# -- authorisation -----------------------------------------------------------------------------

@pytest.mark.parametrize("email", ["baskan@camlitepe.bel.tr", "danisman@aymett.example",
                                   "fen@camlitepe.bel.tr", "baskanyardimcisi1@camlitepe.bel.tr"])
def test_actions_are_refused_to_roles_without_them(demo, client, email):
    instance, task = _instance(), _nomination("fen")
    browser = signed_in(client, email)
    page = browser.get(f"/instances/{instance.id}")
    if page.status_code == 200:
        assert 'data-test="instance-actions"' not in page.get_data(as_text=True)
    token_page = "/"
    for action, form in [("assign", {"task_id": task.id, "assignee_id": "", "reason": REASON}),
                         ("suspend", {"reason": REASON}), ("resume", {"reason": REASON}),
                         ("terminate", {"reason": REASON, "confirm": "1"}),
                         ("rewind", {"task_id": task.id, "reason": REASON})]:
        response = browser.post(f"/instances/{instance.id}/actions/{action}", form, form_page=token_page)
        assert response.status_code == 403, (email, action)
    db.session.expire_all()
    assert _instance().status == "running" and _audits("instance.suspended") == []


def test_another_municipalitys_coordinator_gets_404(demo, client):
    new_municipality("Yeniköy Belediyesi", "sgm@yenikoy.bel.tr", units=1)
    instance = db.session.execute(db.select(ProcessInstance).filter_by(municipality_id=demo.id)).scalar_one()
    browser = signed_in(client, "sgm@yenikoy.bel.tr")
    response = browser.post(f"/instances/{instance.id}/actions/suspend", {"reason": REASON}, form_page="/")
    assert response.status_code == 404
    response = browser.post(f"/instances/{instance.id}/actions/assign",
                            {"task_id": _nomination("fen").id, "reason": REASON}, form_page="/")
    assert response.status_code == 404
    db.session.expire_all()
    assert db.session.get(ProcessInstance, instance.id).status == "running"


def test_admin_may_act(demo, client):
    admin = signed_in(client, "admin@stratflow.example")
    instance = _instance()
    assert _action(admin, instance.id, "suspend", reason=REASON).status_code == 302
    db.session.expire_all()
    assert _instance().status == "suspended"


# -- suspend / resume ---------------------------------------------------------------------------

def test_suspended_instance_refuses_work_and_fires_no_timers_until_resumed(demo, client, app):
    instance, task = _instance(), _nomination("fen")
    coordinator = signed_in(client, COORDINATOR)
    assert _action(coordinator, instance.id, "suspend", reason="").status_code == 422
    assert _action(coordinator, instance.id, "suspend", reason="Başkanlık yazısı bekleniyor.").status_code == 302
    db.session.expire_all()
    assert _instance().status == "suspended"
    [event] = _audits("instance.suspended")
    assert event.details["reason"] == "Başkanlık yazısı bekleniyor."
    page = coordinator.get(f"/instances/{instance.id}").get_data(as_text=True)
    assert 'data-test="suspended-note"' in page and 'data-test="resume-form"' in page
    assert 'data-test="suspend-form"' not in page

    manager = signed_in(app.test_client(), "fen@camlitepe.bel.tr")
    assert 'data-test="suspended"' in manager.get("/").get_data(as_text=True)
    for action in ("submit", "draft"):
        response = manager.post(f"/tasks/{task.id}", {"action": action, "no_nominee": "1",
                                                      "no_nominee_reason": "Personel yetersiz."})
        assert response.status_code == 409 and "askıya alındı" in response.get_data(as_text=True)
    db.session.expire_all()
    record = db.session.get(TaskRecord, task.id)
    assert record.state == "open" and record.draft is None

    # The nomination deadline passes while suspended: no timer, no reminder.
    due = _instance().next_timer_at
    late = due + timedelta(days=1)
    db.session.commit()
    with time_machine.travel(late.replace(tzinfo=UTC), tick=False):
        result = run_due_jobs(app, late)
    assert result["timers_fired"] == 0
    db.session.expire_all()
    assert _open("nomination_escalation") == []
    assert db.session.execute(db.select(db.func.count(OutboxMessage.id))
                              .where(OutboxMessage.key.like("reminder:%"))).scalar() == 0

    assert _action(coordinator, instance.id, "resume", reason="Yazı geldi.").status_code == 302
    db.session.commit()
    with time_machine.travel(late.replace(tzinfo=UTC), tick=False):
        assert run_due_jobs(app, late)["timers_fired"] == 1
    db.session.expire_all()
    assert len(_open("nomination_escalation")) == 1
    assert _audits("instance.resumed")[0].details["reason"] == "Yazı geldi."
    assert manager.post(f"/tasks/{task.id}", {"action": "submit", "no_nominee": "1",
                                              "no_nominee_reason": "Personel yetersiz."}).status_code == 302


def test_suspend_and_resume_only_from_the_right_status(demo):
    coordinator, instance = _user(COORDINATOR), _instance()
    with pytest.raises(instance_actions.Conflict):
        instance_actions.resume(instance.id, coordinator, REASON)
    instance_actions.suspend(instance.id, coordinator, REASON)
    with pytest.raises(instance_actions.Conflict):
        instance_actions.suspend(instance.id, coordinator, REASON)


def test_draft_refused_when_the_instance_was_suspended_meanwhile(demo):
    """The page loaded the instance as running; it is suspended before the draft is saved."""
    record = _nomination("fen")
    assert record.instance.status == "running" and record.draft is None
    db.session.execute(db.update(ProcessInstance).where(ProcessInstance.id == record.instance_id)
                       .values(status="suspended").execution_options(synchronize_session=False))
    assert record.instance.status == "running"  # what this session still believes
    with pytest.raises(tasks.Conflict, match="askıya alındı"):
        tasks.save_draft(record, _user(COORDINATOR), {"members": []})
    db.session.expire_all()
    assert _nomination("fen").draft is None and _audits("task.draft_saved") == []


# -- terminate ----------------------------------------------------------------------------------

def test_terminate_cancels_open_tasks_and_unsent_mail(demo, client, app):
    instance = _instance()
    late = datetime.combine(_nomination("fen").due_date + timedelta(days=1), datetime.min.time()).replace(hour=12)
    with app.test_request_context():
        assert reminders.plan_due(late) > 0
    db.session.commit()
    coordinator = signed_in(client, COORDINATOR)
    response = _action(coordinator, instance.id, "terminate", reason="Plan yenilenmeyecek.")
    assert response.status_code == 422 and "onay kutusunu" in response.get_data(as_text=True)
    db.session.expire_all()
    assert _instance().status == "running"
    response = _action(coordinator, instance.id, "terminate", reason="Plan yenilenmeyecek.", confirm="1")
    assert response.status_code == 302
    db.session.expire_all()
    instance = _instance()
    assert instance.status == "terminated" and instance.next_timer_at is None
    assert _open() == []
    states = db.session.execute(db.select(OutboxMessage.state).filter_by(instance_id=instance.id)).scalars().all()
    assert states and set(states) == {"cancelled"}
    assert _audits("instance.terminated")[0].details["reason"] == "Plan yenilenmeyecek."
    page = coordinator.get(f"/instances/{instance.id}").get_data(as_text=True)
    assert "Sonlandırıldı" in page and 'data-test="terminate-form"' not in page
    with pytest.raises(instance_actions.Conflict):
        instance_actions.resume(instance.id, _user(COORDINATOR), REASON)
    # The municipality can start over.
    fresh = instances.start_instance(demo, _user(COORDINATOR))
    db.session.commit()
    assert fresh.status == "running" and fresh.id != instance.id


# -- rewind -------------------------------------------------------------------------------------

def _demo_days(text: str) -> str:
    return (date.fromisoformat(text) + (date.today() - date(2024, 4, 8))).isoformat()


def _finish(bpmn_id: str, data: dict, actor: User) -> None:
    waiting = _open(bpmn_id)
    assert waiting, f"{bpmn_id} is not waiting; open: {[t.bpmn_id for t in _open()]}"
    for record in waiting:
        tasks.complete(record.id, actor, data)
    db.session.commit()


def _to_program_draft(app, admin) -> None:
    """From the demo (nominations) to the open preparation program."""
    by_step = dict((k, v) for k, v in steps(_demo_days) if k != "clock")
    _finish("team_nomination", NOMINATION, admin)
    _finish("team_list", by_step["team_list"], admin)
    fire_timers_on(app, by_step["team_list"]["kickoff_date"])
    db.session.expire_all()
    assert [t.bpmn_id for t in _open()] == ["program_draft"]


def test_rewind_from_the_program_to_the_circular_draft_and_run_again(demo, client, app):
    admin = _user("admin@stratflow.example")
    _to_program_draft(app, admin)
    instance = _instance()
    [program] = _open("program_draft")
    done = {t.bpmn_id: t for t in db.session.execute(
        db.select(TaskRecord).filter_by(state="completed")).scalars()}
    coordinator = signed_in(client, COORDINATOR)
    page = coordinator.get(f"/instances/{instance.id}").get_data(as_text=True)
    assert 'data-test="rewind-form"' in page and done["circular_draft"].id in page

    # Refused: a per-unit step, a step inside the board/team parallel region, no reason.
    for step, text in [("team_nomination", "Birim bazında"), ("board_composition", "paralel")]:
        response = _action(coordinator, instance.id, "rewind", task_id=done[step].id, reason=REASON)
        assert response.status_code == 422 and text in response.get_data(as_text=True), step
    response = _action(coordinator, instance.id, "rewind", task_id=done["circular_draft"].id, reason="")
    assert response.status_code == 422
    db.session.expire_all()
    assert [t.id for t in _open()] == [program.id] and _audits("instance.rewound") == []

    reason = "Genelge takvimi değişti."
    response = _action(coordinator, instance.id, "rewind", task_id=done["circular_draft"].id, reason=reason)
    assert response.status_code == 302
    db.session.expire_all()
    instance = _instance()
    [circular] = _open()
    assert circular.id == done["circular_draft"].id and circular.completed_by_id is None
    assert circular.draft["timetable"].startswith("Genelge:")  # what was entered: the form's start values
    assert db.session.get(TaskRecord, program.id).state == "cancelled"
    # Every step completed after the circular draft is undone: "rewound", audited, counted nowhere.
    rewound = db.session.execute(db.select(TaskRecord).filter_by(state="rewound")).scalars().all()
    assert {t.bpmn_id for t in rewound} == set(done) - {"circular_draft"}
    assert sorted(e.task_id for e in _audits("task.rewound")) == sorted(t.id for t in rewound)
    assert all(e.details["reason"] == reason for e in _audits("task.rewound"))
    assert db.session.execute(db.select(TaskRecord).filter_by(state="completed")).scalars().all() == []
    # The phases stand where they stood while the circular draft was first open: nothing done.
    statuses = phases.of_instance(instance)
    assert [(s.key, s.state, s.progress) for s in statuses] == \
        [("circular", phases.ACTIVE, 0.0)] + [(s.key, phases.NOT_REACHED, 0.0) for s in statuses[1:]]
    assert len(statuses) == 9
    status = instance_page.status(instance)
    assert status.completed_tasks == [] and [t.id for t in status.open_tasks] == [circular.id]
    assert all(cell is None for row in status.matrix for cell in row.cells.values())
    page = coordinator.get(f"/instances/{instance.id}")
    assert page.status_code == 200 and "Görev geri alındı" in page.get_data(as_text=True)
    assert [t.id for t in load(instance).ready_human_tasks()] == [circular.id]
    assert instance.next_timer_at is None  # the nomination deadline's timer went with its step
    [event] = _audits("instance.rewound")
    assert event.details["reason"] == reason and event.details["step"] == "circular_draft"
    # The completed history stays in the trail.
    assert any(e.task_id == circular.id for e in _audits("task.completed"))

    # The process runs forward again to its end.
    admin = _user("admin@stratflow.example")
    for bpmn_id, data in steps(_demo_days):
        if bpmn_id == "clock":
            fire_timers_on(app, data)
        else:
            _finish(bpmn_id, data, admin)
    db.session.expire_all()
    assert _instance().status == "completed" and _open() == []


def _organisation(instance) -> float:
    return next(s.progress for s in phases.of_instance(instance) if s.key == "organisation")


def test_rewind_inside_an_open_parallel_region_keeps_the_other_branch(demo, client):
    """Back to the board's composition while the nominations still run: they stay open, the
    board's approval is undone, and the phase's progress is what it was before the board's steps."""
    instance = _instance()
    board = db.session.execute(db.select(TaskRecord).filter_by(bpmn_id="board_composition")).scalar_one()
    approval = db.session.execute(db.select(TaskRecord).filter_by(bpmn_id="board_approval")).scalar_one()
    nominations = {t.id for t in _open("team_nomination")}
    all_nominations = db.session.execute(db.select(TaskRecord).filter_by(bpmn_id="team_nomination")).scalars().all()
    # Of the phase's 4 steps: the board composed and approved, the nominations partly, no team list.
    nominated = sum(t.state == "completed" for t in all_nominations) / len(all_nominations) / 4
    assert _organisation(instance) == pytest.approx(0.5 + nominated)
    instance_actions.rewind_to(instance.id, _user(COORDINATOR), board.id, REASON)
    db.session.commit()
    db.session.expire_all()
    assert {t.id for t in _open("team_nomination")} == nominations
    assert [t.id for t in _open("board_composition")] == [board.id]
    assert db.session.get(TaskRecord, approval.id).state == "rewound"
    [event] = _audits("task.rewound")
    assert event.task_id == approval.id and event.details["step"] == "board_approval"
    engine_ready = {t.id for t in load(_instance()).ready_human_tasks()}
    assert engine_ready == {t.id for t in _open()}
    # As before the board's steps were done: only the nominations count.
    assert _organisation(_instance()) == pytest.approx(nominated)

    # Done again: one completed approval counts, the rewound one does not (no 50 % per step).
    by_step = dict((k, v) for k, v in steps(_demo_days) if k != "clock")
    admin = _user("admin@stratflow.example")
    _finish("board_composition", by_step["board_composition"], admin)
    assert _organisation(_instance()) == pytest.approx(0.25 + nominated)
    _finish("board_approval", by_step["board_approval"], admin)
    states = sorted(db.session.execute(db.select(TaskRecord.state).filter_by(bpmn_id="board_approval")).scalars())
    assert states == ["completed", "rewound"]
    assert _organisation(_instance()) == pytest.approx(0.5 + nominated)


# -- JSON API -------------------------------------------------------------------------------------

def test_actions_through_the_api(api, demo):  # noqa: F811 - `api` is the fixture
    from .test_api import Api
    instance, task = _instance(), _nomination("fen")
    member = _fen_team_member(demo)
    coordinator: Api = api(COORDINATOR)
    base = f"/instances/{instance.id}"
    check(coordinator.post(f"{base}/suspend", {}), "post", "/instances/{instance_id}/suspend", 422)
    body = check(coordinator.post(f"{base}/suspend", {"reason": REASON}), "post",
                 "/instances/{instance_id}/suspend", 200)
    assert body["status"] == "suspended"
    manager = api("fen@camlitepe.bel.tr")
    refused = check(manager.post(f"/tasks/{task.id}/complete", NOMINATION), "post", "/tasks/{task_id}/complete", 409)
    assert "askıya alındı" in refused["error"]["message"]
    check(coordinator.post(f"{base}/resume", {"reason": REASON}), "post", "/instances/{instance_id}/resume", 200)

    path = f"/tasks/{task.id}/assign"
    check(coordinator.post(path, {"assignee_id": True, "reason": REASON}), "post", "/tasks/{task_id}/assign", 422)
    body = check(coordinator.post(path, {"assignee_id": member.id, "reason": REASON}), "post",
                 "/tasks/{task_id}/assign", 200)
    assert body["id"] == task.id
    assert task.id in {t["id"] for t in check(api(member.email).get("/tasks"), "get", "/tasks", 200)["tasks"]}
    check(manager.post(path, {"assignee_id": None, "reason": REASON}), "post", "/tasks/{task_id}/assign", 403)
    mayor = api("baskan@camlitepe.bel.tr")
    check(mayor.post(path, {"assignee_id": None, "reason": REASON}), "post", "/tasks/{task_id}/assign", 403)
    check(mayor.post(f"{base}/terminate", {"reason": REASON}), "post", "/instances/{instance_id}/terminate", 403)

    circular = db.session.execute(db.select(TaskRecord).filter_by(bpmn_id="circular_draft")).scalar_one()
    body = check(coordinator.post(f"{base}/rewind", {"task_id": circular.id, "reason": REASON}), "post",
                 "/instances/{instance_id}/rewind", 200)
    assert [t["bpmn_id"] for t in body["open_tasks"]] == ["circular_draft"]
    body = check(coordinator.post(f"{base}/terminate", {"reason": REASON}), "post",
                 "/instances/{instance_id}/terminate", 200)
    assert body["status"] == "terminated" and body["open_tasks"] == []
