"""JSON representations of the API's resources (the shapes static/openapi.yaml documents).

Dates are ISO 8601 (`YYYY-MM-DD`); timestamps are UTC with a `Z` suffix.
"""

from __future__ import annotations

from datetime import date, datetime

from ..extensions import db
from ..models import DefinitionVersion, Municipality, ProcessDefinition


def iso(value: date | datetime | None) -> str | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.isoformat(timespec="seconds") + "Z"  # stored as naive UTC
    return value.isoformat()


def ref(obj) -> dict | None:
    return {"id": obj.id, "name": obj.name} if obj is not None else None


def person(user) -> dict | None:
    return {"id": user.id, "full_name": user.full_name} if user is not None else None


def task_summary(t) -> dict:
    return {
        "id": t.id, "bpmn_id": t.bpmn_id, "name": t.name, "state": t.state, "role": t.role,
        "due_date": iso(t.due_date), "created_at": iso(t.created_at), "completed_at": iso(t.completed_at),
        "instance": {"id": t.instance_id, "title": t.instance.title},
        "municipality": ref(t.municipality), "unit": ref(t.unit),
    }


def closed(schema):
    """A copy of a form schema whose objects refuse undeclared properties, as `complete` does."""
    if isinstance(schema, list):
        return [closed(s) for s in schema]
    if not isinstance(schema, dict):
        return schema
    copy = {k: closed(v) for k, v in schema.items()}
    if (copy.get("type") == "object" or "properties" in copy) and "additionalProperties" not in copy:
        copy["additionalProperties"] = False
    return copy


def task_detail(t, *, form_schema: dict, instructions: str | None, can_complete: bool) -> dict:
    body = task_summary(t)
    body.update(form_schema=closed(form_schema), instructions=instructions, draft=t.draft,
                can_complete=can_complete, completed_by=person(t.completed_by))
    return body


def instance_labels(instances: list) -> tuple[dict, dict]:
    """Definition (key, version) and municipality name per id, in two light queries."""
    version_ids = {i.version_id for i in instances}
    municipality_ids = {i.municipality_id for i in instances}
    definitions, municipalities = {}, {}
    if version_ids:
        rows = db.session.execute(
            db.select(DefinitionVersion.id, ProcessDefinition.key, DefinitionVersion.version)
            .join(DefinitionVersion.definition).where(DefinitionVersion.id.in_(version_ids)))
        definitions = {vid: {"key": key, "version": version} for vid, key, version in rows}
    if municipality_ids:
        rows = db.session.execute(db.select(Municipality.id, Municipality.name)
                                  .where(Municipality.id.in_(municipality_ids)))
        municipalities = {mid: {"id": mid, "name": name} for mid, name in rows}
    return definitions, municipalities


def instance_summary(i, definitions: dict, municipalities: dict) -> dict:
    return {
        "id": i.id, "title": i.title, "status": i.status, "revision": i.revision,
        "municipality": municipalities[i.municipality_id], "definition": definitions[i.version_id],
        "started_at": iso(i.started_at), "updated_at": iso(i.updated_at),
        "completed_at": iso(i.completed_at), "next_timer_at": iso(i.next_timer_at),
    }


def instance_detail(i, view) -> dict:
    """`view` is services.progress.InstanceView of the instance."""
    definition = {"key": i.version.definition.key, "version": i.version.version}
    body = instance_summary(i, {i.version_id: definition}, {i.municipality_id: ref(i.municipality)})
    body["started_by"] = person(i.started_by)
    body["open_tasks"] = [{
        "id": t.id, "bpmn_id": t.bpmn_id, "name": t.name, "role": t.role, "unit": ref(t.unit),
        "due_date": iso(t.due_date), "created_at": iso(t.created_at),
    } for t in view.open_tasks]
    body["completed_tasks"] = [{
        "id": t.id, "bpmn_id": t.bpmn_id, "name": t.name, "role": t.role, "unit": ref(t.unit),
        "completed_at": iso(t.completed_at), "completed_by": person(t.completed_by),
    } for t in view.completed_tasks]
    return body
