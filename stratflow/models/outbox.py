"""Transactional outbox: every e-mail is a row first, written with the change that causes it."""

from ..extensions import db
from .base import utcnow

OUTBOX_STATES = ("pending", "sending", "failed", "sent", "dead", "cancelled", "digest", "digested")
# pending: waiting for its first attempt; sending: claimed by a sender (lease_until), SMTP under way —
# still so after its lease only when the sender died, then it is sent again with the same Message-ID;
# failed: an attempt failed, retried at next_attempt_at;
# sent: accepted by SMTP (or captured in dev); dead: given up after the last attempt;
# cancelled: its task closed before it went out; digest: its reader takes a daily digest, it
# waits for the next one; digested: it went out inside a digest (a row of kind "digest").


class OutboxMessage(db.Model):
    __tablename__ = "outbox_message"
    __table_args__ = (
        db.Index("ix_outbox_due", "state", "next_attempt_at"),
        db.Index("ix_outbox_log", "municipality_id", "created_at"),
    )
    id = db.Column(db.Integer, primary_key=True)
    key = db.Column(db.String(200), nullable=False, unique=True)  # e.g. reminder:<task>:<user>:<kind>
    kind = db.Column(db.String(40), nullable=False)
    recipient_id = db.Column(db.ForeignKey("user.id", ondelete="SET NULL"), nullable=True)
    to_address = db.Column(db.String(254), nullable=False)
    to_name = db.Column(db.String(200), nullable=False)
    locale = db.Column(db.String(5), nullable=False, default="tr")
    # The text: composed when the row is written (countdowns, digests) or, for a reminder planned
    # by the sweep, when it is needed (services/mail_content.py: `compose` says what to say).
    subject = db.Column(db.String(300), nullable=True)
    text_body = db.Column(db.Text, nullable=True)
    html_body = db.Column(db.Text, nullable=True)
    compose = db.Column(db.JSON, nullable=True)
    ics = db.Column(db.Text, nullable=True)  # the .ics attachment for the due date
    message_id = db.Column(db.String(250), nullable=False, unique=True)  # fixed across retries
    state = db.Column(db.String(20), nullable=False, default="pending")
    attempts = db.Column(db.Integer, nullable=False, default=0)
    next_attempt_at = db.Column(db.DateTime, nullable=False, default=utcnow)
    lease_until = db.Column(db.DateTime, nullable=True)
    leased_by = db.Column(db.String(64), nullable=True)
    last_error = db.Column(db.Text, nullable=True)
    captured = db.Column(db.Boolean, nullable=False, default=False)  # "sent" without SMTP (dev)
    created_at = db.Column(db.DateTime, nullable=False, default=utcnow)
    sent_at = db.Column(db.DateTime, nullable=True)
    task_id = db.Column(db.ForeignKey("task.id", ondelete="CASCADE"), nullable=True, index=True)
    instance_id = db.Column(db.ForeignKey("process_instance.id", ondelete="CASCADE"), nullable=True)
    municipality_id = db.Column(db.ForeignKey("municipality.id"), nullable=True)

    recipient = db.relationship("User")
    task = db.relationship("TaskRecord")
    municipality = db.relationship("Municipality")
