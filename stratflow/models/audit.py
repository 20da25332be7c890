"""Append-only audit trail: one row per state change."""

from ..extensions import db
from .base import utcnow


class AuditEvent(db.Model):
    __table_args__ = (db.Index("ix_audit_instance", "instance_id", "created_at"),)
    id = db.Column(db.Integer, primary_key=True)
    created_at = db.Column(db.DateTime, nullable=False, default=utcnow)
    actor_id = db.Column(db.ForeignKey("user.id"), nullable=True)
    municipality_id = db.Column(db.ForeignKey("municipality.id"), nullable=True, index=True)
    instance_id = db.Column(db.ForeignKey("process_instance.id", ondelete="CASCADE"), nullable=True)
    task_id = db.Column(db.String(36), nullable=True)
    action = db.Column(db.String(50), nullable=False)  # e.g. task.completed, instance.started
    details = db.Column(db.JSON, nullable=False, default=dict)

    actor = db.relationship("User")
