"""Sign-in throttling that an attacker cannot turn against the account's owner.

Failures are counted in two buckets, both rows of `login_throttle`: the (e-mail, address) pair —
someone guessing one account from one place — and the address alone — someone trying many
accounts from one place. There is no bucket per account: guesses from elsewhere never stop the
owner. After `free` failures a bucket makes its next attempts wait (`delay` seconds, doubling
with every further failure, at most `window`); a bucket with no failure for `window` seconds
starts again.

Every attempt first *reserves* its place in both buckets with one atomic statement each (INSERT …
ON CONFLICT DO UPDATE … WHERE not waiting … RETURNING), which also starts the wait when the count
reaches the limit. Only an attempt that got its place has its password checked, so concurrent
attempts (several workers, threads) never check more passwords than the limit allows. A right
password forgives its pair's failures, in both buckets: colleagues behind one address do not add
up each other's typos.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask_babel import gettext as _
from sqlalchemy import case
from sqlalchemy.dialects import postgresql, sqlite

from ..extensions import db
from ..models import LoginThrottle
from . import ServiceError

ADDRESS_BUCKET = ""  # the e-mail of an address's own bucket


@dataclass(frozen=True)
class Limits:
    per_pair: int = 5          # free failures of one e-mail from one address
    per_address: int = 30      # free failures from one address, all e-mails together
    window: int = 900          # seconds: the longest wait, and how long a quiet bucket is remembered
    delay: int = 15            # seconds: the first wait; it doubles with every further failure

    @classmethod
    def from_config(cls, config) -> Limits:
        return cls(per_pair=config["LOGIN_MAX_FAILURES"], per_address=config["LOGIN_MAX_FAILURES_PER_ADDRESS"],
                   window=config["LOGIN_WINDOW_SECONDS"], delay=config["LOGIN_DELAY_SECONDS"])


class Throttled(ServiceError):
    """Too many failures: try again in `seconds`."""

    def __init__(self, seconds: int):
        super().__init__(_("Çok fazla hatalı giriş denemesi. Lütfen %(s)d saniye sonra tekrar deneyin.", s=seconds),
                         code="throttled")
        self.seconds = seconds


class RateLimited(ServiceError):
    """Too many requests from one address (the public pages): try again in `seconds`."""

    def __init__(self, seconds: int):
        super().__init__(_("Çok fazla istek gönderildi. Lütfen %(s)d saniye sonra tekrar deneyin.", s=seconds),
                         code="throttled")
        self.seconds = seconds


@dataclass
class Reservation:
    """The places one attempt holds: its pair's failure count (this attempt included)."""
    email: str
    address: str
    pair_failures: int


def reserve(email: str, address: str | None, limits: Limits, now: datetime) -> Reservation:
    """Count this attempt as a failure in both buckets before the password is checked; Throttled
    (and nothing counted) while either bucket makes its attempts wait."""
    address, email = (address or "")[:64], email[:254]
    if _claim(ADDRESS_BUCKET, address, limits.per_address, limits, now) is None:
        raise Throttled(_wait(address, now))
    pair = _claim(email, address, limits.per_pair, limits, now)
    if pair is None:
        _forgive(ADDRESS_BUCKET, address, 1, limits.per_address)
        raise Throttled(_wait(address, now, email))
    return Reservation(email, address, pair)


def count_request(bucket: str, address: str | None, free: int, window: int, now: datetime) -> None:
    """Count one request of an address in its own bucket (`bucket` is no e-mail: never a sign-in's):
    after `free` requests without a quiet `window`, further ones wait (RateLimited), the wait
    starting at a sixth of the window and doubling up to it, as the sign-in's do."""
    limits = Limits(per_pair=free, per_address=free, window=window, delay=max(1, window // 6))
    address = (address or "")[:64]
    if _claim(bucket, address, free, limits, now) is None:
        raise RateLimited(_wait(address, now, bucket))


def succeeded(reservation: Reservation, limits: Limits) -> None:
    """The password was right: the pair starts afresh, and its failures leave the address's count."""
    db.session.execute(db.delete(LoginThrottle).where(LoginThrottle.email == reservation.email,
                                                      LoginThrottle.remote_addr == reservation.address))
    _forgive(ADDRESS_BUCKET, reservation.address, reservation.pair_failures, limits.per_address)


def _claim(email: str, address: str, free: int, limits: Limits, now: datetime) -> int | None:
    """Add one failure to the bucket unless it makes attempts wait; its new count, or None."""
    row = LoginThrottle.__table__.c
    since = now - timedelta(seconds=limits.window)
    stale = (row.last_failure_at < since) & (row.blocked_until.is_(None) | (row.blocked_until < since))
    failures = case((stale, 1), else_=row.failures + 1)
    dialect = postgresql if db.session.get_bind().dialect.name == "postgresql" else sqlite
    statement = dialect.insert(LoginThrottle).values(email=email, remote_addr=address, failures=1, last_failure_at=now,
                                                     blocked_until=_blocked_until(1, free, limits, now))
    statement = statement.on_conflict_do_update(
        index_elements=["email", "remote_addr"],
        set_={"failures": failures, "last_failure_at": now,
              "blocked_until": _blocked_case(failures, free, limits, now)},
        where=row.blocked_until.is_(None) | (row.blocked_until <= now),
    ).returning(row.failures)
    return db.session.execute(statement).scalar_one_or_none()


def _blocked_until(failures: int, free: int, limits: Limits, now: datetime) -> datetime | None:
    if failures < free:
        return None
    seconds = min(limits.window, limits.delay * 2 ** min(failures - free, 30))
    return now + timedelta(seconds=seconds)


def _blocked_case(failures, free: int, limits: Limits, now: datetime):
    """SQL for _blocked_until(failures): the waits are few (doubling up to the window), so they are
    listed as literal times and no date arithmetic happens in SQL."""
    steps = max(0, math.ceil(math.log2(max(limits.window, 1) / max(limits.delay, 1)))) + 1
    whens = [(failures < free, None)]
    whens += [(failures == free + k, _blocked_until(free + k, free, limits, now)) for k in range(steps)]
    return case(*whens, else_=now + timedelta(seconds=limits.window))


def _forgive(email: str, address: str, count: int, free: int) -> None:
    row = LoginThrottle.__table__.c
    left = case((row.failures > count, row.failures - count), else_=0)
    db.session.execute(db.update(LoginThrottle).where(row.email == email, row.remote_addr == address).values(
        failures=left, blocked_until=case((left < free, None), else_=row.blocked_until)))


def _wait(address: str, now: datetime, email: str = ADDRESS_BUCKET) -> int:
    until = db.session.execute(db.select(LoginThrottle.blocked_until).where(
        LoginThrottle.email == email, LoginThrottle.remote_addr == address)).scalar()
    return max(1, math.ceil((until - now).total_seconds())) if until else 1
