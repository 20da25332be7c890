"""Files attached to task forms (draft plan, survey results, meeting minutes): stored in the
database; the task data keeps only a reference (id, name, size, type)."""

from ..extensions import db
from .base import utcnow


class Attachment(db.Model):
    """One uploaded file of a task's file field. Its content was checked (kind by magic bytes,
    size, name) before the row was written."""
    id = db.Column(db.Integer, primary_key=True)
    instance_id = db.Column(db.ForeignKey("process_instance.id", ondelete="CASCADE"), nullable=False, index=True)
    municipality_id = db.Column(db.ForeignKey("municipality.id", ondelete="CASCADE"), nullable=False)
    task_id = db.Column(db.ForeignKey("task.id", ondelete="CASCADE"), nullable=False, index=True)
    step = db.Column(db.String(200), nullable=False)    # the task's bpmn_id
    field = db.Column(db.String(200), nullable=False)   # the form property it was uploaded for
    filename = db.Column(db.String(255), nullable=False)
    kind = db.Column(db.String(10), nullable=False)     # pdf, docx, xlsx, png, jpg (from the content)
    size = db.Column(db.Integer, nullable=False)
    sha256 = db.Column(db.String(64), nullable=False)
    content = db.deferred(db.Column(db.LargeBinary, nullable=False))
    uploaded_by_id = db.Column(db.ForeignKey("user.id", ondelete="SET NULL"), nullable=True)
    uploaded_at = db.Column(db.DateTime, nullable=False, default=utcnow)

    task = db.relationship("TaskRecord")
    uploaded_by = db.relationship("User")

    def reference(self) -> dict:
        """What the task data keeps (never the bytes)."""
        return {"id": self.id, "name": self.filename, "size": self.size, "type": self.kind}
