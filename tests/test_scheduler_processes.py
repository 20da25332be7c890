"""The real scheduler process (`flask --app wsgi stratflow scheduler`) against the test database
and a real SMTP server: killed and restarted, doubled — nothing lost, nothing sent twice.

The subprocesses run on the real clock, so the due times here are a few seconds ahead of it."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections import Counter
from datetime import datetime, timedelta
from email import message_from_bytes
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from aiosmtpd.controller import Controller
from flask import current_app

from stratflow.extensions import db
from stratflow.jobs.scheduler import SchedulerLock
from stratflow.models import OutboxMessage, ProcessInstance, TaskRecord
from stratflow.models.base import utcnow
from stratflow.services import reminders

from .test_mail_delivery import _free_port

ROOT = Path(__file__).resolve().parent.parent
LOCAL = ZoneInfo("Europe/Istanbul")


class Inbox:
    def __init__(self):
        self.received: list = []

    async def handle_DATA(self, server, session, envelope):
        self.received.append(message_from_bytes(envelope.content))
        return "250 OK"

    def ids(self) -> Counter:
        return Counter(m["Message-ID"] for m in self.received)


@pytest.fixture
def smtp():
    handler = Inbox()
    controller = Controller(handler, hostname="127.0.0.1", port=_free_port())
    controller.start()
    handler.port = controller.port
    yield handler
    controller.stop()


class Schedulers:
    """Starts `flask --app wsgi stratflow scheduler` processes; kills what is left at the end."""

    def __init__(self, app, smtp: Inbox, tmp_path: Path):
        self.app, self.smtp, self.tmp_path = app, smtp, tmp_path
        self.running: list[subprocess.Popen] = []

    def env(self) -> dict:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("STRATFLOW_", "MAIL_"))}
        env.update(DATABASE_URL=self.app.config["SQLALCHEMY_DATABASE_URI"], SECRET_KEY="test-secret",
                   MAIL_SERVER="127.0.0.1", MAIL_PORT=str(self.smtp.port), MAIL_TIMEOUT="5",
                   STRATFLOW_SCHEDULER_INTERVAL="1", PYTHONPATH=str(ROOT))
        if self.app.config.get("TEST_PG_SCHEMA"):
            env["STRATFLOW_DB_SEARCH_PATH"] = self.app.config["TEST_PG_SCHEMA"]
        return env

    def start(self) -> subprocess.Popen:
        db.session.commit()  # hold no lock while the process works on the database
        number = len(self.running)
        log = open(self.tmp_path / f"scheduler-{number}.log", "w")  # noqa: SIM115
        env = {**self.env(), "PGAPPNAME": f"stratflow-test-{os.getpid()}-scheduler-{number}"}
        process = subprocess.Popen([sys.executable, "-m", "flask", "--app", "wsgi", "stratflow", "scheduler"],
                                   cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
        self.running.append(process)
        return process

    def app_name(self, process: subprocess.Popen) -> str:
        return f"stratflow-test-{os.getpid()}-scheduler-{self.running.index(process)}"

    def wait_for_lock_holder(self, timeout: float = 20) -> None:
        """Until some scheduler process holds the scheduler lock (so it is up and polling)."""
        url, options = self.app.config["SQLALCHEMY_DATABASE_URI"], self.app.config.get("SQLALCHEMY_ENGINE_OPTIONS")
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            probe = SchedulerLock(url, options)
            got = probe.acquire(blocking=False)
            probe.release()
            if not got:
                return
            assert all(p.poll() is None for p in self.running), self.logs()
            time.sleep(0.2)
        raise AssertionError(f"no scheduler took the lock\n{self.logs()}")

    def kill(self, process: subprocess.Popen) -> None:
        process.send_signal(signal.SIGKILL)
        process.wait(10)

    def stop_all(self) -> None:
        for process in self.running:
            if process.poll() is None:
                self.kill(process)

    def logs(self) -> str:
        return "\n".join(p.read_text()[-2000:] for p in sorted(self.tmp_path.glob("scheduler-*.log")))


@pytest.fixture
def schedulers(app, smtp, tmp_path):
    started = Schedulers(app, smtp, tmp_path)
    yield started
    started.stop_all()


def _wait_until(condition, timeout: float, what: str, schedulers: Schedulers) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}\n{schedulers.logs()}")
        time.sleep(0.2)


def _rows() -> list[OutboxMessage]:
    db.session.commit()
    db.session.expire_all()
    rows = list(db.session.execute(db.select(OutboxMessage).order_by(OutboxMessage.id)).scalars())
    db.session.commit()
    return rows


def _reminders_due_at(moment: datetime, units: tuple[str, ...] | None = ("fen",)) -> list[OutboxMessage]:
    """Plan today's "due" reminders of the nomination tasks of `units`, to go out at `moment`
    (naive UTC, a few seconds ahead of the real clock)."""
    today = reminders.reminder_day(moment, current_app.config["REMINDER_HOUR"])
    for record in db.session.execute(db.select(TaskRecord).filter_by(state="open")).scalars():
        wanted = record.bpmn_id == "team_nomination" and (units is None or record.unit.code in units)
        record.due_date = today if wanted else None
    created = reminders.plan_due(moment)
    db.session.commit()
    assert created >= 1
    rows = _rows()
    assert all(r.state == "pending" and r.next_attempt_at == moment for r in rows)
    return rows


def _soon(seconds: float) -> datetime:
    return (utcnow() + timedelta(seconds=seconds)).replace(microsecond=0)


def _sleep_until(moment: datetime) -> None:
    time.sleep(max(0.0, (moment - utcnow()).total_seconds()))


def _no_due_dates() -> None:
    """No open task is due yet: the scheduler's first sweep (before the test sets its own dates)
    plans nothing (the demo's nominations may be due within a week of the real day)."""
    for record in db.session.execute(db.select(TaskRecord).filter_by(state="open")).scalars():
        record.due_date = None
    db.session.commit()


def test_reminder_due_while_the_scheduler_was_killed_goes_out_after_restart(demo, schedulers, smtp):
    _no_due_dates()
    first = schedulers.start()
    schedulers.wait_for_lock_holder()  # up and polling (starting alone can take seconds on a busy machine)
    due = _soon(5)
    [row] = _reminders_due_at(due)
    time.sleep(1)  # at least one poll before the due time: nothing to send yet
    assert utcnow() < due, "the machine is too slow for this test's margins"
    schedulers.kill(first)
    assert smtp.received == [] and _rows()[0].state == "pending"

    _sleep_until(due + timedelta(seconds=1))
    assert smtp.received == [] and _rows()[0].state == "pending"  # nobody sends while it is down

    schedulers.start()
    _wait_until(lambda: smtp.received, 20, "the reminder after the restart", schedulers)
    time.sleep(1.5)  # more polls: still one message
    assert smtp.ids() == Counter({row.message_id: 1})
    [sent] = _rows()
    assert sent.state == "sent" and not sent.captured and sent.attempts == 1


def test_a_bpmn_timer_due_while_the_scheduler_was_down_fires_after_restart(demo, schedulers, smtp):
    instance = db.session.execute(db.select(ProcessInstance)).scalar_one()
    planned = instance.next_timer_at.replace(tzinfo=ZoneInfo("UTC")).astimezone(LOCAL).isoformat()
    assert planned in instance.state  # the nomination deadline's boundary timer
    first = schedulers.start()
    schedulers.wait_for_lock_holder()  # up and polling
    due = _soon(5)
    # Bring the circular's deadline forward to a moment a few seconds ahead of the real clock.
    instance.state = instance.state.replace(planned, due.replace(tzinfo=ZoneInfo("UTC")).isoformat())
    instance.next_timer_at = due
    db.session.commit()
    time.sleep(1)  # at least one poll before the due time: nothing fires yet
    assert utcnow() < due, "the machine is too slow for this test's margins"
    schedulers.kill(first)
    _sleep_until(due + timedelta(seconds=1))

    def escalations() -> list[TaskRecord]:
        db.session.commit()
        db.session.expire_all()
        found = list(db.session.execute(db.select(TaskRecord).filter_by(bpmn_id="nomination_escalation")).scalars())
        db.session.commit()
        return found

    assert escalations() == []
    schedulers.start()
    _wait_until(escalations, 20, "the timer to fire after the restart", schedulers)
    [escalation] = escalations()
    assert escalation.state == "open" and escalation.role == "coordinator"
    db.session.expire_all()
    assert db.session.get(ProcessInstance, instance.id).next_timer_at is None
    db.session.commit()


def test_two_scheduler_processes_on_postgresql_send_each_mail_once(app, demo, schedulers, smtp):
    if not app.config.get("TEST_PG_SCHEMA"):
        pytest.skip("two scheduler processes are a PostgreSQL deployment (advisory lock)")
    first_batch = _reminders_due_at(_soon(3), units=None)
    assert len(first_batch) >= 10
    processes = [schedulers.start(), schedulers.start()]
    schedulers.wait_for_lock_holder()
    _wait_until(lambda: len(smtp.received) >= len(first_batch), 20, "the first batch", schedulers)

    # The lock holder dies; the other one takes over and sends what comes due next.
    time.sleep(1.5)
    holder = _lock_holder(schedulers)
    assert holder in processes
    schedulers.kill(holder)
    second_batch = _second_batch(_soon(2))
    _wait_until(lambda: len(smtp.received) >= len(first_batch) + len(second_batch), 20,
                "the second batch from the other process", schedulers)
    time.sleep(1.5)
    expected = {r.message_id for r in first_batch + second_batch}
    assert smtp.ids() == Counter(dict.fromkeys(expected, 1))
    assert {r.state for r in _rows()} == {"sent"}


def _lock_holder(schedulers: Schedulers) -> subprocess.Popen | None:
    """The process holding the advisory lock: each scheduler connects with its own
    application_name (PGAPPNAME), and pg_locks names the session that holds the lock."""
    from sqlalchemy import text

    names = set(db.session.execute(text(
        "SELECT a.application_name FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid "
        "WHERE l.locktype = 'advisory' AND l.granted AND a.datname = current_database()")).scalars())
    db.session.commit()
    return next((p for p in schedulers.running if p.poll() is None and schedulers.app_name(p) in names), None)


def _second_batch(moment: datetime) -> list[OutboxMessage]:
    """Reminders of a kind not planned yet (a "before-N": the due date moves a day later), due at `moment`."""
    for record in db.session.execute(db.select(TaskRecord).filter_by(state="open")).scalars():
        if record.bpmn_id == "team_nomination":
            record.due_date = record.due_date + timedelta(days=1)
    before = {r.id for r in _rows()}
    reminders.plan_due(moment)
    db.session.commit()
    rows = [r for r in _rows() if r.id not in before]
    assert rows and all(r.kind.startswith("before-") for r in rows)
    return rows


def test_search_path_setting(monkeypatch):
    from stratflow.config import from_environment

    monkeypatch.delenv("STRATFLOW_DB_SEARCH_PATH", raising=False)
    assert "connect_args" not in from_environment()["SQLALCHEMY_ENGINE_OPTIONS"]
    monkeypatch.setenv("STRATFLOW_DB_SEARCH_PATH", "plan,public")
    assert from_environment()["SQLALCHEMY_ENGINE_OPTIONS"]["connect_args"] == {"options": "-csearch_path=plan,public"}
    monkeypatch.setenv("STRATFLOW_DB_SEARCH_PATH", "plan -c x=1")
    with pytest.raises(ValueError):
        from_environment()
