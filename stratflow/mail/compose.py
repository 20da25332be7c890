"""Reminder e-mails: subject, plain text, HTML and an .ics for the due date, in the
recipient's language."""

from __future__ import annotations

import hashlib
from datetime import UTC, date, datetime, timedelta

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from icalendar import Calendar, Event

from ..calendar import format_day, working_days_between


def reminder_message(task, user, kind: str, day: date, now: datetime) -> dict:
    """The outbox columns of one reminder (everything but key, ids and times)."""
    locale = user.locale if user.locale in current_app.config["LANGUAGES"] else "tr"
    link = f"{current_app.config['BASE_URL']}/tasks/{task.id}"
    with force_locale(locale):
        subject, lead = _wording(task, kind, day, locale)
        context = {
            "greeting": _("Sayın %(name)s,", name=user.full_name), "lead": lead,
            "facts": [(_("Adım"), task.name), (_("Belediye"), task.municipality.name),
                      (_("Son tarih"), format_day(task.due_date, locale))],
            "link": link, "link_label": _("Göreve git"),
            "footer": _("Bu ileti stratflow tarafından kendiliğinden gönderilmiştir; yanıtlamayın."),
            "subject": subject, "locale": locale,
        }
        text_body = _render("email/reminder.txt", context)
        html_body = _render("email/reminder.html", context)
    return {"to_address": user.email, "to_name": user.full_name, "locale": locale, "subject": subject,
            "text_body": text_body, "html_body": html_body, "ics": due_date_ics(task, link, now),
            "message_id": message_id(task.id, user.id, kind)}


def _render(name: str, context: dict) -> str:
    """Render outside any request (the page context processors need a signed-in user)."""
    return current_app.jinja_env.get_template(name).render(**context)


def _wording(task, kind: str, day: date, locale: str) -> tuple[str, str]:
    step, due = task.name, format_day(task.due_date, locale)
    if kind.startswith("before-"):
        days = working_days_between(day, task.due_date)
        return (_("Hatırlatma: %(step)s — %(days)d iş günü kaldı", step=step, days=days),
                _("“%(step)s” adımının son günü %(due)s; %(days)d iş günü kaldı.", step=step, due=due, days=days))
    if kind == "due":
        return (_("Bugün son gün: %(step)s", step=step),
                _("“%(step)s” adımının son günü bugün.", step=step))
    late = working_days_between(task.due_date, day)
    if kind.startswith("overdue-"):
        return (_("Süresi geçti: %(step)s — %(days)d iş günü gecikme", step=step, days=late),
                _("“%(step)s” adımının süresi %(due)s tarihinde doldu; %(days)d iş günü gecikti.",
                  step=step, due=due, days=late))
    return (_("Geciken görev: %(step)s (%(municipality)s)", step=step, municipality=task.municipality.name),
            _("“%(step)s” adımı %(days)d iş günüdür gecikiyor; bilginize ve gereğine sunulur.",
              step=step, days=late))


def due_date_ics(task, link: str, now: datetime) -> str:
    """An all-day calendar entry on the due date (same UID for every reminder of the task)."""
    calendar = Calendar()
    calendar.add("prodid", "-//stratflow//reminders//TR")
    calendar.add("version", "2.0")
    event = Event()
    event.add("uid", f"task-{task.id}@stratflow")
    event.add("dtstamp", now.replace(tzinfo=UTC))
    event.add("dtstart", task.due_date)
    event.add("dtend", task.due_date + timedelta(days=1))
    event.add("summary", task.name)
    event.add("description", link)
    event.add("url", link)
    calendar.add_component(event)
    return calendar.to_ical().decode()


def message_id(task_id: str, user_id: int, kind: str) -> str:
    """The same Message-ID for every attempt at one reminder (receivers drop duplicates)."""
    sender = current_app.config.get("MAIL_DEFAULT_SENDER") or "stratflow@localhost"
    domain = sender.rsplit("@", 1)[-1].strip(">") or "localhost"
    digest = hashlib.sha256(f"{task_id}:{user_id}:{kind}".encode()).hexdigest()[:24]
    return f"<reminder.{kind}.{digest}@{domain}>"
