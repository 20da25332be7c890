"""The scheduler starts the yearly cycle's monitoring periods by itself (issue 15).

Once a half of a plan year has ended (30 June / 31 December), each municipality's plan in force — its
latest completed strategic plan whose years hold that half — gets the period's monitoring
(`monitoring.start_period`, no actor: "started by the scheduler") unless one was started for that
half already (by the coordinator or an earlier poll; a terminated one does not count) or the
municipality turned `monitoring_autostart` off. Only within AUTOSTART_WINDOW_DAYS of the half's end:
a plan adopted late does not back-fill old periods, and the coordinator can still start any period
from the plan page. A municipality whose period cannot start (a period of the plan still running, no
indicator with a responsible unit) is tried again on the next poll and logged.

Cost of a poll: two queries (plans in force with their settings; the monitoring periods already
started for those municipalities), and a start only where one is due.
"""

from __future__ import annotations

import logging
from datetime import date, datetime

from ..extensions import db
from ..models import DefinitionVersion, MunicipalitySettings, ProcessDefinition, ProcessInstance
from . import ServiceError, deadlines, instances, monitoring, plan_rules

log = logging.getLogger(__name__)
AUTOSTART_WINDOW_DAYS = 31


def due_half(today: date, years: list[int]) -> tuple[int, int, date] | None:
    """(year, half, period end) of the half that ended most recently before `today`, if it is one of
    the plan's years and ended at most AUTOSTART_WINDOW_DAYS ago."""
    if today.month >= 7:
        year, half, end = today.year, 1, date(today.year, 6, 30)
    else:
        year, half, end = today.year - 1, 2, date(today.year - 1, 12, 31)
    if year not in years or (today - end).days > AUTOSTART_WINDOW_DAYS:
        return None
    return year, half, end


def plans_in_force() -> list[ProcessInstance]:
    """Each municipality's latest completed strategic plan, where monitoring starts automatically."""
    rows = db.session.execute(
        db.select(ProcessInstance).join(ProcessInstance.version).join(DefinitionVersion.definition)
        .outerjoin(MunicipalitySettings, MunicipalitySettings.municipality_id == ProcessInstance.municipality_id)
        .where(ProcessDefinition.key == instances.MAIN_PROCESS, ProcessInstance.status == "completed",
               db.or_(MunicipalitySettings.monitoring_autostart.is_(None), MunicipalitySettings.monitoring_autostart))
        .options(db.joinedload(ProcessInstance.municipality))
        .order_by(ProcessInstance.completed_at.desc().nulls_last(), ProcessInstance.id.desc())).scalars()
    latest: dict[int, ProcessInstance] = {}
    for plan in rows:
        latest.setdefault(plan.municipality_id, plan)
    return list(latest.values())


def start_due_periods(now: datetime) -> int:
    """Start the monitoring periods due at `now` (naive UTC); commits each start on its own.
    Returns how many were started."""
    today = deadlines.local_day(now)
    due = []
    for plan in plans_in_force():
        found = due_half(today, plan_rules.plan_years(plan))
        if found is not None:
            due.append((plan, found))
    started_halves = monitoring.started_periods([plan.municipality_id for plan, _ in due])
    started = 0
    for plan, (year, half, end) in due:
        if (plan.municipality_id, end.isoformat()) in started_halves:
            continue
        try:
            monitoring.start_period(None, plan, year, half)
            db.session.commit()
            started += 1
        except ServiceError as exc:
            db.session.rollback()
            log.info("monitoring %s-H%s of plan %s not started: %s", year, half, plan.id, exc.message)
    return started
