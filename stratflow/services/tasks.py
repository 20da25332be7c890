"""Human tasks: their form, drafts and completion."""

from __future__ import annotations

from flask_babel import gettext as _

from .. import engine
from ..extensions import db
from ..models import ProcessInstance, TaskRecord
from . import Conflict, ServiceError, attachments, audit, forms, transition, versions

SUSPENDED = "suspended"
_expanded: dict[int, tuple[dict, dict]] = {}  # id(stored schema) -> (it, forms.expanded(it))


def form_schema(record: TaskRecord) -> dict:
    if not record.form:
        return forms.EMPTY_SCHEMA
    schema = versions.of_instance(record.instance).forms.get(record.form)
    if schema is None:
        raise ServiceError(_("Görev formu bulunamadı: %(name)s", name=record.form))
    found = _expanded.get(id(schema))
    if found is None or found[0] is not schema:  # versions keeps its schemas for the process's life
        found = _expanded.setdefault(id(schema), (schema, forms.expanded(schema)))
    return found[1]


def instructions(record: TaskRecord) -> str | None:
    """The instructions of the task's BPMN element (from the stored definition)."""
    return versions.of_instance(record.instance).instructions(record.bpmn_id)


def _refuse_if_suspended(instance) -> None:
    if instance.status == SUSPENDED:
        raise Conflict(_("Süreç askıya alındı: devam ettirilene kadar görevler tamamlanamaz ve taslak "
                         "kaydedilemez."))


def _file_references(record: TaskRecord, schema: dict, data: dict) -> dict:
    """`data` with its file references checked against the stored attachments."""
    data, errors = attachments.resolve(record, schema, data)
    if errors:
        raise ServiceError(_("Formda düzeltilmesi gereken alanlar var."), code="validation",
                           field_errors=errors)
    return data


def save_draft(record: TaskRecord, actor, data: dict) -> None:
    """Keep what was typed (and the files' references) without validating it."""
    _refuse_if_suspended(record.instance)
    schema = form_schema(record)
    before = attachments.referenced(schema, record.draft)
    data = _file_references(record, schema, data)
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
    attachments.prune(record, actor, schema, attachments.referenced(schema, data), only=before)
    audit.record("task.draft_saved", actor, municipality_id=record.municipality_id,
                 instance_id=record.instance_id, task_id=record.id, step=record.bpmn_id)


def complete(task_id: str, actor, data: dict) -> TaskRecord:
    """Validate and complete a task in one locked transition.

    NotFound / Forbidden when the actor may not act on it; Conflict when it was completed or
    withdrawn meanwhile; ServiceError(code="validation") with field errors for bad data.
    Nothing changes in any of these cases."""
    t = transition.begin(actor, task_id=task_id, need=transition.TASK)
    record, instance = t.task, t.instance
    _refuse_if_suspended(instance)
    if record.state != "open" or instance.status != "running":
        raise Conflict(_("Bu görev başka biri tarafından tamamlanmış ya da süreç değişmiş."))
    human = t.ready().get(record.id)
    facts = {**(instance.anchors or {}), **(human.data if human else {})}
    schema = form_schema(record)
    data, file_errors = attachments.resolve(record, schema, data)
    errors = {**forms.validate(schema, data, facts=facts), **file_errors}
    if errors:
        raise ServiceError(_("Formda düzeltilmesi gereken alanlar var."), code="validation",
                           field_errors=errors)
    variable = human.properties.get("formDataVariable") if human else None
    try:
        t.workflow.complete(record.id, {variable: data} if variable else data)
    except engine.TaskNotReady as exc:
        raise Conflict(_("Bu görev artık beklemiyor; sayfayı yenileyin.")) from exc
    except engine.EngineError as exc:
        raise ServiceError(_("Süreç bu adımdan sonra devam edemedi: %(error)s", error=str(exc)),
                           code="engine") from exc
    t.complete_record(record)
    attachments.prune(record, actor, schema, attachments.referenced(schema, data))
    t.finish()
    return record
