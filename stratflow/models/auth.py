"""API tokens and sign-in throttling."""

from ..extensions import db
from .base import utcnow


class ApiToken(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    user_id = db.Column(db.ForeignKey("user.id", ondelete="CASCADE"), nullable=False, index=True)
    name = db.Column(db.String(100), nullable=False)
    token_hash = db.Column(db.String(64), nullable=False, unique=True)  # sha256 hex of the secret
    prefix = db.Column(db.String(12), nullable=False)  # shown to the user to tell tokens apart
    created_at = db.Column(db.DateTime, nullable=False, default=utcnow)
    last_used_at = db.Column(db.DateTime, nullable=True)
    revoked_at = db.Column(db.DateTime, nullable=True)

    user = db.relationship("User")


class LoginAttempt(db.Model):
    """One failed sign-in; kept in the database so every worker sees the same count."""
    __table_args__ = (db.Index("ix_login_attempt_lookup", "email", "created_at"),
                      db.Index("ix_login_attempt_address", "remote_addr", "created_at"))
    id = db.Column(db.Integer, primary_key=True)
    email = db.Column(db.String(254), nullable=False)
    remote_addr = db.Column(db.String(64), nullable=True)
    created_at = db.Column(db.DateTime, nullable=False, default=utcnow)
