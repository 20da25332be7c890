"""Where a municipality's plan stands: phases, dates, overdue tasks and the risk flag.

`municipality_overview` serves one municipality's page and status report; `cockpit` the table of
every municipality a consultant (or coordinator) follows, with a fixed number of queries whatever
their number: the municipalities, their instances, and one TaskRecord query for all instances.

The risk (stratflow/services/risk.py) is computed from the task projection and the statutory
schedule only, so the cockpit and the overview give the same answer without loading workflow
state. The target council meeting is the clerk's date once entered: the due date of the council
decision that followed the latest council_schedule task; only when no such decision task exists
yet is the workflow state read (deadline_warnings.process_data).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from functools import lru_cache
from zoneinfo import ZoneInfo

from flask_babel import lazy_gettext as _l

from .. import calendar
from ..extensions import db
from ..i18n import tr_sort_key
from ..models import DefinitionVersion, Municipality, ProcessDefinition, ProcessInstance, TaskRecord
from ..models.task import VOID_TASK_STATES
from . import deadline_warnings, deadlines, phases, risk, settings

LOCAL = ZoneInfo("Europe/Istanbul")
ACTIVE_STATUSES = ("running", "suspended")
RISK_PHASES = tuple(p.key for p in phases.PHASES if p.key != "publication")  # up to the council decision
ADOPTION_STEPS = frozenset(next(p for p in phases.PHASES if p.key == "publication").all_steps())
COCKPIT_ROLES = ("consultant", "coordinator")

RISK_LABELS = {risk.LOW: _l("Düşük"), risk.MEDIUM: _l("Orta"), risk.HIGH: _l("Yüksek"), risk.LATE: _l("Süre aşıldı")}
REASON_TEXTS = {
    risk.ADOPTED: _l("Plan meclis tarafından kabul edildi."),
    risk.DEADLINE_PASSED: _l("Yasal süre sonu geçti ve plan henüz kabul edilmedi."),
    risk.MEETING_PASSED: _l("Hedef meclis toplantısı geldi ya da geçti ve plan henüz kabul edilmedi."),
    risk.AFTER_DEADLINE: _l("Hedef meclis toplantısı yasal süre sonundan sonra."),
    risk.OVERDUE: _l("Süresi geçmiş görevler var: risk bir kademe yükseltildi."),
}
RULE_TEXT = _l(
    "Risk, kalan işin kalan süreye oranıdır. Her evrenin planlanan payı, bir önceki evrenin hedef "
    "tarihinden kendi hedef tarihine kadar olan iş günü sayısıdır (ilk evre mazbata tarihinden başlar; "
    "hedefi henüz belli olmayan evreler komşu hedefler arasındaki süreyi eşit paylaşır). Kalan iş, meclis "
    "kararına kadarki evrelerin planlanan payı × (1 − ilerleme) toplamıdır; kalan süre, bugünden hedef meclis "
    "toplantısına kadarki iş günüdür (hafta sonları ve resmî tatiller sayılmaz). Oran 1,1 ve altı: düşük; "
    "1,3'e kadar: orta; üstü: yüksek. Hedef toplantı geçmişse ya da yasal süre sonundan sonraysa yüksek; "
    "yasal süre sonu plan kabul edilmeden geçtiyse süre aşıldı. Süresi geçmiş görevler riski bir kademe "
    "yükseltir. Plan kabul edildiyse risk düşüktür.")


def today_local() -> date:
    return datetime.now(LOCAL).date()


@dataclass
class Overview:
    municipality: Municipality
    instance: ProcessInstance | None
    statuses: list                      # phases.PhaseStatus, in process order
    current: object | None              # the current PhaseStatus (None: not started or all done)
    progress: float                     # mean progress of the phases (0..1)
    legal_deadline: date
    days_left: int                      # calendar days to the legal deadline (negative: passed)
    next_meeting: date | None           # next regular council meeting from today on
    target_meeting: date | None
    target_entered: bool                # the clerk entered the meeting date
    extraordinary_needed: bool          # no regular meeting left before the deadline
    overdue_tasks: list = field(default_factory=list)
    risk: risk.Risk | None = None
    planned: dict = field(default_factory=dict)  # phase key -> planned working days (risk share)

    @property
    def overdue(self) -> int:
        return len(self.overdue_tasks)

    @property
    def percent(self) -> int:
        return round(self.progress * 100)


# -- one municipality ----------------------------------------------------------------------------

def municipality_overview(municipality: Municipality, today: date | None = None) -> Overview:
    """The overview page's figures; the phase targets shown use the full process data."""
    today = today or today_local()
    instance = latest_instances([municipality.id]).get(municipality.id)
    records = records_by_instance([instance.id], details=True).get(instance.id, []) if instance else []
    data = deadline_warnings.process_data(instance) if instance else None
    current = settings.current(municipality)  # read once: the schedule and every phase target
    return summarize(municipality, instance, records, today, data=data,
                     sched=deadlines.schedule(municipality, current), due_rules=current.due_rules or {})


def summarize(municipality, instance, records: list, today: date, data: dict | None = None,
              sched: calendar.Schedule | None = None, memo: dict | None = None,
              due_rules: dict | None = None) -> Overview:
    """The figures of one municipality. The risk's phase targets come from the tasks and, for
    milestones not reached, from their rules with only the statutory anchors (`light` data);
    `memo` shares those rule dates between municipalities with the same anchors."""
    sched = sched or deadlines.schedule(municipality)
    meeting, entered = target_meeting(instance, records, sched, data)
    light = {"council_meeting_date": meeting.isoformat()} if entered and meeting else {}
    statuses = phases.phase_statuses(instance, records, today, None, sched=sched, due_rules=due_rules) \
        if instance else []
    shown = statuses if data is None or not instance else \
        phases.phase_statuses(instance, records, today, {**data, **light}, sched=sched, due_rules=due_rules)
    start = municipality.mazbata_date or municipality.election_date
    counted = [s for s in statuses if s.key in RISK_PHASES]
    targets = [s.target or _rule_target(instance, s.phase.milestone, light, sched, memo, due_rules)
               for s in counted]

    def between(a, b):
        return _working_days(a, b, sched.leave_days)

    spans = risk.planned_spans(start, targets, between) if counted else []
    restart = instance is None or instance.status == "terminated"
    work = [risk.PhaseWork(days, 0.0 if restart else s.progress) for s, days in zip(counted, spans, strict=True)]
    if not counted and meeting:  # no process yet: the whole plan is ahead
        work = [risk.PhaseWork(max(0, between(start, meeting)), 0.0)]
    active = instance is not None and instance.status in ACTIVE_STATUSES
    overdue = sorted((r for r in records if active and r.state == "open" and r.due_date and r.due_date < today),
                     key=lambda r: (r.due_date, r.name))
    adopted = instance is not None and (instance.status == "completed"
                                        or any(r.bpmn_id in ADOPTION_STEPS for r in records))
    assessed = risk.assess(
        work, between(today, meeting) if meeting else 0, len(overdue), adopted=adopted,
        deadline_passed=today > sched.legal_deadline,
        target_after_deadline=bool(meeting and meeting > sched.legal_deadline))
    return Overview(
        municipality=municipality, instance=instance, statuses=shown, current=phases.current_phase(shown),
        progress=(1.0 if instance and instance.status == "completed"
                  else sum(s.progress for s in shown) / len(shown) if shown else 0.0),
        legal_deadline=sched.legal_deadline, days_left=(sched.legal_deadline - today).days,
        next_meeting=next((m.date for m in sched.meetings if m.date >= today), None),
        target_meeting=meeting, target_entered=entered, extraordinary_needed=sched.target.extraordinary_needed,
        overdue_tasks=overdue, risk=assessed,
        planned={s.key: round(days, 1) for s, days in zip(counted, spans, strict=True)})


def _rule_target(instance, milestone: str, light: dict, sched, memo: dict | None,
                 due_rules: dict | None = None) -> date | None:
    """phases.rule_date with the statutory anchors only, memoised on what it depends on (the
    municipality's own phase-target rule included, when the caller read the settings)."""
    if due_rules is None:
        due_rules = settings.current(instance.municipality).due_rules or {}
    municipality = instance.municipality
    key = (instance.version_id, milestone, due_rules.get(milestone), municipality.election_date,
           municipality.mazbata_date,
           deadlines.anchor_value(instance, "target_council_meeting", light, sched), sched.legal_deadline,
           sched.leave_days)
    if memo is None:
        memo = {}
    if key not in memo:
        memo[key] = phases.rule_date(instance, milestone, light, sched, due_rules)
    return memo[key]


@lru_cache(maxsize=8192)
def _working_days(start: date, end: date, leave_days: frozenset) -> int:
    """calendar.working_days_between, memoised: municipalities of one election share their dates."""
    return calendar.working_days_between(start, end, leave_days)


def target_meeting(instance, records: list, sched: calendar.Schedule, data: dict | None = None):
    """(the target council meeting, whether the clerk entered it); see the module doc."""
    fallback = sched.target.date or sched.legal_deadline
    if data is not None and instance is not None:
        entered = deadlines.iso_date(data.get("council_meeting_date"))
        return entered or fallback, entered is not None
    scheduled = [r.completed_at for r in records
                 if r.bpmn_id == "council_schedule" and r.state == "completed" and r.completed_at]
    if not scheduled:
        return fallback, False
    latest = max(scheduled)
    decisions = sorted((r for r in records if r.bpmn_id == "council_decision" and r.created_at >= latest
                        and r.due_date), key=lambda r: r.created_at)
    if decisions:
        return decisions[-1].due_date, decisions[-1].due_date != fallback
    return target_meeting(instance, records, sched, deadline_warnings.process_data(instance))


# -- batch loading ---------------------------------------------------------------------------------

def latest_instances(municipality_ids) -> dict[int, ProcessInstance]:
    """Per municipality its running (or suspended) strategic-plan instance, else the latest one."""
    if not municipality_ids:
        return {}
    rows = db.session.execute(
        db.select(ProcessInstance)
        .join(DefinitionVersion, DefinitionVersion.id == ProcessInstance.version_id)
        .join(ProcessDefinition, ProcessDefinition.id == DefinitionVersion.definition_id)
        .where(ProcessInstance.municipality_id.in_(list(municipality_ids)),
               ProcessDefinition.key == phases.PROCESS_KEY)
        .options(db.selectinload(ProcessInstance.version)  # one row per version, not per instance
                 .load_only(DefinitionVersion.id, DefinitionVersion.definition_id, DefinitionVersion.version,
                            DefinitionVersion.content_hash)
                 .joinedload(DefinitionVersion.definition))
        .order_by(ProcessInstance.started_at.desc(), ProcessInstance.id.desc())).unique().scalars()
    chosen: dict[int, ProcessInstance] = {}
    for instance in rows:
        current = chosen.get(instance.municipality_id)
        if current is None or (instance.status in ACTIVE_STATUSES and current.status not in ACTIVE_STATUSES):
            chosen[instance.municipality_id] = instance
    return chosen


def records_by_instance(instance_ids, details: bool = False) -> dict[int, list[TaskRecord]]:
    """Every task of the instances that still counts (not cancelled or rewound), in one query
    (`details`: with unit and assignee; otherwise only the columns the figures need)."""
    found: dict[int, list[TaskRecord]] = {i: [] for i in instance_ids}
    if not found:
        return found
    where = (TaskRecord.instance_id.in_(list(found)), TaskRecord.state.not_in(VOID_TASK_STATES))
    if details:
        rows = db.session.execute(
            db.select(TaskRecord).where(*where).order_by(TaskRecord.created_at)
            .options(db.joinedload(TaskRecord.unit), db.joinedload(TaskRecord.assignee))).unique().scalars()
    else:  # plain rows with the same attribute names: no ORM objects to build
        rows = db.session.execute(
            db.select(TaskRecord.id, TaskRecord.instance_id, TaskRecord.bpmn_id, TaskRecord.name, TaskRecord.state,
                      TaskRecord.due_date, TaskRecord.created_at, TaskRecord.completed_at)
            .where(*where).order_by(TaskRecord.created_at))
    for record in rows:
        found[record.instance_id].append(record)
    return found


def schedules_for(municipalities) -> dict[int, calendar.Schedule]:
    """deadlines.schedule for many municipalities with three queries (settings, entered meetings,
    leave days) instead of three each; equal schedules are built once (tests compare both)."""
    from ..models import CouncilMeetingDate, LeaveDay, MunicipalitySettings
    ids = [m.id for m in municipalities]
    if not ids:
        return {}
    recess = dict(db.session.execute(db.select(MunicipalitySettings.municipality_id, MunicipalitySettings.recess_month)
                                      .where(MunicipalitySettings.municipality_id.in_(ids))).all())
    entered: dict[int, dict] = {}
    for mid, month, day in db.session.execute(
            db.select(CouncilMeetingDate.municipality_id, CouncilMeetingDate.month, CouncilMeetingDate.meeting_date)
            .where(CouncilMeetingDate.municipality_id.in_(ids))):
        entered.setdefault(mid, {})[month] = day
    leave = frozenset(db.session.execute(db.select(LeaveDay.day)).scalars())
    built: dict[tuple, calendar.Schedule] = {}
    found = {}
    for m in municipalities:
        key = (m.election_date, m.type, calendar.WEEKDAYS.index(m.council_weekday or "tuesday"),
               recess.get(m.id, calendar.DEFAULT_RECESS_MONTH), tuple(sorted(entered.get(m.id, {}).items())))
        if key not in built:
            built[key] = calendar.build_schedule(*key[:4], dict(key[4]), leave)
        found[m.id] = built[key]
    return found


def due_rules_for(municipalities) -> dict[int, dict]:
    """Each municipality's phase-target rules (settings), with one query."""
    from ..models import MunicipalitySettings
    ids = [m.id for m in municipalities]
    if not ids:
        return {}
    return {mid: rules or {} for mid, rules in db.session.execute(
        db.select(MunicipalitySettings.municipality_id, MunicipalitySettings.due_rules)
        .where(MunicipalitySettings.municipality_id.in_(ids))).all()}


# -- the cockpit -----------------------------------------------------------------------------------

def can_use_cockpit(user) -> bool:
    return bool(user.is_admin or user.municipality_ids(*COCKPIT_ROLES))


def followed_municipalities(user) -> list[Municipality]:
    """Admin: all; otherwise those where the user is consultant or coordinator."""
    query = db.select(Municipality)
    if not user.is_admin:
        query = query.where(Municipality.id.in_(user.municipality_ids(*COCKPIT_ROLES) or {0}))
    return sorted(db.session.execute(query).scalars(), key=lambda m: tr_sort_key(m.name))


@dataclass
class Cockpit:
    rows: list[Overview]
    provinces: list[str]          # filter options (of every followed municipality)
    types: list[str]
    filters: dict                 # the filters applied (unknown values dropped)
    total: int                    # followed municipalities before filtering


def cockpit(user, province: str | None = None, type: str | None = None, phase: str | None = None,
            today: date | None = None) -> Cockpit:
    today = today or today_local()
    followed = followed_municipalities(user)
    provinces = sorted({m.province for m in followed}, key=tr_sort_key)
    types = [t for t in ("buyuksehir", "il", "ilce", "belde") if any(m.type == t for m in followed)]
    filters = {"province": province if province in provinces else None,
               "type": type if type in types else None,
               "phase": phase if phase in {p.key for p in phases.PHASES} | {"done", "none"} else None}
    chosen = [m for m in followed if (not filters["province"] or m.province == filters["province"])
              and (not filters["type"] or m.type == filters["type"])]
    instances = latest_instances([m.id for m in chosen])
    records = records_by_instance([i.id for i in instances.values()])
    schedules = schedules_for(chosen)
    rules_of = due_rules_for(chosen)
    memo: dict = {}
    rows = [summarize(m, instances.get(m.id), records.get(instances[m.id].id, []) if m.id in instances else [],
                      today, sched=schedules[m.id], memo=memo, due_rules=rules_of.get(m.id, {})) for m in chosen]
    if filters["phase"]:
        rows = [r for r in rows if phase_key(r) == filters["phase"]]
    rows.sort(key=sort_key)
    return Cockpit(rows=rows, provinces=provinces, types=types, filters=filters, total=len(followed))


def phase_key(row: Overview) -> str:
    """The row's current phase key; "none" without a process, "done" when every phase is done."""
    if row.instance is None:
        return "none"
    return row.current.key if row.current else "done"


def sort_key(row: Overview):
    """Highest risk first; then the least time for the work (highest ratio), most overdue, name."""
    ratio = row.risk.ratio if row.risk.ratio is not None else float("inf")
    return (-row.risk.rank, -ratio, -row.overdue, tr_sort_key(row.municipality.name))
