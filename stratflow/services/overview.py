"""Where a municipality's plan stands: phases, dates, overdue tasks and the risk flag.

`municipality_overview` serves one municipality's page and status report; `cockpit` the table of
every municipality a consultant (or coordinator) follows, with a fixed number of queries whatever
their number: the municipalities, their instances, and one TaskRecord query for all instances.

The risk (stratflow/services/risk.py) is computed from the task projection, the statutory
schedule and the anchors the instance's transitions recorded (services/transition.py), so the
cockpit and the overview give the same answer without loading workflow state. The target council
meeting is the clerk's date once entered (the council_meeting_date anchor). The phases counted
for the risk are those up to the one where the statutory countdown stops (the model's
`countdownStop`: the submission to the council); the steps after it mean the plan was adopted.
Compliance is judged on submission (services/compliance.py): `Overview.compliance`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from functools import lru_cache
from zoneinfo import ZoneInfo

from flask_babel import lazy_gettext as _l

from .. import calendar
from ..calendar import cycle
from ..extensions import db
from ..i18n import tr_sort_key
from ..models import DefinitionVersion, Municipality, ProcessDefinition, ProcessInstance, TaskRecord
from ..models.task import VOID_TASK_STATES
from . import calendars, compliance, current_realisation, deadlines, phases, risk, versions
from .context import Context
from .definitions import current_version

LOCAL = ZoneInfo("Europe/Istanbul")
ACTIVE_STATUSES = ("running", "suspended")
PROCESS_KEY = "strategic_plan"  # the process the overview and the cockpit follow
COCKPIT_ROLES = ("consultant", "coordinator")

RISK_LABELS = {risk.LOW: _l("Düşük"), risk.MEDIUM: _l("Orta"), risk.HIGH: _l("Yüksek"), risk.LATE: _l("Süre aşıldı")}
REASON_TEXTS = {
    risk.ADOPTED: _l("Plan meclis tarafından kabul edildi."),
    risk.SUBMITTED: _l("Plan yasal süre içinde Meclise sunuldu."),
    risk.SUBMITTED_LATE: _l("Plan yasal süre sonundan sonra Meclise sunuldu."),
    risk.DEADLINE_PASSED: _l("Yasal süre sonu geçti ve plan henüz Meclise sunulmadı."),
    risk.MEETING_PASSED: _l("Hedef meclis toplantısı geldi ya da geçti ve plan henüz Meclise sunulmadı."),
    risk.AFTER_DEADLINE: _l("Hedef meclis toplantısı yasal süre sonundan sonra."),
    risk.OVERDUE: _l("Süresi geçmiş görevler var: risk bir kademe yükseltildi."),
}
COMPLIANCE_LABELS = {
    compliance.PENDING: _l("Meclise sunulmadı"), compliance.ON_TIME: _l("Süresinde sunuldu"),
    compliance.LATE: _l("Süre sonundan sonra sunuldu"), compliance.OVERDUE: _l("Süre doldu, sunulmadı"),
}
CYCLE_LABELS = {
    "monitoring_h1_actuals": _l("Birimlerin ilk altı ay gerçekleşmeleri"),
    "monitoring_h1_report": _l("Altı aylık izleme raporu"),
    "unit_performance_proposals": _l("Birimlerin performans programı önerileri"),
    "budget_to_encumen": _l("Bütçe ve performans programı encümene (5393 md. 62)"),
    "performance_program_council": _l("Performans programı meclise"),
    "budget_council": _l("Bütçe meclise"),
    "monitoring_h2_actuals": _l("Birimlerin yıl sonu gerçekleşmeleri"),
    "monitoring_h2_report": _l("Yıl sonu izleme raporu"),
    "unit_activity_reports": _l("Birim faaliyet raporları"),
    "evaluation_report": _l("Yıllık değerlendirme raporu"),
    "activity_report_council": _l("Faaliyet raporu nisan meclisine (5393 md. 56)"),
    "final_accounts_council": _l("Kesinhesap mayıs meclisine (5393 md. 64)"),
}
RULE_TEXT = _l(
    "Risk, kalan işin kalan süreye oranıdır. Her evrenin planlanan payı, bir önceki evrenin hedef "
    "tarihinden kendi hedef tarihine kadar olan iş günü sayısıdır (ilk evre mazbata tarihinden başlar; "
    "hedefi henüz belli olmayan evreler komşu hedefler arasındaki süreyi eşit paylaşır). Kalan iş, meclis "
    "sunuşuna kadarki evrelerin planlanan payı × (1 − ilerleme) toplamıdır; kalan süre, bugünden hedef meclis "
    "toplantısına kadarki iş günüdür (hafta sonları ve resmî tatiller sayılmaz). Oran 1,1 ve altı: düşük; "
    "1,3'e kadar: orta; üstü: yüksek. Hedef toplantı geçmişse ya da yasal süre sonundan sonraysa yüksek; "
    "yasal süre sonu plan Meclise sunulmadan geçtiyse süre aşıldı. Süresi geçmiş görevler riski bir kademe "
    "yükseltir. Yasal süreye uyum Meclise sunuş tarihine göre değerlendirilir (5393 md. 41): plan süresinde "
    "sunulduysa (komisyonda incelense ve sonra kabul edilse de) risk düşüktür; süre sonundan sonra "
    "sunulduysa süre aşıldı.")


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
    compliance: compliance.Compliance | None = None
    planned: dict = field(default_factory=dict)  # phase key -> planned working days (risk share)
    next_cycle_date: object = None                # calendar.cycle.CycleDate: the adopted plan's next date
    units_behind: int = 0                         # units with an overdue task of a running monitoring (cockpit)
    realisation: object = None                    # current_realisation.YearRealisation: this year's figures
    deadline_counts_from: date | None = None      # the election day (a re-run's: the general election's)
    election_kind: str = "genel"

    @property
    def overdue(self) -> int:
        return len(self.overdue_tasks)

    @property
    def percent(self) -> int:
        return round(self.progress * 100)


# -- one municipality ----------------------------------------------------------------------------

def municipality_overview(municipality: Municipality, today: date | None = None) -> Overview:
    """The overview page's figures."""
    today = today or today_local()
    instance = latest_instances([municipality.id]).get(municipality.id)
    records = records_by_instance([instance.id], details=True).get(instance.id, []) if instance else []
    view = summarize(municipality, instance, records, today, calendars.of(municipality))
    view.realisation = current_realisation.for_municipalities([municipality.id], today).get(municipality.id)
    return view


def risk_split(meaning) -> tuple[set, frozenset]:
    """(the phases counted for the risk, the steps that mean the plan was adopted): the phases up
    to the one where the countdown stops, and the steps of the phases after it."""
    keys, after, stopped = set(), set(), False
    for phase in meaning.phases:
        if stopped:
            after |= phase.all_steps()
        else:
            keys.add(phase.key)
            stopped = bool(phase.all_steps() & meaning.countdown_stops)
    return keys, frozenset(after)


def summarize(municipality, instance, records: list, today: date, cal: calendars.Calendar) -> Overview:
    """The figures of one municipality (with its latest instance and that instance's records)."""
    sched = cal.schedule
    ctx = Context(instance=instance, version=versions.of_instance(instance), calendar=cal) \
        if instance else None
    meeting, entered = target_meeting(ctx, sched)
    statuses = phases.phase_statuses(ctx, records, today) if ctx else []
    start = municipality.mazbata_date or municipality.election_date
    risk_keys, adoption_steps = risk_split(ctx.version.meaning) if ctx else (set(), frozenset())
    counted = [s for s in statuses if s.key in risk_keys]

    def between(a, b):
        return _working_days(a, b, sched.leave_days)

    spans = risk.planned_spans(start, [s.target for s in counted], between) if counted else []
    restart = instance is None or instance.status == "terminated"
    work = [risk.PhaseWork(days, 0.0 if restart else s.progress) for s, days in zip(counted, spans, strict=True)]
    if not counted and meeting:  # no process yet: the whole plan is ahead
        work = [risk.PhaseWork(max(0, between(start, meeting)), 0.0)]
    active = instance is not None and instance.status in ACTIVE_STATUSES
    overdue = sorted((r for r in records if active and r.state == "open" and r.due_date and r.due_date < today),
                     key=lambda r: (r.due_date, r.name))
    adopted = instance is not None and (instance.status == "completed"
                                        or any(r.bpmn_id in adoption_steps for r in records))
    judged = compliance.judge((instance.anchors or {}) if instance else {}, sched.legal_deadline, today,
                              adopted=adopted)
    assessed = risk.assess(
        work, between(today, meeting) if meeting else 0, len(overdue), adopted=adopted,
        deadline_passed=today > sched.legal_deadline,
        target_after_deadline=bool(meeting and meeting > sched.legal_deadline),
        submitted=judged.submitted, submitted_late=judged.state == compliance.LATE)
    return Overview(
        municipality=municipality, instance=instance, statuses=statuses, current=phases.current_phase(statuses),
        progress=(1.0 if instance and instance.status == "completed"
                  else sum(s.progress for s in statuses) / len(statuses) if statuses else 0.0),
        legal_deadline=sched.legal_deadline, days_left=(sched.legal_deadline - today).days,
        next_meeting=next((m.date for m in sched.meetings if m.date >= today), None),
        target_meeting=meeting, target_entered=entered, extraordinary_needed=sched.target.extraordinary_needed,
        overdue_tasks=overdue, risk=assessed, compliance=judged,
        planned={s.key: round(days, 1) for s, days in zip(counted, spans, strict=True)},
        deadline_counts_from=sched.deadline_counts_from, election_kind=sched.election_kind,
        next_cycle_date=_next_cycle_date(instance, municipality, cal, today))


def _next_cycle_date(instance, municipality, cal: calendars.Calendar, today: date):
    """Once the plan is in force (its process ended): the yearly cycle's next date."""
    if instance is None or instance.status != "completed":
        return None
    first = instance.plan_first_year or municipality.election_date.year + 1
    return cycle.next_date(today, first, cal.type, cal.weekday, recess_month=cal.settings.recess_month,
                           actual_dates=cal.entered_meetings, leave_days=cal.leave_days)


@lru_cache(maxsize=8192)
def _working_days(start: date, end: date, leave_days: frozenset) -> int:
    """calendar.working_days_between, memoised: municipalities of one election share their dates."""
    return calendar.working_days_between(start, end, leave_days)


def target_meeting(ctx, sched: calendar.Schedule) -> tuple[date | None, bool]:
    """(the target council meeting, whether the clerk entered it)."""
    if ctx is None:
        return sched.target.date or sched.legal_deadline, False
    entered = "council_meeting_date" in (ctx.instance.anchors or {})
    return deadlines.anchor_value(ctx, "target_council_meeting", {}), entered


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
               ProcessDefinition.key == PROCESS_KEY)
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
    phases: list = field(default_factory=list)  # (key, label) of the followed process's phases


def cockpit(user, province: str | None = None, type: str | None = None, phase: str | None = None,
            today: date | None = None) -> Cockpit:
    today = today or today_local()
    followed = followed_municipalities(user)
    provinces = sorted({m.province for m in followed}, key=tr_sort_key)
    types = [t for t in ("buyuksehir", "il", "ilce", "belde") if any(m.type == t for m in followed)]
    instances = latest_instances([m.id for m in followed])
    phase_options = cockpit_phases(instances.values())
    filters = {"province": province if province in provinces else None,
               "type": type if type in types else None,
               "phase": phase if phase in {k for k, _l in phase_options} | {"done", "none"} else None}
    chosen = [m for m in followed if (not filters["province"] or m.province == filters["province"])
              and (not filters["type"] or m.type == filters["type"])]
    records = records_by_instance([instances[m.id].id for m in chosen if m.id in instances])
    cals = calendars.of_many(chosen)
    rows = [summarize(m, instances.get(m.id), records.get(instances[m.id].id, []) if m.id in instances else [],
                      today, cals[m.id]) for m in chosen]
    behind = monitoring_units_behind([m.id for m in chosen], today)
    realised = current_realisation.for_municipalities([m.id for m in chosen], today)
    for row in rows:
        row.units_behind = behind.get(row.municipality.id, 0)
        row.realisation = realised.get(row.municipality.id)
    if filters["phase"]:
        rows = [r for r in rows if phase_key(r) == filters["phase"]]
    rows.sort(key=sort_key)
    return Cockpit(rows=rows, provinces=provinces, types=types, filters=filters, total=len(followed),
                   phases=phase_options)


MONITORING_PROCESS = "plan_monitoring"


def monitoring_units_behind(municipality_ids, today: date) -> dict[int, int]:
    """Per municipality: the spending units holding an overdue task of a running monitoring
    period (one query for all)."""
    if not municipality_ids:
        return {}
    rows = db.session.execute(
        db.select(TaskRecord.municipality_id, db.func.count(db.distinct(TaskRecord.unit_id)))
        .join(ProcessInstance, ProcessInstance.id == TaskRecord.instance_id)
        .join(DefinitionVersion, DefinitionVersion.id == ProcessInstance.version_id)
        .join(ProcessDefinition, ProcessDefinition.id == DefinitionVersion.definition_id)
        .where(TaskRecord.municipality_id.in_(list(municipality_ids)), TaskRecord.state == "open",
               TaskRecord.due_date < today, TaskRecord.unit_id.is_not(None),
               ProcessInstance.status == "running", ProcessDefinition.key == MONITORING_PROCESS)
        .group_by(TaskRecord.municipality_id)).all()
    return dict(rows)


def cockpit_phases(instances) -> list[tuple[str, object]]:
    """(key, label) of the phases of the followed process: as its newest version among these
    instances declares them (the current version when there are none)."""
    newest = max(instances, key=lambda i: (i.version.version, i.version_id), default=None)
    version = newest.version if newest is not None else current_version(PROCESS_KEY)
    return [(p.key, phases.label(p)) for p in versions.info(version).meaning.phases] if version else []


def phase_key(row: Overview) -> str:
    """The row's current phase key; "none" without a process, "done" when every phase is done."""
    if row.instance is None:
        return "none"
    return row.current.key if row.current else "done"


def sort_key(row: Overview):
    """Highest risk first; then the least time for the work (highest ratio), most overdue, name."""
    ratio = row.risk.ratio if row.risk.ratio is not None else float("inf")
    return (-row.risk.rank, -ratio, -row.overdue, tr_sort_key(row.municipality.name))
