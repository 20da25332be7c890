"""Keeping Municipality.calendar_stamp honest: whatever a transition reads of a municipality's
calendar data (its settings, entered council meetings, spending units, the national leave days)
gives the municipality a new stamp when it changes, in the same transaction.

Only ORM writes are seen: bulk UPDATE/DELETE statements on these tables must call `bump`.
"""

from uuid import uuid4

from sqlalchemy import event
from sqlalchemy.orm import object_session
from sqlalchemy.orm.attributes import set_committed_value

from ..extensions import db
from .org import Municipality, SpendingUnit
from .settings import CouncilMeetingDate, LeaveDay, MunicipalitySettings


def bump(connection, municipality_id: int | None, session=None) -> None:
    """A new stamp for one municipality (None: every municipality — the leave days are national).
    Municipality objects of `session` get the new value too, so they never name a stale stamp."""
    table = Municipality.__table__
    stamp = uuid4().hex
    statement = db.update(table).values(calendar_stamp=stamp)
    if municipality_id is not None:
        statement = statement.where(table.c.id == municipality_id)
    connection.execute(statement)
    if session is not None:
        for obj in list(session.identity_map.values()):
            if isinstance(obj, Municipality) and municipality_id in (None, obj.id):
                set_committed_value(obj, "calendar_stamp", stamp)


def _per_municipality(_mapper, connection, target) -> None:
    bump(connection, target.municipality_id, object_session(target))


def _national(_mapper, connection, target) -> None:
    bump(connection, None, object_session(target))


for _model in (MunicipalitySettings, CouncilMeetingDate, SpendingUnit):
    for _name in ("after_insert", "after_update", "after_delete"):
        event.listen(_model, _name, _per_municipality)
for _name in ("after_insert", "after_update", "after_delete"):
    event.listen(LeaveDay, _name, _national)
