"""Delivering the outbox over real SMTP (aiosmtpd on 127.0.0.1): retries, timeouts, no doubles."""

import socket
import threading
import time
from datetime import date, datetime, timedelta
from email import message_from_bytes
from email.header import decode_header, make_header

import pytest
from aiosmtpd.controller import Controller

from stratflow.extensions import db
from stratflow.mail import delivery
from stratflow.models import AuditEvent, OutboxMessage, TaskRecord
from stratflow.services import reminders

NOW = datetime(2024, 9, 9, 9)


class Recorder:
    """An SMTP handler that refuses the first `refuse` messages with 451, then accepts."""

    def __init__(self, refuse: int = 0):
        self.refuse = refuse
        self.received: list = []

    async def handle_DATA(self, server, session, envelope):
        if self.refuse > 0:
            self.refuse -= 1
            return "451 4.3.0 Try again later"
        self.received.append(message_from_bytes(envelope.content))
        return "250 OK"


def _decoded(header: str) -> str:
    return str(make_header(decode_header(header)))


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def smtp(app, monkeypatch):
    handler = Recorder()
    controller = Controller(handler, hostname="127.0.0.1", port=_free_port())
    controller.start()
    monkeypatch.setitem(app.config, "MAIL_SERVER", "127.0.0.1")
    monkeypatch.setitem(app.config, "MAIL_PORT", controller.port)
    monkeypatch.setitem(app.config, "MAIL_TIMEOUT", 2)
    yield handler
    controller.stop()


def _plan(units=("fen",), due=date(2024, 9, 18)) -> list[OutboxMessage]:
    """Give the nomination tasks of `units` a due date and plan their reminders as of NOW."""
    for record in db.session.execute(db.select(TaskRecord).filter_by(state="open")).scalars():
        wanted = record.bpmn_id == "team_nomination" and (units is None or record.unit.code in units)
        record.due_date = due if wanted else None
    reminders.plan_due(NOW)
    db.session.commit()
    return _rows()


def _rows() -> list[OutboxMessage]:
    db.session.expire_all()
    rows = list(db.session.execute(db.select(OutboxMessage).order_by(OutboxMessage.id)).scalars())
    db.session.commit()
    return rows


def test_delivered_over_smtp_with_utf8_and_a_fixed_message_id(demo, smtp):
    row = _plan()[0]
    assert delivery.deliver_due(NOW)["mails_sent"] == 1
    [received] = smtp.received
    assert received["Message-ID"] == row.message_id
    assert _decoded(received["Subject"]) == row.subject and "ı" in row.subject
    assert row.to_name in _decoded(received["To"]) and row.to_address in received["To"]
    parts = {p.get_content_type(): p for p in received.walk()}
    assert {"text/plain", "text/html", "text/calendar"} <= set(parts)
    assert "DTSTART;VALUE=DATE:20240918" in parts["text/calendar"].get_payload(decode=True).decode()
    sent = _rows()[0]
    assert (sent.state, sent.attempts, sent.captured, sent.sent_at) == ("sent", 1, False, NOW)
    assert delivery.deliver_due(NOW + timedelta(hours=1)) == {"mails_sent": 0, "mails_failed": 0, "mails_dead": 0}


def test_refused_then_accepted_is_delivered_once(demo, smtp):
    smtp.refuse = 1
    _plan()
    assert delivery.deliver_due(NOW)["mails_failed"] == 1
    row = _rows()[0]
    assert (row.state, row.attempts, row.lease_until) == ("failed", 1, None)
    assert "451" in row.last_error and row.next_attempt_at == NOW + timedelta(seconds=60)
    assert delivery.deliver_due(NOW + timedelta(seconds=30))["mails_sent"] == 0  # backoff: not yet
    assert delivery.deliver_due(NOW + timedelta(seconds=61))["mails_sent"] == 1
    assert len(smtp.received) == 1
    row = _rows()[0]
    assert (row.state, row.attempts, row.last_error) == ("sent", 2, None)


def test_backoff_doubles_and_the_last_attempt_makes_an_incident(demo, smtp, app, monkeypatch):
    monkeypatch.setitem(app.config, "MAIL_MAX_ATTEMPTS", 3)
    smtp.refuse = 99
    _plan()
    now = NOW
    for expected_delay in (60, 120):
        assert delivery.deliver_due(now)["mails_failed"] == 1
        row = _rows()[0]
        assert row.next_attempt_at == now + timedelta(seconds=expected_delay)
        now = row.next_attempt_at
    assert delivery.deliver_due(now)["mails_dead"] == 1
    row = _rows()[0]
    assert (row.state, row.attempts) == ("dead", 3)
    incident = db.session.execute(db.select(AuditEvent).filter_by(action="mail.failed")).scalar_one()
    assert incident.instance_id == row.instance_id and incident.details["key"] == row.key
    assert delivery.deliver_due(now + timedelta(days=1))["mails_dead"] == 0


def test_a_hanging_smtp_server_does_not_block_past_the_timeout(demo, app, monkeypatch):
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(5)  # connections complete, but the server never says a word
    monkeypatch.setitem(app.config, "MAIL_SERVER", "127.0.0.1")
    monkeypatch.setitem(app.config, "MAIL_PORT", silent.getsockname()[1])
    monkeypatch.setitem(app.config, "MAIL_TIMEOUT", 1)
    try:
        _plan()
        started = time.monotonic()
        assert delivery.deliver_due(NOW)["mails_failed"] == 1
        assert time.monotonic() - started < 5
    finally:
        silent.close()
    row = _rows()[0]
    assert (row.state, row.attempts, row.lease_until) == ("failed", 1, None)
    assert "timed out" in row.last_error


def test_two_senders_at_once_never_send_a_row_twice(demo, smtp, app):
    rows = _plan(units=None)
    assert len(rows) == 11
    barrier = threading.Barrier(2)
    results = [None, None]

    def work(i):
        with app.app_context():
            barrier.wait()
            try:
                results[i] = delivery.deliver_due(NOW, worker=f"sender-{i}")
            finally:
                db.session.remove()

    threads = [threading.Thread(target=work, args=(i,)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert sum(r["mails_sent"] for r in results) == 11
    ids = [m["Message-ID"] for m in smtp.received]
    assert len(ids) == 11 and len(set(ids)) == 11
    assert all(r.state == "sent" and r.attempts == 1 for r in _rows())


def test_without_mail_server_mail_is_captured(demo, app):
    assert not app.config.get("MAIL_SERVER")
    _plan()
    assert delivery.deliver_due(NOW)["mails_sent"] == 1
    row = _rows()[0]
    assert (row.state, row.captured, row.sent_at) == ("sent", True, NOW)


# -- at least once: "sending" is committed before SMTP, "sent" right after each accepted mail --------

class Watcher(Recorder):
    """Records, at each DATA, the row states another connection sees (what a crash would leave)."""

    def __init__(self, engine):
        super().__init__()
        self.engine = engine
        self.seen: list[dict] = []

    async def handle_DATA(self, server, session, envelope):
        with self.engine.connect() as conn:
            self.seen.append(dict(conn.execute(db.select(OutboxMessage.message_id, OutboxMessage.state)).all()))
        return await super().handle_DATA(server, session, envelope)


@pytest.fixture
def watching_smtp(app, monkeypatch, demo):
    handler = Watcher(db.engine)
    controller = Controller(handler, hostname="127.0.0.1", port=_free_port())
    controller.start()
    monkeypatch.setitem(app.config, "MAIL_SERVER", "127.0.0.1")
    monkeypatch.setitem(app.config, "MAIL_PORT", controller.port)
    monkeypatch.setitem(app.config, "MAIL_TIMEOUT", 2)
    yield handler
    controller.stop()


def test_each_mail_is_sending_during_smtp_and_sent_before_the_next(watching_smtp):
    rows = _plan(units=("fen", "imar", "park"))
    assert delivery.deliver_due(NOW)["mails_sent"] == 3
    ids = [r.message_id for r in rows]
    assert [seen[ids[i]] for i, seen in enumerate(watching_smtp.seen)] == ["sending"] * 3
    for i, seen in enumerate(watching_smtp.seen):  # the earlier ones were committed as sent already
        assert [seen[m] for m in ids[:i]] == ["sent"] * i
        assert [seen[m] for m in ids[i + 1:]] == ["pending"] * (2 - i)
    assert {r.state for r in _rows()} == {"sent"}


class Crash(BaseException):
    """The process dies (kill -9) right after the SMTP server accepted a mail."""


def test_a_crash_after_smtp_accepted_resends_once_with_the_same_message_id(smtp, demo, app, monkeypatch):
    rows = _plan(units=("fen", "imar"))
    real_sent = delivery._sent

    def crash_on_second(row_id, *args):
        if row_id == rows[1].id:
            raise Crash()
        return real_sent(row_id, *args)

    monkeypatch.setattr(delivery, "_sent", crash_on_second)
    with pytest.raises(Crash):
        delivery.deliver_due(NOW)
    db.session.rollback()
    monkeypatch.setattr(delivery, "_sent", real_sent)
    first, second = _rows()
    assert (first.state, second.state) == ("sent", "sending")  # the window is that one message
    assert second.lease_until == NOW + timedelta(seconds=app.config["MAIL_LEASE_SECONDS"])
    assert delivery.deliver_due(NOW + timedelta(seconds=60))["mails_sent"] == 0  # its lease still holds
    later = NOW + timedelta(seconds=app.config["MAIL_LEASE_SECONDS"] + 1)
    assert delivery.deliver_due(later)["mails_sent"] == 1
    assert [m["Message-ID"] for m in smtp.received] == [first.message_id, second.message_id, second.message_id]
    assert [(r.state, r.attempts) for r in _rows()] == [("sent", 1), ("sent", 2)]


def test_a_mail_that_keeps_crashing_the_sender_ends_dead(smtp, demo, app, monkeypatch):
    monkeypatch.setitem(app.config, "MAIL_MAX_ATTEMPTS", 2)
    [row] = _plan()
    monkeypatch.setattr(delivery, "_sent", lambda *args: (_ for _ in ()).throw(Crash()))
    lease = timedelta(seconds=app.config["MAIL_LEASE_SECONDS"] + 1)
    now = NOW
    for _ in range(2):
        with pytest.raises(Crash):
            delivery.deliver_due(now)
        db.session.rollback()
        now += lease
    assert delivery.deliver_due(now) == {"mails_sent": 0, "mails_failed": 0, "mails_dead": 1}
    assert (_rows()[0].state, len(smtp.received)) == ("dead", 2)
    assert db.session.execute(db.select(AuditEvent).filter_by(action="mail.failed")).scalar_one()
