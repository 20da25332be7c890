"""The scheduler: one process at a time, and jobs that ask the database what is due."""

import subprocess
import sys
import time
from pathlib import Path

from stratflow.jobs.scheduler import SchedulerLock, run_due_jobs

ROOT = Path(__file__).resolve().parent.parent


def test_second_scheduler_lock_waits_for_the_first(app):
    url, options = app.config["SQLALCHEMY_DATABASE_URI"], app.config.get("SQLALCHEMY_ENGINE_OPTIONS")
    first, second = SchedulerLock(url, options), SchedulerLock(url, options)
    assert first.acquire(blocking=False)
    try:
        assert not second.acquire(blocking=False)
    finally:
        first.release()
    assert second.acquire(blocking=False)
    second.release()


def test_second_scheduler_process_blocks_until_first_exits(app, tmp_path):
    """Two real processes: the second only gets the lock once the first has gone."""
    url, options = app.config["SQLALCHEMY_DATABASE_URI"], app.config.get("SQLALCHEMY_ENGINE_OPTIONS")
    script = (
        f"import sys, time; sys.path.insert(0, {str(ROOT)!r})\n"
        "from stratflow.jobs.scheduler import SchedulerLock\n"
        f"lock = SchedulerLock({url!r}, {options!r}); lock.acquire(blocking=True)\n"
        "print('got', flush=True); time.sleep(float(sys.argv[1])); lock.release()\n"
    )
    first = subprocess.Popen([sys.executable, "-c", script, "2"], stdout=subprocess.PIPE, text=True)
    assert first.stdout.readline().strip() == "got"
    started = time.monotonic()
    second = subprocess.Popen([sys.executable, "-c", script, "0"], stdout=subprocess.PIPE, text=True)
    assert second.stdout.readline().strip() == "got"
    waited = time.monotonic() - started
    first.wait(10)
    second.wait(10)
    assert waited > 1.0, f"the second scheduler did not wait ({waited:.2f}s)"


def test_nothing_due_on_an_empty_database(app):
    assert run_due_jobs(app) == {"timers_fired": 0, "timers_failed": 0, "monitoring_started": 0,
                                 "documents_made": 0, "documents_failed": 0,
                                 "reminders_planned": 0,
                                 "mails_sent": 0, "mails_failed": 0, "mails_dead": 0}


def test_a_broken_instance_is_recorded_and_postponed_not_retried_every_poll(demo, app):
    from datetime import timedelta

    from stratflow.extensions import db
    from stratflow.models import AuditEvent, ProcessInstance
    from stratflow.models.base import utcnow

    instance = db.session.execute(db.select(ProcessInstance)).scalar_one()
    instance.state = '{"schema": 1, "workflow": {"broken": true}}'
    instance.next_timer_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    now = utcnow()
    assert run_due_jobs(app, now)["timers_failed"] == 1
    db.session.expire_all()
    failed = db.session.execute(db.select(AuditEvent).filter_by(action="timer.failed")).scalar_one()
    assert failed.instance_id == instance.id and "cannot be read" in failed.details["error"]
    assert db.session.get(ProcessInstance, instance.id).next_timer_at >= now + timedelta(minutes=59)
    db.session.commit()
    assert run_due_jobs(app, now)["timers_failed"] == 0
    from .conftest import signed_in
    page = signed_in(app.test_client(), "sgm@camlitepe.bel.tr").get(f"/instances/{instance.id}").get_data(as_text=True)
    assert 'data-test="incidents"' in page and "cannot be read" in page
