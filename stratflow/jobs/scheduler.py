"""One scheduler process: APScheduler polling our own tables.

Only one scheduler may run against a database: a PostgreSQL advisory lock (or a file
lock beside the SQLite database) is taken first, so a second process waits.
Jobs never rely on in-memory schedules: every run asks the database what is due.
"""

from __future__ import annotations

import fcntl
import logging
import os
import threading
import zlib
from datetime import UTC, datetime, timedelta

from sqlalchemy import create_engine, text
from sqlalchemy.pool import NullPool

from ..models.base import utcnow

log = logging.getLogger(__name__)
ADVISORY_KEY = 0x5F7A_F10E
RETRY_AFTER = timedelta(hours=1)
_started = threading.Event()


def run_due_jobs(app, now: datetime | None = None) -> dict:
    """Run every job once as of `now` (naive UTC). Each item commits on its own, and one
    broken instance never stops the others."""
    from ..extensions import db
    from ..services import instances

    now = now or utcnow()
    fired = failed = 0
    with app.app_context():
        for instance_id in instances.due_timer_instance_ids(now):
            try:
                if instances.fire_timers(instance_id, now):
                    fired += 1
                db.session.commit()
            except Exception as exc:  # noqa: BLE001 - any failure is recorded, the sweep goes on
                db.session.rollback()
                failed += 1
                log.exception("timer of instance %s failed", instance_id)
                instances.postpone_failed_timer(instance_id, now, getattr(exc, "message", str(exc)), RETRY_AFTER)
                db.session.commit()
        result = {"timers_fired": fired, "timers_failed": failed, "monitoring_started": _start_cycle(now),
                  **_render_documents(now),
                  "reminders_planned": _plan_reminders(now), **_deliver_outbox(now)}
        db.session.remove()
    return result


def _start_cycle(now: datetime) -> int:
    """Job "start the yearly cycle": each plan in force's monitoring period once its half has ended."""
    from ..extensions import db
    from ..services import cycle_start

    try:
        return cycle_start.start_due_periods(now)
    except Exception:  # noqa: BLE001 - logged; the next poll tries again
        db.session.rollback()
        log.exception("starting monitoring periods failed")
        return 0


def _render_documents(now: datetime) -> dict:
    """Job "render documents": the documents the transitions asked for (services/document_jobs.py)."""
    from ..extensions import db
    from ..services import document_jobs

    try:
        return document_jobs.run_due(now)
    except Exception:  # noqa: BLE001 - logged; the jobs stay and are retried on the next poll
        db.session.rollback()
        log.exception("rendering documents failed")
        return {"documents_made": 0, "documents_failed": 0}


def _plan_reminders(now: datetime) -> int:
    """Job "plan due reminders": outbox rows for every reminder whose time has come."""
    from ..extensions import db
    from ..services import reminders

    try:
        planned = reminders.plan_due(now)
        db.session.commit()
        return planned
    except Exception:  # noqa: BLE001 - logged; the next poll tries again, delivery still runs
        db.session.rollback()
        log.exception("planning reminders failed")
        return 0


def _deliver_outbox(now: datetime) -> dict:
    """Job "deliver outbox": send (or capture) the mail that is due."""
    from ..extensions import db
    from ..mail import delivery

    try:
        return delivery.deliver_due(now)
    except Exception:  # noqa: BLE001 - logged; leases expire, so nothing is lost
        db.session.rollback()
        log.exception("delivering the outbox failed")
        return {"mails_sent": 0, "mails_failed": 0, "mails_dead": 0}


class SchedulerLock:
    """Held for the life of the scheduler process."""

    def __init__(self, database_url: str, engine_options: dict | None = None):
        self.url = database_url
        self.connect_args = (engine_options or {}).get("connect_args", {})
        self._conn = None
        self._file = None

    def acquire(self, blocking: bool = True) -> bool:
        if self.url.startswith("sqlite"):
            path = self.url.split("///", 1)[-1] or "stratflow.db"
            self._file = open(f"{path}.scheduler.lock", "w")  # noqa: SIM115 - held open on purpose
            flags = fcntl.LOCK_EX | (0 if blocking else fcntl.LOCK_NB)
            try:
                fcntl.flock(self._file, flags)
            except BlockingIOError:
                return False
            return True
        engine = create_engine(self.url, connect_args=self.connect_args, poolclass=NullPool)
        self._conn = engine.connect()
        # One lock per database and schema: the key mixes in both.
        key_source = self._conn.execute(text("SELECT current_database() || '.' || current_schema()")).scalar()
        key = ADVISORY_KEY ^ zlib.crc32(key_source.encode())
        fn = "pg_advisory_lock" if blocking else "pg_try_advisory_lock"
        got = self._conn.execute(text(f"SELECT {fn}(:k)"), {"k": key}).scalar()
        self._conn.commit()
        return got is not False

    def release(self) -> None:
        if self._file:
            fcntl.flock(self._file, fcntl.LOCK_UN)
            self._file.close()
        if self._conn is not None:
            self._conn.close()  # NullPool: the session, and with it the advisory lock, ends here
            self._conn = None


def run_forever(app, blocking_lock: bool = True) -> None:
    """The body of `flask stratflow scheduler` (and of the dev server's embedded thread)."""
    from apscheduler.schedulers.blocking import BlockingScheduler

    lock = SchedulerLock(app.config["SQLALCHEMY_DATABASE_URI"], app.config.get("SQLALCHEMY_ENGINE_OPTIONS"))
    log.info("scheduler %s waiting for the scheduler lock", os.getpid())
    lock.acquire(blocking=blocking_lock)
    log.info("scheduler %s holds the lock", os.getpid())
    scheduler = BlockingScheduler(timezone="UTC")
    scheduler.add_job(run_due_jobs, "interval", args=[app], seconds=app.config["SCHEDULER_INTERVAL"],
                      id="due-jobs", max_instances=1, coalesce=True, next_run_time=datetime.now(UTC))
    try:
        scheduler.start()
    finally:
        lock.release()


def start_embedded(app) -> None:
    """Run the scheduler in a daemon thread of this process (the dev server's `serve`)."""
    if _started.is_set():
        return
    _started.set()
    threading.Thread(target=run_forever, args=(app,), name="stratflow-scheduler", daemon=True).start()
