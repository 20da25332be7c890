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


class LoginThrottle(db.Model):
    """Failed sign-ins of one bucket: an (e-mail, address) pair, or an address alone (email "").
    Kept in the database so every worker sees the same count; services/throttle.py updates a row
    with one atomic statement."""
    __table_args__ = (db.UniqueConstraint("email", "remote_addr", name="uq_login_throttle_bucket"),)
    id = db.Column(db.Integer, primary_key=True)
    email = db.Column(db.String(254), nullable=False)  # "" for the address's own bucket
    remote_addr = db.Column(db.String(64), nullable=False)  # "" when the server does not know it
    failures = db.Column(db.Integer, nullable=False)
    last_failure_at = db.Column(db.DateTime, nullable=False)
    blocked_until = db.Column(db.DateTime, nullable=True)
