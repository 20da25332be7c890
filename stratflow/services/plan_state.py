"""Whether the cards of an adopted plan may change now: outside a running plan update (güncelleme,
services/plan_update.py) the cards of a plan in force are read-only; inside one only its remaining
years change (plan_rules.check_update). Read by the card form, the API and the Excel import
(plan_content, plan_excel) and the plan's pages.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _

from ..extensions import db
from ..models import DefinitionVersion, ProcessDefinition, ProcessInstance
from ..models.base import utcnow
from . import ServiceError, deadlines, plan_rules, versions

PROCESS = "plan_update"
MAIN_PROCESS = "strategic_plan"
ACTIVE = ("running", "suspended")
REASON_LIMIT = 3000


def today() -> date:
    return deadlines.local_day(utcnow())


def is_plan(instance: ProcessInstance) -> bool:
    return versions.of_instance(instance).key == MAIN_PROCESS


def updates(plan: ProcessInstance) -> list[ProcessInstance]:
    """The plan's updates, newest first."""
    return list(db.session.execute(
        db.select(ProcessInstance).where(ProcessInstance.plan_instance_id == plan.id)
        .join(ProcessInstance.version).join(DefinitionVersion.definition).where(ProcessDefinition.key == PROCESS)
        .order_by(ProcessInstance.started_at.desc(), ProcessInstance.id.desc())).scalars())


def running_update(plan: ProcessInstance) -> ProcessInstance | None:
    return next((u for u in updates(plan) if u.status in ACTIVE), None)


@dataclass(frozen=True)
class Scope:
    """What a card may change in a running update: the open years and the cards as they were."""
    years: list            # the open (remaining) plan years
    all_years: list
    update: ProcessInstance


def active_of(found: list) -> ProcessInstance | None:
    """The running (or suspended) one of a plan's updates."""
    return next((u for u in found if u.status in ACTIVE), None)


def scope_of(plan: ProcessInstance, found: list | None = None) -> Scope | None:
    if not is_plan(plan) or plan.status != "completed":
        return None
    running = running_update(plan) if found is None else active_of(found)
    if running is None:
        return None
    years = plan_rules.plan_years(plan)
    first = deadlines.local_day(running.started_at).year if running.started_at else today().year
    return Scope(years=[y for y in years if y > first], all_years=years, update=running)


def edit_lock(plan: ProcessInstance) -> str | None:
    """Why the plan's cards cannot be edited now (a plan in force outside a running update)."""
    if plan.status != "completed" or not is_plan(plan) or running_update(plan) is not None:
        return None
    return _("Plan yürürlükte: hedef kartları salt okunurdur. Kalan yılların hedef kartlarını değiştirmek için "
             "plan sayfasından bir güncelleme açın.")


def require_editable(plan: ProcessInstance) -> Scope | None:
    """The running update's scope (None outside one, when the plan is not in force); ServiceError
    when the cards are read-only."""
    locked = edit_lock(plan)
    if locked:
        raise ServiceError(locked, code="conflict")
    return scope_of(plan)
