"""The reminder sweep reads only the tasks whose next reminder day has come (TaskRecord.remind_on)
and still sends exactly what a sweep over every open task would send."""

from collections import defaultdict
from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import text

from stratflow.calendar import add_working_days
from stratflow.calendar.reminder_policy import ReminderPolicy
from stratflow.extensions import db
from stratflow.models import OutboxMessage, RoleAssignment, SpendingUnit, TaskRecord, User
from stratflow.services import instance_actions, reminders, settings

DUE = date(2024, 9, 18)  # a Wednesday
ADMIN, COORDINATOR = "admin@stratflow.example", "sgm@camlitepe.bel.tr"


def _user(email: str) -> User:
    return db.session.execute(db.select(User).filter_by(email=email)).scalar_one()


def _nominations() -> dict[str, TaskRecord]:
    return {t.unit.code: t for t in db.session.execute(
        db.select(TaskRecord).filter_by(state="open", bpmn_id="team_nomination")).scalars()}


def _set_due(dates: dict[str, date | None]) -> None:
    """Only these units' nomination tasks have a due date."""
    for record in db.session.execute(db.select(TaskRecord).filter_by(state="open")).scalars():
        code = record.unit.code if record.unit else None
        record.due_date = dates.get(code) if record.bpmn_id == "team_nomination" else None
    db.session.commit()


def _sweep(day: date, hour: int = 9) -> int:
    created = reminders.plan_due(datetime(day.year, day.month, day.day, hour))
    db.session.commit()
    return created


def _remind_on(record: TaskRecord) -> date | None:
    return db.session.execute(db.select(TaskRecord.remind_on).where(TaskRecord.id == record.id)).scalar_one()


@pytest.fixture
def looked_at(monkeypatch):
    """How many tasks the sweeps looked at (`reminders.wanted` calls), and no full sweep unless asked."""
    calls = []
    original = reminders.wanted

    def counting(task, day, config, cache=None):
        calls.append(task.id)
        return original(task, day, config, cache)

    monkeypatch.setattr(reminders, "wanted", counting)
    monkeypatch.setattr(reminders, "_full_sweep_needed", lambda config: False)
    return calls


# -- next_reminder_day against a day-by-day walk -------------------------------------------------

def _state(due, day, policy, leave):
    return (reminders.reminder_kind(due, day, policy.before, policy.overdue_every, policy.on_due, leave),
            tuple(reminders.escalation_levels(due, day, policy.escalation, leave)))


POLICIES = [ReminderPolicy(), ReminderPolicy(before=(), on_due=False, overdue_every=0, escalation=()),
            ReminderPolicy(before=(5, 2), on_due=False, overdue_every=3, escalation=(1,)),
            ReminderPolicy(before=(10,), on_due=True, overdue_every=0, escalation=(2, 4, 5)),
            ReminderPolicy(before=(1,), on_due=True, overdue_every=1, escalation=(7, 8, 9))]


@pytest.mark.parametrize("policy", POLICIES, ids=lambda p: p.text())
def test_next_reminder_day_is_never_after_a_change(policy):
    # Around Zafer Bayramı (30 August), a leave day and Cumhuriyet Bayramı (29 October, eve on the 28th).
    leave = frozenset({date(2024, 9, 2)})
    changes_seen = 0
    for due in (date(2024, 9, 3), DUE, date(2024, 10, 28), date(2024, 9, 7)):
        for offset in range(-40, 40):
            day = due + timedelta(days=offset)
            following = reminders.next_reminder_day(due, day, policy, leave)
            assert following > day
            now = _state(due, day, policy, leave)
            horizon = min(following, day + timedelta(days=90))
            probe = day + timedelta(days=1)
            while probe < horizon:  # nothing new can come up before the day it names
                assert _state(due, probe, policy, leave) == now, (due, day, probe, following)
                probe += timedelta(days=1)
            if following != reminders.NEVER:
                changes_seen += _state(due, following, policy, leave) != now
            else:  # nothing changes any more, however long it waits
                assert all(_state(due, day + timedelta(days=n), policy, leave) == now for n in range(1, 120))
    assert changes_seen > 0 or policy == POLICIES[1]  # (that one never reminds anyone)


def test_next_reminder_day_of_the_default_policy():
    policy, day = ReminderPolicy(), reminders.next_reminder_day
    assert day(DUE, date(2024, 8, 1), policy) == add_working_days(DUE, -7) == date(2024, 9, 9)
    assert day(DUE, date(2024, 9, 9), policy) == date(2024, 9, 13)  # before-3
    assert day(DUE, date(2024, 9, 17), policy) == DUE
    assert day(DUE, DUE, policy) == date(2024, 9, 20)  # overdue-2
    assert day(DUE, date(2024, 9, 20), policy) == date(2024, 9, 23)  # escalation 1 (3 working days late)
    assert day(DUE, date(2024, 9, 23), policy) == date(2024, 9, 24)  # overdue-4
    no_more = ReminderPolicy(overdue_every=0)
    assert day(DUE, date(2024, 10, 2), no_more) == reminders.NEVER  # 10 working days late: all levels told


# -- the sweep reads only the tasks whose day has come ------------------------------------------

def test_sweep_skips_tasks_whose_day_has_not_come(demo, app, looked_at):
    _set_due({"fen": DUE, "sgm": date(2024, 10, 30)})
    nominations = _nominations()
    fen, sgm = nominations["fen"], nominations["sgm"]
    assert _remind_on(fen) is None and _remind_on(sgm) is None

    assert _sweep(date(2024, 9, 9)) == 1  # fen's before-7
    assert sorted(looked_at) == sorted([fen.id, sgm.id])
    assert _remind_on(fen) == date(2024, 9, 13)
    assert _remind_on(sgm) == add_working_days(date(2024, 10, 30), -7)

    looked_at.clear()
    for day in (date(2024, 9, 9), date(2024, 9, 10), date(2024, 9, 11), date(2024, 9, 12)):
        assert _sweep(day, 14) == 0
    assert looked_at == []  # nothing new can come up before the 13th: no task even loaded

    assert _sweep(date(2024, 9, 13)) == 1  # before-3
    assert looked_at == [fen.id] and _remind_on(fen) == date(2024, 9, 17)

    # The scheduler was down from the 16th to the 23rd: its first sweep sends the latest reminder.
    looked_at.clear()
    assert _sweep(date(2024, 9, 24)) == 1  # overdue-4 (escalation 1 is the unit manager: fen already)
    kinds = sorted(r.kind for r in db.session.execute(db.select(OutboxMessage)).scalars())
    assert kinds == ["before-3", "before-7", "overdue-4"]
    assert looked_at == [fen.id]


def test_a_suspended_task_is_swept_after_resume(demo, app, looked_at):
    _set_due({"fen": DUE})
    fen = _nominations()["fen"]
    assert _sweep(date(2024, 9, 9)) == 1
    coordinator = _user(COORDINATOR)
    instance_actions.suspend(fen.instance_id, coordinator, "Bekleme")
    db.session.commit()
    looked_at.clear()
    assert _sweep(date(2024, 9, 16)) == 0 and looked_at == []  # suspended: not even loaded
    instance_actions.resume(fen.instance_id, coordinator, "Devam")
    db.session.commit()
    assert _remind_on(fen) == date(2024, 9, 13)  # passed meanwhile
    assert _sweep(date(2024, 9, 16)) == 1 and looked_at == [fen.id]
    assert [r.kind for r in db.session.execute(db.select(OutboxMessage).order_by(OutboxMessage.id)).scalars()] \
        == ["before-7", "before-3"]


# -- what clears remind_on ------------------------------------------------------------------------

def test_due_date_change_reassignment_and_policy_change_clear_remind_on(demo, app, looked_at):
    _set_due({"fen": DUE, "sgm": DUE})
    nominations = _nominations()
    fen, sgm = nominations["fen"], nominations["sgm"]

    def swept_again() -> None:
        _sweep(date(2024, 9, 9))
        assert _remind_on(fen) is not None and _remind_on(sgm) is not None

    swept_again()
    fen.due_date = date(2024, 9, 25)  # as deadlines.move_open_tasks does
    db.session.commit()
    assert _remind_on(fen) is None and _remind_on(sgm) is not None
    fen.due_date = date(2024, 9, 25)  # the same date again: nothing to recompute
    db.session.commit()
    swept_again()
    fen.due_date = fen.due_date
    db.session.commit()
    assert _remind_on(fen) is not None

    coordinator = _user(COORDINATOR)
    instance_actions.reassign(fen.id, coordinator, coordinator.id, "Birim izinde")
    db.session.commit()
    assert _remind_on(fen) is None and _remind_on(sgm) is not None
    looked_at.clear()
    assert _sweep(date(2024, 9, 9), 15) == 0  # no reminder due for the new date yet
    assert looked_at == [fen.id]

    town = demo
    data = {**settings.form_data(town), "reminder_before": "12,2"}
    assert settings.update_settings(_user(ADMIN), town, data)
    db.session.commit()
    assert _remind_on(fen) is None and _remind_on(sgm) is None

    swept_again()
    settings.add_leave_day(_user(ADMIN), {"day": "27.09.2024", "label": "İdari izin"})
    db.session.commit()
    assert _remind_on(fen) is None and _remind_on(sgm) is None


def test_a_new_role_holder_gets_the_current_reminder(demo, app, looked_at):
    _set_due({"fen": DUE})
    assert _sweep(date(2024, 9, 10)) == 1
    fen_unit = db.session.execute(db.select(SpendingUnit).filter_by(code="fen")).scalar_one()
    newcomer = User(email="yeni@camlitepe.bel.tr", full_name="Yeni Müdür", municipality_id=demo.id,
                    password_hash="x")
    newcomer.roles.append(RoleAssignment(role="unit_manager", municipality_id=demo.id, unit_id=fen_unit.id))
    db.session.add(newcomer)
    db.session.commit()
    assert _sweep(date(2024, 9, 10), 14) == 1
    [row] = [r for r in db.session.execute(db.select(OutboxMessage)).scalars() if r.recipient_id == newcomer.id]
    assert row.kind == "before-7"

    newcomer.active = False
    db.session.commit()
    assert _sweep(date(2024, 9, 10), 15) == 0
    newcomer.active = True
    db.session.commit()
    assert _remind_on(_nominations()["fen"]) is None


# -- the proof: a month walked with remind_on sends what sweeps over every task send -------------

def _fresh_demo(app) -> None:
    from stratflow.services import definitions
    from stratflow.services import demo as demo_data
    db.session.remove()
    with db.engine.begin() as conn:
        for table in reversed(db.metadata.sorted_tables):
            conn.execute(text(f'DELETE FROM "{table.name}"'))
    definitions.import_directory(app.config["WORKFLOWS_DIR"], app.config["MAX_BPMN_BYTES"])
    db.session.commit()
    demo_data.load()
    db.session.commit()


def _walk_with_changes(app) -> tuple[dict, int]:
    """Sweep twice a day from 1 September to 15 October with due dates, a reassignment, a policy
    change, a suspension, a leave day and a new role holder on the way."""
    dates = {"fen": DUE, "sgm": date(2024, 9, 25), "mali": date(2024, 9, 4), "imar": date(2024, 10, 7)}
    _set_due(dates)
    admin, coordinator = _user(ADMIN), _user(COORDINATOR)
    sent, seen = defaultdict(list), set()
    day = date(2024, 9, 1)
    while day <= date(2024, 10, 15):
        if day == date(2024, 9, 10):
            instance_actions.reassign(_nominations()["fen"].id, coordinator, coordinator.id, "İzin")
        if day == date(2024, 9, 16):
            settings.update_settings(admin, _nominations()["fen"].municipality,
                                     {**settings.form_data(_nominations()["fen"].municipality),
                                      "reminder_before": "5,2", "overdue_every": "3"})
            _set_due(dates)  # the settings moved the rule-based dates: back to the test's
        if day == date(2024, 9, 19):
            instance_actions.suspend(_nominations()["fen"].instance_id, coordinator, "Bekleme")
        if day == date(2024, 9, 24):
            instance_actions.resume(_nominations()["fen"].instance_id, coordinator, "Devam")
        if day == date(2024, 9, 26):
            settings.add_leave_day(admin, {"day": "01.10.2024", "label": "İdari izin"})
            _set_due(dates)
        if day == date(2024, 9, 30):
            dates["sgm"] = date(2024, 10, 9)
            _set_due(dates)
        if day == date(2024, 10, 2):
            unit = db.session.execute(db.select(SpendingUnit).filter_by(code="imar")).scalar_one()
            _user(COORDINATOR).roles.append(RoleAssignment(role="unit_manager", municipality_id=unit.municipality_id,
                                                           unit_id=unit.id))
        db.session.commit()
        for hour in (9, 15):
            _sweep(day, hour)
        for row in db.session.execute(db.select(OutboxMessage)).scalars():
            if row.id not in seen:
                seen.add(row.id)
                sent[day].append((row.kind, row.to_address))
        day += timedelta(days=1)
    return {d: sorted(v) for d, v in sent.items()}


def test_walk_with_remind_on_sends_what_full_sweeps_send(app, ctx, monkeypatch, looked_at):
    _fresh_demo(app)
    incremental = _walk_with_changes(app)
    looked_incremental = len(looked_at)

    monkeypatch.setattr(reminders, "_full_sweep_needed", lambda config: True)
    _fresh_demo(app)
    looked_at.clear()
    full = _walk_with_changes(app)

    assert incremental == full
    kinds = {kind for rows in full.values() for kind, _to in rows}
    assert {"before-5", "before-2", "due", "overdue-3", "escalation-1", "escalation-2"} <= kinds
    assert looked_incremental < len(looked_at) / 4  # the point of it


# -- composing: shared parts and the hand-written calendar entry ---------------------------------

def _library_ics(uid, day, summary, link, now) -> str:
    from datetime import UTC

    from icalendar import Calendar, Event
    calendar = Calendar()
    calendar.add("prodid", "-//stratflow//reminders//TR")
    calendar.add("version", "2.0")
    event = Event()
    event.add("uid", uid)
    event.add("dtstamp", now.replace(tzinfo=UTC))
    event.add("dtstart", day)
    event.add("dtend", day + timedelta(days=1))
    event.add("summary", summary)
    event.add("description", link)
    event.add("url", link)
    calendar.add_component(event)
    return calendar.to_ical().decode()


@pytest.mark.parametrize("summary", [
    "Stratejik Planlama Ekibine üye bildir", "İç ve dış paydaş analizi; GZFT, öncelikler \\ notlar",
    "Çok uzun bir adım adı " * 6 + "ğüşıöç ĞÜŞİÖÇ", "x" * 74, "y" * 75, "satır\nsonu",
    *("a" * n + ";,\\ğ" * 3 for n in range(60, 68))])
def test_calendar_entry_is_what_icalendar_writes(summary):
    from stratflow.mail.compose import day_ics
    now = datetime(2024, 9, 9, 9, 0, 5, 123456)
    for uid, link in (("task-0b6f@stratflow", "http://127.0.0.1:5000/tasks/0b6f"),
                      ("legal-deadline-12@stratflow", "https://stratejik.example.bel.tr/instances/12?a=1,b=2;c")):
        for day in (date(2024, 12, 31), DUE):
            assert day_ics(uid, day, summary, link, now) == _library_ics(uid, day, summary, link, now)


def test_shared_parts_give_each_recipient_their_own_mail(demo, app):
    from stratflow.mail.compose import reminder_message
    _set_due({"fen": DUE})
    fen_task = _nominations()["fen"]
    people = [_user("fen@camlitepe.bel.tr"), _user(COORDINATOR)]
    people[1].full_name = 'Zeynep <Çelik> & "Ş"'
    people[1].locale = "en"
    now, shared = datetime(2024, 9, 9, 9), {}
    for user in people * 2:
        alone = reminder_message(fen_task, user, "before-7", date(2024, 9, 9), now, "5393 md. 41")
        assert reminder_message(fen_task, user, "before-7", date(2024, 9, 9), now, "5393 md. 41", cache=shared) \
            == alone
        assert user.full_name in alone["text_body"] and "\x00" not in alone["html_body"]
    assert "Zeynep &lt;Çelik&gt; &amp; &#34;Ş&#34;" in alone["html_body"]
    assert len(shared) == 2  # one per language
