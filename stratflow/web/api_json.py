"""JSON representations of the API's resources (the shapes static/openapi.yaml documents).

Dates are ISO 8601 (`YYYY-MM-DD`); timestamps are UTC with a `Z` suffix.
"""

from __future__ import annotations

from datetime import date, datetime


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


def instance_summary(i) -> dict:
    """`i` with its municipality and version (with its definition) loaded (access.visible_instances)."""
    return {
        "id": i.id, "title": i.title, "status": i.status, "revision": i.revision,
        "municipality": ref(i.municipality), "definition": {"key": i.version.definition.key,
                                                            "version": i.version.version},
        "started_at": iso(i.started_at), "updated_at": iso(i.updated_at),
        "completed_at": iso(i.completed_at), "next_timer_at": iso(i.next_timer_at),
    }


def election(schedule) -> dict:
    """The election a schedule (stratflow.calendar.Schedule) counts from, and its legal deadline."""
    return {"kind": schedule.election_kind, "date": iso(schedule.election_date),
            "general_election_date": iso(schedule.general_election_date),
            "deadline_counts_from": iso(schedule.deadline_counts_from), "legal_deadline": iso(schedule.legal_deadline)}


def municipality(m, schedule) -> dict:
    return {"id": m.id, "name": m.name, "province": m.province, "type": m.type, "population": m.population,
            "election_date": iso(m.election_date), "election_kind": m.election_kind,
            "general_election_date": iso(m.general_election_date), "mazbata_date": iso(m.mazbata_date),
            "council_weekday": m.council_weekday, "election": election(schedule)}


def instance_detail(i, view, schedule) -> dict:
    """`view` is services.progress.InstanceView of the instance, `schedule` its municipality's."""
    body = instance_summary(i)
    body["election"] = election(schedule)
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
