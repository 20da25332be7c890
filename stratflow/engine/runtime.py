"""Running workflows: spec cache, versioned (de)serialisation, advancing, human tasks.

The rest of the application sees plain data (HumanTask, dicts, ISO strings), never
SpiffWorkflow objects' internals beyond the opaque `Workflow` handle.
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime

from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer
from SpiffWorkflow.bpmn.serializer.default.workflow import BpmnWorkflowConverter, WorkflowConverter
from SpiffWorkflow.bpmn.specs.event_definitions import timer as _timer_module
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.exceptions import SpiffWorkflowException
from SpiffWorkflow.spiff.serializer.config import SPIFF_CONFIG
from SpiffWorkflow.util.task import TaskState

# Version of OUR envelope around the engine state. Bump it and add a migration in
# `_migrate_envelope` whenever the stored shape changes.
STATE_SCHEMA = 1
# Version of the stored spec JSON (spec + subprocess specs).
SPEC_SCHEMA = 1


class EngineError(Exception):
    """The engine could not perform a step; `str()` is safe to show to an administrator."""


class TaskNotReady(EngineError):
    """The task is no longer waiting for input (completed, cancelled or unknown)."""


class _SpecFreeWorkflowConverter(BpmnWorkflowConverter):
    """Serialises a workflow without its spec; the spec is stored once per definition version."""

    def to_dict(self, workflow):
        dct = WorkflowConverter.to_dict(self, workflow)
        dct["subprocesses"] = self.mapping_to_dict(workflow.subprocesses)
        dct["bpmn_events"] = self.registry.convert(workflow.bpmn_events)
        return dct

    def from_dict(self, dct):
        spec, subprocess_specs = _restore_context.specs
        dct["spec"] = None
        dct.pop("subprocess_specs", None)
        workflow = self.target_class(spec, subprocess_specs, deserializing=True)
        from uuid import UUID
        workflow.tasks = self.mapping_from_dict(dct["tasks"], UUID, workflow=workflow)
        workflow.task_tree = workflow.tasks.get(UUID(dct["root"]))
        self.set_default_attributes(workflow, dct)
        self.subprocesses_from_dict(dct["subprocesses"], workflow)
        workflow.bpmn_events = self.registry.restore(dct.pop("bpmn_events", []))
        return workflow


_restore_context = threading.local()
_clock = threading.local()


class _EngineClock(datetime):
    """SpiffWorkflow's timers ask `datetime.now()` whether their time has come. Within
    `Workflow.advance(now=…)` this thread's timers see that moment instead of the wall clock
    (the scheduler's `tick --now`); elsewhere, and in other threads, they see the real time."""

    @classmethod
    def now(cls, tz=None):
        moment = getattr(_clock, "now", None)
        if moment is None:
            return datetime.now(tz)
        return moment.astimezone(tz) if tz is not None else moment.astimezone().replace(tzinfo=None)


_timer_module.datetime = _EngineClock  # timers only: the module's own `datetime` name
_config = dict(SPIFF_CONFIG)
_config[BpmnWorkflow] = _SpecFreeWorkflowConverter
_registry = BpmnWorkflowSerializer.configure(_config)
_serializer = BpmnWorkflowSerializer(_registry)
_spec_registry = BpmnWorkflowSerializer.configure(SPIFF_CONFIG)
# The serializer registry keeps per-call state: never use it from two threads at once.
_lock = threading.RLock()
_spec_cache: dict[str, tuple] = {}
_TIMER_TYPES = {"TimeDateEventDefinition", "DurationTimerEventDefinition", "CycleTimerEventDefinition"}


def spec_to_json(spec, subprocess_specs: dict) -> str:
    with _lock:
        return json.dumps({
            "schema": SPEC_SCHEMA,
            "spec": _spec_registry.convert(spec),
            "subprocess_specs": {k: _spec_registry.convert(v) for k, v in subprocess_specs.items()},
        })


def _specs(cache_key: str, spec_json):
    """Restore a spec once per process (restoring is far cheaper than parsing, caching cheaper still).

    `spec_json` is the stored text or a callable returning it (read only on a cache miss)."""
    cached = _spec_cache.get(cache_key)
    if cached is None:
        with _lock:
            dct = json.loads(spec_json() if callable(spec_json) else spec_json)
            if dct.get("schema") != SPEC_SCHEMA:
                raise EngineError(f"unsupported spec schema {dct.get('schema')!r}")
            spec = _spec_registry.restore(dct["spec"])
            subs = {k: _spec_registry.restore(v) for k, v in dct["subprocess_specs"].items()}
            cached = _spec_cache.setdefault(cache_key, (spec, subs))
    return cached


_instructions_cache: dict[str, dict] = {}


def instructions(cache_key: str, spec_json) -> dict:
    """bpmn_id -> instructions for end users, for every task of a stored spec."""
    cached = _instructions_cache.get(cache_key)
    if cached is None:
        spec, subs = _specs(cache_key, spec_json)
        cached = {}
        for process in [spec, *subs.values()]:
            for task_spec in process.task_specs.values():
                text = (getattr(task_spec, "extensions", None) or {}).get("instructionsForEndUser")
                if text and getattr(task_spec, "bpmn_id", None):
                    cached[task_spec.bpmn_id] = text
        _instructions_cache[cache_key] = cached
    return cached


@dataclass
class HumanTask:
    """A task waiting for a person."""
    id: str
    bpmn_id: str
    name: str
    lane: str | None
    properties: dict = field(default_factory=dict)
    instructions: str | None = None
    data: dict = field(default_factory=dict)


class Workflow:
    """An opaque handle on a running engine workflow."""

    def __init__(self, wf: BpmnWorkflow):
        self._wf = wf

    # -- lifecycle ---------------------------------------------------------------
    @classmethod
    def start(cls, cache_key: str, spec_json: str, data: dict) -> Workflow:
        spec, subs = _specs(cache_key, spec_json)
        wf = BpmnWorkflow(spec, subs)
        wf.data.update(data)
        # Start-event data must reach the first tasks: seed the root task's data too.
        wf.task_tree.data.update(data)
        for task in wf.get_tasks(state=TaskState.READY):
            task.data.update(data)
        handle = cls(wf)
        handle.advance()
        return handle

    @classmethod
    def load(cls, cache_key: str, spec_json, state: str) -> Workflow:
        try:
            envelope = _migrate_envelope(json.loads(state))
        except ValueError as exc:
            raise EngineError("stored state is not JSON") from exc
        spec_pair = _specs(cache_key, spec_json)
        with _lock:
            _restore_context.specs = spec_pair
            try:
                wf = _serializer.from_dict(envelope["workflow"])
            except (KeyError, TypeError, ValueError, AttributeError, SpiffWorkflowException) as exc:
                raise EngineError(f"stored state cannot be read: {exc!r}") from exc
            finally:
                _restore_context.specs = None
        if not isinstance(wf, BpmnWorkflow):
            raise EngineError("stored state cannot be read: not a workflow")
        return cls(wf)

    def dump(self) -> str:
        with _lock:
            dct = _serializer.to_dict(self._wf)
        return json.dumps({"schema": STATE_SCHEMA, "serializer": _serializer.VERSION, "workflow": dct},
                          separators=(",", ":"))

    # -- stepping ----------------------------------------------------------------
    def advance(self, now: datetime | None = None) -> None:
        """Run engine tasks (gateways, scripts, due timers) until people or events are needed.
        Timers are judged as of `now` (naive UTC; default: the real clock)."""
        _clock.now = now.replace(tzinfo=UTC) if now is not None and now.tzinfo is None else now
        try:
            self._wf.refresh_timers()
            self._wf.do_engine_steps()
        except SpiffWorkflowException as exc:
            raise EngineError(_describe(exc)) from exc
        finally:
            _clock.now = None

    def complete(self, task_id: str, data: dict) -> HumanTask:
        task = self._ready_task(task_id)
        done = _human(task)
        try:
            task.data.update(data)
            task.run()
        except SpiffWorkflowException as exc:
            raise EngineError(_describe(exc)) from exc
        self.advance()
        return done

    def _ready_task(self, task_id: str):
        from uuid import UUID
        try:
            task = self._wf.get_task_from_id(UUID(task_id))
        except (ValueError, SpiffWorkflowException):
            task = None
        if task is None or task.state != TaskState.READY or not task.task_spec.manual:
            raise TaskNotReady(task_id)
        return task

    # -- reading -----------------------------------------------------------------
    def ready_human_tasks(self) -> list[HumanTask]:
        return [_human(t) for t in self._wf.get_tasks(state=TaskState.READY, manual=True)]

    @property
    def data(self) -> dict:
        return self._wf.data

    def merged_data(self) -> dict:
        """The process data together with that of every task still in the engine's history, the
        latest change last: finished parallel branches included, which `data` lacks until they join."""
        merged: dict = {}
        tasks = list(self._wf.tasks.values())  # (get_tasks skips children of a running multi-instance)
        for task in sorted((t for t in tasks if t.state == TaskState.COMPLETED), key=lambda t: t.last_state_change):
            merged.update(task.data)
        merged.update(self._wf.data)
        for task in tasks:
            if task.state == TaskState.READY:
                merged.update(task.data)
        return merged

    def completed_values(self, bpmn_id: str, variable: str) -> list:
        """`variable` of every completed task of element `bpmn_id` (each instance of a
        multi-instance task), in completion order: what each unit answered so far."""
        done = sorted((t for t in self._wf.tasks.values() if t.state == TaskState.COMPLETED
                       and getattr(t.task_spec, "bpmn_id", None) == bpmn_id and variable in t.data
                       and type(t.task_spec).__name__ == "UserTask"), key=lambda t: t.last_state_change)
        return [t.data[variable] for t in done]

    def is_completed(self) -> bool:
        return self._wf.is_completed()

    def next_timer_at(self) -> datetime | None:
        """Earliest due time of the timers the workflow waits on (naive UTC)."""
        due = []
        for event in self._wf.waiting_events():
            value = event.value
            if isinstance(value, dict):
                value = value.get("next")
            if event.event_type in _TIMER_TYPES and isinstance(value, str):
                try:
                    moment = datetime.fromisoformat(value)
                except ValueError:
                    continue
                if moment.tzinfo is not None:
                    moment = moment.astimezone(UTC).replace(tzinfo=None)
                due.append(moment)
        return min(due) if due else None



def _human(task) -> HumanTask:
    spec = task.task_spec
    ext = getattr(spec, "extensions", {}) or {}
    return HumanTask(
        id=str(task.id),
        bpmn_id=spec.bpmn_id,
        name=spec.bpmn_name or spec.bpmn_id,
        lane=spec.lane,
        properties=dict(ext.get("properties", {})),
        instructions=ext.get("instructionsForEndUser"),
        data=task.data,
    )


def _describe(exc: Exception) -> str:
    parts = [str(exc)]
    task_spec = getattr(getattr(exc, "task", None), "task_spec", None)
    if task_spec is not None:
        parts.append(f"(element {task_spec.bpmn_id})")
    return " ".join(parts)


def _migrate_envelope(envelope: dict) -> dict:
    schema = envelope.get("schema")
    if schema != STATE_SCHEMA:
        raise EngineError(f"unsupported instance state schema {schema!r}")
    return envelope


# -- rewinding (instance actions) --------------------------------------------------------------
# Appended as module functions so the timer code above stays untouched.

class RewindRefused(EngineError):
    """Rewinding to that task cannot be done safely. `reason` names why:
    "not_completed" (not a finished human task of this workflow), "multi_instance" (a per-item
    child of a multi-instance task) or "parallel" (a parallel region that has already joined:
    steps after it would stay open next to the rewound one)."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


@dataclass
class RewindResult:
    task: HumanTask            # the rewound task, ready again (same id as before)
    removed_ids: list[str]     # engine tasks dropped from the tree (every step after it)
    previous_data: dict        # the data the task had when it was completed (form start values)


_ACTIVE = TaskState.READY | TaskState.WAITING | TaskState.STARTED


def completed_human_tasks(workflow: Workflow) -> list[HumanTask]:
    """Completed human tasks still in the engine's history (steps a rewind can go back to)."""
    # Not get_tasks(state=COMPLETED): it does not descend below a STARTED multi-instance parent.
    return [_human(t) for t in workflow._wf.tasks.values()
            if t.state == TaskState.COMPLETED and t.task_spec.manual]


def rewind_check(workflow: Workflow, task_id: str):
    """The engine task to rewind to; RewindRefused when that cannot be done safely."""
    from uuid import UUID

    from SpiffWorkflow.bpmn.specs.mixins.multiinstance_task import LoopTask
    from SpiffWorkflow.bpmn.specs.mixins.unstructured_join import UnstructuredJoin

    wf = workflow._wf
    try:
        task = wf.get_task_from_id(UUID(task_id))
    except (ValueError, TypeError, SpiffWorkflowException):
        task = None
    if task is None or task.state != TaskState.COMPLETED or not task.task_spec.manual:
        raise RewindRefused("not_completed")
    parent_spec = task.parent.task_spec if task.parent is not None else None
    if isinstance(parent_spec, LoopTask) and parent_spec.task_spec == task.task_spec.name:
        # A child's item (its unit) lives in its internal data, which a reset drops.
        raise RewindRefused("multi_instance")
    downstream = _reachable(task.task_spec)
    for other in [t for t in wf.tasks.values() if t.has_state(_ACTIVE)]:
        if other is task or other.is_descendant_of(task) or task.is_descendant_of(other):
            continue
        if isinstance(other.task_spec, UnstructuredJoin):
            continue  # a parallel join waiting for the rewound branch: it waits again
        if other.task_spec in downstream:
            raise RewindRefused("parallel")
    return task


def rewind(workflow: Workflow, task_id: str) -> RewindResult:
    """Move the workflow back to an earlier, completed human task (SpiffWorkflow's
    `reset_from_task_id`): everything after it is dropped, it is ready again with the process
    data it started with, and parallel branches not after it keep running."""
    import copy

    task = rewind_check(workflow, task_id)
    previous = copy.deepcopy(task.data)
    try:
        removed = workflow._wf.reset_from_task_id(task.id)
    except SpiffWorkflowException as exc:
        raise EngineError(_describe(exc)) from exc
    # No advance(): it would also fire due timers (the instance may be suspended).
    if task.state != TaskState.READY:
        raise EngineError(f"rewound task is {TaskState.get_name(task.state)}, not ready")
    return RewindResult(task=_human(task), removed_ids=[str(t.id) for t in removed], previous_data=previous)


def _reachable(spec) -> set:
    """Task specs reachable from `spec` along its outputs (loops included)."""
    seen, todo = set(), list(spec.outputs)
    while todo:
        current = todo.pop()
        if current in seen:
            continue
        seen.add(current)
        todo.extend(current.outputs)
    return seen
