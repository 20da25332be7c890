"""Starting instances and firing their due timers (each a transition: services/transition.py)."""

from __future__ import annotations

from datetime import datetime, timedelta

from flask_babel import gettext as _

from .. import engine
from ..extensions import db
from ..models import Municipality, ProcessInstance
from . import Conflict, NotFound, ServiceError, access, audit, transition, versions
from .definitions import current_version

MAIN_PROCESS = "strategic_plan"


def start_instance(municipality: Municipality, actor, key: str = MAIN_PROCESS, data: dict | None = None,
                   title: str | None = None) -> ProcessInstance:
    """Start the current version of process `key` for the municipality; `data` adds process
    variables to the start data (the monitoring's period and indicators), `title` names it."""
    if actor is not None and not access.can_manage(actor, municipality.id):
        raise NotFound()
    version = current_version(key)
    if version is None:
        raise NotFound(_("Süreç tanımı bulunamadı: %(key)s", key=key))
    # Lock the municipality row: two coordinators pressing "start" at once get one process.
    db.session.execute(db.select(Municipality.id).where(Municipality.id == municipality.id).with_for_update())
    running = db.session.execute(
        db.select(ProcessInstance.id).join(ProcessInstance.version)
        .where(ProcessInstance.municipality_id == municipality.id,
               ProcessInstance.status.in_(("running", "suspended")),
               ProcessInstance.version.has(definition_id=version.definition_id))).first()
    if running:
        raise Conflict(_("Bu belediye için süreç zaten yürütülüyor."))
    if not municipality.units:
        raise ServiceError(_("Süreci başlatmadan önce harcama birimlerini tanımlayın."))
    try:
        workflow = versions.info(version).start({**start_data(municipality), **(data or {})})
    except engine.EngineError as exc:
        raise ServiceError(_("Süreç başlatılamadı: %(error)s", error=str(exc))) from exc
    year = municipality.election_date.year
    title = title or (f"{municipality.name} {year + 1}–{year + 5} Stratejik Planı" if key == MAIN_PROCESS else
                      f"{municipality.name} — {version.definition.name}")
    # The plan period is fixed when its preparation starts: a later election (a renewal) does not
    # move the years of the plan in force.
    instance = ProcessInstance(
        version=version, municipality=municipality, status="running", anchors={}, title=title[:300],
        state="", state_schema=engine.STATE_SCHEMA, started_by_id=getattr(actor, "id", None),
        plan_first_year=year + 1 if key == MAIN_PROCESS else None)
    db.session.add(instance)
    db.session.flush()
    audit.record("instance.started", actor, municipality_id=municipality.id,
                 instance_id=instance.id, version=version.version)
    transition.start(instance, actor, workflow).finish()
    return instance


def start_data(municipality: Municipality) -> dict:
    """The process variables an instance starts with (JSON-native: ISO strings for dates)."""
    return {
        "municipality": {
            "id": municipality.id, "name": municipality.name, "province": municipality.province,
            "type": municipality.type, "population": municipality.population,
            "election_date": municipality.election_date.isoformat(),
            "mazbata_date": municipality.mazbata_date.isoformat() if municipality.mazbata_date else None,
            # genel / yenileme / ara; a re-run's legal deadline counts from the general election's day
            "election_kind": municipality.election_kind or "genel",
            "general_election_date": municipality.general_election_date.isoformat()
            if municipality.general_election_date else None,
        },
        "units": [{"id": u.id, "name": u.name} for u in municipality.units],
    }


def due_timer_instance_ids(now: datetime) -> list[int]:
    return list(db.session.execute(
        db.select(ProcessInstance.id).where(ProcessInstance.status == "running",
                                            ProcessInstance.next_timer_at <= now)
        .order_by(ProcessInstance.next_timer_at)).scalars())


def fire_timers(instance_id: int, now: datetime) -> bool:
    """Advance one instance whose timer is due. True when the process moved.

    The engine judges timers as of `now`: a timer not yet due then leaves the instance
    untouched (no state write, no audit row)."""
    t = transition.begin(None, instance_id=instance_id)
    instance = t.instance
    if instance.status != "running" or instance.next_timer_at is None or instance.next_timer_at > now:
        return False
    before = instance.next_timer_at
    waiting_before = set(t.ready())
    try:
        t.workflow.advance(now)
    except engine.EngineError as exc:
        raise ServiceError(str(exc)) from exc
    moved = t.workflow.next_timer_at() != before or t.workflow.is_completed() or set(t.ready()) != waiting_before
    if not moved:
        return False
    t.audit("timer.fired", due=before.isoformat())
    t.finish()
    return True


def postpone_failed_timer(instance_id: int, now: datetime, error: str, retry_after: timedelta) -> None:
    """A timer whose instance cannot advance is retried later, not every poll, and shows on the instance."""
    t = transition.begin(None, instance_id=instance_id)
    t.instance.next_timer_at = now + retry_after
    t.audit("timer.failed", error=error[:500], retry_at=t.instance.next_timer_at.isoformat())
    t.finish(engine_moved=False, sync=False)
