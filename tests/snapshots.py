"""Rows a costly fixture writes, taken the first time it runs in a test process and put back
row for row (same primary keys, same stored bytes) every later time.

Importing the shipped BPMN definitions (parse, lint, compile the models with their forms) and loading the demo
(an instance walked to the nominations) cost about a second per test; inserting their rows
again costs milliseconds. The first run in each process is the real one, so the import and
the demo loader are still exercised by every run, and tests that are about them call them
directly.

A snapshot is taken and put back only on a known base: an empty database, or exactly the rows
of the snapshot it builds on (checked by row counts; the very snapshot it was taken on, whose ids
its rows refer to), and only on the day it was taken (the demo's dates are relative to today; a
test that travels in time to another day gets that day's own snapshots).
Anything else runs the real setup.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from uuid import uuid4

from sqlalchemy import JSON, Integer, Text, bindparam, cast, select, text

from stratflow.extensions import db


@dataclass
class Snapshot:
    day: date
    base: str | None                      # the snapshot it builds on (None: an empty database)
    counts: dict[str, int]                # rows per table once it is in place
    rows: dict[str, list[dict]] = field(default_factory=dict)  # the rows it adds, per table
    value: object = None                  # what the fixture needs to find its return value again
    on: Snapshot | None = None            # the very snapshot of `base` it was taken on (its ids)


_taken: dict[tuple[str, date], Snapshot] = {}  # by (name, the day it was taken on)
_unusable: set[str] = set()
_MISSING = object()
# Columns a real setup fills with a new random value each time: each restore gets a new one too, so
# an in-process cache keyed by it (services/calendars.py) never carries an entry from one test to the next.
FRESH = {"municipality": {"calendar_stamp": lambda: uuid4().hex}}


def _key(name: str | None):
    return None if name is None else (name, date.today())


def once(name: str, base: str | None, make: Callable[[], object]):
    """`make()` (which must commit) the first time, its rows put back afterwards; returns what
    `make` returned, which must be plain data (ids, dates), not ORM objects."""
    value = restore(name, base)
    if value is _MISSING:
        existing = before(name, base)
        value = make()
        db.session.commit()
        take(name, base, existing, value)
    return value


def _tables():
    return db.metadata.sorted_tables


def _counts() -> dict[str, int]:
    query = " UNION ALL ".join(f"SELECT '{t.name}', COUNT(*) FROM \"{t.name}\"" for t in _tables())
    return dict(db.session.execute(text(query)).all())


def _base_counts(base: str | None) -> dict[str, int]:
    return _taken[_key(base)].counts if base else dict.fromkeys((t.name for t in _tables()), 0)


def _raw_columns(table):
    """Columns as stored: JSON as its text, so SQL NULL and JSON null stay what they were."""
    return [cast(c, Text).label(c.key) if isinstance(c.type, JSON) else c for c in table.columns]


def _read(table) -> list[dict]:
    order = list(table.primary_key.columns) or list(table.columns)
    result = db.session.execute(select(*_raw_columns(table)).order_by(*order))
    return [dict(row._mapping) for row in result]


def restore(name: str, base: str | None):
    """Put the snapshot back and return its value; _MISSING when there is none usable here (then
    the caller runs the real setup and calls `take`)."""
    snap = _taken.get(_key(name))
    if snap is None or snap.base != base or snap.on is not _taken.get(_key(base)):
        return _MISSING
    db.session.commit()
    if _counts() != _base_counts(base):
        return _MISSING
    postgres = db.engine.dialect.name == "postgresql"
    for table in _tables():
        rows = snap.rows.get(table.name)
        if not rows:
            continue
        fresh = FRESH.get(table.name)
        if fresh:
            rows = [{**row, **{key: new() for key, new in fresh.items()}} for row in rows]
        json_columns = [c for c in table.columns if isinstance(c.type, JSON)]
        statement = table.insert()
        if json_columns:  # the stored text, not the JSON of a Python value (see _raw_columns)
            statement = statement.values({
                c.key: cast(bindparam(c.key, type_=Text), c.type) if postgres else bindparam(c.key, type_=Text)
                for c in json_columns})
        db.session.execute(statement, rows)
        if postgres:
            _advance_sequences(table)
    db.session.commit()
    return snap.value


def _advance_sequences(table) -> None:
    """Explicit ids do not move a PostgreSQL sequence: make sure its next value is past them."""
    [column] = table.primary_key.columns if len(table.primary_key.columns) == 1 else [None]
    if column is not None and isinstance(column.type, Integer):
        db.session.execute(text(
            "SELECT setval(pg_get_serial_sequence(:t, :c), GREATEST(nextval(pg_get_serial_sequence(:t, :c)), "
            f'(SELECT MAX("{column.name}") FROM "{table.name}")))'), {"t": f'"{table.name}"', "c": column.name})


def before(name: str, base: str | None) -> dict[str, list[dict]] | None:
    """Before the real setup: the rows already there (None when the base is not as expected or
    no snapshot will be taken)."""
    if name in _unusable or (base and _key(base) not in _taken):
        return None
    if _key(name) in _taken and _taken[_key(name)].on is _taken.get(_key(base)):
        return None  # a usable one exists (restore declined for another reason)
    db.session.commit()
    if _counts() != _base_counts(base):
        return None
    return {t.name: _read(t) for t in _tables() if base and _taken[_key(base)].counts.get(t.name)}


def take(name: str, base: str | None, existing: dict | None, value) -> None:
    """After the real setup (committed): keep the rows it added. Nothing is kept when it changed
    or removed rows of its base (then it always runs for real)."""
    if existing is None:
        return
    counts = _counts()
    snap = Snapshot(day=date.today(), base=base, counts=counts, value=value, on=_taken.get(_key(base)))
    for table in _tables():
        rows = _read(table) if counts.get(table.name) else []
        old = existing.get(table.name, [])
        if rows[:len(old)] != old:  # ordered by primary key: the base rows come first, untouched
            _unusable.add(name)
            return
        if rows[len(old):]:
            snap.rows[table.name] = rows[len(old):]
    _taken[_key(name)] = snap
