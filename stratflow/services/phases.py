"""The phases of a process: which steps belong to each, how far each has come, and each phase's
target date (the due date of its milestone step, else its rule's date).

The phases are what the model declares (engine/meaning.py: `phase`, `phaseMilestone` …); a
process that declares none has no phases. Used by the instance page's timeline, the municipality
overview and the consultant cockpit.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from flask_babel import gettext

from ..engine import PhaseDef
from ..extensions import db
from ..models import TaskRecord
from ..models.task import VOID_TASK_STATES
from . import deadlines
from .context import context_of


def label(phase: PhaseDef) -> str:
    """The phase's name as the model declares it, in the reader's language (stratflow/i18n_bpmn.py
    puts the model's labels into the catalog)."""
    return gettext(phase.label)


NOT_REACHED, ACTIVE, DONE = "not_reached", "active", "done"


@dataclass
class PhaseStatus:
    phase: PhaseDef
    state: str                # not_reached | active | done
    progress: float           # 0..1: required steps done (a multi-instance step counts by its tasks)
    target: date | None       # the milestone's due date
    started: date | None = None
    finished: date | None = None
    open_tasks: list = field(default_factory=list)
    overdue: int = 0          # open tasks of the phase past their due date (as of `today`)

    @property
    def key(self) -> str:
        return self.phase.key

    @property
    def label(self):
        return label(self.phase)

    @property
    def percent(self) -> int:
        return round(self.progress * 100)


def phase_statuses(ctx, records: list, today: date | None = None, data: dict | None = None) -> list[PhaseStatus]:
    """Every phase of the instance's process with its state, progress and target date. `ctx`:
    the instance's context (services/transition.context_of); `data`: process variables that
    let not-yet-reached milestones get a target from their rule (the instance's recorded anchors
    are always used). Records of steps that were cancelled or rewound count nowhere."""
    today = today or date.today()
    by_step: dict[str, list] = {}
    for record in records:
        if record.state not in VOID_TASK_STATES:
            by_step.setdefault(record.bpmn_id, []).append(record)
    finished_process = ctx.instance.status == "completed"
    statuses = []
    for phase in ctx.version.meaning.phases:
        mine = [r for step in phase.all_steps() for r in by_step.get(step, [])]
        fractions = [_step_fraction(step, by_step) for step in phase.steps]
        progress = sum(fractions) / len(fractions) if fractions else 0.0
        open_tasks = [r for r in mine if r.state == "open"]
        if finished_process and mine:
            progress = 1.0
        state = NOT_REACHED if not mine else ACTIVE if open_tasks or progress < 1 else DONE
        done_times = [r.completed_at for r in mine if r.completed_at]
        statuses.append(PhaseStatus(
            phase=phase, state=state, progress=progress, target=_milestone_due(ctx, phase, by_step, data or {}),
            started=min(r.created_at for r in mine).date() if mine else None,
            finished=max(done_times).date() if state == DONE and done_times else None,
            open_tasks=open_tasks,
            overdue=sum(1 for r in open_tasks if r.due_date and r.due_date < today)))
    return statuses


def of_instance(instance, today: date | None = None) -> list[PhaseStatus]:
    """The phases of an instance from its task records and recorded anchors."""
    records = db.session.execute(db.select(TaskRecord).where(TaskRecord.instance_id == instance.id)
                                 .order_by(TaskRecord.created_at)).scalars().all()
    return phase_statuses(context_of(instance), records, today)


def current_phase(statuses: list[PhaseStatus]) -> PhaseStatus | None:
    """The earliest active phase, else the first not reached, else None (all done)."""
    for wanted in (ACTIVE, NOT_REACHED):
        for status in statuses:
            if status.state == wanted:
                return status
    return None


def _step_fraction(step: tuple, by_step: dict) -> float:
    records = [r for alternative in step for r in by_step.get(alternative, [])]
    if not records:
        return 0.0
    return sum(1 for r in records if r.state == "completed") / len(records)


def _milestone_due(ctx, phase: PhaseDef, by_step: dict, data: dict) -> date | None:
    dated = [r.due_date for r in by_step.get(phase.milestone, []) if r.due_date]
    if dated:
        return max(dated)
    return deadlines.step_due_date(ctx, phase.milestone, data)
