"""Coordinator actions on a process instance: reassign a task, suspend / resume / terminate,
rewind to an earlier step. Each runs in one locked transition and is audited with its reason.

Who may act: the municipality's coordinators and administrators (`may_act`). The mayor and
the other instance viewers see the page but get 403; a consultant is read-only.

Reassignment: the task goes to one person (TaskRecord.assignee_id) instead of everyone holding
its role; the role holders no longer see or act on it (services/access.py, reminders' `actors`).
Eligible: an active person holding a role in the task's municipality (not only "consultant");
for a spending-unit task, someone holding a role for that unit or a coordinator.
"""

from __future__ import annotations

from copy import deepcopy
from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import or_

from ..engine import EngineError
from ..engine.runtime import RewindRefused, completed_human_tasks, rewind
from ..extensions import db
from ..models import ProcessInstance, RoleAssignment, TaskRecord, User
from ..models.base import utcnow
from . import (
    Conflict,
    Forbidden,
    NotFound,
    ServiceError,
    outbox,
    plan_state,
    plan_versions,
    tasks,
    transition,
    valid_id,
    versions,
)

REASON_MAX = 1000
ACTING_ROLES = ("coordinator",)
# Roles that do not make a person eligible to take over a task.
NOT_ASSIGNABLE_ROLES = ("consultant", "admin")
__all__ = ["Forbidden"]


# -- who may act ---------------------------------------------------------------------------

def may_act(user, municipality_id: int) -> bool:
    return user.is_admin or municipality_id in user.municipality_ids(*ACTING_ROLES)


def _check_actor(user, instance: ProcessInstance) -> None:
    """403 for someone of the instance's municipality without the right, 404 for strangers."""
    if may_act(user, instance.municipality_id):
        return
    if instance.municipality_id in user.municipality_ids():
        raise Forbidden()
    raise NotFound()


def instance_for_action(user, instance_id: int) -> ProcessInstance:
    instance = db.session.get(ProcessInstance, instance_id) if valid_id(instance_id) else None
    if instance is None:
        raise NotFound()
    _check_actor(user, instance)
    return instance


def _reason(text) -> str:
    reason = text.strip() if isinstance(text, str) else ""
    if not reason:
        message = _("Bu işlem için bir gerekçe yazmalısınız.")
        raise ServiceError(message, code="validation", field_errors={"reason": message})
    if len(reason) > REASON_MAX:
        message = _("Gerekçe en fazla %(n)d karakter olabilir.", n=REASON_MAX)
        raise ServiceError(message, code="validation", field_errors={"reason": message})
    return reason


def _begin(user, instance_id: int, reason) -> tuple[transition.Transition, str]:
    """Check the right and the reason (nothing changes on failure), then lock the instance."""
    instance_for_action(user, instance_id)
    text = _reason(reason)
    return transition.begin(user, instance_id=instance_id, need=transition.MANAGE), text


# -- the actions panel of the instance page ------------------------------------------------

@dataclass
class Panel:
    """What the actions panel shows; built only for people who may act."""
    status: str
    open_tasks: list
    people: list
    rewind_targets: list

    @property
    def can_suspend(self):
        return self.status == "running"

    @property
    def can_resume(self):
        return self.status == "suspended"

    @property
    def can_terminate(self):
        return self.status in ("running", "suspended")


def panel(user, instance: ProcessInstance, open_tasks: list, workflow, records: list | None = None) -> Panel | None:
    """The panel for `user` (None unless they may act); `workflow`, `records`: the instance's engine
    state (None when unreadable: no rewind offered) and task records as the page read them."""
    if not may_act(user, instance.municipality_id):
        return None
    active = instance.status in ("running", "suspended")
    return Panel(status=instance.status, open_tasks=open_tasks if active else [],
                 people=eligible_people(instance.municipality_id) if active else [],
                 rewind_targets=rewind_targets(instance, workflow, records) if active and workflow is not None
                 else [])


# -- reassignment --------------------------------------------------------------------------

def eligible_people(municipality_id: int, unit_id: int | None = None) -> list[User]:
    """Active people who may take over a task of the municipality (of `unit_id`, when given)."""
    ra = RoleAssignment
    query = (db.select(User).join(ra, ra.user_id == User.id)
             .where(ra.municipality_id == municipality_id, User.active.is_(True),
                    ra.role.not_in(NOT_ASSIGNABLE_ROLES))
             .order_by(User.full_name, User.id).distinct())
    if unit_id is not None:
        query = query.where(or_(ra.unit_id == unit_id, ra.role.in_(ACTING_ROLES)))
    return list(db.session.execute(query).scalars())


def reassign_in(instance_id: int, task_id: str, actor, assignee_id: int | None, reason) -> TaskRecord:
    """`reassign` for a task picked on an instance's page: it must be one of that instance's."""
    record = db.session.get(TaskRecord, task_id) if isinstance(task_id, str) and 0 < len(task_id) <= 36 else None
    if record is None or record.instance_id != instance_id:
        instance_for_action(actor, instance_id)  # 404 / 403 first
        message = _("Yeniden atanacak açık görevi seçin.")
        raise ServiceError(message, code="validation", field_errors={"task_id": message})
    return reassign(task_id, actor, assignee_id, reason)


def reassign(task_id: str, actor, assignee_id: int | None, reason) -> TaskRecord:
    """Give an open task to one person, or (assignee_id None) back to everyone holding its role."""
    record = db.session.get(TaskRecord, task_id) if isinstance(task_id, str) and len(task_id) <= 36 else None
    if record is None:
        raise NotFound()
    _check_actor(actor, record.instance)
    text = _reason(reason)
    assignee = None
    if assignee_id is not None:
        eligible = {u.id: u for u in eligible_people(record.municipality_id, record.unit_id)}
        usable = valid_id(assignee_id) and not isinstance(assignee_id, bool)
        assignee = eligible.get(assignee_id) if usable else None
        if assignee is None:
            message = _("Seçilen kişi bu görevi üstlenemez: belediyenin etkin bir çalışanı olmalı ve birim "
                        "görevlerinde o birimden ya da Strateji Geliştirme Biriminden olmalıdır.")
            raise ServiceError(message, code="validation", field_errors={"assignee_id": message})
    t = transition.begin(actor, task_id=record.id, need=transition.MANAGE)
    record, instance = t.task, t.instance
    if record.state != "open":
        raise Conflict(_("Bu görev artık açık değil."))
    if instance.status not in ("running", "suspended"):
        raise Conflict(_("Süreç yürütülmüyor; görevleri yeniden atanamaz."))
    previous = record.assignee_id
    if previous == (assignee.id if assignee else None):
        raise Conflict(_("Görev zaten bu şekilde atanmış."))
    record.assignee_id = assignee.id if assignee else None
    t.touch()
    t.audit("task.reassigned", task_id=record.id, reason=text, step=record.bpmn_id, name=record.name,
            assignee_id=record.assignee_id, previous_assignee_id=previous,
            to=assignee.full_name if assignee else None)
    t.finish(engine_moved=False, sync=False)
    outbox.cancel_unsent_reminders(record.id, record.assignee_id)
    return record


# -- suspend / resume / terminate ---------------------------------------------------------

def suspend(instance_id: int, actor, reason) -> ProcessInstance:
    """No task can be completed or drafted, timers do not fire, no reminders are planned."""
    return _switch(instance_id, actor, reason, "running", "suspended", "instance.suspended",
                   _("Yalnızca yürütülen bir süreç askıya alınabilir."))


def resume(instance_id: int, actor, reason) -> ProcessInstance:
    """Everything continues; a timer that came due meanwhile fires on the scheduler's next tick."""
    return _switch(instance_id, actor, reason, "suspended", "running", "instance.resumed",
                   _("Yalnızca askıya alınmış bir süreç devam ettirilebilir."))


def _switch(instance_id: int, actor, reason, source: str, target: str, action: str, refusal: str):
    t, text = _begin(actor, instance_id, reason)
    if t.instance.status != source:
        raise Conflict(refusal)
    t.instance.status = target
    t.touch()
    t.audit(action, reason=text)
    t.finish(engine_moved=False, sync=False)
    return t.instance


def terminate(instance_id: int, actor, reason) -> ProcessInstance:
    """Final: open tasks cancelled, unsent mail cancelled; a new instance may be started."""
    t, text = _begin(actor, instance_id, reason)
    instance = t.instance
    if instance.status not in ("running", "suspended"):
        raise Conflict(_("Yalnızca yürütülen ya da askıdaki bir süreç sonlandırılabilir."))
    for record in [r for r in t.records.values() if r.state == "open"]:
        t.close_record(record)
    instance.status = "terminated"
    instance.next_timer_at = None
    t.touch()
    t.audit("instance.terminated", reason=text)
    t.finish(engine_moved=False, sync=False)
    outbox.cancel_for_instance(instance.id)
    if versions.of_instance(instance).key == plan_state.PROCESS:  # an update without its council decision
        plan_versions.restore_latest(instance, actor)
    return instance


# -- rewind --------------------------------------------------------------------------------

REFUSALS = {
    "not_completed": lambda: _("Bu adıma dönülemez: süreçte tamamlanmış bir adım değil (daha önce geri "
                               "alınmış olabilir)."),
    "multi_instance": lambda: _("Birim bazında yürüyen bir adıma tek başına dönülemez; ondan önceki bir "
                                "adımı seçin."),
    "parallel": lambda: _("Bu adım paralel yürüyen bir bölümde ve bölüm birleştikten sonraki adımlar "
                          "açık kalırdı; paralel bölümden önceki bir adımı seçin."),
}


def rewind_targets(instance: ProcessInstance, workflow=None, records: list | None = None) -> list[TaskRecord]:
    """Completed steps the instance can go back to (still in the engine's history), newest first.
    `workflow`, `records`: the instance's engine state and task records when the caller has them."""
    if instance.status not in ("running", "suspended"):
        return []
    ids = {t.id for t in completed_human_tasks(workflow or versions.read_workflow(instance))}
    if not ids:
        return []
    if records is not None:
        return sorted((r for r in records if r.state == "completed" and r.id in ids),
                      key=lambda r: r.completed_at, reverse=True)
    return list(db.session.execute(
        db.select(TaskRecord).where(TaskRecord.instance_id == instance.id, TaskRecord.state == "completed",
                                    TaskRecord.id.in_(ids))
        .options(db.joinedload(TaskRecord.unit))
        .order_by(TaskRecord.completed_at.desc())).scalars())


def rewind_to(instance_id: int, actor, task_id, reason) -> TaskRecord:
    """Move the instance back to a completed step: it is open again (same record, reopened, its
    last data as the form's starting values); open steps after it are cancelled, and completed
    steps after it are marked "rewound" (they no longer count as done: they will run again)."""
    t, text = _begin(actor, instance_id, reason)
    instance = t.instance
    if instance.status not in ("running", "suspended"):
        raise Conflict(_("Yalnızca yürütülen ya da askıdaki bir süreç geri alınabilir."))
    record = db.session.get(TaskRecord, task_id) if isinstance(task_id, str) and len(task_id) <= 36 else None
    if record is None or record.instance_id != instance.id or record.state != "completed":
        message = _("Geri dönülecek adımı tamamlanmış adımlar arasından seçin.")
        raise ServiceError(message, code="validation", field_errors={"task_id": message})
    try:
        result = rewind(t.workflow, record.id)
    except RewindRefused as exc:
        message = REFUSALS[exc.reason]()
        raise ServiceError(message, code="validation", field_errors={"task_id": message}) from exc
    except EngineError as exc:
        raise ServiceError(_("Süreç bu adıma geri alınamadı: %(error)s", error=str(exc)), code="engine") from exc
    completed_by, completed_at = record.completed_by_id, record.completed_at
    record.state, record.completed_at, record.completed_by_id = "open", None, None
    record.created_at = utcnow()
    record.draft = _form_values(record, result.previous_data, result.task.properties.get("formDataVariable"))
    t.records[record.id] = record
    t.audit("instance.rewound", task_id=record.id, reason=text, step=record.bpmn_id, name=record.name,
            previously_completed_by=completed_by,
            previously_completed_at=completed_at.isoformat() if completed_at else None)
    undone = _mark_rewound(t, text, set(result.removed_ids) - {record.id})
    anchors = t.ctx.version.meaning.completion_anchors
    t.reset_anchors = {anchors[r.bpmn_id][0] for r in [record, *undone] if r.bpmn_id in anchors}
    t.finish()
    return record


def _mark_rewound(t: transition.Transition, reason: str, removed_ids: set[str]) -> list[TaskRecord]:
    """Completed records of the steps the engine dropped: "rewound" (who did them and when stay)."""
    if not removed_ids:
        return []
    undone = db.session.execute(
        db.select(TaskRecord).where(TaskRecord.instance_id == t.instance.id, TaskRecord.state == "completed",
                                    TaskRecord.id.in_(sorted(removed_ids)))
        .order_by(TaskRecord.completed_at)).scalars().all()
    for done in undone:
        done.state = "rewound"
        t.audit("task.rewound", task_id=done.id, reason=reason, step=done.bpmn_id, name=done.name)
    return list(undone)


def _form_values(record: TaskRecord, data: dict, variable: str | None) -> dict | None:
    """What the step's form held when it was completed: its variable's value, or the form's
    own fields of the process data."""
    if variable:
        value = data.get(variable)
        return deepcopy(value) if isinstance(value, dict) else None
    fields = tasks.form_schema(record).get("properties", {})
    return {k: deepcopy(v) for k, v in data.items() if k in fields} or None
