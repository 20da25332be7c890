"""The phases of the strategic-plan process: which steps belong to each, how far each has come,
and each phase's target date (the due date of its milestone step, from the model's rule).

Used by the instance page's timeline, the municipality overview and the consultant cockpit.
Steps of a definition that no phase lists count in no phase (other processes have no phases).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from flask_babel import lazy_gettext as _l

from .. import engine
from ..extensions import db
from ..models import TaskRecord
from ..models.task import VOID_TASK_STATES
from . import deadlines

PROCESS_KEY = "strategic_plan"


@dataclass(frozen=True)
class Phase:
    key: str
    label: object            # lazy Turkish msgid
    steps: tuple[str, ...]    # required steps; "a|b" = either of two alternatives
    milestone: str            # the step whose due date is the phase's target
    optional: tuple[str, ...] = ()  # steps that may or may not happen (escalations, commission)

    def all_steps(self) -> set[str]:
        return {s for step in self.steps for s in step.split("|")} | set(self.optional)


PHASES: tuple[Phase, ...] = (
    Phase("circular", _l("Genelge"), ("circular_draft", "circular_approval"), "circular_approval",
          optional=("voluntary_decision",)),
    Phase("organisation", _l("Kurul ve ekip"),
          ("board_composition|board_composition_metro", "board_approval", "team_nomination", "team_list"),
          "team_list", optional=("nomination_escalation",)),
    Phase("program", _l("Hazırlık programı"), ("program_draft", "program_approval"), "program_approval"),
    Phase("analysis", _l("Durum analizi"),
          ("unit_analysis", "plan_evaluation", "policy_analysis", "stakeholder_analysis",
           "environment_analysis", "findings_needs", "analysis_adoption"), "analysis_adoption"),
    Phase("future", _l("Geleceğe bakış"), ("future_draft", "future_adoption"), "future_adoption"),
    Phase("strategy", _l("Strateji"), ("strategy_draft", "target_review", "monitoring_design"),
          "monitoring_design"),
    Phase("approval", _l("Taslak ve onay"), ("plan_draft", "draft_review", "plan_approval"), "plan_approval"),
    Phase("council", _l("Encümen ve meclis"), ("encumen_opinion", "council_schedule", "council_decision"),
          "council_decision", optional=("extraordinary_call", "commission_report")),
    Phase("publication", _l("Valilik ve yayım"), ("governor_submission", "plan_publication"),
          "plan_publication"),
)
PHASE_OF = {step: phase.key for phase in PHASES for step in phase.all_steps()}

NOT_REACHED, ACTIVE, DONE = "not_reached", "active", "done"


@dataclass
class PhaseStatus:
    phase: Phase
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
        return self.phase.label

    @property
    def percent(self) -> int:
        return round(self.progress * 100)


def instance_records(instance_id: int) -> list[TaskRecord]:
    return list(db.session.execute(
        db.select(TaskRecord).where(TaskRecord.instance_id == instance_id)
        .order_by(TaskRecord.created_at)).scalars())


def phase_statuses(instance, records: list[TaskRecord] | None = None, today: date | None = None,
                   data: dict | None = None, sched=None, due_rules: dict | None = None) -> list[PhaseStatus]:
    """Every phase of the instance's process with its state, progress and target date.
    `data` (the process variables) lets not-yet-reached milestones get a target from their rule;
    without it, only milestones that already have a task carry a target. `due_rules`: the
    municipality's phase-target setting when the caller has read it (else read per milestone).
    Records of steps that were cancelled or rewound count nowhere."""
    if instance.version.definition.key != PROCESS_KEY:
        return []
    records = instance_records(instance.id) if records is None else records
    today = today or date.today()
    by_step: dict[str, list[TaskRecord]] = {}
    for record in records:
        if record.state not in VOID_TASK_STATES:
            by_step.setdefault(record.bpmn_id, []).append(record)
    finished_process = instance.status == "completed"
    statuses = []
    for phase in PHASES:
        mine = [r for step in phase.all_steps() for r in by_step.get(step, [])]
        fractions = [_step_fraction(step, by_step) for step in phase.steps]
        progress = sum(fractions) / len(fractions)
        open_tasks = [r for r in mine if r.state == "open"]
        if finished_process and mine:
            progress = 1.0
        state = NOT_REACHED if not mine else ACTIVE if open_tasks or progress < 1 else DONE
        done_times = [r.completed_at for r in mine if r.completed_at]
        statuses.append(PhaseStatus(
            phase=phase, state=state, progress=progress,
            target=_milestone_due(instance, phase, by_step, data, sched, due_rules),
            started=min(r.created_at for r in mine).date() if mine else None,
            finished=max(done_times).date() if state == DONE and done_times else None,
            open_tasks=open_tasks,
            overdue=sum(1 for r in open_tasks if r.due_date and r.due_date < today)))
    return statuses


def current_phase(statuses: list[PhaseStatus]) -> PhaseStatus | None:
    """The earliest active phase, else the first not reached, else None (all done)."""
    for wanted in (ACTIVE, NOT_REACHED):
        for status in statuses:
            if status.state == wanted:
                return status
    return None


def _step_fraction(step: str, by_step: dict) -> float:
    records = [r for alternative in step.split("|") for r in by_step.get(alternative, [])]
    if not records:
        return 0.0
    return sum(1 for r in records if r.state == "completed") / len(records)


def _milestone_due(instance, phase: Phase, by_step: dict, data: dict | None, sched=None,
                   due_rules: dict | None = None) -> date | None:
    records = by_step.get(phase.milestone, [])
    dated = [r.due_date for r in records if r.due_date]
    if dated:
        return max(dated)
    if data is None:
        return None
    return rule_date(instance, phase.milestone, data, sched, due_rules)


def rule_date(instance, bpmn_id: str, data: dict, sched=None, due_rules: dict | None = None) -> date | None:
    """The date a step's due-date rule gives now: the municipality's phase-target setting, else the
    model's rule (None without a rule or while its anchor is unknown). `due_rules` is the
    municipality's setting when the caller has it already (saves a query per municipality)."""
    version = instance.version
    facts = engine.task_facts(f"{version.id}:{version.content_hash}", lambda: version.spec_json)
    step = facts.get(bpmn_id)
    if step is None:
        return None
    if due_rules is None:
        probe = engine.HumanTask(id="", bpmn_id=bpmn_id, name=step["name"], lane=step["lane"],
                                 properties=step["properties"], data=data)
        return deadlines.rule_due_date(instance, probe, sched)
    text = due_rules.get(bpmn_id) or step["properties"].get(deadlines.RULE_PROPERTY)
    return deadlines.evaluate_rule(instance, text, data, sched)
