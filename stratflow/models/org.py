"""Municipalities, their spending units, people and the roles they hold."""

from uuid import uuid4

from flask_login import UserMixin

from ..extensions import db
from .base import utcnow

MUNICIPALITY_TYPES = ("buyuksehir", "il", "ilce", "belde")
ELECTION_KINDS = ("genel", "yenileme", "ara")
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")

# Roles a person can hold in a municipality. A role with a unit is held for that unit only.
ROLES = (
    "admin",          # system administrator (all municipalities)
    "mayor",          # Belediye Başkanı
    "deputy_mayor",   # Başkan Yardımcısı
    "coordinator",    # Strateji Geliştirme Müdürlüğü
    "unit_manager",   # Harcama yetkilisi / birim müdürü
    "team_member",    # Stratejik Planlama Ekibi üyesi
    "board_member",   # Strateji Geliştirme Kurulu üyesi
    "council_clerk",  # Yazı İşleri
    "consultant",     # Danışman: follows municipalities, read-only
)
UNIT_ROLES = ("unit_manager", "team_member")


class Municipality(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    name = db.Column(db.String(200), nullable=False, unique=True)
    province = db.Column(db.String(100), nullable=False)
    type = db.Column(db.String(20), nullable=False)
    population = db.Column(db.Integer, nullable=False)
    election_date = db.Column(db.Date, nullable=False)
    # genel (general), yenileme (re-run: the legal deadline counts from general_election_date) or ara
    # (by-election); services/municipalities.py checks that the two fit (stratflow/calendar/election.py)
    election_kind = db.Column(db.String(10), nullable=False, default="genel", server_default="genel")
    general_election_date = db.Column(db.Date, nullable=True)
    mazbata_date = db.Column(db.Date, nullable=True)
    council_weekday = db.Column(db.String(10), nullable=False, default="tuesday")
    # Changes whenever the municipality's calendar data changes (settings, entered council meetings,
    # administrative-leave days, spending units): a cache key for what transitions read of them
    # (services/calendars.py). Random, so a re-used id never meets a stale cache entry.
    calendar_stamp = db.Column(db.String(32), nullable=False, default=lambda: uuid4().hex)
    created_at = db.Column(db.DateTime, nullable=False, default=utcnow)

    units = db.relationship("SpendingUnit", back_populates="municipality", order_by="SpendingUnit.name")


class SpendingUnit(db.Model):
    __table_args__ = (db.UniqueConstraint("municipality_id", "name", name="uq_unit_name"),)
    id = db.Column(db.Integer, primary_key=True)
    municipality_id = db.Column(db.ForeignKey("municipality.id"), nullable=False, index=True)
    name = db.Column(db.String(200), nullable=False)
    code = db.Column(db.String(40), nullable=True)

    municipality = db.relationship("Municipality", back_populates="units")


class User(UserMixin, db.Model):
    id = db.Column(db.Integer, primary_key=True)
    email = db.Column(db.String(254), nullable=False, unique=True)
    full_name = db.Column(db.String(200), nullable=False)
    title = db.Column(db.String(200), nullable=True)
    phone = db.Column(db.String(40), nullable=True)
    password_hash = db.Column(db.String(200), nullable=True)
    locale = db.Column(db.String(5), nullable=False, default="tr")
    active = db.Column(db.Boolean, nullable=False, default=True)
    mail_digest = db.Column(db.Boolean, nullable=False, default=False, server_default=db.false())  # one daily mail
    municipality_id = db.Column(db.ForeignKey("municipality.id"), nullable=True, index=True)
    created_at = db.Column(db.DateTime, nullable=False, default=utcnow)
    # Part of every web session's identity (get_id): bumping it ends all of the user's sessions.
    session_generation = db.Column(db.Integer, nullable=False, default=0, server_default="0")

    municipality = db.relationship("Municipality")
    # Loaded when asked for (the signed-in user's, once per request), not with every user a query
    # returns (assignees, completers, actors of audit rows).
    roles = db.relationship("RoleAssignment", back_populates="user",
                            cascade="all, delete-orphan")

    @property
    def is_active(self):
        return self.active

    def get_id(self) -> str:
        """What the session keeps: "<id>:<session generation>" (see accounts.user_for_session)."""
        return f"{self.id}:{self.session_generation}"

    @property
    def is_admin(self) -> bool:
        return any(r.role == "admin" for r in self.roles)

    def has_role(self, role: str, municipality_id: int | None = None) -> bool:
        return any(r.role == role and (municipality_id is None or r.municipality_id == municipality_id)
                   for r in self.roles)

    def municipality_ids(self, *roles: str) -> set[int]:
        """Municipalities where the user holds any of `roles` (any role when none given)."""
        return {r.municipality_id for r in self.roles
                if r.municipality_id is not None and (not roles or r.role in roles)}


class RoleAssignment(db.Model):
    __table_args__ = (
        db.UniqueConstraint("user_id", "role", "municipality_id", "unit_id", name="uq_role_assignment"),
        db.Index("ix_role_lookup", "municipality_id", "role", "unit_id"),
    )
    id = db.Column(db.Integer, primary_key=True)
    user_id = db.Column(db.ForeignKey("user.id", ondelete="CASCADE"), nullable=False, index=True)
    role = db.Column(db.String(30), nullable=False)
    municipality_id = db.Column(db.ForeignKey("municipality.id"), nullable=True)
    unit_id = db.Column(db.ForeignKey("spending_unit.id"), nullable=True)

    user = db.relationship("User", back_populates="roles")
    unit = db.relationship("SpendingUnit")
    municipality = db.relationship("Municipality")
