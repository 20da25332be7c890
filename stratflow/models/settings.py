"""Per-municipality settings, the national administrative-leave days and entered council meetings."""

from ..extensions import db
from .base import utcnow

DEFAULT_RECESS_MONTH = 8


class MunicipalitySettings(db.Model):
    """One row per municipality, created with the defaults the first time a setting is saved.

    A NULL reminder column means "the application's configured default"; recess_month NULL means
    the council has no recess month."""
    __tablename__ = "municipality_settings"
    municipality_id = db.Column(db.ForeignKey("municipality.id", ondelete="CASCADE"), primary_key=True)
    recess_month = db.Column(db.Integer, nullable=True, default=DEFAULT_RECESS_MONTH)
    due_rules = db.Column(db.JSON, nullable=False, default=dict)  # bpmn_id -> due-date rule text
    reminder_before = db.Column(db.String(60), nullable=True)     # "7,3,1" or "none"
    remind_on_due = db.Column(db.Boolean, nullable=True)
    overdue_every = db.Column(db.Integer, nullable=True)
    escalation_days = db.Column(db.String(60), nullable=True)     # "3,6,10" or "none"
    countdown_days = db.Column(db.String(60), nullable=True)      # "60,30,14,7,3" or "none"
    public_plan_page = db.Column(db.Boolean, nullable=False, default=False, server_default=db.false())  # opt-in
    # the scheduler starts each half-year's monitoring period of the plan in force (services/cycle_start.py)
    monitoring_autostart = db.Column(db.Boolean, nullable=False, default=True, server_default=db.true())
    updated_at = db.Column(db.DateTime, nullable=False, default=utcnow, onupdate=utcnow)

    municipality = db.relationship("Municipality")


class LeaveDay(db.Model):
    """An administrative-leave day (idari izin) decreed for public servants: not a working day."""
    __tablename__ = "leave_day"
    id = db.Column(db.Integer, primary_key=True)
    day = db.Column(db.Date, nullable=False, unique=True)
    label = db.Column(db.String(200), nullable=False)
    created_at = db.Column(db.DateTime, nullable=False, default=utcnow)


class CouncilMeetingDate(db.Model):
    """The actual date of one month's council meeting, entered by the clerk: it wins over the rule."""
    __tablename__ = "council_meeting_date"
    __table_args__ = (db.UniqueConstraint("municipality_id", "month", name="uq_council_meeting_month"),)
    id = db.Column(db.Integer, primary_key=True)
    municipality_id = db.Column(db.ForeignKey("municipality.id", ondelete="CASCADE"), nullable=False, index=True)
    month = db.Column(db.Date, nullable=False)          # first day of the council month
    meeting_date = db.Column(db.Date, nullable=False)
    entered_by_id = db.Column(db.ForeignKey("user.id", ondelete="SET NULL"), nullable=True)
    updated_at = db.Column(db.DateTime, nullable=False, default=utcnow, onupdate=utcnow)

    entered_by = db.relationship("User")
