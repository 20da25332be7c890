"""Per-municipality settings (recess month, phase targets, reminder policy), the national leave
days, and due dates that move at once when an anchor changes outside a transition."""

from __future__ import annotations

import html
import re
from datetime import date, datetime, timedelta

import time_machine

from stratflow.calendar import add_working_days, is_working_day
from stratflow.calendar.reminder_policy import PolicyError, ReminderPolicy, parse_policy
from stratflow.calendar.timeline import previous_working_day
from stratflow.extensions import db
from stratflow.models import AuditEvent, LeaveDay, MunicipalitySettings, ProcessInstance, TaskRecord
from stratflow.services import calendars, definitions, reminders
from stratflow.services import settings as settings_service

from .conftest import signed_in
from .test_reminders import _at, _only_fen_has_a_due_date, _rows, _walk

COORDINATOR = "sgm@camlitepe.bel.tr"
ADMIN = "admin@stratflow.example"
SETTINGS_FORM = {"recess_month": "8", "reminder_before": "", "remind_on_due": "", "overdue_every": "",
                 "escalation_days": "", "countdown_days": ""}


def _text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def _audits(action: str) -> list[AuditEvent]:
    db.session.expire_all()
    return list(db.session.execute(db.select(AuditEvent).filter_by(action=action).order_by(AuditEvent.id)).scalars())


def _tasks(bpmn_id: str, state: str | None = "open") -> list[TaskRecord]:
    db.session.expire_all()
    query = db.select(TaskRecord).filter_by(bpmn_id=bpmn_id)
    if state:
        query = query.filter_by(state=state)
    return list(db.session.execute(query).scalars())


def _post_settings(browser, town, **fields):
    return browser.post(f"/municipalities/{town.id}/settings", {**SETTINGS_FORM, **fields},
                        form_page=f"/municipalities/{town.id}")


# -- the policy syntax ------------------------------------------------------------------------------

def test_policy_syntax_and_its_errors():
    assert parse_policy("before=5,2,1; overdue_every=1") == {"before": (5, 2, 1), "overdue_every": 1}
    assert parse_policy("due=no;escalate=none") == {"due": False, "escalate": ()}
    policy = ReminderPolicy().override(parse_policy("before=2; due=no"))
    assert policy == ReminderPolicy(before=(2,), on_due=False, overdue_every=2, escalation=(3, 6, 10))
    for bad, fragment in [("before=5,x", "“5,x”"), ("soon=3", "bilinmeyen anahtar “soon”"),
                          ("escalate=6,3", "artan"), ("due=maybe", "yes ya da no"), ("before", "anahtar=değer"),
                          ("", "boş")]:
        try:
            parse_policy(bad)
        except PolicyError as exc:
            assert fragment in exc.describe("tr"), (bad, exc.describe("tr"))
        else:
            raise AssertionError(f"{bad!r} parsed")


def test_definitions_check_reports_a_bad_reminder_policy(app, tmp_path):
    from .test_definitions import DATA
    source = (DATA / "minimal.bpmn").read_text(encoding="utf-8")
    for form in DATA.glob("minimal*.json"):
        (tmp_path / form.name).write_bytes(form.read_bytes())

    def with_policy(policy: str) -> str:
        prop = f'<spiffworkflow:property name="reminderPolicy" value="{policy}"/>'
        at = source.index("<spiffworkflow:properties>", source.index("<bpmn:userTask"))
        at = source.index(">", at) + 1
        return source[:at] + "\n" + prop + source[at:]

    bad = tmp_path / "bad_policy.bpmn"
    bad.write_text(with_policy("before=5,2,1; overdue=1"), encoding="utf-8")
    result = app.test_cli_runner().invoke(args=["stratflow", "definitions", "check", str(bad)])
    assert result.exit_code == 1, result.output
    task_id = re.search(r'<bpmn:userTask id="([^"]+)"', source).group(1)
    assert re.search(rf"HATA: \[satır \d+, öğe {task_id}\].*hatırlatma politikası", result.output), result.output
    assert "bilinmeyen anahtar “overdue”" in result.output
    good = tmp_path / "good_policy.bpmn"
    good.write_text(with_policy("before=5,2,1; overdue_every=1"), encoding="utf-8")
    assert app.test_cli_runner().invoke(args=["stratflow", "definitions", "check", str(good)]).exit_code == 0


# -- the settings form ------------------------------------------------------------------------------

def test_bad_settings_give_turkish_messages_and_change_nothing(demo, client):
    browser = signed_in(client, COORDINATOR)
    nominations = {t.id: t.due_date for t in _tasks("team_nomination")}
    for fields, message in [
        ({"rule_team_nomination": "legal_deadline + 3 weeks"}, "Son tarih kuralı geçersiz"),
        ({"rule_team_nomination": "mazbata + 3 days"}, "bilinmeyen dayanak tarihi “mazbata”"),
        ({"recess_month": "13"}, "Tatil ayı 1 ile 12 arasında"),
        ({"reminder_before": "7,x"}, "“7,x” geçersiz"),
        ({"escalation_days": "6,3"}, "artan tam sayı"),
        ({"overdue_every": "-1"}, "0 ile 60 arasında"),
        # One good value beside a bad one: nothing is saved either.
        ({"recess_month": "7", "countdown_days": "400"}, "“400” geçersiz"),
    ]:
        response = _post_settings(browser, demo, **fields)
        assert response.status_code == 422, fields
        assert message in _text(response), (fields, message)
        assert "Lütfen işaretli alanları düzeltin." in _text(response)
    assert db.session.execute(db.select(MunicipalitySettings)).first() is None
    assert _audits("municipality.settings_changed") == [] and _audits("task.due_changed") == []
    assert {t.id: t.due_date for t in _tasks("team_nomination")} == nominations
    # Without the CSRF token: refused.
    assert client.post(f"/municipalities/{demo.id}/settings", data={**SETTINGS_FORM, "recess_month": "7"}
                       ).status_code == 400
    assert db.session.execute(db.select(MunicipalitySettings)).first() is None


def test_settings_are_for_coordinators_and_admins_only(demo, client):
    for email in ("baskan@camlitepe.bel.tr", "yaziisleri@camlitepe.bel.tr", "danisman@aymett.example"):
        fresh = client.application.test_client()
        browser = signed_in(fresh, email)
        token = browser.csrf("/profile")
        response = fresh.post(f"/municipalities/{demo.id}/settings", data={**SETTINGS_FORM, "csrf_token": token})
        assert response.status_code == 404, email
    assert db.session.execute(db.select(MunicipalitySettings)).first() is None
    admin = signed_in(client.application.test_client(), ADMIN)
    assert _post_settings(admin, demo, recess_month="7").status_code == 302
    assert db.session.get(MunicipalitySettings, demo.id).recess_month == 7


def test_recess_month_setting_changes_the_target_meeting(demo, client):
    # Election 31 March 2024: the deadline is 30 September; the September council (Tuesday 3rd)
    # is the target. With September as the recess month instead of August, the target is the
    # August meeting; with no recess at all it is September's again.
    demo.election_date, demo.mazbata_date = date(2024, 3, 31), date(2024, 4, 5)
    db.session.commit()
    before = calendars.of(demo).schedule
    assert before.target.date == date(2024, 9, 3) and before.recess_month == 8
    browser = signed_in(client, COORDINATOR)
    assert _post_settings(browser, demo, recess_month="9").status_code == 302
    db.session.expire_all()
    after = calendars.of(demo).schedule
    assert after.recess_month == 9 and after.target.date == date(2024, 8, 6)  # August meets now
    assert _post_settings(browser, demo, recess_month="none").status_code == 302
    db.session.expire_all()
    assert calendars.of(demo).schedule.recess_month is None
    assert calendars.of(demo).schedule.target.date == date(2024, 9, 3)
    [event] = _audits("municipality.settings_changed")[-1:]
    assert event.details["changes"]["recess_month"] == [9, None]
    page = _text(browser.get(f"/municipalities/{demo.id}"))
    assert 'data-form="settings"' in page and "Ayarlar" in page


def test_phase_target_setting_moves_open_tasks_and_not_completed_ones(demo, client):
    [circular] = _tasks("circular_draft", "completed")
    circular_due = circular.due_date
    nominations = _tasks("team_nomination")
    assert nominations and circular_due == previous_working_day(demo.mazbata_date + timedelta(days=10))
    browser = signed_in(client, COORDINATOR)
    response = _post_settings(browser, demo, rule_team_nomination="mazbata_date + 20 days",
                              rule_circular_draft="mazbata_date + 12 days")
    assert response.status_code == 302
    row = db.session.get(MunicipalitySettings, demo.id)
    assert row.due_rules == {"team_nomination": "mazbata_date + 20 days",
                             "circular_draft": "mazbata_date + 12 days"}
    due = previous_working_day(demo.mazbata_date + timedelta(days=20))
    assert {t.due_date for t in _tasks("team_nomination")} == {due}
    assert db.session.get(TaskRecord, circular.id).due_date == circular_due  # completed: never moves
    moves = _audits("task.due_changed")
    assert sorted(m.task_id for m in moves) == sorted(t.id for t in nominations)
    assert all(m.details["new"] == due.isoformat() for m in moves)
    # The form shows the setting back; blanking it returns to the model's rule.
    assert 'value="mazbata_date + 20 days"' in _text(browser.get(f"/municipalities/{demo.id}"))


def test_municipality_election_date_edit_moves_open_tasks_at_once(demo, client):
    browser = signed_in(client, COORDINATOR)
    assert _post_settings(browser, demo, rule_team_nomination="election_date + 40 days").status_code == 302
    old = {t.due_date for t in _tasks("team_nomination")}
    completed = {t.id: t.due_date for t in _tasks("circular_approval", "completed")}
    moved_before = len(_audits("task.due_changed"))
    new_election = demo.election_date - timedelta(days=35)
    facts = {"name": demo.name, "province": demo.province, "type": demo.type, "population": str(demo.population),
             "election_date": new_election.isoformat(), "mazbata_date": demo.mazbata_date.isoformat(),
             "council_weekday": demo.council_weekday}
    if demo.mazbata_date < new_election:
        facts["mazbata_date"] = (new_election + timedelta(days=5)).isoformat()
    assert browser.post(f"/municipalities/{demo.id}", facts).status_code == 302
    db.session.expire_all()
    expected = previous_working_day(new_election + timedelta(days=40))
    assert {t.due_date for t in _tasks("team_nomination")} == {expected} != old
    assert {t.id: t.due_date for t in _tasks("circular_approval", "completed")} == completed
    assert len(_audits("task.due_changed")) == moved_before + len(_tasks("team_nomination"))


# -- administrative-leave days ----------------------------------------------------------------------

def test_leave_day_shifts_a_working_day_offset_and_moves_open_tasks(demo, client):
    browser = signed_in(client, COORDINATOR)
    assert _post_settings(browser, demo, rule_team_nomination="mazbata_date + 20 workdays").status_code == 302
    due = add_working_days(demo.mazbata_date, 20)
    assert {t.due_date for t in _tasks("team_nomination")} == {due}
    leave = add_working_days(demo.mazbata_date, 4)
    assert is_working_day(leave)
    # Only the administrator keeps the table; a coordinator gets a 404.
    assert browser.get("/leave-days").status_code == 404
    admin = signed_in(client.application.test_client(), ADMIN)
    response = admin.post(f"/leave-days?year={leave.year}", {"day": "31.02.2025", "label": "Hatalı"})
    assert response.status_code == 422 and "Tarih geçerli değil" in _text(response)
    response = admin.post(f"/leave-days?year={leave.year}", {"day": leave.isoformat(), "label": ""})
    assert response.status_code == 422 and "Açıklama boş olamaz" in _text(response)
    assert db.session.execute(db.select(LeaveDay)).first() is None
    response = admin.post(f"/leave-days?year={leave.year}",
                          {"day": leave.strftime("%d.%m.%Y"), "label": "Cumhurbaşkanlığı Genelgesi ile idari izin"})
    assert response.status_code == 302
    assert {t.due_date for t in _tasks("team_nomination")} == {add_working_days(demo.mazbata_date, 20, [leave])}
    assert add_working_days(demo.mazbata_date, 20, [leave]) == add_working_days(due, 1)
    assert calendars.of(demo).schedule.leave_days == frozenset({leave})
    [added] = _audits("leave_day.added")
    assert added.details == {"day": leave.isoformat(), "label": "Cumhurbaşkanlığı Genelgesi ile idari izin"}
    page = _text(admin.get(f"/leave-days?year={leave.year}"))
    assert "Cumhurbaşkanlığı Genelgesi ile idari izin" in page
    # Removing it moves the tasks back.
    row = db.session.execute(db.select(LeaveDay)).scalar_one()
    assert admin.post(f"/leave-days/{row.id}/remove", {}, form_page=f"/leave-days?year={leave.year}").status_code == 302
    assert {t.due_date for t in _tasks("team_nomination")} == {due}
    assert len(_audits("leave_day.removed")) == 1


# -- reminder policy: the municipality's and the task's ---------------------------------------------

def test_municipality_reminder_policy_changes_which_reminders_go_out(demo, app, client):
    browser = signed_in(client, COORDINATOR)
    assert _post_settings(browser, demo, reminder_before="2", remind_on_due="no", overdue_every="1",
                          escalation_days="none").status_code == 302
    _only_fen_has_a_due_date()
    sent = _walk(app, date(2024, 9, 1), date(2024, 9, 24))
    fen = "fen@camlitepe.bel.tr"
    # 18 September 2024 (Wednesday) is due: 2 working days before is Monday 16th; no mail on the
    # due day; every working day late after; nobody above is told.
    assert sent == {date(2024, 9, 16): [("before-2", fen)], date(2024, 9, 19): [("overdue-1", fen)],
                    date(2024, 9, 20): [("overdue-2", fen)], date(2024, 9, 23): [("overdue-3", fen)],
                    date(2024, 9, 24): [("overdue-4", fen)]}


def _version_with_policy(policy: str, app, tmp_path):
    """A new version of the shipped model whose team_nomination task has a reminderPolicy."""
    from .conftest import ROOT
    source = (ROOT / "workflows" / "strategic_plan.bpmn").read_text(encoding="utf-8")
    at = source.index("<spiffworkflow:properties>", source.index('<bpmn:userTask id="team_nomination"'))
    at = source.index(">", at) + 1
    prop = f'<spiffworkflow:property name="reminderPolicy" value="{policy}" />'
    for form in (ROOT / "workflows").glob("*.json"):
        (tmp_path / form.name).write_bytes(form.read_bytes())
    (tmp_path / "strategic_plan.bpmn").write_text(source[:at] + prop + source[at:], encoding="utf-8")
    versions = definitions.import_directory(tmp_path, app.config["MAX_BPMN_BYTES"])
    return next(v for v in versions if v.definition.key == "strategic_plan")


def test_a_task_reminder_policy_overrides_the_municipality(demo, app, client, tmp_path):
    browser = signed_in(client, COORDINATOR)
    assert _post_settings(browser, demo, reminder_before="5", escalation_days="none").status_code == 302
    _only_fen_has_a_due_date()
    version = _version_with_policy("before=1; due=no; overdue_every=3", app, tmp_path)
    instance = db.session.execute(db.select(ProcessInstance)).scalar_one()
    assert version.id != instance.version_id
    instance.version_id = version.id  # same elements, one more property: the state loads unchanged
    db.session.commit()
    sent = _walk(app, date(2024, 9, 1), date(2024, 9, 24))
    fen = "fen@camlitepe.bel.tr"
    assert sent == {date(2024, 9, 17): [("before-1", fen)], date(2024, 9, 23): [("overdue-3", fen)]}


def test_countdown_days_setting(demo, app, client):
    browser = signed_in(client, COORDINATOR)
    assert _post_settings(browser, demo, countdown_days="10").status_code == 302
    for record in db.session.execute(db.select(TaskRecord)).scalars():
        record.due_date = None
    db.session.commit()
    deadline = calendars.of(demo).schedule.legal_deadline
    for days in (60, 30, 14, 11):
        with time_machine.travel(_at(deadline - timedelta(days=days)), tick=False):
            assert reminders.plan_due(datetime.combine(deadline - timedelta(days=days), datetime.min.time())
                                      .replace(hour=9)) == 0
    day = deadline - timedelta(days=10)
    assert reminders.plan_due(datetime.combine(day, datetime.min.time()).replace(hour=9)) == 2
    db.session.commit()
    assert sorted(r.kind for r in _rows()) == ["countdown-10", "countdown-10"]


def test_settings_service_defaults_follow_the_app_config(demo, app):
    row = settings_service.current(demo)
    assert row.recess_month == 8 and row.due_rules == {}
    cal = calendars.of(demo)
    assert cal.settings.reminder_policy() == ReminderPolicy(
        tuple(app.config["REMINDER_DAYS"]), True, app.config["OVERDUE_EVERY"], tuple(app.config["ESCALATION_DAYS"]))
    assert cal.settings.countdown() == tuple(app.config["COUNTDOWN_DAYS"])
