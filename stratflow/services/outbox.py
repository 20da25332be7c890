"""The e-mail outbox: writing rows once, cancelling them when their task closes, the mail log."""

from __future__ import annotations

from sqlalchemy.dialects import postgresql, sqlite

from ..extensions import db
from ..models import OutboxMessage
from ..models.outbox import OUTBOX_STATES
from . import NotFound, access, audit, mail_content, valid_id

WAITING = ("pending", "failed")  # what the senders deliver
NOT_SENT = (*WAITING, "digest")  # what a closed task cancels
LOG_LIMIT = 500
STATES = OUTBOX_STATES  # the mail log's state filter


def enqueue(**values) -> bool:
    """Insert one outbox row unless a row with its key exists. True when it was created.

    One INSERT … ON CONFLICT DO NOTHING: two planners racing on one key leave one row."""
    values.setdefault("state", "pending")
    values.setdefault("attempts", 0)
    values.setdefault("captured", False)
    dialect = postgresql if db.session.get_bind().dialect.name == "postgresql" else sqlite
    statement = (dialect.insert(OutboxMessage).values(**values)
                 .on_conflict_do_nothing(index_elements=["key"]).returning(OutboxMessage.id))
    # RETURNING, not rowcount: psycopg reports -1 for a skipped INSERT … ON CONFLICT DO NOTHING.
    return db.session.execute(statement).first() is not None


def existing_keys(keys: list[str]) -> set[str]:
    found: set[str] = set()
    for start in range(0, len(keys), 500):
        chunk = keys[start:start + 500]
        found.update(db.session.execute(
            db.select(OutboxMessage.key).where(OutboxMessage.key.in_(chunk))).scalars())
    return found


def cancel_for_tasks(instance_id: int, task_ids: list[str]) -> int:
    """Mail still waiting for these tasks (they closed in this transaction) is cancelled."""
    return db.session.execute(
        db.update(OutboxMessage)
        .where(OutboxMessage.instance_id == instance_id, OutboxMessage.state.in_(NOT_SENT),
               OutboxMessage.task_id.in_(task_ids))
        .values(state="cancelled", lease_until=None, leased_by=None)
        .execution_options(synchronize_session=False)).rowcount


def cancel_countdowns(instance_id: int) -> int:
    """Countdown mail still waiting for an instance whose countdown stopped (its council decision
    is recorded) is cancelled, in the transaction that stops it."""
    return db.session.execute(
        db.update(OutboxMessage)
        .where(OutboxMessage.instance_id == instance_id, OutboxMessage.state.in_(NOT_SENT),
               OutboxMessage.key.like(f"countdown:{instance_id}:%"))
        .values(state="cancelled", lease_until=None, leased_by=None)
        .execution_options(synchronize_session=False)).rowcount


def cancel_for_instance(instance_id: int) -> int:
    """Every mail of the instance not sent yet is cancelled (the instance was terminated)."""
    return db.session.execute(
        db.update(OutboxMessage)
        .where(OutboxMessage.instance_id == instance_id, OutboxMessage.state.in_(NOT_SENT))
        .values(state="cancelled", lease_until=None, leased_by=None)
        .execution_options(synchronize_session=False)).rowcount


def cancel_unsent_reminders(task_id: str, keep_recipient_id: int | None) -> int:
    """Reminders planned for a task's previous holders are not sent (it was reassigned); the new
    holders get their own. Escalations stay."""
    return db.session.execute(
        db.update(OutboxMessage)
        .where(OutboxMessage.task_id == task_id, OutboxMessage.state.in_(NOT_SENT),
               OutboxMessage.recipient_id.isnot(None), OutboxMessage.recipient_id != (keep_recipient_id or 0),
               OutboxMessage.key.like("reminder:%"), ~OutboxMessage.kind.like("escalation-%"))
        .values(state="cancelled", lease_until=None, leased_by=None)
        .execution_options(synchronize_session=False)).rowcount


def mail_log(user, state: str | None = None) -> list[OutboxMessage]:
    """The newest mail of the municipalities the user coordinates (all for an admin)."""
    query = (db.select(OutboxMessage).options(db.joinedload(OutboxMessage.municipality))
             .order_by(OutboxMessage.created_at.desc(), OutboxMessage.id.desc()).limit(LOG_LIMIT))
    if not user.is_admin:
        query = query.where(OutboxMessage.municipality_id.in_(user.municipality_ids(*access.MANAGERS)))
    if state:
        query = query.where(OutboxMessage.state == state)
    return mail_content.show(list(db.session.execute(query).unique().scalars()))


def can_read_log(user) -> bool:
    return user.is_admin or bool(user.municipality_ids(*access.MANAGERS))


def message_for(user, message_id: int) -> OutboxMessage:
    """One mail of the log; someone else's (or a missing one) is NotFound."""
    row = db.session.get(OutboxMessage, message_id) if valid_id(message_id) else None
    if row is None or row.municipality_id is None or not access.can_manage(user, row.municipality_id):
        raise NotFound()
    return mail_content.show([row])[0]


def set_digest(user, enabled: bool) -> None:
    """The reader's choice: one daily digest (True) or each reminder as it comes."""
    if user.mail_digest == enabled:
        return
    user.mail_digest = enabled
    audit.record("user.mail_digest", user, municipality_id=user.municipality_id, enabled=enabled)
    db.session.flush()
