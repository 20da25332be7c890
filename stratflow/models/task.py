"""Projection of the engine's human tasks: what inboxes and pages read."""

from sqlalchemy import event

from ..extensions import db
from .base import utcnow
from .org import RoleAssignment, User

TASK_STATES = ("open", "completed", "cancelled", "rewound")
# Records that no longer count: cancelled while open, or completed steps that a rewind undid.
VOID_TASK_STATES = ("cancelled", "rewound")


class TaskRecord(db.Model):
    __tablename__ = "task"
    __table_args__ = (
        db.Index("ix_task_inbox_role", "state", "municipality_id", "role", "unit_id"),
        db.Index("ix_task_inbox_assignee", "state", "assignee_id"),
        db.Index("ix_task_remind_on", "state", "remind_on"),
    )
    id = db.Column(db.String(36), primary_key=True)  # the engine's task UUID
    instance_id = db.Column(db.ForeignKey("process_instance.id", ondelete="CASCADE"),
                            nullable=False, index=True)
    municipality_id = db.Column(db.ForeignKey("municipality.id"), nullable=False)
    bpmn_id = db.Column(db.String(200), nullable=False)
    name = db.Column(db.String(300), nullable=False)
    lane = db.Column(db.String(200), nullable=True)
    role = db.Column(db.String(30), nullable=True)
    unit_id = db.Column(db.ForeignKey("spending_unit.id"), nullable=True)
    assignee_id = db.Column(db.ForeignKey("user.id"), nullable=True)
    form = db.Column(db.String(200), nullable=True)
    state = db.Column(db.String(20), nullable=False, default="open")
    due_date = db.Column(db.Date, nullable=True)
    # The next reminder day (Europe/Istanbul) on which a new reminder kind or escalation level can
    # come up for this task under its policy; the reminder sweep looks only at open tasks whose
    # day has come. NULL: not computed yet (new task, due date or assignee changed, policy, leave
    # days or role holders changed) — the next sweep looks at it and computes it.
    remind_on = db.Column(db.Date, nullable=True)
    draft = db.Column(db.JSON, nullable=True)
    created_at = db.Column(db.DateTime, nullable=False, default=utcnow)
    completed_at = db.Column(db.DateTime, nullable=True)
    completed_by_id = db.Column(db.ForeignKey("user.id"), nullable=True)

    instance = db.relationship("ProcessInstance")
    municipality = db.relationship("Municipality")
    unit = db.relationship("SpendingUnit")
    assignee = db.relationship("User", foreign_keys=[assignee_id])
    completed_by = db.relationship("User", foreign_keys=[completed_by_id])


# -- keeping remind_on honest: whatever changes whom a task's reminders go to, or when, clears it --

@event.listens_for(TaskRecord.due_date, "set")
@event.listens_for(TaskRecord.assignee_id, "set")
def _clear_remind_on(target, value, oldvalue, _initiator):
    if value != oldvalue:
        target.remind_on = None


def open_tasks_of_municipalities(municipality_ids):
    """An UPDATE clearing remind_on of the open tasks of some municipalities (all with None)."""
    query = db.update(TaskRecord.__table__).where(TaskRecord.__table__.c.state == "open")
    if municipality_ids is not None:
        query = query.where(TaskRecord.__table__.c.municipality_id.in_(municipality_ids))
    return query.values(remind_on=None)


@event.listens_for(RoleAssignment, "after_insert")
@event.listens_for(RoleAssignment, "after_update")
def _new_role_holder(_mapper, connection, target):
    """A new holder of a role is told the current reminder of the municipality's open tasks."""
    if target.municipality_id is not None:
        connection.execute(open_tasks_of_municipalities([target.municipality_id]))


@event.listens_for(User, "after_update")
def _reactivated(_mapper, connection, target):
    added = db.inspect(target).attrs.active.history.added
    if added and added[0]:
        ids = db.select(RoleAssignment.municipality_id).where(RoleAssignment.user_id == target.id)
        connection.execute(open_tasks_of_municipalities(ids.scalar_subquery()))
