"""The outbox: countdown mail cancelled when the council decision is recorded, and one SMTP
connection for a whole delivery run."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from aiosmtpd.controller import Controller

from stratflow.extensions import db
from stratflow.mail import delivery
from stratflow.models import OutboxMessage, ProcessInstance, TaskRecord, User
from stratflow.services import calendars, reminders, tasks

from .test_mail_delivery import Recorder, _free_port, _plan, _rows

NOMINATION = {"members": [{"full_name": "Aday Kişi", "title": "Uzman", "email": "aday@camlitepe.bel.tr"}]}


class SessionCounter(Recorder):
    """Counts SMTP sessions (connections) beside the messages."""

    def __init__(self):
        super().__init__()
        self.sessions = 0

    async def handle_EHLO(self, server, session, envelope, hostname, responses):
        self.sessions += 1
        session.host_name = hostname
        return responses

    async def handle_HELO(self, server, session, envelope, hostname):
        self.sessions += 1
        session.host_name = hostname
        return f"250 {server.hostname}"


@pytest.fixture
def counting_smtp(app, monkeypatch):
    handler = SessionCounter()
    controller = Controller(handler, hostname="127.0.0.1", port=_free_port())
    controller.start()
    monkeypatch.setitem(app.config, "MAIL_SERVER", "127.0.0.1")
    monkeypatch.setitem(app.config, "MAIL_PORT", controller.port)
    monkeypatch.setitem(app.config, "MAIL_TIMEOUT", 2)
    yield handler
    controller.stop()


def test_one_smtp_connection_for_several_mails(demo, counting_smtp):
    rows = _plan(units=None)
    assert len(rows) > 3
    counts = delivery.deliver_due(datetime(2024, 9, 9, 9))
    assert counts == {"mails_sent": len(rows), "mails_failed": 0, "mails_dead": 0}
    assert len(counting_smtp.received) == len(rows)
    assert counting_smtp.sessions == 1
    assert {r.state for r in _rows()} == {"sent"}


def test_a_refused_mail_does_not_stop_the_others(demo, counting_smtp):
    rows = _plan(units=None)
    counting_smtp.refuse = 1
    counts = delivery.deliver_due(datetime(2024, 9, 9, 9))
    assert counts == {"mails_sent": len(rows) - 1, "mails_failed": 1, "mails_dead": 0}
    assert len(counting_smtp.received) == len(rows) - 1
    assert counting_smtp.sessions == 2  # the refused mail's session is closed; one more for the rest
    [failed] = [r for r in _rows() if r.state == "failed"]
    assert failed.last_error.startswith("SMTP")


def test_pending_countdowns_are_cancelled_with_the_submission(demo, app):
    for record in db.session.execute(db.select(TaskRecord)).scalars():
        record.due_date = None
    db.session.commit()
    deadline = calendars.of(demo).schedule.legal_deadline
    day = deadline - timedelta(days=30)
    assert reminders.plan_due(datetime.combine(day, datetime.min.time()).replace(hour=9)) == 2
    db.session.commit()
    countdowns = [r for r in _rows() if r.kind.startswith("countdown")]
    assert len(countdowns) == 2 and {r.state for r in countdowns} == {"pending"}

    # Another step completed: the countdown stays.
    open_tasks = db.session.execute(db.select(TaskRecord).filter_by(state="open", bpmn_id="team_nomination")
                                    .order_by(TaskRecord.id)).scalars().all()
    first, second = open_tasks[0], open_tasks[1]
    tasks.complete(first.id, _manager(first), NOMINATION)
    db.session.commit()
    assert {r.state for r in _rows() if r.kind.startswith("countdown")} == {"pending"}

    # The submission to the council is recorded (the record's step is rewritten: walking the whole process to it
    # is tests/test_strategic_plan.py's work): in the same transaction the countdown is cancelled.
    second.bpmn_id = "council_schedule"
    db.session.flush()
    tasks.complete(second.id, _manager(second), NOMINATION)
    states = {r.state for r in db.session.execute(db.select(OutboxMessage)
                                                  .where(OutboxMessage.key.like("countdown:%"))
                                                  .execution_options(populate_existing=True)).scalars()}
    assert states == {"cancelled"}  # before the commit: one transaction
    db.session.commit()
    assert {r.state for r in _rows() if r.kind.startswith("countdown")} == {"cancelled"}
    instance = db.session.execute(db.select(ProcessInstance)).scalar_one()
    reminders.plan_due(datetime.combine(deadline - timedelta(days=14), datetime.min.time()).replace(hour=9))
    db.session.commit()
    assert instance.status == "running"
    assert len([r for r in _rows() if r.kind.startswith("countdown")]) == 2  # no new countdown either


def _manager(record: TaskRecord) -> User:
    return db.session.execute(db.select(User).filter_by(email=f"{record.unit.code}@camlitepe.bel.tr")).scalar_one()
