"""Passwords, sign-in throttling (in the database) and API tokens."""

from __future__ import annotations

import hashlib
import secrets
import unicodedata
from datetime import timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app, has_app_context
from flask_babel import gettext as _

from ..extensions import db
from ..models import ApiToken, User
from ..models.base import utcnow
from ..parsing import strip_controls
from . import NotFound, ServiceError, audit, throttle, valid_id

PASSWORD_MIN, PASSWORD_MAX = 8, 128
_STRONG = PasswordHasher()
# Test suites set PASSWORD_HASH_FAST: same algorithm, minimal cost (never in production).
_FAST = PasswordHasher(time_cost=1, memory_cost=64, parallelism=1)


def _hasher() -> PasswordHasher:
    return _FAST if has_app_context() and current_app.config.get("PASSWORD_HASH_FAST") else _STRONG


_dummies: dict[int, str] = {}


def _dummy_hash() -> str:
    hasher = _hasher()
    if id(hasher) not in _dummies:
        _dummies[id(hasher)] = hasher.hash("not-a-real-password")
    return _dummies[id(hasher)]


def password_problem(password: str, required: bool) -> str | None:
    """Why a new password cannot be used, or None. An empty one is "no change" unless required."""
    if not password:
        return _("İlk parola boş olamaz.") if required else None
    if not PASSWORD_MIN <= len(password) <= PASSWORD_MAX:
        return _("Parola 8-128 karakter olmalıdır.")
    if any(unicodedata.category(c) == "Cc" for c in password):  # a NUL or line break nobody can type again
        return _("Parola denetim karakteri içeremez.")
    return None


def hash_password(password: str) -> str:
    return _hasher().hash(password)


def authenticate(email: str, password: str, remote_addr: str | None, limits: throttle.Limits) -> User:
    """The user for these credentials; ServiceError when wrong, throttle.Throttled while this
    e-mail from this address (or this address) must wait (services/throttle.py)."""
    email = (email or "").strip().lower()
    reservation = throttle.reserve(email, remote_addr, limits, utcnow())
    user = db.session.execute(db.select(User).filter_by(email=email)).scalar_one_or_none()
    if user is None or not user.password_hash:
        _verify(_dummy_hash(), password or "")  # as slow as a real check: timing reveals no accounts
        user = None
    if user is None or not _verify(user.password_hash, password or ""):
        raise ServiceError(_("E-posta adresi veya parola hatalı."), code="bad_credentials")
    throttle.succeeded(reservation, limits)
    if not user.active:
        raise ServiceError(_("Bu hesap devre dışı."), code="inactive")
    if _hasher().check_needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    return user


def _verify(stored: str, password: str) -> bool:
    try:
        return _hasher().verify(stored, password)
    except (VerificationError, InvalidHashError):
        return False


def create_token(user: User, name: str) -> tuple[ApiToken, str]:
    """A new token and its secret; the secret is shown once and only its hash is kept."""
    name = strip_controls(name or "").strip()
    if not name or len(name) > 100:
        raise ServiceError(_("Anahtar adı 1-100 karakter olmalıdır."), code="validation",
                           field_errors={"name": _("Anahtar adı 1-100 karakter olmalıdır.")})
    secret = "sf_" + secrets.token_urlsafe(32)
    token = ApiToken(user_id=user.id, name=name, token_hash=_digest(secret), prefix=secret[:10])
    db.session.add(token)
    db.session.flush()
    audit.record("token.created", user, token_id=token.id, name=name)
    return token, secret


def revoke_token(user: User, token_id: int) -> None:
    token = db.session.get(ApiToken, token_id) if valid_id(token_id) else None
    if token is None or token.user_id != user.id:
        raise NotFound()
    if token.revoked_at is None:
        token.revoked_at = utcnow()
        audit.record("token.revoked", user, token_id=token.id)


def user_for_token(secret: str) -> User | None:
    """The active user of an unrevoked token: ONE statement (token, user and roles joined)."""
    token = db.session.execute(
        db.select(ApiToken).join(ApiToken.user)
        .options(db.contains_eager(ApiToken.user).joinedload(User.roles))
        .where(ApiToken.token_hash == _digest(secret), ApiToken.revoked_at.is_(None),
               User.active.is_(True))).unique().scalar_one_or_none()
    if token is None:
        return None
    now = utcnow()
    # Written at most every few minutes: a row lock per request would serialise a client's calls.
    if token.last_used_at is None or now - token.last_used_at > timedelta(minutes=5):
        token.last_used_at = now
    return token.user


def user_for_session(session_id: str) -> User | None:
    """The user a web session names ("<id>:<generation>", User.get_id), if the account is active
    and its sessions were not ended since (password change or reset, deactivation, logout).
    ONE statement (user and roles joined)."""
    user_id, _sep, generation = (session_id or "").partition(":")
    if not (user_id.isascii() and user_id.isdigit() and generation.isascii() and generation.isdigit()):
        return None  # also a session from before generations existed: sign in again
    user_id = int(user_id)
    if not valid_id(user_id):
        return None
    user = db.session.execute(db.select(User).options(db.joinedload(User.roles))
                              .where(User.id == user_id)).unique().scalar_one_or_none()
    if user is None or not user.active or user.session_generation != int(generation):
        return None
    return user


def end_sessions(user: User, actor, reason: str, revoke_tokens: bool) -> int:
    """End every web session of `user` (bump the generation); with `revoke_tokens` also revoke
    every API token (and so every calendar URL). Returns the number of tokens revoked."""
    user.session_generation = (user.session_generation or 0) + 1
    revoked = 0
    if revoke_tokens:
        revoked = db.session.execute(
            db.update(ApiToken).where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
            .values(revoked_at=utcnow()).execution_options(synchronize_session=False)).rowcount
    audit.record("user.sessions_ended", actor, municipality_id=user.municipality_id, user_id=user.id,
                 reason=reason, tokens_revoked=revoked)
    db.session.flush()
    return revoked


def change_own_password(user: User, current: str, new: str, confirm: str, remote_addr: str | None,
                        limits: throttle.Limits) -> None:
    """The user's own, knowing change: the current password is required (and guessing it is
    throttled like signing in). Other web sessions end; this one is renewed by the caller (login
    again); API tokens stay."""
    reservation = throttle.reserve(user.email, remote_addr, limits, utcnow())
    if not _verify(user.password_hash or _dummy_hash(), current or ""):
        message = _("Şu anki parolanız hatalı.")
        raise ServiceError(message, code="validation", field_errors={"current_password": message})
    throttle.succeeded(reservation, limits)
    problem = password_problem(new, required=False) if new else _("Yeni parolayı girin.")
    if problem is None and new != confirm:
        problem = _("Yeni parola ile tekrarı aynı değil.")
        raise ServiceError(problem, code="validation", field_errors={"confirm_password": problem})
    if problem is not None:
        raise ServiceError(problem, code="validation", field_errors={"new_password": problem})
    user.password_hash = hash_password(new)
    audit.record("user.password_changed", user, municipality_id=user.municipality_id, user_id=user.id)
    end_sessions(user, user, "own_password_change", revoke_tokens=False)


def tokens_of(user: User) -> list[ApiToken]:
    return list(db.session.execute(
        db.select(ApiToken).filter_by(user_id=user.id).order_by(ApiToken.created_at.desc())).scalars())


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()
