"""The instance page's audit trail with filters: person, step, type of action, date from/to.

Filters come from GET parameters; a value that does not parse or names nothing of this instance
is ignored, and a translated note says so (the page still shows the trail). Dates are Turkish
calendar days (the "to" day included); the database holds UTC.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from flask_babel import gettext as _

from ..extensions import db
from ..i18n import tr_sort_key
from ..models import AuditEvent, TaskRecord, User
from ..parsing import parse_day, parse_int
from .progress import LOCAL

LIMIT = 500


@dataclass
class Options:
    people: list[tuple[int, str]]       # actors that appear in this instance's trail
    steps: list[tuple[str, str]]        # (bpmn_id, name) of the instance's tasks
    actions: list[str]


@dataclass
class Filters:
    person: int | None = None
    step: str | None = None
    action: str | None = None
    date_from: date | None = None
    date_to: date | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def active(self) -> bool:
        return any(v is not None for v in (self.person, self.step, self.action, self.date_from, self.date_to))


def options(instance_id: int, records: list[TaskRecord]) -> Options:
    people = db.session.execute(
        db.select(User.id, User.full_name).join(AuditEvent, AuditEvent.actor_id == User.id)
        .where(AuditEvent.instance_id == instance_id).distinct()).all()
    actions = db.session.execute(
        db.select(AuditEvent.action).where(AuditEvent.instance_id == instance_id).distinct()).scalars()
    steps = {r.bpmn_id: r.name for r in records}
    return Options(people=sorted(((i, n) for i, n in people), key=lambda p: tr_sort_key(p[1])),
                   steps=sorted(steps.items(), key=lambda s: tr_sort_key(s[1])),
                   actions=sorted(actions))


def parse(args, opts: Options) -> Filters:
    """Filters from request arguments; bad values are dropped with a note."""
    found = Filters()
    person = (args.get("person") or "").strip()
    if person:
        ids = {i for i, _n in opts.people}
        if parse_int(person) in ids:
            found.person = parse_int(person)
        else:
            found.notes.append(_("Kişi süzgeci tanınmadı; yok sayıldı."))
    step = (args.get("step") or "").strip()
    if step:
        if step in dict(opts.steps):
            found.step = step
        else:
            found.notes.append(_("Adım süzgeci tanınmadı; yok sayıldı."))
    action = (args.get("action") or "").strip()
    if action:
        if action in opts.actions:
            found.action = action
        else:
            found.notes.append(_("İşlem türü süzgeci tanınmadı; yok sayıldı."))
    found.date_from = _day(args.get("from"), found, _("Başlangıç tarihi geçersiz; yok sayıldı."))
    found.date_to = _day(args.get("to"), found, _("Bitiş tarihi geçersiz; yok sayıldı."))
    if found.date_from and found.date_to and found.date_from > found.date_to:
        found.notes.append(_("Bitiş tarihi başlangıç tarihinden önce; tarih süzgeci yok sayıldı."))
        found.date_from = found.date_to = None
    return found


def _day(value, found: Filters, note: str) -> date | None:
    value = (value or "").strip()
    if not value:
        return None
    day = parse_day(value)
    if day is None:
        found.notes.append(note)
    return day


def _utc(day: date) -> datetime:
    """The naive UTC moment a Turkish calendar day begins."""
    return datetime.combine(day, time(), tzinfo=LOCAL).astimezone(UTC).replace(tzinfo=None)


def rows(instance_id: int, filters: Filters, limit: int = LIMIT) -> list[AuditEvent]:
    query = (db.select(AuditEvent).where(AuditEvent.instance_id == instance_id)
             .options(db.joinedload(AuditEvent.actor))
             .order_by(AuditEvent.created_at.desc(), AuditEvent.id.desc()).limit(limit))
    if filters.person is not None:
        query = query.where(AuditEvent.actor_id == filters.person)
    if filters.action:
        query = query.where(AuditEvent.action == filters.action)
    if filters.step:
        query = query.where(AuditEvent.task_id.in_(
            db.select(TaskRecord.id).where(TaskRecord.instance_id == instance_id,
                                           TaskRecord.bpmn_id == filters.step)))
    if filters.date_from:
        query = query.where(AuditEvent.created_at >= _utc(filters.date_from))
    if filters.date_to:
        query = query.where(AuditEvent.created_at < _utc(filters.date_to + timedelta(days=1)))
    return list(db.session.execute(query).scalars())
