"""Calendar and reminder settings: per municipality (recess month, phase targets, reminder policy),
the national administrative-leave days (admin) and the actual council meeting dates (clerk).

A municipality's settings row is created, with the defaults, the first time one is saved; until
then `current()` answers with an unsaved row of defaults. Every change is validated as a whole
(bad input changes nothing), audited, and moves the open tasks of the running instances whose
due dates depend on it (transition.refresh_due_dates). What transitions and pages read of these
settings comes from services/calendars.py.
"""

from __future__ import annotations

from datetime import date

from flask_babel import get_locale
from flask_babel import gettext as _

from .. import calendar
from ..calendar import WEEKDAYS, reminder_policy, rules, timeline
from ..calendar.reminder_policy import PolicyError
from ..extensions import db
from ..models import CouncilMeetingDate, LeaveDay, Municipality, MunicipalitySettings, ProcessInstance
from ..models.settings import DEFAULT_RECESS_MONTH
from ..models.task import open_tasks_of_municipalities
from ..parsing import parse_int
from . import NotFound, ServiceError, access, audit, calendars, deadlines, transition, valid_id, versions
from .calendars import MAX_COUNTDOWN_DAYS, default_policy
from .definitions import current_version
from .municipalities import clean_text, invalid, parse_date

PHASE_PROCESS = "strategic_plan"
REMINDER_FIELDS = ("reminder_before", "remind_on_due", "overdue_every", "escalation_days", "countdown_days")
MEETING_EDITORS = ("coordinator", "council_clerk")
__all__ = ["MAX_COUNTDOWN_DAYS", "default_policy"]


def _locale() -> str:
    return str(get_locale() or "tr")


# -- reading ---------------------------------------------------------------------------------------

def current(municipality: Municipality) -> MunicipalitySettings:
    """The municipality's settings row as stored, else the defaults (not stored) — for the form."""
    return db.session.get(MunicipalitySettings, municipality.id) or \
        MunicipalitySettings(municipality_id=municipality.id, recess_month=DEFAULT_RECESS_MONTH, due_rules={},
                             public_plan_page=False, monitoring_autostart=True)


def _stored(municipality: Municipality) -> MunicipalitySettings:
    row = db.session.get(MunicipalitySettings, municipality.id)
    if row is None:
        row = current(municipality)
        db.session.add(row)
    return row


def phase_tasks() -> list[dict]:
    """The user tasks of the current strategic-plan model that have a due-date rule, in model order:
    [{"id", "name", "rule"}]."""
    version = current_version(PHASE_PROCESS)
    if version is None:
        return []
    facts = versions.info(version).facts
    return [{"id": bpmn_id, "name": fact["name"], "rule": fact["properties"][deadlines.RULE_PROPERTY]}
            for bpmn_id, fact in facts.items()
            if fact.get("user_task") and fact["properties"].get(deadlines.RULE_PROPERTY)]


# -- municipality settings -------------------------------------------------------------------------

def form_data(municipality: Municipality) -> dict:
    """The settings as the form shows them (strings; blank = the default)."""
    row = current(municipality)
    data = {"recess_month": "none" if row.recess_month is None else str(row.recess_month),
            "reminder_before": row.reminder_before or "",
            "remind_on_due": "" if row.remind_on_due is None else ("yes" if row.remind_on_due else "no"),
            "overdue_every": "" if row.overdue_every is None else str(row.overdue_every),
            "escalation_days": row.escalation_days or "", "countdown_days": row.countdown_days or "",
            "public_plan_page": "yes" if row.public_plan_page else "no",
            "monitoring_autostart": "no" if row.monitoring_autostart is False else "yes"}
    for bpmn_id, text in (row.due_rules or {}).items():
        data[f"rule_{bpmn_id}"] = text
    return data


def _clean_settings(data: dict, known_steps: set[str]) -> tuple[dict, dict]:
    errors: dict[str, str] = {}
    values: dict = {}
    recess = clean_text(data.get("recess_month")).lower()
    if recess in ("none", "yok", "0"):
        values["recess_month"] = None
    elif (parse_int(recess) or 0) in range(1, 13):
        values["recess_month"] = parse_int(recess)
    else:
        errors["recess_month"] = _("Tatil ayı 1 ile 12 arasında bir ay ya da “tatil yok” olmalıdır.")
    rules_: dict[str, str] = {}
    for key, raw in data.items():
        if not key.startswith("rule_"):
            continue
        step, text = key[len("rule_"):], clean_text(raw)
        if not text:
            continue
        if step not in known_steps:
            errors[key] = _("Bilinmeyen adım: %(step)s", step=step)
            continue
        try:
            rules_[step] = str(rules.parse(text))
        except rules.RuleError as exc:
            errors[key] = _("Son tarih kuralı geçersiz: %(problem)s", problem=exc.describe(_locale()))
    values["due_rules"] = rules_
    if data.get("public_plan_page") is not None:  # a post without it (an older page) keeps it as stored
        choice = clean_text(data.get("public_plan_page")).lower()
        if choice in ("yes", "no"):
            values["public_plan_page"] = choice == "yes"
        else:
            errors["public_plan_page"] = _("Herkese açık plan sayfası için “açık” ya da “kapalı” seçin.")
    if data.get("monitoring_autostart") is not None:  # a post without it (an older page) keeps it as stored
        choice = clean_text(data.get("monitoring_autostart")).lower()
        if choice in ("yes", "no"):
            values["monitoring_autostart"] = choice == "yes"
        else:
            errors["monitoring_autostart"] = _("İzleme dönemlerinin kendiliğinden başlaması için “evet” ya da "
                                               "“hayır” seçin.")
    checks = {
        "reminder_before": lambda t: reminder_policy.format_days(reminder_policy.parse_days(t, "before")),
        "escalation_days": lambda t: reminder_policy.format_days(reminder_policy.parse_escalation(t)),
        "countdown_days": lambda t: reminder_policy.format_days(
            reminder_policy.parse_days(t, "countdown", MAX_COUNTDOWN_DAYS)),
        "overdue_every": lambda t: reminder_policy.parse_every(t),
        "remind_on_due": lambda t: reminder_policy.parse_flag(t),
    }
    for key, check in checks.items():
        text = clean_text(data.get(key))
        if not text:
            values[key] = None
            continue
        try:
            values[key] = check(text)
        except PolicyError as exc:
            errors[key] = exc.describe(_locale())
    return values, errors


def _order_errors(municipality: Municipality, values: dict) -> dict:
    """A phase target may not put a step after a step that follows it in the process (on this
    municipality's own cycle, nothing entered yet: calendar/timeline.reference_anchors)."""
    version = current_version(PHASE_PROCESS)
    overrides = values.get("due_rules") or {}
    if version is None or not overrides:
        return {}
    info = versions.info(version)
    texts = {k: f["properties"].get(deadlines.RULE_PROPERTY) for k, f in info.facts.items()}
    texts = {k: v for k, v in {**texts, **overrides}.items() if v}
    anchors = timeline.reference_anchors(
        municipality.election_date, municipality.type, WEEKDAYS.index(municipality.council_weekday or "tuesday"),
        values.get("recess_month", DEFAULT_RECESS_MONTH))
    own = {k: rules.evaluate(rules.parse(text), anchors) for k, text in texts.items()}
    errors: dict[str, str] = {}
    for found in timeline.inversions(info.successors, own):
        key = f"rule_{found.first}" if found.first in overrides else f"rule_{found.then}"
        if found.first not in overrides and found.then not in overrides:
            continue  # the model's own order (definitions check reports it)
        errors.setdefault(key, _(
            "Bu kurallarla “%(first)s” (%(first_due)s), kendisinden sonra gelen “%(then)s” adımından "
            "(%(then_due)s) sonraya düşüyor; süreç sırası korunmalıdır.",
            first=info.facts[found.first]["name"], first_due=found.first_due.strftime("%d.%m.%Y"),
            then=info.facts[found.then]["name"], then_due=found.then_due.strftime("%d.%m.%Y")))
    return errors


def update_settings(actor, municipality: Municipality, data: dict) -> dict:
    """Apply the settings form; returns the changes ({field: [old, new]}), empty when none.
    A bad value anywhere changes nothing."""
    if not access.can_manage(actor, municipality.id):
        raise NotFound()
    values, errors = _clean_settings(data, {t["id"] for t in phase_tasks()})
    if not errors:
        errors = _order_errors(municipality, values)
    if errors:
        raise invalid(errors)
    row = current(municipality)
    changes = {k: [getattr(row, k), v] for k, v in values.items() if getattr(row, k) != v}
    if not changes:
        return {}
    row = _stored(municipality)
    for key, value in values.items():
        setattr(row, key, value)
    db.session.flush()
    audit.record("municipality.settings_changed", actor, municipality_id=municipality.id, changes=changes)
    if set(changes) - {"public_plan_page", "monitoring_autostart"}:  # these move no due date, no reminder
        transition.refresh_due_dates(municipality.id, actor)
        _recompute_reminders([municipality.id])  # the reminder policy may have changed
    return changes


def recess_notes(municipality: Municipality) -> list[str]:
    """Sentences on a recess month that hurts the plan cycle (the legal deadline's month of the
    municipality's election, April: the activity report), in the reader's language."""
    sched = calendars.of(municipality).schedule
    locale = str(get_locale() or "tr")
    return [calendar.describe(w, locale) for w in calendar.recess_warnings(sched.recess_month, sched.legal_deadline)]


# -- administrative-leave days (national; the administrator keeps them) ----------------------------

def leave_day_rows(year: int | None = None) -> list[LeaveDay]:
    query = db.select(LeaveDay).order_by(LeaveDay.day)
    if year is not None:
        query = query.where(LeaveDay.day >= date(year, 1, 1), LeaveDay.day <= date(year, 12, 31))
    return list(db.session.execute(query).scalars())


def leave_years() -> list[int]:
    years = {d.year for d in db.session.execute(db.select(LeaveDay.day)).scalars()}
    return sorted(years | {date.today().year})


def _recompute_reminders(municipality_ids) -> None:
    """The reminder sweep looks at these municipalities' open tasks again (None: all of them)."""
    db.session.execute(open_tasks_of_municipalities(municipality_ids))


def _refresh_all(actor) -> int:
    """Leave days are national: every municipality with a running process moves its open tasks."""
    ids = db.session.execute(
        db.select(ProcessInstance.municipality_id).where(ProcessInstance.status.in_(transition.ACTIVE))
        .distinct().order_by(ProcessInstance.municipality_id)).scalars().all()
    _recompute_reminders(None)  # working days changed: every task's next reminder day may move
    return sum(transition.refresh_due_dates(mid, actor) for mid in ids)


def add_leave_day(actor, data: dict) -> LeaveDay:
    if not actor.is_admin:
        raise NotFound()
    errors = {}
    try:
        day = parse_date(data.get("day"))
    except ValueError:
        day = None
        errors["day"] = _("Tarih geçerli değil (GG.AA.YYYY).")
    else:
        if day is None:
            errors["day"] = _("Tarih boş olamaz.")
        elif db.session.execute(db.select(LeaveDay.id).where(LeaveDay.day == day)).first():
            errors["day"] = _("Bu gün zaten idari izin olarak kayıtlı.")
    label = clean_text(data.get("label"))
    if not label:
        errors["label"] = _("Açıklama boş olamaz (ör. Cumhurbaşkanlığı Genelgesi ile idari izin).")
    elif len(label) > 200:
        errors["label"] = _("Açıklama en fazla 200 karakter olabilir.")
    if errors:
        raise invalid(errors)
    row = LeaveDay(day=day, label=label)
    db.session.add(row)
    db.session.flush()
    audit.record("leave_day.added", actor, day=day.isoformat(), label=label)
    _refresh_all(actor)
    return row


def remove_leave_day(actor, leave_day_id: int) -> date:
    """Remove a leave day; returns its date."""
    if not actor.is_admin:
        raise NotFound()
    row = db.session.get(LeaveDay, leave_day_id) if valid_id(leave_day_id) else None
    if row is None:
        raise NotFound()
    day = row.day
    audit.record("leave_day.removed", actor, day=day.isoformat(), label=row.label)
    db.session.delete(row)
    db.session.flush()
    _refresh_all(actor)
    return day


# -- actual council meeting dates (the council clerk, the coordinator) -----------------------------

def can_view_meetings(user, municipality_id: int) -> bool:
    return user.is_admin or municipality_id in user.municipality_ids(*access.INSTANCE_VIEWERS)


def can_enter_meetings(user, municipality_id: int) -> bool:
    return user.is_admin or municipality_id in user.municipality_ids(*MEETING_EDITORS)


def meetings_municipality(user, municipality_id: int, edit: bool = False) -> Municipality:
    """The municipality whose meetings the user looks at: NotFound when it is not theirs,
    ServiceError("forbidden") when they may look but not enter dates."""
    municipality = db.session.get(Municipality, municipality_id) if valid_id(municipality_id) else None
    if municipality is None or not can_view_meetings(user, municipality_id):
        raise NotFound()
    if edit and not can_enter_meetings(user, municipality_id):
        raise ServiceError(_("Meclis toplantı tarihlerini yalnızca Yazı İşleri ve strateji birimi girebilir."),
                           code="forbidden")
    return municipality


def entered_meeting_rows(municipality: Municipality) -> list[CouncilMeetingDate]:
    return list(db.session.execute(
        db.select(CouncilMeetingDate).where(CouncilMeetingDate.municipality_id == municipality.id)
        .order_by(CouncilMeetingDate.month)).scalars())


def _parse_month(raw) -> date | None:
    text = clean_text(raw)
    for separator in ("-", "."):
        parts = text.split(separator)
        if len(parts) == 2 and all(parse_int(p) is not None for p in parts):
            year, month = (parts[0], parts[1]) if len(parts[0]) == 4 else (parts[1], parts[0])
            if len(year) == 4 and 1900 <= int(year) <= 2100 and 1 <= int(month) <= 12:
                return date(int(year), int(month), 1)
    raise ValueError(text)


def enter_meeting(actor, municipality: Municipality, data: dict) -> CouncilMeetingDate:
    """The actual date of one month's council meeting (the month defaults to the date's own)."""
    meetings_municipality(actor, municipality.id, edit=True)
    errors: dict[str, str] = {}
    try:
        day = parse_date(data.get("meeting_date"))
        if day is None:
            errors["meeting_date"] = _("Toplantı tarihi boş olamaz.")
    except ValueError:
        day = None
        errors["meeting_date"] = _("Toplantı tarihi geçerli değil (GG.AA.YYYY).")
    month = None
    if clean_text(data.get("month")):
        try:
            month = _parse_month(data.get("month"))
        except ValueError:
            errors["month"] = _("Ay geçerli değil (YYYY-AA).")
    if day is not None and month is None and "month" not in errors:
        month = day.replace(day=1)
    if day is not None and month is not None and not (
            month <= day and (day.year * 12 + day.month) - (month.year * 12 + month.month) <= 1):
        errors["meeting_date"] = _("Toplantı tarihi, toplantının ait olduğu ayda ya da izleyen ayda olmalıdır.")
    if errors:
        raise invalid(errors)
    row = db.session.execute(db.select(CouncilMeetingDate).where(
        CouncilMeetingDate.municipality_id == municipality.id, CouncilMeetingDate.month == month)).scalar_one_or_none()
    old = row.meeting_date.isoformat() if row is not None else None
    if row is None:
        row = CouncilMeetingDate(municipality_id=municipality.id, month=month, meeting_date=day)
        db.session.add(row)
    row.meeting_date, row.entered_by_id = day, getattr(actor, "id", None)
    db.session.flush()
    audit.record("council_meeting.entered", actor, municipality_id=municipality.id,
                 month=month.isoformat()[:7], old=old, new=day.isoformat())
    transition.refresh_due_dates(municipality.id, actor)
    return row


def remove_meeting(actor, municipality: Municipality, meeting_id: int) -> None:
    """Forget an entered date: the month's meeting follows the rule again."""
    meetings_municipality(actor, municipality.id, edit=True)
    row = db.session.get(CouncilMeetingDate, meeting_id) if valid_id(meeting_id) else None
    if row is None or row.municipality_id != municipality.id:
        raise NotFound()
    audit.record("council_meeting.removed", actor, municipality_id=municipality.id,
                 month=row.month.isoformat()[:7], old=row.meeting_date.isoformat())
    db.session.delete(row)
    db.session.flush()
    transition.refresh_due_dates(municipality.id, actor)
