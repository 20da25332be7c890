"""What a municipality's calendar is made of, read once: its settings (recess month, phase targets,
reminder policy, countdown), the council meeting dates its clerk entered, the national
administrative-leave days and its spending units — and the statutory schedule built from them.

The one loader for one municipality (`of`) and for many (`of_many`). Entries are kept per process,
keyed by the municipality's `calendar_stamp`, which every change of that data replaces in the same
transaction (stratflow/models/stamps.py): a transition that has its municipality row (it is read
with the instance lock) needs no further query for any of it.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from datetime import date

from flask import current_app

from .. import calendar
from ..calendar import reminder_policy
from ..calendar.reminder_policy import ReminderPolicy
from ..extensions import db
from ..models import CouncilMeetingDate, LeaveDay, MunicipalitySettings, SpendingUnit
from ..models.settings import DEFAULT_RECESS_MONTH

MAX_COUNTDOWN_DAYS = 365
_CACHE_SIZE = 4096
_BATCH = 500


@dataclass(frozen=True)
class Settings:
    """A municipality's settings as plain values (None: the application default)."""
    recess_month: int | None = DEFAULT_RECESS_MONTH
    due_rules: dict = field(default_factory=dict)      # bpmn_id -> rule text (phase targets)
    reminder_before: str | None = None
    remind_on_due: bool | None = None
    overdue_every: int | None = None
    escalation_days: str | None = None
    countdown_days: str | None = None
    stored: bool = False                               # a settings row exists

    @classmethod
    def of_row(cls, row: MunicipalitySettings | None) -> Settings:
        if row is None:
            return cls()
        return cls(recess_month=row.recess_month, due_rules=dict(row.due_rules or {}),
                   reminder_before=row.reminder_before, remind_on_due=row.remind_on_due,
                   overdue_every=row.overdue_every, escalation_days=row.escalation_days,
                   countdown_days=row.countdown_days, stored=True)

    def reminder_policy(self, config=None) -> ReminderPolicy:
        """The municipality's reminder policy: its settings over the application's configuration."""
        config = config or current_app.config
        return ReminderPolicy(
            before=reminder_policy.parse_days(self.reminder_before) if self.reminder_before is not None
            else tuple(config["REMINDER_DAYS"]),
            on_due=self.remind_on_due if self.remind_on_due is not None else bool(config.get("REMIND_ON_DUE", True)),
            overdue_every=self.overdue_every if self.overdue_every is not None else int(config["OVERDUE_EVERY"]),
            escalation=reminder_policy.parse_escalation(self.escalation_days) if self.escalation_days is not None
            else tuple(config["ESCALATION_DAYS"]))

    def countdown(self, config=None) -> tuple[int, ...]:
        config = config or current_app.config
        if self.countdown_days is None:
            return tuple(config["COUNTDOWN_DAYS"])
        return reminder_policy.parse_days(self.countdown_days, "countdown", MAX_COUNTDOWN_DAYS)


@dataclass(frozen=True)
class Calendar:
    """Everything calendar-like of one municipality (immutable; shared between requests)."""
    municipality_id: int
    election_date: date
    mazbata_date: date | None
    type: str
    weekday: int
    settings: Settings
    entered_meetings: dict          # council month (first day) -> the date the clerk entered
    leave_days: frozenset
    units: tuple                    # (id, name) of the spending units, by name
    election_kind: str = calendar.GENERAL
    general_election_date: date | None = None  # a re-run's general election (the deadline counts from it)
    _schedule: list = field(default_factory=list, compare=False, repr=False)

    @property
    def schedule(self) -> calendar.Schedule:
        """The statutory schedule (built on first use)."""
        if not self._schedule:
            self._schedule.append(calendar.build_schedule(
                self.election_date, self.type, self.weekday, self.settings.recess_month,
                self.entered_meetings, self.leave_days, election_kind=self.election_kind,
                general_election_date=self.general_election_date))
        return self._schedule[0]

    @property
    def unit_ids(self) -> frozenset:
        return frozenset(uid for uid, _name in self.units)

    @property
    def due_rules(self) -> dict:
        return self.settings.due_rules


_cache: OrderedDict = OrderedDict()
_lock = threading.Lock()


def _key(municipality) -> tuple:
    return (str(db.engine.url), municipality.id, municipality.calendar_stamp, municipality.election_date,
            municipality.mazbata_date, municipality.type, municipality.council_weekday,
            municipality.election_kind or calendar.GENERAL, municipality.general_election_date)


def of(municipality) -> Calendar:
    """The municipality's calendar (no query when its stamp is known to this process)."""
    return of_many([municipality])[municipality.id]


def of_many(municipalities) -> dict[int, Calendar]:
    """Calendars of many municipalities; the ones this process does not know yet are read with four
    queries per 500 (settings, entered meetings, units; the leave days once)."""
    found, missing = {}, []
    with _lock:
        for municipality in municipalities:
            cached = _cache.get(_key(municipality))
            if cached is None:
                missing.append(municipality)
            else:
                _cache.move_to_end(_key(municipality))
                found[municipality.id] = cached
    if missing:
        found.update(_load(missing))
    return found


def _load(municipalities) -> dict[int, Calendar]:
    leave = frozenset(db.session.execute(db.select(LeaveDay.day)).scalars())
    loaded = {}
    for start in range(0, len(municipalities), _BATCH):
        chunk = municipalities[start:start + _BATCH]
        ids = [m.id for m in chunk]
        rows = {r.municipality_id: r for r in db.session.execute(
            db.select(MunicipalitySettings).where(MunicipalitySettings.municipality_id.in_(ids))).scalars()}
        entered: dict[int, dict] = {}
        for mid, month, day in db.session.execute(
                db.select(CouncilMeetingDate.municipality_id, CouncilMeetingDate.month,
                          CouncilMeetingDate.meeting_date).where(CouncilMeetingDate.municipality_id.in_(ids))):
            entered.setdefault(mid, {})[month] = day
        units: dict[int, list] = {}
        for mid, uid, name in db.session.execute(
                db.select(SpendingUnit.municipality_id, SpendingUnit.id, SpendingUnit.name)
                .where(SpendingUnit.municipality_id.in_(ids)).order_by(SpendingUnit.name)):
            units.setdefault(mid, []).append((uid, name))
        for m in chunk:
            loaded[m.id] = Calendar(
                municipality_id=m.id, election_date=m.election_date, mazbata_date=m.mazbata_date, type=m.type,
                weekday=calendar.WEEKDAYS.index(m.council_weekday or "tuesday"),
                settings=Settings.of_row(rows.get(m.id)), entered_meetings=entered.get(m.id, {}),
                leave_days=leave, units=tuple(units.get(m.id, ())),
                election_kind=m.election_kind or calendar.GENERAL, general_election_date=m.general_election_date)
    with _lock:
        for m in municipalities:
            _cache[_key(m)] = loaded[m.id]
        while len(_cache) > _CACHE_SIZE:
            _cache.popitem(last=False)
    return loaded


def leave_days() -> frozenset[date]:
    """Every administrative-leave day (national)."""
    return frozenset(db.session.execute(db.select(LeaveDay.day)).scalars())


def default_policy(config=None) -> ReminderPolicy:
    """The application's configured reminder policy (what a municipality without settings gets)."""
    return Settings().reminder_policy(config)


def forget() -> None:
    """Empty this process's cache (tests that count queries start from a cold cache)."""
    with _lock:
        _cache.clear()
