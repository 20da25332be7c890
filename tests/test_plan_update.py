"""The plan update (güncelleme, issue 15): opened by the coordinator on a plan in force (not in its
first year, not twice at once), the team changes only the remaining years' cards (the card form,
the API and the Excel import refuse anything else), the board and the mayor approve or send it
back, the clerk records the council's decision, which freezes a version labelled as the update.
Outside an update the cards of a plan in force are read-only."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

import pytest
import time_machine

from stratflow import engine
from stratflow.extensions import db
from stratflow.models import PlanVersion, RoleAssignment, TaskRecord, User
from stratflow.services import Forbidden, ServiceError, plan_content, plan_update, plan_versions, tasks

from . import factories
from .conftest import ROOT
from .plan_helpers import card, manager_of, town_with_plan, values

WORKFLOWS = ROOT / "workflows"
BPMN = WORKFLOWS / "plan_update.bpmn"
FORMS = {p.name: json.loads(p.read_text(encoding="utf-8")) for p in WORKFLOWS.glob("*.json")}
OPENED = datetime(2026, 3, 2, 9, tzinfo=UTC)  # a Monday in the plan's second year


def test_the_model_is_clean(app):
    with app.app_context():
        report = engine.check(BPMN.read_bytes(), BPMN.name, FORMS, 2_000_000)
    assert [f.as_text() for f in report.findings if f.level in ("error", "warning")] == []


def _person(town, role: str, email: str) -> User:
    user = User(email=email, full_name=role, municipality=town)
    user.roles.append(RoleAssignment(role=role, municipality=town))
    db.session.add(user)
    db.session.flush()
    return user


@pytest.fixture
def adopted(ctx, definition):
    """(town, plan, units, people): version 1 frozen by the board, the plan in force."""
    town, plan, units = town_with_plan()
    coordinator = factories.person(town, "coordinator")
    plan_versions.freeze(plan, coordinator, "draft_review")
    plan.status = "completed"  # adopted: walking the preparation to its end is test_strategic_plan's work
    people = {"coordinator": coordinator, "mayor": factories.person(town, "mayor"),
              "team": _person(town, "team_member", "ekip@deneme.example"),
              "board": _person(town, "board_member", "kurul@deneme.example"),
              "clerk": _person(town, "council_clerk", "yaziisleri@deneme.example")}
    db.session.commit()
    return town, plan, units, people


def _open(instance) -> list[TaskRecord]:
    return list(db.session.execute(db.select(TaskRecord).filter_by(instance_id=instance.id, state="open")
                                   .order_by(TaskRecord.name)).scalars())


def _do(instance, bpmn_id, actor, data):
    [record] = [r for r in _open(instance) if r.bpmn_id == bpmn_id]
    tasks.complete(record.id, actor, data)
    db.session.commit()
    return record


def _h11(**changes) -> dict:
    """H1.1 as the fixture made it, with the first indicator's values replaced."""
    data = card("H1.1", 0)
    data.pop("responsible_unit_id")
    data["indicators"][0]["values"] = values(*changes.get("values", (11, 12, 13, 14, 15)))
    return {k: v for k, v in data.items() if k in ("indicators",)}


def _open_update(plan, people, reason="Ödenek kesintisi nedeniyle kalan yılların hedefleri gözden geçirilecek."):
    with time_machine.travel(OPENED, tick=False):
        started = plan_update.start_update(people["coordinator"], plan, reason)
        db.session.commit()
    return started


def test_an_update_is_refused_with_its_reason(adopted):
    town, plan, units, people = adopted
    coordinator = people["coordinator"]
    with time_machine.travel(datetime(2025, 11, 3, 9, tzinfo=UTC), tick=False), \
            pytest.raises(ServiceError, match="ilk yılı \\(2025\\) tamamlanmadan"):
        plan_update.start_update(coordinator, plan, "Erken")
    with time_machine.travel(datetime(2029, 2, 1, 9, tzinfo=UTC), tick=False), \
            pytest.raises(ServiceError, match="güncellenecek yılı kalmadı"):
        plan_update.start_update(coordinator, plan, "Geç")
    with time_machine.travel(OPENED, tick=False):
        with pytest.raises(ServiceError, match="gerekçesini"):
            plan_update.start_update(coordinator, plan, "   ")
        with pytest.raises(Forbidden):
            plan_update.start_update(people["mayor"], plan, "Başkan açamaz")
        plan.status = "running"
        with pytest.raises(ServiceError, match="yürürlükteki"):
            plan_update.start_update(coordinator, plan, "Taslak")
        plan.status = "completed"
        db.session.commit()
    _open_update(plan, people)
    with time_machine.travel(OPENED, tick=False), pytest.raises(ServiceError, match="yürütülen bir güncelleme var"):
        plan_update.start_update(coordinator, plan, "İkinci")
    assert len(plan_update.updates(plan)) == 1


def test_the_cards_of_a_plan_in_force_are_read_only_outside_an_update(adopted):
    town, plan, units, people = adopted
    with pytest.raises(ServiceError, match="salt okunur"):
        plan_content.save_card(people["coordinator"], plan, {"title": "Değişti"}, code="H1.1")
    with pytest.raises(ServiceError, match="salt okunur"):
        plan_content.save_card(manager_of(units[0]), plan, {"title": "Değişti"}, code="H1.1")
    with pytest.raises(ServiceError, match="salt okunur"):
        plan_content.save_goal(people["coordinator"], plan, {"code": "A3", "title": "Yeni"})
    db.session.rollback()
    assert plan_content.target(plan, "H1.1").title == "Hedef H1.1"


def test_an_update_runs_to_the_council_and_freezes_a_labelled_version(adopted):
    town, plan, units, people = adopted
    started = _open_update(plan, people)
    assert started.plan_instance_id == plan.id
    [cards_task] = _open(started)
    start_values = cards_task.draft
    assert cards_task.bpmn_id == "update_cards" and cards_task.role == "team_member"
    assert start_values == {"update_reason": "Ödenek kesintisi nedeniyle kalan yılların hedefleri gözden "
                                                "geçirilecek."}
    # council_due: the first regular meeting 30 days on (1 April 2026) — Tuesday 7 April 2026;
    # 20 working days before it (Ramazan Bayramı 20 March, its eve counts as a working day)
    assert cards_task.due_date == date(2026, 3, 9)
    team = people["team"]
    # the remaining years are 2027–2029 (2026 runs under its programme and budget): 2025 and 2026 stay
    with pytest.raises(ServiceError) as refused:
        plan_content.save_card(team, plan, _h11(values=(11, 99, 13, 14, 15)), code="H1.1")
    assert refused.value.field_errors == {
        "indicators-0-values-2026": "2026 geçmiş bir plan yılıdır: güncelleme yalnızca kalan yılları (2027–2029) "
                                    "değiştirir."}
    db.session.rollback()
    with pytest.raises(ServiceError) as refused:
        plan_content.save_card(team, plan, {"goal_code": "A2", "code": "H1.1"}, code="H1.1")
    assert "goal_code" in refused.value.field_errors or "code" in refused.value.field_errors
    db.session.rollback()
    with pytest.raises(ServiceError, match="amaçlar değiştirilemez"):
        plan_content.save_goal(people["coordinator"], plan, {"title": "Başka amaç"}, code="A1")
    db.session.rollback()
    with pytest.raises(ServiceError) as refused:
        plan_content.save_card(team, plan, {"indicators": _h11()["indicators"][:1]}, code="H1.1")
    assert "PG1.1.2" in refused.value.field_errors["indicators"]
    db.session.rollback()
    plan_content.save_card(team, plan, _h11(values=(11, 12, 20, 22, 24)), code="H1.1")
    db.session.commit()
    _do(started, "update_cards", team, {"changes_summary": "PG1.1.1'in 2027–2029 hedefleri yükseltildi."})
    [review] = _open(started)
    assert review.bpmn_id == "update_review" and review.due_date == date(2026, 3, 17)  # 14 working days before
    _do(started, "update_review", people["board"], {"update_decision": "return", "update_notes": "2029 yüksek."})
    [again] = _open(started)
    assert again.bpmn_id == "update_cards" and again.draft == start_values
    plan_content.save_card(team, plan, _h11(values=(11, 12, 20, 22, 23)), code="H1.1")
    db.session.commit()
    _do(started, "update_cards", team, {"changes_summary": "2029 hedefi 23."})
    _do(started, "update_review", people["board"], {"update_decision": "approve"})
    [approval] = _open(started)
    assert approval.bpmn_id == "update_approval" and approval.role == "mayor"
    _do(started, "update_approval", people["mayor"], {"update_decision": "approve"})
    [encumen] = _open(started)
    assert encumen.bpmn_id == "update_encumen" and encumen.role == "council_clerk"
    assert encumen.due_date == date(2026, 3, 31)  # 5 working days before the meeting
    _do(started, "update_encumen", people["clerk"], {"encumen_date": "2026-03-30", "encumen_decision_number": "2026/12",
                                                     "encumen_opinion": "Uygun görüldü."})
    [council] = _open(started)
    assert council.bpmn_id == "update_council" and council.due_date == date(2026, 4, 7)
    assert db.session.execute(db.select(db.func.count()).select_from(PlanVersion)).scalar() == 1
    _do(started, "update_council", people["clerk"],
        {"update_decision_date": "2026-04-07", "update_decision_number": "2026/45"})
    db.session.refresh(started)
    assert started.status == "completed"
    latest = plan_versions.versions(plan)[0]
    assert (latest.number, latest.kind, latest.decision_date, latest.decision_number, latest.update_instance_id) == \
        (2, "update", date(2026, 4, 7), "2026/45", started.id)
    assert latest.reason.startswith("Ödenek kesintisi")
    diff = plan_versions.diff(plan_versions.version(plan, 1).snapshot, latest.snapshot)
    assert diff["added"] == [] and diff["removed"] == []
    assert [(c["code"], [(f["field"], f["old"], f["new"]) for f in c["fields"]]) for c in diff["changed"]] == [
        ("PG1.1.1", [("values.2027", 13, 20), ("values.2028", 14, 22), ("values.2029", 15, 23)])]
    with pytest.raises(ServiceError, match="salt okunur"):  # read-only again
        plan_content.save_card(team, plan, _h11(values=(11, 12, 21, 22, 23)), code="H1.1")


def test_the_api_refuses_a_past_year_and_completes_the_steps(adopted, app):
    from .test_api import check
    from .test_plan_api import BASE, client
    town, plan, units, people = adopted
    fen = client(app, manager_of(units[0]))
    path = f"/instances/{plan.id}/plan/targets/H1.1"
    locked = check(fen.patch(path, _h11(values=(11, 12, 20, 14, 15))), "patch", BASE + "/targets/{code}", 409)
    assert "salt okunur" in locked["error"]["message"]
    started = _open_update(plan, people)
    reply = check(fen.patch(path, _h11(values=(30, 12, 20, 14, 15))), "patch", BASE + "/targets/{code}", 422)
    assert set(reply["error"]["fields"]) == {"indicators-0-values-2025"}
    assert plan_content.target(plan, "H1.1").indicators[0].value_1 == 11
    body = check(fen.patch(path, _h11(values=(11, 12, 20, 14, 15))), "patch", BASE + "/targets/{code}", 200)
    assert body["indicators"][0]["values"]["2027"] == 20
    team = client(app, people["team"])
    [record] = _open(started)
    assert team.post(f"/tasks/{record.id}/complete", {"changes_summary": "2027 hedefi 20."}).status_code == 200
    for who, data in (("board", {"update_decision": "approve"}), ("mayor", {"update_decision": "approve"}),
                      ("clerk", {"encumen_date": "2026-03-30", "encumen_decision_number": "2026/12",
                                 "encumen_opinion": "Uygun."}),
                      ("clerk", {"update_decision_date": "2026-04-07", "update_decision_number": "2026/45"})):
        [record] = _open(started)
        assert client(app, people[who]).post(f"/tasks/{record.id}/complete", data).status_code == 200, who
    listed = check(fen.get(f"/instances/{plan.id}/plan/versions"), "get", BASE + "/versions", 200)
    assert listed["versions"][0]["kind"] == "update"
    assert listed["versions"][0]["decision"] == {
        "date": "2026-04-07", "number": "2026/45", "update_instance_id": started.id,
        "reason": "Ödenek kesintisi nedeniyle kalan yılların hedefleri gözden geçirilecek."}
    assert listed["versions"][1]["kind"] is None and listed["versions"][1]["decision"] is None
    one = check(fen.get(f"/instances/{plan.id}/plan/versions/2"), "get", BASE + "/versions/{number}", 200)
    assert one["decision"]["number"] == "2026/45"


def test_the_excel_import_keeps_the_past_years_and_the_goals(adopted):
    import io

    from openpyxl import load_workbook

    from stratflow.services import plan_excel
    from stratflow.services.imports import ImportRejected
    town, plan, units, people = adopted
    _open_update(plan, people)
    book = load_workbook(io.BytesIO(plan_excel.export_xlsx(plan)))
    sheet = book["Göstergeler"]
    header = [c.value for c in sheet[1]]
    sheet.cell(row=2, column=header.index("2025") + 1, value=99)
    book["Amaçlar"].cell(row=2, column=2, value="Başka bir amaç")
    out = io.BytesIO()
    book.save(out)
    with pytest.raises(ImportRejected) as refused:
        plan_excel.import_xlsx(people["coordinator"], plan, "kartlar.xlsx", out.getvalue(), 2000)
    lines = " ".join(refused.value.lines)
    assert "Amaçlar, satır 2: Güncellemede amaçlar değiştirilemez (A1)." in lines
    assert "2025 geçmiş bir plan yılıdır" in lines
    db.session.rollback()
    assert plan_content.target(plan, "H1.1").indicators[0].value_1 == 11


def test_reminders_walked_day_by_day(adopted, app):
    """The team's step is due on Monday 9 March 2026: the reminders 7 and 3 working days before go
    to the team member; after its completion, nothing more to them."""
    from .test_reminders import _walk
    town, plan, units, people = adopted
    with time_machine.travel(datetime(2026, 2, 23, 9, tzinfo=UTC), tick=False):
        started = plan_update.start_update(people["coordinator"], plan, "Ödenek kesintisi")
        db.session.commit()
    [record] = _open(started)
    due = record.due_date
    sent = _walk(app, date(2026, 2, 24), date(2026, 3, 2))
    assert sent and all(to == people["team"].email for rows in sent.values() for _kind, to in rows)
    kinds = [kind for rows in sent.values() for kind, _to in rows]
    assert kinds[0] == "before-7"
    with time_machine.travel(datetime(2026, 3, 3, 9, tzinfo=UTC), tick=False):
        tasks.complete(record.id, people["team"], {"changes_summary": "Yok."})
        db.session.commit()
    later = _walk(app, date(2026, 3, 4), due)
    assert not [to for rows in later.values() for _kind, to in rows if to == people["team"].email]


def test_the_plan_page_opens_an_update_and_the_versions_page_labels_it(adopted, client):
    from .test_monitoring_service import login
    town, plan, units, people = adopted
    with time_machine.travel(datetime(2025, 11, 3, 9, tzinfo=UTC), tick=False):
        early = login(client.application.test_client(), people["coordinator"])
        page = early.get(f"/instances/{plan.id}/plan").get_data(as_text=True)
    assert 'data-test="update-refusal"' in page and 'data-form="update-start"' not in page
    with time_machine.travel(OPENED, tick=False):
        browser = login(client, people["coordinator"])
        page = browser.get(f"/instances/{plan.id}/plan").get_data(as_text=True)
        assert 'data-form="update-start"' in page and 'data-test="plan-locked"' in page
        empty = browser.post(f"/instances/{plan.id}/plan-update", {"reason": ""},
                             form_page=f"/instances/{plan.id}/plan")
        assert empty.status_code == 302 and not plan_update.updates(plan)
        response = browser.post(f"/instances/{plan.id}/plan-update", {"reason": "Ödenek kesintisi"},
                                form_page=f"/instances/{plan.id}/plan")
    assert response.status_code == 302
    [started] = plan_update.updates(plan)
    assert response.headers["Location"].endswith(f"/instances/{started.id}")
    browser = login(client.application.test_client(), people["coordinator"])  # signed in on today's date
    team = login(client.application.test_client(), people["team"])
    [record] = _open(started)
    task_page = team.get(f"/tasks/{record.id}").get_data(as_text=True)
    assert browser.get(f"/instances/{started.id}").status_code == 200  # the update's instance page
    assert f'href="/instances/{plan.id}/plan"' in task_page
    assert f'href="/instances/{plan.id}/plan/versions"' in task_page
    page = browser.get(f"/instances/{plan.id}/plan").get_data(as_text=True)
    assert 'data-test="update-running"' in page and "2027–2029" in page
    mayor = login(client.application.test_client(), people["mayor"])
    assert mayor.post(f"/instances/{plan.id}/plan-update", {"reason": "x"},
                      form_page=f"/instances/{plan.id}/plan").status_code == 404
    db.session.add(PlanVersion(instance_id=plan.id, municipality_id=town.id, number=2, snapshot={"targets": []},
                               kind="update", decision_date=date(2026, 4, 7), decision_number="2026/45"))
    db.session.commit()
    versions = browser.get(f"/instances/{plan.id}/plan/versions").get_data(as_text=True)
    assert 'data-test="update-version"' in versions and "2026/45" in versions and "7 Nisan 2026" in versions


def test_a_terminated_update_gives_the_cards_back_as_last_adopted(adopted):
    from stratflow.services import instance_actions
    town, plan, units, people = adopted
    started = _open_update(plan, people)
    plan_content.save_card(people["team"], plan, _h11(values=(11, 12, 20, 22, 24)), code="H1.1")
    new = card("H1.2", units[2].id)  # a new card of the remaining years under an existing goal
    new["indicators"] = [dict(i, values=values(None, None, 5, 6, 7)) for i in new["indicators"]]
    plan_content.save_card(people["coordinator"], plan, {**new, "activities": []})
    db.session.commit()
    instance_actions.terminate(started.id, people["coordinator"], "Meclis gündemine alınmadı.")
    db.session.commit()
    assert [i.value_3 for i in plan_content.target(plan, "H1.1").indicators] == [13, 13]
    with pytest.raises(Exception, match="bulunamadı"):
        plan_content.target(plan, "H1.2")
    assert plan_versions.diff(plan_versions.version(plan, 1).snapshot, plan_content.snapshot(plan)) == {
        "added": [], "removed": [], "changed": []}
    assert len(plan_versions.versions(plan)) == 1  # no council decision, no version
    with pytest.raises(ServiceError, match="salt okunur"):
        plan_content.save_card(people["team"], plan, _h11(values=(11, 12, 20, 22, 24)), code="H1.1")
