"""What pages read from engine states, remembered per process.

An instance's engine state changes only in a transition, which bumps its revision
(services/transition.py), so (database, id, revision, updated_at) names one state: a value
extracted from it (a monitoring's answers, a plan's mission and vision) is computed once and read
from memory afterwards. `extract_many` reads the states this process does not know yet in one query.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable

from .. import engine
from ..extensions import db
from ..models import ProcessInstance
from . import versions

_cache: OrderedDict = OrderedDict()
_lock = threading.Lock()
_CACHE_SIZE = 4096
_UNREADABLE = object()


def _key(kind: str, instance) -> tuple:
    return (kind, str(db.engine.url), instance.id, instance.revision, instance.updated_at)


def extract_many(kind: str, instances, extract: Callable) -> dict[int, object]:
    """{instance id: extract(workflow)} — an instance whose state cannot be read (or whose
    extraction fails on it) is left out rather than breaking a page of many."""
    found, missing = {}, []
    with _lock:
        for instance in instances:
            cached = _cache.get(_key(kind, instance))
            if cached is None:
                missing.append(instance)
            elif cached is not _UNREADABLE:
                found[instance.id] = cached
    if not missing:
        return found
    states = dict(db.session.execute(db.select(ProcessInstance.id, ProcessInstance.state)
                                     .where(ProcessInstance.id.in_([i.id for i in missing]))).all())
    for instance in missing:
        try:
            value = extract(versions.of_instance(instance).load(states[instance.id]))
            found[instance.id] = value
        except (engine.EngineError, KeyError, TypeError, ValueError):
            value = _UNREADABLE
        with _lock:
            _cache[_key(kind, instance)] = value
            while len(_cache) > _CACHE_SIZE:
                _cache.popitem(last=False)
    return found


def forget() -> None:
    """Empty this process's cache (tests: instance ids are used again after a table is emptied)."""
    with _lock:
        _cache.clear()
