"""Everything the coordinator's instance page shows, from a fixed number of queries: the task
records once (with units and people), the holders once, the audit trail once, the engine state
once (diagram marks, rewind targets and the process data that the timeline and the matrix read),
the documents once. Templates get this page model and run no query of their own."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import cached_property

from flask_babel import gettext

from .. import engine
from . import (
    ServiceError,
    attachments,
    audit_trail,
    compliance,
    deadlines,
    diagram,
    document_jobs,
    documents,
    instance_actions,
    instances,
    overview,
    phases,
    progress,
    situation,
    status_report,
    timeline,
    unit_matrix,
    versions,
)
from .context import context_of


@dataclass
class Status:
    """What the exports and the page share."""
    instance: object
    today: date
    records: list
    data: dict
    people: dict              # open task id -> [(user id, name)]
    holders: dict             # open task id -> [name]
    phases: list
    matrix: list
    legal_deadline: date
    target_meeting: date | None
    engine_progress: dict | None
    schedule: object = None   # calendar.Schedule of the municipality
    matrix_steps: list = None  # (bpmn_id, label) of the unit matrix columns
    process_key: str = instances.MAIN_PROCESS

    @property
    def open_tasks(self) -> list:
        return [t for t in self.records if t.state == "open"]

    @property
    def compliance(self) -> compliance.Compliance | None:
        """5393 art. 41, judged on submission (services/compliance.py); None for other processes
        (the monitoring of an adopted plan)."""
        if self.process_key != instances.MAIN_PROCESS:
            return None
        return compliance.judge(self.data, self.legal_deadline, self.today)

    @property
    def completed_tasks(self) -> list:
        return sorted((t for t in self.records if t.state == "completed"), key=lambda t: t.completed_at)

    def days_late(self, record) -> int:
        return max((self.today - record.due_date).days, 0) if record.due_date else 0


@dataclass
class Page:
    status: Status
    view: progress.InstanceView
    timeline: timeline.Timeline | None
    diagram: dict                     # bpmn_id -> {"state", "tasks"} for the viewer script
    by_person: list
    audit_filters: audit_trail.Filters
    audit_options: audit_trail.Options
    documents: list = None            # per kind: its versions (documents.for_instance)
    documents_pending: bool = False   # the scheduler has not made the latest versions yet
    attachments: list = None          # files attached to its task forms (attachments.for_instance)
    actions: object = None            # instance_actions.Panel for people who may act, else None

    @cached_property
    def texts(self) -> dict:
        """Counted texts repeated per row, translated once per page (the template formats them)."""
        return {"days": gettext("%(n)d gün"), "days_late": gettext("%(n)d gün gecikme"),
                "late_count": gettext("%(n)d geciken"), "open_count": gettext("%(n)d açık görev"),
                "round": gettext("%(n)d. tur"), "due": gettext("Son tarih")}

    @property
    def days_left(self) -> int:
        return (self.status.legal_deadline - self.status.today).days

    @property
    def overdue_count(self) -> int:
        return sum(1 for t in self.status.open_tasks if t.due_date and t.due_date < self.status.today)

    @property
    def current_phase(self):
        return phases.current_phase(self.status.phases)

    def compliance_text(self, locale: str) -> tuple[str, str]:
        """(label, sentence) of the compliance with 5393 art. 41."""
        judged = self.status.compliance
        if judged is None:
            return "", ""
        return str(overview.COMPLIANCE_LABELS[judged.state]), status_report.compliance_sentence(judged, locale)


def status(instance, today: date | None = None, workflow=None) -> Status:
    today = today or progress.local_today()
    ctx = context_of(instance)
    records = progress.task_records(instance.id)
    engine_progress, data = _engine_view(instance, workflow)
    open_tasks = [t for t in records if t.state == "open"]
    people = progress.holder_people(instance.municipality_id, open_tasks)
    names = {task_id: [n for _i, n in found] for task_id, found in people.items()}
    columns = unit_matrix.steps(ctx.version.meaning)
    return Status(
        instance=instance, today=today, records=records, data=data, people=people, holders=names,
        phases=phases.phase_statuses(ctx, records, today, data),
        matrix=unit_matrix.build(columns, list(instance.municipality.units), records, names, data, today),
        legal_deadline=ctx.schedule.legal_deadline,
        target_meeting=deadlines.anchor_value(ctx, "target_council_meeting", data),
        engine_progress=engine_progress, schedule=ctx.schedule, matrix_steps=columns, process_key=ctx.version.key)


def page(instance, args, actor=None, today: date | None = None) -> Page:
    """The whole page; `args` are the request's GET parameters (the audit filters); `actor` the
    reader (the actions panel is theirs only when they may act)."""
    workflow = _workflow(instance)
    st = status(instance, today, workflow)
    opts = audit_trail.options(instance.id, st.records)
    filters = audit_trail.parse(args, opts)
    view = progress.instance_view(instance, st.records, st.data, audit_trail.rows(instance.id, filters),
                                  st.schedule, st.holders)
    started = progress.local_day(instance.started_at)
    tl = timeline.build(st.phases, started=started, election=instance.municipality.election_date,
                        legal_deadline=st.legal_deadline, meeting=st.target_meeting,
                        today=st.today) if st.phases else None
    states = diagram.element_states(st.records, st.today, st.engine_progress)
    return Page(status=st, view=view, timeline=tl, diagram=diagram.states_json(states, st.today),
                by_person=progress.open_by_person(st.open_tasks, st.people, st.today),
                audit_filters=filters, audit_options=opts, documents=documents.for_instance(instance),
                documents_pending=document_jobs.pending(instance.id),
                attachments=attachments.for_instance(instance.id),
                actions=instance_actions.panel(actor, instance, view.open_tasks, workflow, st.records)
                if actor else None)


def _workflow(instance):
    """The engine state, read once for the page (None when it cannot be read or the instance has
    been terminated)."""
    if instance.status not in ("running", "completed", "suspended"):
        return None
    try:
        return versions.read_workflow(instance)
    except ServiceError:
        return None


def _engine_view(instance, workflow=None) -> tuple[dict | None, dict]:
    """(element progress, process data) from the stored engine state; (None, {}) when the state
    cannot be read or the instance has been terminated."""
    workflow = workflow or _workflow(instance)
    if workflow is None:
        return None, {}
    data = dict(workflow.data)
    for task in workflow.ready_human_tasks():
        data.update(task.data)
    return engine.element_progress(workflow), data


STAKEHOLDER_FORM = "stakeholder_analysis.schema.json"


def situation_analysis(instance, locale: str) -> dict:
    """The consolidated situation analysis (services/situation.py) of the instance: from the engine
    state (finished parallel branches included), else what the documents last gathered."""
    workflow = _workflow(instance)
    data = workflow.merged_data() if workflow is not None else document_jobs.source_data(instance)
    strong = situation.strong_degree(versions.of_instance(instance).forms.get(STAKEHOLDER_FORM) or {})
    return situation.consolidate(data, locale, strong or situation.STRONG_FROM)
