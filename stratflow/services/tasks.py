"""Human tasks: their form, drafts and completion."""

from __future__ import annotations

from flask_babel import gettext as _

from .. import engine
from ..extensions import db
from ..models import ProcessInstance, TaskRecord
from ..models.base import utcnow
from . import Conflict, NotFound, ServiceError, audit, forms
from .instances import load, lock, persist, spec_key


def form_schema(record: TaskRecord) -> dict:
    if not record.form:
        return forms.EMPTY_SCHEMA
    schema = record.instance.version.forms.get(record.form)
    if schema is None:
        raise ServiceError(_("Görev formu bulunamadı: %(name)s", name=record.form))
    return schema


def instructions(record: TaskRecord) -> str | None:
    """The instructions of the task's BPMN element (from the stored definition)."""
    version = record.instance.version
    return engine.instructions(spec_key(version), lambda: version.spec_json).get(record.bpmn_id)


SUSPENDED = "suspended"


def _refuse_if_suspended(instance) -> None:
    if instance.status == SUSPENDED:
        raise Conflict(_("Süreç askıya alındı: devam ettirilene kadar görevler tamamlanamaz ve taslak "
                         "kaydedilemez."))


def save_draft(record: TaskRecord, actor, data: dict) -> None:
    _refuse_if_suspended(record.instance)
    # One conditional UPDATE: a draft never lands on a task someone completed meanwhile, nor on
    # one whose instance was suspended (or ended) meanwhile (`record.instance` is not locked).
    running = db.select(ProcessInstance.id).where(ProcessInstance.id == TaskRecord.instance_id,
                                                  ProcessInstance.status == "running").exists()
    saved = db.session.execute(
        db.update(TaskRecord).where(TaskRecord.id == record.id, TaskRecord.state == "open", running)
        .values(draft=data).execution_options(synchronize_session=False)).rowcount
    if not saved:
        db.session.refresh(record.instance, ["status"])
        _refuse_if_suspended(record.instance)
        raise Conflict(_("Bu görev artık açık değil."))
    db.session.expire(record, ["draft"])
    audit.record("task.draft_saved", actor, municipality_id=record.municipality_id,
                 instance_id=record.instance_id, task_id=record.id, step=record.bpmn_id)


def complete(task_id: str, actor, data: dict) -> TaskRecord:
    """Validate and complete a task in one locked transition.

    Raises ServiceError(code="validation") with field errors for bad data and Conflict when
    the task was completed or withdrawn meanwhile. Nothing changes in either case.
    """
    record = db.session.get(TaskRecord, task_id)
    if record is None:
        raise NotFound()
    schema = form_schema(record)
    errors = forms.validate(schema, data)
    if errors:
        raise ServiceError(_("Formda düzeltilmesi gereken alanlar var."), code="validation",
                           field_errors=errors)
    instance = lock(record.instance_id)
    db.session.refresh(record)
    _refuse_if_suspended(instance)
    if record.state != "open" or instance.status != "running":
        raise Conflict(_("Bu görev başka biri tarafından tamamlanmış ya da süreç değişmiş."))
    workflow = load(instance)
    variable = _data_variable(workflow, record)
    try:
        workflow.complete(record.id, {variable: data} if variable else data)
    except engine.TaskNotReady as exc:
        raise Conflict(_("Bu görev artık beklemiyor; sayfayı yenileyin.")) from exc
    except engine.EngineError as exc:
        raise ServiceError(_("Süreç bu adımdan sonra devam edemedi: %(error)s", error=str(exc)),
                           code="engine") from exc
    record.state = "completed"
    record.completed_at = utcnow()
    record.completed_by_id = getattr(actor, "id", None)
    record.draft = None
    audit.record("task.completed", actor, municipality_id=record.municipality_id,
                 instance_id=record.instance_id, task_id=record.id, step=record.bpmn_id,
                 name=record.name, unit_id=record.unit_id)
    persist(instance, workflow, actor, done_task_id=record.id)
    return record


def _data_variable(workflow: engine.Workflow, record: TaskRecord) -> str | None:
    for human in workflow.ready_human_tasks():
        if human.id == record.id:
            return human.properties.get("formDataVariable")
    return None
