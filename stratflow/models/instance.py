"""A running strategic-plan process of one municipality."""

from ..extensions import db
from .base import utcnow

INSTANCE_STATUSES = ("running", "completed", "suspended", "terminated", "error")


class ProcessInstance(db.Model):
    __table_args__ = (db.Index("ix_instance_timer", "status", "next_timer_at"),)
    id = db.Column(db.Integer, primary_key=True)
    version_id = db.Column(db.ForeignKey("definition_version.id"), nullable=False, index=True)
    municipality_id = db.Column(db.ForeignKey("municipality.id"), nullable=False, index=True)
    title = db.Column(db.String(300), nullable=False)
    status = db.Column(db.String(20), nullable=False, default="running")
    state = db.deferred(db.Column(db.Text, nullable=False))   # engine state, JSON text: loaded on demand
    state_schema = db.Column(db.Integer, nullable=False)       # our envelope version
    revision = db.Column(db.Integer, nullable=False, default=1)  # bumped by every transition
    next_timer_at = db.Column(db.DateTime, nullable=True)
    # The instance's date anchors as its transitions recorded them (ISO dates): the process-data
    # dates the forms wrote (kickoff_date, council_meeting_date …) and the completion anchors the
    # model declares (circular_date: the day the circular was approved). Pages read them without
    # loading the engine state.
    anchors = db.Column(db.JSON, nullable=False, default=dict)
    # The first year of the plan period (plan content, services/plan_content.py): the process data's
    # plan_period once the strategy draft was seeded from it; until then the election year + 1.
    plan_first_year = db.Column(db.Integer, nullable=True)
    # The adopted plan (a strategic_plan instance) a yearly process works on: set for plan updates.
    plan_instance_id = db.Column(db.Integer, nullable=True, index=True)
    started_by_id = db.Column(db.ForeignKey("user.id"), nullable=True)
    started_at = db.Column(db.DateTime, nullable=False, default=utcnow)
    updated_at = db.Column(db.DateTime, nullable=False, default=utcnow)
    completed_at = db.Column(db.DateTime, nullable=True)

    version = db.relationship("DefinitionVersion")
    municipality = db.relationship("Municipality")
    started_by = db.relationship("User")
