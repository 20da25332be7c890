"""What a planned reminder says, composed when it is needed rather than when it is planned.

The reminder sweep writes each mail as "what to say" (`OutboxMessage.compose`: the reminder day,
the moment of planning, the step's legal basis) with its recipient, key and Message-ID; the sender
composes subject, bodies and calendar entry just before it sends (and stores them with the claim,
so every retry carries the same text), the digest when it collects the row, the mail log when
someone reads it. A burst sweep over tens of thousands of overdue tasks then writes small rows
only; composing costs what it costs at the pace SMTP takes the mail anyway.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy.orm.attributes import set_committed_value

from ..mail.compose import reminder_message
from ..models import OutboxMessage
from . import calendars

FIELDS = ("subject", "text_body", "html_body", "ics")


@dataclass(frozen=True)
class Recipient:
    """The recipient as the row knows them (the person may have changed or gone since)."""
    id: int
    email: str
    full_name: str
    locale: str


def what_to_say(day: date, now: datetime, basis: str | None) -> dict:
    return {"type": "reminder", "day": day.isoformat(), "now": now.isoformat(), "basis": basis}


def compose(row: OutboxMessage, cache: dict | None = None) -> dict | None:
    """Subject, bodies and .ics of a row written as "what to say"; None when it is composed already."""
    plan = row.compose
    if row.subject is not None or not plan or row.task is None:
        return None
    task = row.task
    person = Recipient(row.recipient_id or 0, row.to_address, row.to_name, row.locale)
    parts = reminder_message(task, person, row.kind, date.fromisoformat(plan["day"]),
                             datetime.fromisoformat(plan["now"]), plan.get("basis"),
                             calendars.of(task.municipality).leave_days, cache)
    return {key: parts[key] for key in FIELDS}


def complete(row: OutboxMessage, cache: dict | None = None) -> None:
    """Compose the row's text and keep it on the row (it is written with the row's next change)."""
    parts = compose(row, cache)
    if parts:
        for key, value in parts.items():
            setattr(row, key, value)


def show(rows: list[OutboxMessage], cache: dict | None = None) -> list[OutboxMessage]:
    """Rows as a reader sees them: composed for display, nothing written (the mail log)."""
    cache = {} if cache is None else cache
    for row in rows:
        parts = compose(row, cache)
        for key, value in (parts or {}).items():
            set_committed_value(row, key, value)
    return rows
