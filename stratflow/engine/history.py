"""The engine's own view of how far an instance has come: which BPMN elements it has passed and
where it stands now. Read-only; used by the instance page's diagram."""

from __future__ import annotations

from SpiffWorkflow.util.task import TaskState

COMPLETED, ACTIVE = "completed", "active"

# Elements that wait only in a technical sense: a boundary timer is armed as soon as its task
# starts, and a joining gateway waits for its other branches — neither says where the process stands.
_ARMED_ONLY = ("BoundaryEvent", "ParallelGateway", "InclusiveGateway")


def element_progress(workflow) -> dict[str, str]:
    """bpmn_id -> "active" (ready, started or waiting now) or "completed" (passed at least once).

    An element passed in an earlier round and waiting again (a loop back) is active. Elements the
    instance has not reached are absent. A rewound instance has dropped the tasks after the point it
    went back to, so those elements count as not reached again."""
    found: dict[str, str] = {}
    for task in workflow._wf.get_tasks():
        bpmn_id = getattr(task.task_spec, "bpmn_id", None)
        if not bpmn_id:
            continue
        if task.state == TaskState.COMPLETED:
            found.setdefault(bpmn_id, COMPLETED)
        elif task.state in (TaskState.READY, TaskState.STARTED, TaskState.WAITING, TaskState.ERROR):
            if task.state == TaskState.WAITING and type(task.task_spec).__name__ in _ARMED_ONLY:
                continue
            found[bpmn_id] = ACTIVE
    return found
