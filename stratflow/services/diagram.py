"""The state of every element of an instance's BPMN diagram, for the marks bpmn-js draws.

- User tasks (from the task projection, per unit the latest record of the step; cancelled records
  ignored): an open record past its due date → overdue; else an open record → active; else
  completed records → completed; no record → not reached.
- Every other element (events, gateways, script tasks, timers): the engine's own view
  (engine.element_progress): passed → completed, waiting now (a timer) → active, else not reached.
- The engine also has the last word on what was reached: a step the instance was moved back
  before (rewind) is not reached again, whatever its old records say.

When the engine state cannot be read (an instance in error, or terminated), user tasks keep
their marks from the records and all other elements show as not reached.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from flask_babel import lazy_gettext as _l

from ..i18n import tr_sort_key
from ..models import TaskRecord
from ..models.task import VOID_TASK_STATES

COMPLETED, ACTIVE, OVERDUE, NOT_REACHED = "completed", "active", "overdue", "not_reached"
STATES = (COMPLETED, ACTIVE, OVERDUE, NOT_REACHED)
STATE_LABELS = {COMPLETED: _l("Tamamlandı"), ACTIVE: _l("Açık"), OVERDUE: _l("Gecikmiş"),
                NOT_REACHED: _l("Henüz ulaşılmadı")}


@dataclass
class ElementState:
    state: str
    tasks: list[TaskRecord] = field(default_factory=list)  # what a click on the element opens

    def to_json(self, today: date) -> dict:
        return {"state": self.state, "tasks": [{
            "id": t.id, "label": t.unit.name if t.unit else t.name,
            "state": task_state(t, today)} for t in self.tasks]}


def task_state(record: TaskRecord, today: date) -> str:
    if record.state == "open":
        return OVERDUE if record.due_date and record.due_date < today else ACTIVE
    return COMPLETED if record.state == "completed" else NOT_REACHED


def latest_per_unit(records: list[TaskRecord]) -> dict[str, list[TaskRecord]]:
    """bpmn_id -> the latest record of each unit that still counts (not cancelled or rewound; one
    record for a step without units), sorted by unit name. `records` must be in creation order."""
    latest: dict[tuple, TaskRecord] = {}
    for record in records:
        if record.state not in VOID_TASK_STATES:
            latest[(record.bpmn_id, record.unit_id)] = record
    by_step: dict[str, list[TaskRecord]] = {}
    for (bpmn_id, _unit), record in latest.items():
        by_step.setdefault(bpmn_id, []).append(record)
    for items in by_step.values():
        items.sort(key=lambda t: tr_sort_key(t.unit.name if t.unit else ""))
    return by_step


def element_states(records: list[TaskRecord], today: date,
                   progress: dict[str, str] | None) -> dict[str, ElementState]:
    """bpmn_id -> ElementState for every element the instance has reached (absent: not reached).
    `progress` is engine.element_progress of the loaded workflow, or None when it cannot be read."""
    states: dict[str, ElementState] = {}
    for bpmn_id, state in (progress or {}).items():
        states[bpmn_id] = ElementState(COMPLETED if state == "completed" else ACTIVE)
    for bpmn_id, latest in latest_per_unit(records).items():
        marks = {task_state(t, today) for t in latest}
        state = next(s for s in (OVERDUE, ACTIVE, COMPLETED, NOT_REACHED) if s in marks)
        if progress is not None and bpmn_id not in progress:
            state = NOT_REACHED
        states[bpmn_id] = ElementState(state, latest)
    return states


def bpmn_xml(instance) -> str:
    """The BPMN text of the instance's definition version (the element ids are the BPMN ids)."""
    return instance.version.bpmn_xml


def states_json(states: dict[str, ElementState], today: date) -> dict:
    """What the page hands to static/js/instance-diagram.js."""
    return {bpmn_id: s.to_json(today) for bpmn_id, s in states.items()}
