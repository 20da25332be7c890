"""Definition versions as the application uses them: immutable, so read once per process.

`info(version)` takes a DefinitionVersion row (only its id and content hash are read) and answers
with its forms, lane roles, task facts, instructions and meaning (engine/meaning.py) — the big
columns are read from the database only the first time this process sees the version.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

from flask_babel import gettext as _

from .. import engine
from ..calendar import timeline
from ..extensions import db
from ..models import DefinitionVersion, ProcessDefinition
from . import ServiceError

_SUCCESSORS: dict[str, dict] = {}


@dataclass(frozen=True)
class VersionInfo:
    id: int
    key: str                 # the BPMN process id (ProcessDefinition.key)
    number: int              # DefinitionVersion.version
    content_hash: str
    forms: dict              # filename -> JSON schema
    lane_roles: dict         # lane name -> role

    @property
    def spec_key(self) -> str:
        return spec_key(self.id, self.content_hash)

    def _spec_json(self) -> str:
        return db.session.execute(db.select(DefinitionVersion.spec_json)
                                  .where(DefinitionVersion.id == self.id)).scalar_one()

    @property
    def facts(self) -> dict:
        """bpmn_id -> {"name", "lane", "properties", "user_task"} (engine.task_facts)."""
        return engine.task_facts(self.spec_key, self._spec_json)

    @property
    def successors(self) -> dict:
        """step bpmn_id -> the nearest steps after it, loops back left out (calendar/timeline.py)."""
        found = _SUCCESSORS.get(self.spec_key)
        if found is None:
            edges, steps = engine.step_flows(self.spec_key, self._spec_json)
            found = _SUCCESSORS.setdefault(self.spec_key, timeline.forward_steps(edges, ["Start"], steps))
        return found

    @property
    def meaning(self) -> engine.Meaning:
        return engine.meaning(self.spec_key, self._spec_json)

    def instructions(self, bpmn_id: str) -> str | None:
        return engine.instructions(self.spec_key, self._spec_json).get(bpmn_id)

    def role_of_lane(self, lane: str | None) -> str:
        return self.lane_roles.get(lane or "", "coordinator")

    def load(self, state: str) -> engine.Workflow:
        return engine.Workflow.load(self.spec_key, self._spec_json, state)

    def start(self, data: dict) -> engine.Workflow:
        return engine.Workflow.start(self.spec_key, self._spec_json(), data)


def spec_key(version_id: int, content_hash: str) -> str:
    return f"{version_id}:{content_hash}"


_cache: dict[tuple, VersionInfo] = {}
_lock = threading.Lock()


def info(version: DefinitionVersion) -> VersionInfo:
    """The version's facts (one query the first time this process sees the version)."""
    key = (str(db.engine.url), version.id, version.content_hash)
    found = _cache.get(key)
    if found is None:
        row = db.session.execute(
            db.select(DefinitionVersion.forms, DefinitionVersion.lane_roles, DefinitionVersion.version,
                      ProcessDefinition.key)
            .join(ProcessDefinition, ProcessDefinition.id == DefinitionVersion.definition_id)
            .where(DefinitionVersion.id == version.id)).one()
        found = VersionInfo(id=version.id, key=row.key, number=row.version, content_hash=version.content_hash,
                            forms=dict(row.forms or {}), lane_roles=dict(row.lane_roles or {}))
        with _lock:
            found = _cache.setdefault(key, found)
    return found


def of_instance(instance) -> VersionInfo:
    return info(instance.version)


def read_workflow(instance) -> engine.Workflow:
    """The stored engine state of an instance, for reading (pages; no lock, nothing is stored)."""
    try:
        return of_instance(instance).load(instance.state)
    except engine.EngineError as exc:
        raise ServiceError(_("Süreç durumu okunamadı: %(error)s", error=str(exc))) from exc
