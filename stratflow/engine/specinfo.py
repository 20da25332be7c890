"""Read-only facts about a stored spec's tasks (names, lanes, extension properties)."""

from __future__ import annotations

from . import meaning as meaning_module
from .runtime import _specs

_cache: dict[str, dict] = {}
_meanings: dict[str, meaning_module.Meaning] = {}
_flows: dict[str, tuple] = {}


def task_facts(cache_key: str, spec_json) -> dict[str, dict]:
    """bpmn_id -> {"name", "lane", "properties", "user_task"} for every BPMN element with an id."""
    cached = _cache.get(cache_key)
    if cached is None:
        spec, subs = _specs(cache_key, spec_json)
        cached = {}
        for process in [spec, *subs.values()]:
            for task_spec in process.task_specs.values():
                bpmn_id = getattr(task_spec, "bpmn_id", None)
                if not bpmn_id:
                    continue
                ext = getattr(task_spec, "extensions", None) or {}
                cached[bpmn_id] = {
                    "name": getattr(task_spec, "bpmn_name", None) or bpmn_id,
                    "lane": getattr(task_spec, "lane", None),
                    "properties": dict(ext.get("properties", {})),
                    "user_task": type(task_spec).__name__ == "UserTask",
                }
        _cache[cache_key] = cached
    return cached


def meaning(cache_key: str, spec_json) -> meaning_module.Meaning:
    """What the stored spec declares it means to the application (engine/meaning.py)."""
    found = _meanings.get(cache_key)
    if found is None:
        found = _meanings.setdefault(cache_key, meaning_module.read(task_facts(cache_key, spec_json)))
    return found


def step_flows(cache_key: str, spec_json) -> tuple[tuple[tuple[str, str], ...], frozenset]:
    """The spec's flow graph between its elements, and the ids of its user tasks (the steps).

    A multi-instance task and its "[child]" spec are one step (its bpmn_id); the engine's inner
    specs (Start, boundary-event split and join, end join) keep their spec names, so the graph
    passes through them. Edges are (source, target) in the engine's output order."""
    cached = _flows.get(cache_key)
    if cached is None:
        spec, subs = _specs(cache_key, spec_json)
        processes = [spec, *subs.values()]
        steps = frozenset(ts.bpmn_id for process in processes for ts in process.task_specs.values()
                          if type(ts).__name__ == "UserTask" and getattr(ts, "bpmn_id", None))

        def node(ts) -> str:
            bpmn_id = getattr(ts, "bpmn_id", None)
            return bpmn_id if bpmn_id in steps else ts.name

        edges = tuple((node(ts), node(out)) for process in processes for ts in process.task_specs.values()
                      for out in ts.outputs if node(ts) != node(out))
        cached = _flows.setdefault(cache_key, (edges, steps))
    return cached
