"""The update (güncelleme) of an adopted strategic plan (issue 15): `start_update` opens the
`plan_update` process (workflows/plan_update.bpmn) on a plan in force; while it runs the plan's
target cards may change for the remaining plan years only (plan_rules.check_update, run by the
card form, the API and the Excel import); its council decision freezes a new version of the cards
labelled as the update with its decision (`freeze_update`, run by the transition).

The rules (Kamu İdarelerinde Stratejik Planlamaya İlişkin Usul ve Esaslar Hakkında Yönetmelik,
RG 26.02.2018/30344, md. 4(1)(c)): an update changes the target cards of the plan's remaining
years; the mission, vision and goals (amaçlar) stay as they are; it is approved as the plan is —
for a municipality by the council (5393 md. 18(a)). Not before the plan's first year is complete.
Product defaults, not settled in law: the remaining years are the years after the one the update
is opened in (the current year runs under its adopted performance programme and budget); the
council meeting it goes to is the first regular one at least LEAD_DAYS after it is opened.

Outside a running update the cards of a plan in force are read-only (`edit_lock`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from flask_babel import gettext as _

from ..calendar import council
from ..extensions import db
from ..models import ProcessInstance
from . import Forbidden, ServiceError, access, calendars, instances, plan_rules, plan_state, versions
from .plan_state import PROCESS, Scope, edit_lock, is_plan, running_update, scope_of, today, updates

__all__ = ["PROCESS", "Scope", "edit_lock", "is_plan", "running_update", "scope_of", "updates"]
LEAD_DAYS = 30          # product default: the council meeting at least 30 days after the update is opened
REASON_LIMIT = plan_state.REASON_LIMIT


def remaining_years(plan: ProcessInstance, day: date | None = None) -> list[int]:
    """The plan years an update opened on `day` covers: those after `day`'s year."""
    day = day or today()
    return [y for y in plan_rules.plan_years(plan) if y > day.year]


def refusal(plan: ProcessInstance, day: date | None = None, found: list | None = None) -> str | None:
    """Why no update can be opened on the plan now (None: it can); `found`: its updates, if read."""
    day = day or today()
    if not is_plan(plan) or plan.status != "completed":
        return _("Güncelleme, yürürlükteki (hazırlık süreci tamamlanmış) bir stratejik plan üzerinde açılır.")
    years = plan_rules.plan_years(plan)
    if day.year <= years[0]:
        return _("Planın ilk yılı (%(year)d) tamamlanmadan güncelleme açılamaz; güncelleme ilk yılın bitiminden "
                 "sonra, planın kalan yılları için yapılır.", year=years[0])
    if not remaining_years(plan, day):
        return _("Planın güncellenecek yılı kalmadı (%(last)d planın son yılı); yeni plan dönemi için plan "
                 "yenilenir.", last=years[-1])
    running = running_update(plan) if found is None else plan_state.active_of(found)
    if running is not None:
        return _("Bu plan için yürütülen bir güncelleme var: %(title)s. Yeni güncelleme o tamamlandıktan sonra "
                 "açılabilir.", title=running.title)
    return None


def council_due(plan: ProcessInstance, day: date) -> date | None:
    """The first regular council meeting at least LEAD_DAYS after `day` (entered dates win)."""
    cal = calendars.of(plan.municipality)
    start = day + timedelta(days=LEAD_DAYS)
    found = council.council_meetings(start, start + timedelta(days=120), cal.type, cal.weekday,
                                     recess_month=cal.settings.recess_month, actual_dates=cal.entered_meetings,
                                     leave_days=cal.leave_days)
    return found[0].date if found else None


def start_update(actor, plan: ProcessInstance, reason) -> ProcessInstance:
    """Open an update of the plan (the coordinator); ServiceError, nothing started, with the reason
    it cannot be opened, or when no reason is given."""
    if not access.can_manage(actor, plan.municipality_id):
        raise Forbidden()
    day = today()
    refused = refusal(plan, day)
    if refused:
        raise ServiceError(refused, code="conflict")
    text = plan_rules.text(reason, REASON_LIMIT, multiline=True) if isinstance(reason, str) else None
    if not text:
        raise ServiceError(_("Güncellemenin gerekçesini yazın."), code="validation",
                           field_errors={"reason": _("Güncellemenin gerekçesini yazın.")})
    years, remaining = plan_rules.plan_years(plan), remaining_years(plan, day)
    held = versions.read_workflow(plan).merged_data()
    due = council_due(plan, day)
    data = {"plan_instance_id": plan.id, "plan_title": plan.title, "plan_period": f"{years[0]}-{years[-1]}",
            "update_years": remaining, "update_reason": text,
            "council_due": due.isoformat() if due else None,
            "council_month": due.isoformat()[:7] if due else None,  # a date entered for it wins
            # held for the update's pages; the update changes neither
            "mission": held.get("mission"), "vision": held.get("vision"),
            "update_start": {"update_reason": text}}
    started = instances.start_instance(plan.municipality, actor, PROCESS, data,
                                       title=f"{plan.title} — güncelleme ({remaining[0]}–{remaining[-1]})")
    started.plan_instance_id = plan.id
    db.session.flush()
    return started


@dataclass(frozen=True)
class Panel:
    """The plan page's update section."""
    updates: list          # the plan's updates, newest first
    refusal: str | None    # why none can be opened now
    may_start: bool        # the reader is a coordinator and an update can be opened
    is_manager: bool
    scope: Scope | None    # the running update's


def panel(user, plan: ProcessInstance) -> Panel | None:
    if not is_plan(plan) or plan.status != "completed":
        return None
    found = updates(plan)
    refused = refusal(plan, found=found)
    manager = access.can_manage(user, plan.municipality_id)
    return Panel(updates=found, refusal=refused, may_start=manager and refused is None,
                 is_manager=manager, scope=scope_of(plan, found))
