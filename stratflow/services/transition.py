"""One transition of a process instance, as one unit of work.

    t = transition.begin(actor, instance_id=…)          # or task_id=… (completing that task)
    … act on t.workflow / t.task …
    t.finish()

`begin` locks the instance row and reads, with that one query, its municipality and version; then
the instance's open task records (one query). Everything else a transition needs — settings,
schedule, leave days, units, lane roles, the model's facts and meaning — comes from per-process
caches keyed by what the locked rows say (services/calendars.py, services/versions.py). The
permission check is here, so every caller (web, API, command line, scheduler) gets it.

`finish` runs a fixed list of steps, in order:
1. store the engine state (revision, next timer, completion);
2. record the anchors (the done task's completion anchor, the dates the forms wrote);
3. sync the task projection (new records for new ready tasks, cancelled ones for withdrawn);
4. due dates of new and open tasks from the context (no queries);
5. add the audit rows and flush;
6. the plan's cards, when the model says so of the completed task (`planContent`): seed them from
   the strategy draft's data, or freeze a version of them (services/plan_versions.py) — of the
   updated plan's, for a plan update's council decision (services/plan_update.py);
7. cancel the mail of the tasks that closed (and the countdown, when the model says so);
8. enqueue "documents due" (rendered later by the scheduler: services/document_jobs.py), when the
   model shows documents at all.
"""

from __future__ import annotations

import re

from flask_babel import gettext as _
from sqlalchemy.dialects import postgresql, sqlite

from .. import engine
from ..calendar import rules
from ..extensions import db
from ..models import AuditEvent, DefinitionVersion, DocumentJob, ProcessInstance, TaskRecord
from ..models.base import utcnow
from . import Forbidden, NotFound, ServiceError, access, deadlines, outbox, plan_versions
from .context import Context, context_of

__all__ = ["Context", "context_of"]

SYSTEM, MANAGE, TASK = "system", "manage", "task"  # who may run it: see `_check`
ACTIVE = ("running", "suspended")
DATA_ANCHORS = ("nomination_deadline", *rules.PROCESS_ANCHORS)  # due-date anchors the forms write


class Transition:
    def __init__(self, ctx: Context, actor, records: dict, task: TaskRecord | None = None):
        self.ctx, self.actor, self.records, self.task = ctx, actor, records, task
        self.instance = ctx.instance
        self._workflow: engine.Workflow | None = None
        self._audit: list[AuditEvent] = []
        self._closed: set[str] = set()
        self.done: TaskRecord | None = None
        self.reset_anchors: set[str] = set()
        self.moved = 0  # open tasks whose due date moved

    # -- reading ---------------------------------------------------------------------------------
    @property
    def workflow(self) -> engine.Workflow:
        if self._workflow is None:
            try:
                self._workflow = self.ctx.version.load(self.instance.state)
            except engine.EngineError as exc:
                raise ServiceError(_("Süreç durumu okunamadı: %(error)s", error=str(exc))) from exc
        return self._workflow

    def ready(self) -> dict[str, engine.HumanTask]:
        return {t.id: t for t in self.workflow.ready_human_tasks()}

    # -- acting ----------------------------------------------------------------------------------
    def audit(self, action: str, task_id: str | None = None, **details) -> None:
        self._audit.append(AuditEvent(
            action=action, actor_id=getattr(self.actor, "id", None), municipality_id=self.instance.municipality_id,
            instance_id=self.instance.id, task_id=task_id, details=details, created_at=utcnow()))

    def complete_record(self, record: TaskRecord) -> None:
        """The record of the task the engine just completed."""
        record.state, record.completed_at = "completed", utcnow()
        record.completed_by_id, record.draft = getattr(self.actor, "id", None), None
        self.done = record
        self._closed.add(record.id)
        self.audit("task.completed", task_id=record.id, step=record.bpmn_id, name=record.name,
                   unit_id=record.unit_id)

    def close_record(self, record: TaskRecord, state: str = "cancelled") -> None:
        record.state, record.completed_at = state, utcnow()
        self._closed.add(record.id)
        self.audit("task.cancelled", task_id=record.id, step=record.bpmn_id, name=record.name)

    def touch(self) -> None:
        """A change of the instance that is not an engine step (reassign, suspend …)."""
        self.instance.revision = (self.instance.revision or 0) + 1
        self.instance.updated_at = utcnow()

    # -- finishing -------------------------------------------------------------------------------
    def finish(self, engine_moved: bool = True, sync: bool = True) -> None:
        ready = self.ready() if sync else {}
        if engine_moved:
            self._store_state()
            self._record_anchors(ready)
        if sync:
            self._sync_tasks(ready)
            self._due_dates(ready)
        db.session.add_all(self._audit)
        self._audit = []
        db.session.flush()
        if engine_moved:
            self._plan_content(ready)
        self._cancel_mail()
        if engine_moved:
            self._documents_due()

    def _store_state(self) -> None:
        instance, workflow = self.instance, self.workflow
        instance.state = workflow.dump()
        instance.state_schema = engine.STATE_SCHEMA
        self.touch()
        instance.next_timer_at = workflow.next_timer_at()
        if workflow.is_completed() and instance.status != "completed":
            instance.status, instance.completed_at = "completed", utcnow()
            self.audit("instance.completed")

    def _record_anchors(self, ready: dict) -> None:
        anchors = {k: v for k, v in (self.instance.anchors or {}).items() if k not in self.reset_anchors}
        data = self._data(ready)
        for name in DATA_ANCHORS:
            day = deadlines.iso_date(data.get(name))
            if day is not None:
                anchors[name] = day.isoformat()
        if self.done is not None:
            anchor = self.ctx.version.meaning.completion_anchors.get(self.done.bpmn_id)
            if anchor is not None and _holds(anchor[1], data):
                anchors[anchor[0]] = deadlines.local_day(self.done.completed_at).isoformat()
        if anchors != (self.instance.anchors or {}):
            self.instance.anchors = anchors

    def _data(self, ready: dict) -> dict:
        """The process data as the completed task left it: the workflow's and the ready tasks'."""
        data = dict(self.workflow.data)
        for human in ready.values():
            data.update(human.data)
        return data

    def _plan_content(self, ready: dict) -> None:
        declared = self.ctx.version.meaning.plan_content.get(self.done.bpmn_id) if self.done else None
        if declared is None:
            return
        data = self._data(ready)
        if not _holds(declared[1], data):
            return
        if declared[0] == "seed":
            plan_versions.seed_from_draft(self.instance, self.actor, data)
        elif declared[0] == "freeze_update":
            plan_versions.freeze_update(self.instance, self.actor, data, self.done.bpmn_id)
        else:
            plan_versions.freeze(self.instance, self.actor, self.done.bpmn_id)

    def _sync_tasks(self, ready: dict) -> None:
        for task_id, human in ready.items():
            if task_id not in self.records:
                record = self._new_record(human)
                db.session.add(record)
                self.records[task_id] = record
                self.audit("task.created", task_id=task_id, step=human.bpmn_id, name=human.name)
        for task_id, record in self.records.items():
            if record.state == "open" and task_id not in ready:
                self.close_record(record)

    def _new_record(self, human: engine.HumanTask) -> TaskRecord:
        instance, props = self.instance, human.properties
        return TaskRecord(
            id=human.id, instance_id=instance.id, municipality_id=instance.municipality_id,
            bpmn_id=human.bpmn_id, name=_task_name(human), lane=human.lane,
            role=self.ctx.version.role_of_lane(human.lane),
            unit_id=_unit_id(human.data.get(props.get("unitVariable")) if props.get("unitVariable") else None,
                             self.ctx.calendar.unit_ids),
            form=props.get("formJsonSchemaFilename"), state="open", created_at=utcnow(),
            draft=_start_values(human.data, props.get("formStartVariable")),
            due_date=deadlines.due_date(self.ctx, human) or deadlines.iso_date(
                human.data.get(props["dueDateVariable"]) if props.get("dueDateVariable") else None))

    def _due_dates(self, ready: dict) -> None:
        """Open tasks whose rule gives another date now (an anchor moved) get it, audited."""
        for task_id, record in self.records.items():
            human = ready.get(task_id)
            if human is None or record.state != "open" or record in db.session.new:
                continue
            due = deadlines.due_date(self.ctx, human)
            if due is None or due == record.due_date:
                continue
            self.audit("task.due_changed", task_id=task_id, step=record.bpmn_id, name=record.name,
                       old=record.due_date.isoformat() if record.due_date else None, new=due.isoformat())
            record.due_date = due
            self.moved += 1

    def _cancel_mail(self) -> None:
        if self._closed:
            outbox.cancel_for_tasks(self.instance.id, sorted(self._closed))
        if self.done is not None and self.done.bpmn_id in self.ctx.version.meaning.countdown_stops:
            outbox.cancel_countdowns(self.instance.id)
        self._closed = set()

    def _documents_due(self) -> None:
        if not self.ctx.version.meaning.documents_on:  # the model shows no documents anywhere
            return
        request_documents(self.instance.id, self.instance.municipality_id, self.actor,
                          self.done.name if self.done else None)


def request_documents(instance_id: int, municipality_id: int, actor, step: str | None = None) -> None:
    """"Documents due" for the instance: one row per instance, the newest request wins (one statement)."""
    dialect = postgresql if db.session.get_bind().dialect.name == "postgresql" else sqlite
    statement = dialect.insert(DocumentJob).values(
        instance_id=instance_id, municipality_id=municipality_id, requested_at=utcnow(),
        step=step[:200] if step else None, actor_id=getattr(actor, "id", None), attempts=0)
    db.session.execute(statement.on_conflict_do_update(
        index_elements=["instance_id"],
        set_={"requested_at": statement.excluded.requested_at, "step": statement.excluded.step,
              "actor_id": statement.excluded.actor_id, "attempts": 0, "lease_until": None}))


def refresh_due_dates(municipality_id: int, actor) -> int:
    """An anchor changed outside a transition (the municipality's dates, a council meeting, a
    setting, the leave days): the open tasks of its running instances get their new due dates
    now, each instance in a transition of its own (audited as task.due_changed). Returns how many
    moved."""
    ids = db.session.execute(
        db.select(ProcessInstance.id).where(ProcessInstance.municipality_id == municipality_id,
                                            ProcessInstance.status.in_(ACTIVE))
        .order_by(ProcessInstance.id)).scalars().all()
    moved = 0
    for instance_id in ids:
        t = begin(actor, instance_id=instance_id)
        if any(r.state == "open" for r in t.records.values()):
            t.finish(engine_moved=False)
            moved += t.moved
    return moved


# -- beginning -------------------------------------------------------------------------------------

def begin(actor, *, instance_id: int | None = None, task_id: str | None = None, need: str = SYSTEM) -> Transition:
    """Lock the instance (by its id, or by the id of one of its tasks) and read what the transition
    needs. NotFound for an unknown or foreign object; Forbidden when the actor sees it but may not."""
    ctx = _lock(instance_id, task_id)
    records = {r.id: r for r in db.session.execute(
        db.select(TaskRecord).where(TaskRecord.instance_id == ctx.instance.id,
                                    db.or_(TaskRecord.state == "open", TaskRecord.id == (task_id or "")))
        .options(db.joinedload(TaskRecord.unit)).execution_options(populate_existing=True)).scalars()}
    task = records.get(task_id) if task_id else None
    _check(actor, need, ctx.instance, task)
    return Transition(ctx, actor, records, task)


def start(instance: ProcessInstance, actor, workflow: engine.Workflow) -> Transition:
    """The first transition of a new instance (its row is new: nothing to lock)."""
    t = Transition(context_of(instance), actor, {})
    t._workflow = workflow
    return t


def _lock(instance_id: int | None, task_id: str | None) -> Context:
    query = db.select(ProcessInstance)
    if task_id is not None:
        if not isinstance(task_id, str) or not 0 < len(task_id) <= 36:
            raise NotFound()
        query = query.where(ProcessInstance.id == db.select(TaskRecord.instance_id)
                            .where(TaskRecord.id == task_id).scalar_subquery())
    else:
        query = query.where(ProcessInstance.id == instance_id)
    instance = db.session.execute(
        query.options(db.undefer(ProcessInstance.state), db.joinedload(ProcessInstance.municipality),
                      db.joinedload(ProcessInstance.version).load_only(DefinitionVersion.id,
                                                                       DefinitionVersion.content_hash))
        .with_for_update(of=ProcessInstance).execution_options(populate_existing=True)).scalar_one_or_none()
    if instance is None:
        raise NotFound()
    return context_of(instance)


def _check(actor, need: str, instance: ProcessInstance, task: TaskRecord | None) -> None:
    """A task: its actors may, an instance viewer gets Forbidden, anyone else NotFound (the task is
    invisible to them). Managing: the municipality's coordinators and admins may, its other people
    get Forbidden, strangers NotFound."""
    if need == SYSTEM:
        return
    if need == TASK:
        if task is None:
            raise NotFound()
        if access.may_act_on(actor, task):
            return
        raise Forbidden() if access.can_view_instance(actor, instance) else NotFound()
    if access.can_manage(actor, instance.municipality_id):
        return
    raise Forbidden() if instance.municipality_id in actor.municipality_ids() else NotFound()


def _holds(condition, data: dict) -> bool:
    return condition is None or str(data.get(condition[0])) == condition[1]


def _unit_id(value, unit_ids: frozenset) -> int | None:
    """The spending unit a task belongs to — only ever one of the instance's own municipality."""
    if isinstance(value, dict):
        value = value.get("id")
    return value if isinstance(value, int) and not isinstance(value, bool) and value in unit_ids else None


def _start_values(data: dict, path: str | None) -> dict | None:
    """The form's starting values: the task-data object the model names (`formStartVariable`,
    a dotted path such as "unit.start_values"), e.g. the indicators a unit reports on."""
    if not path:
        return None
    value = data
    for part in path.split("."):
        value = value.get(part) if isinstance(value, dict) else None
    return dict(value) if isinstance(value, dict) else None


_ATTRIBUTE_ACCESS = re.compile(r"\{[^}]*(\.|__|!|:)")


class _Values(dict):
    def __missing__(self, key):
        raise KeyError(key)


def _task_name(human: engine.HumanTask) -> str:
    """The task's name in the inbox: the model's `nameTemplate` filled from the task data ("{unit[
    indicator_count]} göstergenin {period_label} gerçekleşmelerini girin"), else the element's name."""
    template = human.properties.get("nameTemplate")
    if not template or _ATTRIBUTE_ACCESS.search(template):  # item access only: no attributes of objects
        return human.name
    try:
        return template.format_map(_Values(human.data))[:300]
    except (KeyError, IndexError, TypeError, ValueError, AttributeError):
        return human.name
