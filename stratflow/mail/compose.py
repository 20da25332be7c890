"""Reminder e-mails: subject, plain text, HTML and an .ics for the due date, in the
recipient's language."""

from __future__ import annotations

import hashlib
from datetime import date, datetime, timedelta
from functools import lru_cache

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from icalendar.prop import vText
from markupsafe import escape

from ..calendar import format_day, working_days_between


def recipient_locale(user) -> str:
    return user.locale if user.locale in current_app.config["LANGUAGES"] else "tr"


NAME_SLOT = "\x00stratflow-recipient\x00"  # the recipient's name in bodies shared by several recipients


def reminder_message(task, user, kind: str, day: date, now: datetime, basis: str | None = None,
                     leave_days: frozenset[date] = frozenset(), cache: dict | None = None) -> dict:
    """The outbox columns of one reminder (everything but key, ids and times); `basis` is the
    step's legal basis, shown when known; `leave_days` are no working days. With `cache` (one
    sweep's dict), what does not depend on the recipient — subject, bodies with a slot for the
    name, calendar entry — is composed once per task, kind and language."""
    locale = recipient_locale(user)
    key = ("reminder", task.id, kind, day, locale)
    parts = cache.get(key) if cache is not None else None
    if parts is None:
        parts = _reminder_parts(task, kind, day, now, basis, leave_days, locale)
        if cache is not None:
            cache[key] = parts
    subject, text_body, html_body, ics = parts
    return {"to_address": user.email, "to_name": user.full_name, "locale": locale, "subject": subject,
            "text_body": text_body.replace(NAME_SLOT, user.full_name),
            "html_body": html_body.replace(NAME_SLOT, str(escape(user.full_name))),
            "ics": ics, "message_id": message_id(task.id, user.id, kind)}


def _reminder_parts(task, kind: str, day: date, now: datetime, basis: str | None, leave_days: frozenset[date],
                    locale: str) -> tuple[str, str, str, str]:
    link = f"{current_app.config['BASE_URL']}/tasks/{task.id}"
    with force_locale(locale):
        subject, lead = _wording(task, kind, day, locale, leave_days)
        facts = [(_("Adım"), task.name), (_("Belediye"), task.municipality.name),
                 (_("Son tarih"), format_day(task.due_date, locale))]
        if basis:
            facts.append((_("Dayanak"), basis))
        bodies = render_bodies(NAME_SLOT, subject, lead, facts, link, _("Göreve git"), locale)
    return subject, bodies["text_body"], bodies["html_body"], due_date_ics(task, link, now)


def countdown_message(instance, user, deadline: date, days_left: int, threshold: int, now: datetime) -> dict:
    """The outbox columns of one statutory countdown mail: days left to submit the plan to the council."""
    locale = recipient_locale(user)
    link = f"{current_app.config['BASE_URL']}/instances/{instance.id}"
    town = instance.municipality.name
    with force_locale(locale):
        subject = _("Yasal süre: stratejik planın Meclise sunulmasına %(days)d gün kaldı (%(municipality)s)",
                    days=days_left, municipality=town)
        lead = _("%(municipality)s stratejik planının Meclise sunulması için yasal son gün %(deadline)s; "
                 "%(days)d gün kaldı.", municipality=town, deadline=format_day(deadline, locale), days=days_left)
        facts = [(_("Süreç"), instance.title), (_("Belediye"), town),
                 (_("Yasal son tarih"), format_day(deadline, locale)), (_("Kalan gün"), str(days_left)),
                 (_("Dayanak"), COUNTDOWN_BASIS)]
        bodies = render_bodies(user, subject, lead, facts, link, _("Sürece git"), locale)
    ics = day_ics(f"legal-deadline-{instance.id}@stratflow", deadline, f"{town}: {subject}", link, now)
    mid = key_message_id(f"countdown.{threshold}", f"{instance.id}:{user.id}:{threshold}")
    return {"to_address": user.email, "to_name": user.full_name, "locale": locale, "subject": subject,
            **bodies, "ics": ics, "message_id": mid}


COUNTDOWN_BASIS = "5393 sayılı Belediye Kanunu md. 41"  # the plan goes to the council within six months


def digest_message(user, rows: list, day: date, key: str) -> dict:
    """The outbox columns of one daily digest: the subjects of the collected mails, with their links."""
    locale = recipient_locale(user)
    base = current_app.config["BASE_URL"]
    items = [(row.subject, f"{base}/tasks/{row.task_id}" if row.task_id else
              f"{base}/instances/{row.instance_id}" if row.instance_id else base) for row in rows]
    with force_locale(locale):
        subject = _("Günlük özet (%(day)s): %(count)d hatırlatma", day=format_day(day, locale), count=len(rows))
        context = {
            "greeting": _("Sayın %(name)s,", name=user.full_name),
            "lead": _("Ayrı ayrı e-posta yerine günlük özet almayı seçtiniz. Bugünkü hatırlatmalarınız:"),
            "items": items, "subject": subject, "locale": locale,
            "footer": _("Bu ileti stratflow tarafından kendiliğinden gönderilmiştir; yanıtlamayın."),
        }
        text_body = _render("email/digest.txt", context)
        html_body = _render("email/digest.html", context)
    return {"to_address": user.email, "to_name": user.full_name, "locale": locale, "subject": subject,
            "text_body": text_body, "html_body": html_body, "ics": None,
            "message_id": key_message_id("digest", key)}


def render_bodies(user, subject: str, lead: str, facts: list, link: str, link_label: str, locale: str) -> dict:
    """Plain text and HTML of one mail (call inside force_locale); `user` may be a name instead."""
    name = user if isinstance(user, str) else user.full_name
    context = {
        "greeting": _("Sayın %(name)s,", name=name), "lead": lead, "facts": facts,
        "link": link, "link_label": link_label,
        "footer": _("Bu ileti stratflow tarafından kendiliğinden gönderilmiştir; yanıtlamayın."),
        "subject": subject, "locale": locale,
    }
    return {"text_body": _render("email/reminder.txt", context), "html_body": _render("email/reminder.html", context)}


def _render(name: str, context: dict) -> str:
    """Render outside any request (the page context processors need a signed-in user)."""
    return current_app.jinja_env.get_template(name).render(**context)


def _wording(task, kind: str, day: date, locale: str, leave: frozenset[date] = frozenset()) -> tuple[str, str]:
    step, due = task.name, format_day(task.due_date, locale)
    if kind.startswith("before-"):
        days = working_days_between(day, task.due_date, leave)
        return (_("Hatırlatma: %(step)s — %(days)d iş günü kaldı", step=step, days=days),
                _("“%(step)s” adımının son günü %(due)s; %(days)d iş günü kaldı.", step=step, due=due, days=days))
    if kind == "due":
        return (_("Bugün son gün: %(step)s", step=step),
                _("“%(step)s” adımının son günü bugün.", step=step))
    late = working_days_between(task.due_date, day, leave)
    if kind.startswith("overdue-"):
        return (_("Süresi geçti: %(step)s — %(days)d iş günü gecikme", step=step, days=late),
                _("“%(step)s” adımının süresi %(due)s tarihinde doldu; %(days)d iş günü gecikti.",
                  step=step, due=due, days=late))
    return (_("Geciken görev: %(step)s (%(municipality)s)", step=step, municipality=task.municipality.name),
            _("“%(step)s” adımı %(days)d iş günüdür gecikiyor; bilginize ve gereğine sunulur.",
              step=step, days=late))


def due_date_ics(task, link: str, now: datetime) -> str:
    """An all-day calendar entry on the due date (same UID for every reminder of the task)."""
    return day_ics(f"task-{task.id}@stratflow", task.due_date, task.name, link, now)


@lru_cache(maxsize=1024)
def day_ics(uid: str, day: date, summary: str, link: str, now: datetime) -> str:
    """An all-day calendar entry on `day` (remembered: every recipient of a task's reminder gets
    the same one). Written line by line — what icalendar's Calendar/Event write for the same
    properties (tests/test_reminder_sweep.py compares them), at a tenth of the cost."""
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//stratflow//reminders//TR", "BEGIN:VEVENT",
             f"SUMMARY:{_ics_text(summary)}", f"DTSTART;VALUE=DATE:{day:%Y%m%d}",
             f"DTEND;VALUE=DATE:{day + timedelta(days=1):%Y%m%d}", f"DTSTAMP:{now:%Y%m%dT%H%M%S}Z",
             f"UID:{_ics_text(uid)}", f"DESCRIPTION:{_ics_text(link)}", f"URL:{link}", "END:VEVENT", "END:VCALENDAR"]
    return "".join((line if len(line.encode()) < 75 else _fold(line)) + "\r\n" for line in lines)


def _ics_text(value: str) -> str:
    return vText(value).to_ical().decode()


def _fold(line: str, limit: int = 75) -> str:
    """RFC 5545 folding as icalendar does it: pieces under `limit` octets, never splitting a
    backslash escape (or "^") from what it escapes."""
    pieces, current, size = [], [], 0
    for char in line:
        width = len(char.encode())
        if current and size + width >= limit:
            carried = current.pop() if len(current) > 1 and current[-1] in "\\^" else None
            pieces.append("".join(current))
            current, size = ([carried], len(carried.encode())) if carried else ([], 0)
        current.append(char)
        size += width
    if current:
        pieces.append("".join(current))
    return "\r\n ".join(pieces)


def message_id(task_id: str, user_id: int, kind: str) -> str:
    """The same Message-ID for every attempt at one reminder (receivers drop duplicates)."""
    return key_message_id(f"reminder.{kind}", f"{task_id}:{user_id}:{kind}")


def key_message_id(prefix: str, source: str) -> str:
    """A Message-ID fixed by what the mail is about (`source`), whatever the attempt."""
    sender = current_app.config.get("MAIL_DEFAULT_SENDER") or "stratflow@localhost"
    domain = sender.rsplit("@", 1)[-1].strip(">") or "localhost"
    digest = hashlib.sha256(source.encode()).hexdigest()[:24]
    return f"<{prefix}.{digest}@{domain}>"
