"""Projection of the engine's human tasks: what inboxes and pages read."""

from ..extensions import db
from .base import utcnow

TASK_STATES = ("open", "completed", "cancelled")


class TaskRecord(db.Model):
    __tablename__ = "task"
    __table_args__ = (
        db.Index("ix_task_inbox_role", "state", "municipality_id", "role", "unit_id"),
        db.Index("ix_task_inbox_assignee", "state", "assignee_id"),
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
    draft = db.Column(db.JSON, nullable=True)
    created_at = db.Column(db.DateTime, nullable=False, default=utcnow)
    completed_at = db.Column(db.DateTime, nullable=True)
    completed_by_id = db.Column(db.ForeignKey("user.id"), nullable=True)

    instance = db.relationship("ProcessInstance")
    municipality = db.relationship("Municipality")
    unit = db.relationship("SpendingUnit")
    assignee = db.relationship("User", foreign_keys=[assignee_id])
    completed_by = db.relationship("User", foreign_keys=[completed_by_id])
