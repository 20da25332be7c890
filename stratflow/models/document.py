"""Official documents generated from the process data, and the municipalities' own templates."""

from ..extensions import db
from .base import utcnow


class DocumentTemplate(db.Model):
    """A municipality's own .docx for one document kind. Every upload is kept; at most one is
    active per (municipality, kind); none active means the shipped default."""
    __table_args__ = (
        db.UniqueConstraint("municipality_id", "kind", "version", name="uq_document_template_version"),
        db.Index("uq_document_template_active", "municipality_id", "kind", unique=True,
                 sqlite_where=db.text("active"), postgresql_where=db.text("active")),
    )
    id = db.Column(db.Integer, primary_key=True)
    municipality_id = db.Column(db.ForeignKey("municipality.id", ondelete="CASCADE"), nullable=False, index=True)
    kind = db.Column(db.String(40), nullable=False)
    version = db.Column(db.Integer, nullable=False)
    filename = db.Column(db.String(255), nullable=False)
    content = db.deferred(db.Column(db.LargeBinary, nullable=False))
    size = db.Column(db.Integer, nullable=False)
    sha256 = db.Column(db.String(64), nullable=False)
    active = db.Column(db.Boolean, nullable=False, default=False)
    uploaded_by_id = db.Column(db.ForeignKey("user.id"), nullable=True)
    uploaded_at = db.Column(db.DateTime, nullable=False, default=utcnow)

    uploaded_by = db.relationship("User")


class DocumentVersion(db.Model):
    """One generated version of a document of an instance; a new one only when its inputs changed."""
    __table_args__ = (
        db.UniqueConstraint("instance_id", "kind", "version", name="uq_document_version"),
    )
    id = db.Column(db.Integer, primary_key=True)
    instance_id = db.Column(db.ForeignKey("process_instance.id", ondelete="CASCADE"), nullable=False, index=True)
    municipality_id = db.Column(db.ForeignKey("municipality.id"), nullable=False, index=True)
    kind = db.Column(db.String(40), nullable=False)
    version = db.Column(db.Integer, nullable=False)
    input_hash = db.Column(db.String(64), nullable=False)
    template_id = db.Column(db.ForeignKey("document_template.id", ondelete="SET NULL"), nullable=True)
    step = db.Column(db.String(200), nullable=True)  # the step whose transition produced it
    docx = db.deferred(db.Column(db.LargeBinary, nullable=False))
    xlsx = db.deferred(db.Column(db.LargeBinary, nullable=True))
    pdf = db.deferred(db.Column(db.LargeBinary, nullable=True))  # cached on first download
    has_xlsx = db.Column(db.Boolean, nullable=False, default=False)
    has_pdf = db.Column(db.Boolean, nullable=False, default=False)
    created_by_id = db.Column(db.ForeignKey("user.id"), nullable=True)
    created_at = db.Column(db.DateTime, nullable=False, default=utcnow)

    template = db.relationship("DocumentTemplate")
    created_by = db.relationship("User")


class DocumentSource(db.Model):
    """The process data the documents are built from, gathered at every transition (the engine
    only shows the data of the tasks waiting now; a finished branch's data would be lost)."""
    instance_id = db.Column(db.ForeignKey("process_instance.id", ondelete="CASCADE"), primary_key=True)
    data = db.Column(db.JSON, nullable=False, default=dict)
    updated_at = db.Column(db.DateTime, nullable=False, default=utcnow)


class DocumentJob(db.Model):
    """"Documents due" for an instance: written by a transition (one row per instance, the newest
    request wins), rendered by the scheduler outside any transition (services/document_jobs.py).
    While a row exists, the documents shown for the instance may be out of date ("being prepared")."""
    instance_id = db.Column(db.ForeignKey("process_instance.id", ondelete="CASCADE"), primary_key=True)
    municipality_id = db.Column(db.ForeignKey("municipality.id"), nullable=False, index=True)
    requested_at = db.Column(db.DateTime, nullable=False, default=utcnow)
    step = db.Column(db.String(200), nullable=True)   # the step whose transition asked for it
    actor_id = db.Column(db.ForeignKey("user.id", ondelete="SET NULL"), nullable=True)
    attempts = db.Column(db.Integer, nullable=False, default=0)
    lease_until = db.Column(db.DateTime, nullable=True)
    last_error = db.Column(db.String(500), nullable=True)
