"""BPMN process definitions and their immutable versions."""

from ..extensions import db
from .base import utcnow


class ProcessDefinition(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    key = db.Column(db.String(100), nullable=False, unique=True)  # the BPMN process id
    name = db.Column(db.String(200), nullable=False)
    created_at = db.Column(db.DateTime, nullable=False, default=utcnow)

    versions = db.relationship("DefinitionVersion", back_populates="definition",
                               order_by="DefinitionVersion.version")

    @property
    def current(self):
        return self.versions[-1] if self.versions else None


class DefinitionVersion(db.Model):
    """One uploaded version: the BPMN text, its forms and the parsed spec (serialised once)."""
    __table_args__ = (db.UniqueConstraint("definition_id", "version", name="uq_definition_version"),)
    id = db.Column(db.Integer, primary_key=True)
    definition_id = db.Column(db.ForeignKey("process_definition.id"), nullable=False, index=True)
    version = db.Column(db.Integer, nullable=False)
    content_hash = db.Column(db.String(64), nullable=False, index=True)
    filename = db.Column(db.String(200), nullable=False)
    bpmn_xml = db.deferred(db.Column(db.Text, nullable=False))
    forms = db.deferred(db.Column(db.JSON, nullable=False, default=dict))  # filename -> JSON schema
    spec_json = db.deferred(db.Column(db.Text, nullable=False))    # serialised spec + subprocess specs
    lane_roles = db.Column(db.JSON, nullable=False, default=dict)  # lane name -> role
    spec_schema = db.Column(db.Integer, nullable=False)
    created_by_id = db.Column(db.ForeignKey("user.id"), nullable=True)
    created_at = db.Column(db.DateTime, nullable=False, default=utcnow)

    definition = db.relationship("ProcessDefinition", back_populates="versions")
