"""`stratflow tick --now` fires the BPMN timers whose time has come as of that moment, not by the
wall clock; the engine's timers see the real clock again afterwards."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from stratflow.extensions import db
from stratflow.models import AuditEvent, ProcessInstance
from stratflow.services import tasks

from .test_strategic_plan import NOMINATION, _open, _user, demo_days, steps


def _waiting_on_the_kickoff_timer() -> tuple[ProcessInstance, date]:
    """The demo's process up to the team list: the program waits for the kick-off date."""
    for record in _open("team_nomination"):
        tasks.complete(record.id, _user(f"{record.unit.code}@camlitepe.bel.tr"), NOMINATION)
    team_list = dict(steps(demo_days))["team_list"]
    [team] = _open("team_list")
    tasks.complete(team.id, _user("sgm@camlitepe.bel.tr"), team_list)
    db.session.commit()
    instance = db.session.execute(db.select(ProcessInstance)).scalar_one()
    return instance, date.fromisoformat(team_list["kickoff_date"])


def _tick(app, moment: str) -> dict:
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["stratflow", "tick", "--now", moment])
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    return dict(part.split("=") for part in result.output.split())


def test_tick_now_fires_a_timer_due_by_then(demo, app):
    instance, kickoff = _waiting_on_the_kickoff_timer()
    assert kickoff > date.today()  # by the wall clock the timer is still in the future
    assert instance.next_timer_at is not None and _open("program_draft") == []
    timer_at = instance.next_timer_at

    before = (timer_at - timedelta(hours=1)).isoformat(timespec="minutes")
    assert _tick(app, before)["timers_fired"] == "0"
    assert _open("program_draft") == []
    assert db.session.execute(db.select(AuditEvent).filter_by(action="timer.fired")).first() is None

    after = datetime.combine(kickoff + timedelta(days=1), datetime.min.time()).replace(hour=9)
    assert _tick(app, after.isoformat(timespec="minutes"))["timers_fired"] == "1"
    assert len(_open("program_draft")) == 1
    [fired] = db.session.execute(db.select(AuditEvent).filter_by(action="timer.fired")).scalars()
    assert fired.details["due"] == timer_at.isoformat()
    assert db.session.get(ProcessInstance, instance.id).next_timer_at is None
    # Nothing is left to fire: the same tick again changes nothing.
    assert _tick(app, after.isoformat(timespec="minutes"))["timers_fired"] == "0"


def test_the_engine_clock_is_only_moved_inside_advance(demo, app):
    from stratflow.engine import runtime
    from stratflow.services.versions import read_workflow as load

    instance, _kickoff = _waiting_on_the_kickoff_timer()
    workflow = load(instance)
    workflow.advance(datetime(2030, 1, 1, 12))
    assert getattr(runtime._clock, "now", None) is None
    assert runtime._EngineClock.now() < datetime(2030, 1, 1)  # the real clock again
