"""Reminder planning: the right mail, to the right people, on the right days — once."""

from collections import defaultdict
from datetime import UTC, date, datetime, timedelta

import time_machine
from icalendar import Calendar

from stratflow.extensions import db
from stratflow.jobs.scheduler import run_due_jobs
from stratflow.models import Municipality, OutboxMessage, TaskRecord, User
from stratflow.services import reminders, tasks
from tests.conftest import signed_in

DUE = date(2024, 9, 18)  # a Wednesday; no holiday in September 2024
MEMBER = {"members": [{"full_name": "Aday Kişi", "title": "Uzman", "email": "aday@camlitepe.bel.tr"}]}


def _only_fen_has_a_due_date(due=DUE) -> TaskRecord:
    task = None
    for record in db.session.execute(db.select(TaskRecord).filter_by(state="open")).scalars():
        if record.bpmn_id == "team_nomination" and record.unit.code == "fen":
            record.due_date, task = due, record
        else:
            record.due_date = None
    db.session.commit()
    return task


def _at(day: date, hour: int = 9) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=UTC)


def _rows() -> list[OutboxMessage]:
    db.session.expire_all()
    return list(db.session.execute(db.select(OutboxMessage).order_by(OutboxMessage.id)).scalars())


def _walk(app, first: date, last: date) -> dict:
    """Run the scheduler once a day at 09:00 UTC (12:00 in Istanbul) with a frozen clock."""
    seen = {r.id for r in _rows()}
    sent = defaultdict(list)
    day = first
    while day <= last:
        db.session.commit()
        with time_machine.travel(_at(day), tick=False):
            run_due_jobs(app)
        for row in _rows():
            if row.id not in seen:
                seen.add(row.id)
                sent[day].append((row.kind, row.to_address))
        day += timedelta(days=1)
    return {d: sorted(v) for d, v in sent.items()}


def test_policy_days():
    kind = reminders.reminder_kind
    assert kind(DUE, date(2024, 9, 6)) is None
    assert kind(DUE, date(2024, 9, 9)) == "before-7"
    assert kind(DUE, date(2024, 9, 12)) == "before-7"
    assert kind(DUE, date(2024, 9, 13)) == "before-3"
    assert kind(DUE, date(2024, 9, 17)) == "before-1"
    assert kind(DUE, DUE) == "due"
    assert kind(DUE, date(2024, 9, 19)) == "due"
    assert kind(DUE, date(2024, 9, 20)) == "overdue-2"
    assert kind(DUE, date(2024, 9, 22)) == "overdue-2"  # the weekend is not counted
    assert kind(DUE, date(2024, 9, 24)) == "overdue-4"
    # Zafer Bayramı (30 August 2024) is no working day: 7 working days before 3 September is 22 August.
    assert kind(date(2024, 9, 3), date(2024, 8, 22)) == "before-7"
    assert kind(date(2024, 9, 3), date(2024, 8, 21)) is None
    assert reminders.escalation_levels(DUE, date(2024, 9, 23), (3, 6, 10)) == [1]
    assert reminders.escalation_levels(DUE, date(2024, 10, 2), (3, 6, 10)) == [1, 2, 3]


def test_reminder_hour_is_local_time():
    assert reminders.reminder_day(datetime(2024, 9, 9, 4, 59), 8) == date(2024, 9, 8)
    assert reminders.reminder_day(datetime(2024, 9, 9, 5, 0), 8) == date(2024, 9, 9)


def test_a_task_walked_day_by_day(demo, app):
    task = _only_fen_has_a_due_date()
    sent = _walk(app, date(2024, 9, 1), date(2024, 10, 2))
    fen = "fen@camlitepe.bel.tr"
    mayors = [("escalation-3", e) for e in ("baskan@camlitepe.bel.tr", "baskanyardimcisi1@camlitepe.bel.tr",
                                            "baskanyardimcisi2@camlitepe.bel.tr")]
    assert sent == {
        date(2024, 9, 9): [("before-7", fen)],
        date(2024, 9, 13): [("before-3", fen)],
        date(2024, 9, 17): [("before-1", fen)],
        date(2024, 9, 18): [("due", fen)],
        date(2024, 9, 20): [("overdue-2", fen)],
        date(2024, 9, 24): [("overdue-4", fen)],
        # 3 working days late the unit manager would be told: it is fen already, so no extra mail.
        date(2024, 9, 26): [("escalation-2", "sgm@camlitepe.bel.tr"), ("overdue-6", fen)],
        date(2024, 9, 30): [("overdue-8", fen)],
        date(2024, 10, 2): sorted(mayors + [("overdue-10", fen)]),
    }
    assert {r.state for r in _rows()} == {"sent"} and all(r.captured and r.attempts == 1 for r in _rows())

    # A reminder planned but not yet delivered is cancelled when the task is completed.
    with time_machine.travel(_at(date(2024, 10, 4)), tick=False):
        assert reminders.plan_due(datetime(2024, 10, 4, 9)) == 1
        db.session.commit()
        fen_user = db.session.execute(db.select(User).filter_by(email=fen)).scalar_one()
        tasks.complete(task.id, fen_user, MEMBER)
        db.session.commit()
    pending = [r for r in _rows() if r.kind == "overdue-12"]
    assert [r.state for r in pending] == ["cancelled"]
    assert _walk(app, date(2024, 10, 5), date(2024, 10, 20)) == {}
    assert all(r.state != "pending" for r in _rows())


def test_planning_twice_creates_one_row(demo, app):
    _only_fen_has_a_due_date()
    now = datetime(2024, 9, 9, 9)
    assert reminders.plan_due(now) == 1
    assert reminders.plan_due(now) == 0
    db.session.commit()
    assert reminders.plan_due(now + timedelta(hours=3)) == 0
    row = _rows()[0]
    assert row.key == f"reminder:{row.task_id}:{row.recipient_id}:before-7"
    assert row.state == "pending" and row.next_attempt_at == now


def _send_all(now: datetime) -> None:
    from stratflow.mail import delivery
    db.session.commit()
    delivery.deliver_due(now)
    db.session.commit()


def test_message_content_turkish_and_english(demo, app):
    task = _only_fen_has_a_due_date()
    reminders.plan_due(datetime(2024, 9, 13, 9))
    db.session.commit()
    planned = _rows()[0]  # the sweep writes what to say; the text is composed when it goes out
    assert planned.subject is None and planned.compose["day"] == "2024-09-13" and planned.to_address
    _send_all(datetime(2024, 9, 13, 9, 1))
    row = _rows()[0]
    assert row.state == "sent" and row.compose["day"] == "2024-09-13"
    assert row.subject == f"Hatırlatma: {task.name} — 3 iş günü kaldı"
    assert "18 Eylül 2024 Çarşamba" in row.text_body and "Çamlıtepe Belediyesi" in row.text_body
    assert f"/tasks/{task.id}" in row.text_body and f'href="http://127.0.0.1:5000/tasks/{task.id}"' in row.html_body
    event = Calendar.from_ical(row.ics).walk("VEVENT")[0]
    assert event.decoded("dtstart") == DUE and str(event["summary"]) == task.name

    fen = db.session.get(User, row.recipient_id)
    fen.locale = "en"
    db.session.commit()
    reminders.plan_due(datetime(2024, 9, 17, 9))
    _send_all(datetime(2024, 9, 17, 9, 1))
    english = _rows()[-1]
    assert english.locale == "en" and english.subject.startswith("Reminder: ")
    assert "September 18, 2024" in english.text_body


def test_tick_command_runs_the_jobs_as_of_the_given_time(demo, app):
    _only_fen_has_a_due_date()
    result = app.test_cli_runner().invoke(args=["stratflow", "tick", "--now", "2024-09-09T09:00"])
    assert result.exit_code == 0, result.output
    assert "reminders_planned=1" in result.output and "mails_sent=1" in result.output
    assert [(r.kind, r.state, r.created_at) for r in _rows()] == [("before-7", "sent", datetime(2024, 9, 9, 9))]


def _foreign_mail() -> OutboxMessage:
    other = Municipality(name="Başka Belediyesi", province="Ankara", type="ilce", population=1000,
                         election_date=date(2024, 3, 31))
    db.session.add(other)
    db.session.flush()
    row = OutboxMessage(key="x:1", kind="due", to_address="x@example.org", to_name="X", subject="Gizli konu",
                        text_body="gizli", html_body="<p>gizli</p>", message_id="<x@example.org>",
                        municipality_id=other.id)
    db.session.add(row)
    db.session.commit()
    return row


def test_mail_log_is_for_coordinators_of_the_municipality(demo, app, client):
    _only_fen_has_a_due_date()
    db.session.commit()
    run_due_jobs(app, datetime(2024, 9, 9, 9))
    own = _rows()[0]
    foreign = _foreign_mail()
    coordinator = signed_in(client, "sgm@camlitepe.bel.tr")
    page = coordinator.get("/mail").get_data(as_text=True)
    assert own.subject in page and "Gizli konu" not in page
    assert "fen@camlitepe.bel.tr" in page
    shown = coordinator.get(f"/mail/{own.id}")
    assert shown.status_code == 200 and "18 Eylül 2024" in shown.get_data(as_text=True)
    assert coordinator.get(f"/mail/{foreign.id}").status_code == 404
    assert coordinator.get("/mail/999999").status_code == 404
    coordinator.client.post("/logout", data={"csrf_token": coordinator.csrf("/mail")})
    manager = signed_in(client, "fen@camlitepe.bel.tr")
    assert manager.get("/mail").status_code == 404
    assert manager.get(f"/mail/{own.id}").status_code == 404


def test_the_mail_log_shows_a_planned_reminder_composed_and_writes_nothing(demo, app, client):
    task = _only_fen_has_a_due_date()
    reminders.plan_due(datetime(2024, 9, 13, 9))
    db.session.commit()
    row = _rows()[0]
    coordinator = signed_in(client, "sgm@camlitepe.bel.tr")
    listed = coordinator.get("/mail").get_data(as_text=True)
    shown = coordinator.get(f"/mail/{row.id}").get_data(as_text=True)
    subject = f"Hatırlatma: {task.name} — 3 iş günü kaldı"
    assert subject in listed and subject in shown and "18 Eylül 2024 Çarşamba" in shown
    db.session.expire_all()
    assert db.session.get(OutboxMessage, row.id).subject is None  # reading composed nothing into the row


def test_a_reminder_is_composed_once_and_every_retry_says_the_same(demo, app):
    """Composed with its claim (before SMTP) and kept: a retry after a failure sends that text, even
    when the task's due date moved in between."""
    from stratflow.mail import delivery
    task = _only_fen_has_a_due_date()
    reminders.plan_due(datetime(2024, 9, 13, 9))
    db.session.commit()
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=1, MAIL_TIMEOUT=1)  # nothing listens there
    try:
        assert delivery.deliver_due(datetime(2024, 9, 13, 9, 1))["mails_failed"] == 1
    finally:
        app.config.update(MAIL_SERVER=None)
    db.session.commit()
    first = _rows()[0]
    assert first.state == "failed" and first.subject.endswith("3 iş günü kaldı")
    text = (first.subject, first.text_body)
    db.session.get(TaskRecord, task.id).due_date = DUE + timedelta(days=7)
    db.session.commit()
    assert delivery.deliver_due(first.next_attempt_at + timedelta(seconds=1))["mails_sent"] == 1
    db.session.commit()
    sent = _rows()[0]
    assert sent.state == "sent" and (sent.subject, sent.text_body) == text
