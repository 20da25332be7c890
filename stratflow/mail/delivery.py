"""Delivering the outbox: claim a row with a lease, send it, record the outcome.

A row is claimed by one conditional UPDATE that makes it "sending" with a lease (and counts the
attempt), so two senders (threads, processes, a second scheduler started by mistake) never send
one row twice; the claim is committed before SMTP is spoken, and the database is not touched while
sending. Right after the server accepts a mail the row is marked "sent" and committed, before the
next mail: the only mail a crash (kill -9, power loss) can leave unrecorded is the one between SMTP
accept and that commit. Its row stays "sending" until its lease runs out and is then sent again
with the same Message-ID — delivery is at least once, a duplicate is always recognisable. A row
that keeps dying this way is dead after MAIL_MAX_ATTEMPTS.

One delivery run speaks over ONE SMTP connection (opened at its first mail, reopened after a failed
one), each command bounded by MAIL_TIMEOUT. Failures are retried with exponential backoff; after
MAIL_MAX_ATTEMPTS the row is dead and the instance gets an audit row "mail.failed". Without
MAIL_SERVER mail is captured: marked sent, readable in the mail log.
"""

from __future__ import annotations

import os
import smtplib
import socket
import uuid
from datetime import datetime, timedelta

from flask import current_app
from flask_mail import Connection, Message
from sqlalchemy import and_, or_

from ..extensions import db, mail
from ..models import OutboxMessage
from ..services import audit, mail_content
from ..services.outbox import WAITING

MAX_BACKOFF = timedelta(hours=6)
SENDING = "sending"  # claimed; SMTP may be under way (or the sender died during it)


class TimeoutConnection(Connection):
    """Flask-Mail's connection with a socket timeout (it has none of its own)."""

    def __init__(self, state, timeout: float):
        super().__init__(state)
        self.timeout = timeout

    def configure_host(self):
        cls = smtplib.SMTP_SSL if self.mail.use_ssl else smtplib.SMTP
        host = cls(self.mail.server, self.mail.port, timeout=self.timeout)
        if self.mail.use_tls:
            host.starttls()
        if self.mail.username and self.mail.password:
            host.login(self.mail.username, self.mail.password)
        return host


def worker_name() -> str:
    return f"{socket.gethostname()[:30]}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def _claimable(now: datetime):
    """Due rows nobody holds, and rows left "sending" by a sender whose lease ran out."""
    waiting = and_(OutboxMessage.state.in_(WAITING), OutboxMessage.next_attempt_at <= now,
                   or_(OutboxMessage.lease_until.is_(None), OutboxMessage.lease_until < now))
    abandoned = and_(OutboxMessage.state == SENDING, OutboxMessage.lease_until < now)
    return (or_(waiting, abandoned),)


def deliver_due(now: datetime, worker: str | None = None, limit: int = 100) -> dict:
    """Send what is due as of `now` (naive UTC). Commits after every claim and every outcome."""
    worker = worker or worker_name()
    counts = {"mails_sent": 0, "mails_failed": 0, "mails_dead": 0}
    ids = list(db.session.execute(
        db.select(OutboxMessage.id).where(*_claimable(now))
        .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id).limit(limit)).scalars())
    db.session.commit()
    sender = Sender(current_app.config)
    try:
        for row_id in ids:
            message = _claim(row_id, now, worker)
            db.session.commit()  # "sending" and the lease are visible to every sender before SMTP starts
            if message is None:
                continue
            if message is _EXHAUSTED:
                counts["mails_dead"] += 1
                continue
            try:
                captured = sender.send(message)
            except (smtplib.SMTPException, OSError) as exc:
                counts["mails_dead" if _failed(row_id, worker, now, exc) else "mails_failed"] += 1
            else:
                _sent(row_id, worker, now, captured)
                counts["mails_sent"] += 1
            db.session.commit()  # this mail's outcome, before the next one is spoken
    finally:
        sender.close()
    return counts


_EXHAUSTED = object()  # a claimed row that has had all its attempts: now dead


def _claim(row_id: int, now: datetime, worker: str):
    """The row's message once this worker holds it ("sending", attempt counted); None when someone
    else got it; _EXHAUSTED when it was abandoned mid-send too often and is now dead."""
    lease = timedelta(seconds=current_app.config["MAIL_LEASE_SECONDS"])
    claimed = db.session.execute(
        db.update(OutboxMessage).where(OutboxMessage.id == row_id, *_claimable(now))
        .values(state=SENDING, lease_until=now + lease, leased_by=worker, attempts=OutboxMessage.attempts + 1)
        .execution_options(synchronize_session=False)).rowcount
    if not claimed:
        return None
    row = db.session.get(OutboxMessage, row_id, populate_existing=True)
    if row.attempts > current_app.config["MAIL_MAX_ATTEMPTS"]:  # its last attempt died mid-send
        row.attempts -= 1
        _bury(row, "abandoned while sending (the sender stopped after SMTP); not sent again")
        return _EXHAUSTED
    mail_content.complete(row)  # a planned reminder is said now, and kept: every retry says the same
    return build_message(row)


def build_message(row: OutboxMessage) -> Message:
    message = Message(subject=row.subject, recipients=[(row.to_name, row.to_address)],
                      body=row.text_body, html=row.html_body,
                      sender=current_app.config["MAIL_DEFAULT_SENDER"])
    message.msgId = row.message_id
    if row.ics:
        message.attach("son-tarih.ics", "text/calendar", row.ics.encode())
    return message


class Sender:
    """One SMTP connection for a delivery run, opened lazily; without MAIL_SERVER mail is captured."""

    def __init__(self, config):
        self.config = config
        self.connection: TimeoutConnection | None = None

    def send(self, message: Message) -> bool:
        """Send over SMTP, or capture when no MAIL_SERVER is set. True when captured."""
        if not self.config.get("MAIL_SERVER"):
            return True
        if self.connection is None:
            state = mail.init_mail({**self.config, "MAIL_SUPPRESS_SEND": False, "MAIL_MAX_EMAILS": None})
            connection = TimeoutConnection(state, self.config["MAIL_TIMEOUT"])
            self.connection = connection.__enter__()
        try:
            self.connection.send(message)
        except BaseException:
            self.close(quit_politely=False)  # the session may be broken: the next mail opens a new one
            raise
        return False

    def close(self, quit_politely: bool = True) -> None:
        connection, self.connection = self.connection, None
        if connection is None or connection.host is None:
            return
        try:
            if quit_politely:
                connection.host.quit()
            else:
                connection.host.close()
        except (smtplib.SMTPException, OSError):
            connection.host.close()


def _sent(row_id: int, worker: str, now: datetime, captured: bool) -> None:
    db.session.execute(
        db.update(OutboxMessage).where(OutboxMessage.id == row_id, OutboxMessage.leased_by == worker)
        .values(state="sent", sent_at=now, captured=captured, lease_until=None, leased_by=None, last_error=None)
        .execution_options(synchronize_session=False))


def _failed(row_id: int, worker: str, now: datetime, exc: Exception) -> bool:
    """Record a failed attempt (counted at the claim); True when it was the last one (the row is dead)."""
    row = db.session.get(OutboxMessage, row_id, populate_existing=True)
    if row is None or row.leased_by != worker:
        return False
    row.last_error = f"{type(exc).__name__}: {exc}"[:1000]
    row.lease_until = row.leased_by = None
    if row.attempts >= current_app.config["MAIL_MAX_ATTEMPTS"]:
        _bury(row, row.last_error)
        return True
    row.state = "failed"
    delay = timedelta(seconds=current_app.config["MAIL_RETRY_SECONDS"] * 2 ** (row.attempts - 1))
    row.next_attempt_at = now + min(delay, MAX_BACKOFF)
    return False


def _bury(row: OutboxMessage, error: str) -> None:
    """No more attempts: the row is dead and its instance gets an incident."""
    row.state = "dead"
    row.last_error = error[:1000]
    row.lease_until = row.leased_by = None
    audit.record("mail.failed", None, municipality_id=row.municipality_id, instance_id=row.instance_id,
                 task_id=row.task_id, key=row.key, to=row.to_address, attempts=row.attempts, error=row.last_error)
