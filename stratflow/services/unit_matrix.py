"""The spending-unit matrix of an instance: for each unit of the municipality, where its own steps
stand — its team nomination, its situation-analysis inputs, its review of the targets — and the
targets it is responsible for in the strategy draft.

The steps (columns) are those the model declares with `unitMatrix` (engine/meaning.py).

A cell is the unit's latest record of the step (a step that ran again, e.g. a second review round,
shows the latest round; cancelled records are ignored): its state (open / overdue / completed), due
date, days late (open: today − due; completed: completion day − due; never negative) and who holds
it (open: the assignee or the role's holders for the unit; completed: who completed it).
A unit with no record of a step has an empty cell (shown as "—").
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from flask_babel import gettext

from ..i18n import tr_lower, tr_sort_key
from ..models import SpendingUnit, TaskRecord
from ..models.task import VOID_TASK_STATES
from .diagram import OVERDUE, latest_per_unit, task_state
from .progress import local_day


def steps(meaning) -> list[tuple[str, str]]:
    """(bpmn_id, label in the reader's language) of the matrix columns the model declares."""
    return [(bpmn_id, gettext(label)) for bpmn_id, label in meaning.unit_steps]


@dataclass
class Cell:
    record: TaskRecord
    state: str            # active | overdue | completed
    days_late: int
    people: list[str]     # holders of an open task, or who completed it
    rounds: int = 1       # records of the step for this unit (not cancelled)

    @property
    def due(self) -> date | None:
        return self.record.due_date

    @property
    def done_on(self) -> date | None:
        return local_day(self.record.completed_at) if self.record.completed_at else None


@dataclass
class UnitRow:
    unit: SpendingUnit
    cells: dict[str, Cell | None]
    targets: list[str] = field(default_factory=list)  # codes (or texts) of the targets it owns

    @property
    def late(self) -> bool:
        return any(c is not None and c.days_late > 0 for c in self.cells.values())


def build(columns: list, units: list[SpendingUnit], records: list[TaskRecord], holders: dict, data: dict,
          today: date) -> list[UnitRow]:
    """`columns`: (bpmn_id, label) of the matrix (`steps`); `records`: the instance's task records
    in creation order; `holders`: task id -> names of the open tasks' holders (progress.holders);
    `data`: the process variables (for the targets)."""
    keys = {key for key, _label in columns}
    mine = [r for r in records if r.bpmn_id in keys and r.unit_id is not None]
    latest = latest_per_unit(mine)
    rounds: dict[tuple, int] = {}
    for r in mine:
        if r.state not in VOID_TASK_STATES:
            rounds[(r.bpmn_id, r.unit_id)] = rounds.get((r.bpmn_id, r.unit_id), 0) + 1
    cells: dict[tuple, Cell] = {}
    for bpmn_id, items in latest.items():
        for r in items:
            cells[(bpmn_id, r.unit_id)] = _cell(r, holders, today, rounds[(bpmn_id, r.unit_id)])
    owned = _owned_targets(data)
    rows = [UnitRow(unit, {key: cells.get((key, unit.id)) for key, _label in columns},
                    owned.get(_unit_key(unit.name), []))
            for unit in units]
    return sorted(rows, key=lambda row: tr_sort_key(row.unit.name))


def _cell(record: TaskRecord, holders: dict, today: date, rounds: int) -> Cell:
    state = task_state(record, today)
    if record.state == "open":
        late = (today - record.due_date).days if state == OVERDUE else 0
        people = holders.get(record.id, [])
    else:
        done = local_day(record.completed_at) if record.completed_at else None
        late = max((done - record.due_date).days, 0) if done and record.due_date else 0
        people = [record.completed_by.full_name] if record.completed_by else []
    return Cell(record, state, late, people, rounds)


def _owned_targets(data: dict) -> dict[str, list[str]]:
    """Unit name (compared in Turkish lower case, spaces collapsed: the form takes free text) -> the
    targets the strategy draft makes it responsible for."""
    owned: dict[str, list[str]] = {}
    for target in data.get("targets") or []:
        if isinstance(target, dict) and target.get("responsible_unit"):
            label = target.get("code") or target.get("target") or ""
            owned.setdefault(_unit_key(str(target["responsible_unit"])), []).append(str(label))
    return owned


def _unit_key(name: str) -> str:
    return " ".join(tr_lower(name).split())
