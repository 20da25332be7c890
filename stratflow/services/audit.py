"""Writing the audit trail."""

from ..extensions import db
from ..models import AuditEvent


def record(action: str, actor=None, *, municipality_id=None, instance_id=None, task_id=None,
           **details) -> AuditEvent:
    event = AuditEvent(action=action, actor_id=getattr(actor, "id", None),
                       municipality_id=municipality_id, instance_id=instance_id,
                       task_id=task_id, details=details)
    db.session.add(event)
    return event
