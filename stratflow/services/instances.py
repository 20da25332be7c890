"""Starting instances and persisting every transition (state + projection + audit)."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from flask_babel import gettext as _

from .. import engine
from ..extensions import db
from ..models import Municipality, ProcessInstance, TaskRecord
from ..models.base import utcnow
from . import Conflict, NotFound, ServiceError, audit, deadlines, documents, outbox
from .definitions import current_version

MAIN_PROCESS = "strategic_plan"


def start_instance(municipality: Municipality, actor, key: str = MAIN_PROCESS) -> ProcessInstance:
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
        workflow = engine.Workflow.start(spec_key(version), version.spec_json,
                                         start_data(municipality))
    except engine.EngineError as exc:
        raise ServiceError(_("Süreç başlatılamadı: %(error)s", error=str(exc))) from exc
    year = municipality.election_date.year
    instance = ProcessInstance(
        version=version, municipality=municipality, status="running",
        title=f"{municipality.name} {year + 1}–{year + 5} Stratejik Planı",
        state="", state_schema=engine.STATE_SCHEMA, started_by_id=getattr(actor, "id", None))
    db.session.add(instance)
    db.session.flush()
    audit.record("instance.started", actor, municipality_id=municipality.id,
                 instance_id=instance.id, version=version.version)
    persist(instance, workflow, actor)
    return instance


def start_data(municipality: Municipality) -> dict:
    """The process variables an instance starts with (JSON-native: ISO strings for dates)."""
    return {
        "municipality": {
            "id": municipality.id, "name": municipality.name, "province": municipality.province,
            "type": municipality.type, "population": municipality.population,
            "election_date": municipality.election_date.isoformat(),
            "mazbata_date": municipality.mazbata_date.isoformat() if municipality.mazbata_date else None,
        },
        "units": [{"id": u.id, "name": u.name} for u in municipality.units],
    }


def spec_key(version) -> str:
    return f"{version.id}:{version.content_hash}"


def lock(instance_id: int) -> ProcessInstance:
    """Lock the instance row for this transaction (SQLite: the write lock is already held)."""
    instance = db.session.execute(
        db.select(ProcessInstance).where(ProcessInstance.id == instance_id)
        .options(db.undefer(ProcessInstance.state))
        .with_for_update().execution_options(populate_existing=True)).scalar_one_or_none()
    if instance is None:
        raise NotFound()
    return instance


def load(instance: ProcessInstance) -> engine.Workflow:
    try:
        version = instance.version
        return engine.Workflow.load(spec_key(version), lambda: version.spec_json, instance.state)
    except engine.EngineError as exc:
        raise ServiceError(_("Süreç durumu okunamadı: %(error)s", error=str(exc))) from exc


def persist(instance: ProcessInstance, workflow: engine.Workflow, actor, done_task_id=None) -> None:
    """Store the engine state and bring the task projection in line with it."""
    instance.state = workflow.dump()
    instance.state_schema = engine.STATE_SCHEMA
    instance.revision = (instance.revision or 0) + 1
    instance.updated_at = utcnow()
    instance.next_timer_at = workflow.next_timer_at()
    if workflow.is_completed() and instance.status != "completed":
        instance.status = "completed"
        instance.completed_at = utcnow()
        audit.record("instance.completed", actor, municipality_id=instance.municipality_id,
                     instance_id=instance.id)
    _sync_tasks(instance, workflow, actor, done_task_id)
    db.session.flush()
    outbox.cancel_for_closed_tasks(instance.id)  # reminders of tasks that closed now: cancelled
    documents.on_transition(instance, workflow, actor, done_task_id)  # never raises; failures are audited


def _sync_tasks(instance, workflow, actor, done_task_id) -> None:
    open_records = {t.id: t for t in db.session.execute(
        db.select(TaskRecord).where(TaskRecord.instance_id == instance.id,
                                    TaskRecord.state == "open")).scalars()}
    ready = {t.id: t for t in workflow.ready_human_tasks()}
    for task_id, human in ready.items():
        if task_id not in open_records:
            record = _new_record(instance, human)
            db.session.add(record)
            audit.record("task.created", actor, municipality_id=instance.municipality_id,
                         instance_id=instance.id, task_id=task_id, step=human.bpmn_id, name=human.name)
    deadlines.move_open_tasks(instance, ready, open_records, actor)
    for task_id, record in open_records.items():
        if task_id not in ready and task_id != done_task_id:
            record.state = "cancelled"
            record.completed_at = utcnow()
            audit.record("task.cancelled", actor, municipality_id=instance.municipality_id,
                         instance_id=instance.id, task_id=task_id, step=record.bpmn_id)


def _new_record(instance, human: engine.HumanTask) -> TaskRecord:
    props = human.properties
    return TaskRecord(
        id=human.id, instance_id=instance.id, municipality_id=instance.municipality_id,
        bpmn_id=human.bpmn_id, name=human.name, lane=human.lane,
        role=instance.version.lane_roles.get(human.lane or "", "coordinator"),
        unit_id=_unit_id(human.data, props.get("unitVariable"), instance.municipality),
        form=props.get("formJsonSchemaFilename"),
        due_date=deadlines.rule_due_date(instance, human) or _variable_due_date(human),
        state="open")


def _variable_due_date(human: engine.HumanTask) -> date | None:
    variable = human.properties.get("dueDateVariable")
    return _date(human.data.get(variable)) if variable else None


def _unit_id(data: dict, variable: str | None, municipality) -> int | None:
    """The spending unit a task belongs to — only ever one of the instance's own municipality."""
    if not variable:
        return None
    value = data.get(variable)
    if isinstance(value, dict):
        value = value.get("id")
    return value if isinstance(value, int) and value in {u.id for u in municipality.units} else None


def _date(value) -> date | None:
    if isinstance(value, str):
        try:
            return date.fromisoformat(value[:10])
        except ValueError:
            return None
    return None


def due_timer_instance_ids(now: datetime) -> list[int]:
    return list(db.session.execute(
        db.select(ProcessInstance.id).where(ProcessInstance.status == "running",
                                            ProcessInstance.next_timer_at <= now)
        .order_by(ProcessInstance.next_timer_at)).scalars())


def fire_timers(instance_id: int, now: datetime) -> bool:
    """Advance one instance whose timer is due. True when the process moved.

    The engine judges timers as of `now`: a timer not yet due then leaves the instance
    untouched (no state write, no audit row)."""
    instance = lock(instance_id)
    if instance.status != "running" or instance.next_timer_at is None or instance.next_timer_at > now:
        return False
    workflow = load(instance)
    before = instance.next_timer_at
    waiting_before = {t.id for t in workflow.ready_human_tasks()}
    try:
        workflow.advance(now)
    except engine.EngineError as exc:
        raise ServiceError(str(exc)) from exc
    moved = workflow.next_timer_at() != before or workflow.is_completed() or \
        {t.id for t in workflow.ready_human_tasks()} != waiting_before
    if not moved:
        return False
    persist(instance, workflow, None)
    audit.record("timer.fired", None, municipality_id=instance.municipality_id,
                 instance_id=instance.id, due=before.isoformat())
    return True


def postpone_failed_timer(instance_id: int, now: datetime, error: str, retry_after: timedelta) -> None:
    """A timer whose instance cannot advance is retried later, not every poll, and shows on the instance."""
    instance = lock(instance_id)
    instance.next_timer_at = now + retry_after
    audit.record("timer.failed", None, municipality_id=instance.municipality_id,
                 instance_id=instance.id, error=error[:500], retry_at=instance.next_timer_at.isoformat())
