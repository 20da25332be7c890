"""The API does what static/openapi.yaml says: 405 answers name the allowed methods, every request
body the server refuses extra fields in is declared closed (additionalProperties: false), and a
body the document forbids is refused with a clear 422 that changes nothing."""

from __future__ import annotations

import pytest

from stratflow.extensions import db
from stratflow.models import ProcessInstance, TaskRecord

from .test_api import (
    MEMBER,
    NO_NOMINEE,
    REGISTRY,
    SPEC,
    SPEC_URI,
    api,  # noqa: F401 - the fixture
    check,
    new_municipality,
    nomination,
    snapshot,
)

REASON = "Birim müdürü yıllık izinde."


def _resolve(node: dict) -> dict:
    return REGISTRY.resolver().lookup(SPEC_URI + node["$ref"]).contents if "$ref" in node else node


def _request_schemas() -> dict[tuple[str, str], dict]:
    found = {}
    for path, item in SPEC["paths"].items():
        for method, operation in item.items():
            body = operation.get("requestBody") if isinstance(operation, dict) else None
            if body and "application/json" in body["content"]:
                found[(method, path)] = _resolve(body["content"]["application/json"]["schema"])
    return found


def _objects(schema: dict, where: str = ""):
    schema = _resolve(schema)
    if schema.get("type") == "object" or "properties" in schema:
        yield where or "/", schema
    for key, sub in schema.get("properties", {}).items():
        yield from _objects(sub, f"{where}/{key}")
    for option in schema.get("oneOf", []):
        yield from _objects(option, where)


# -- 405 -----------------------------------------------------------------------------------------------

def test_405_names_the_allowed_methods_on_the_web_and_in_the_api(demo, client, api):  # noqa: F811
    response = client.get("/logout")
    assert response.status_code == 405 and set(response.headers["Allow"].split(", ")) >= {"POST"}
    response = client.delete("/login")
    assert response.status_code == 405 and {"GET", "POST"} <= set(response.headers["Allow"].split(", "))
    fen = api("fen@camlitepe.bel.tr")
    response = fen.client.delete("/api/v1/tasks", headers=fen.headers)
    assert response.status_code == 405 and response.get_json()["error"]["code"] == "method_not_allowed"
    assert "GET" in response.headers["Allow"].split(", ")
    task = nomination("fen")
    response = fen.client.get(f"/api/v1/tasks/{task.id}/complete", headers=fen.headers)
    allowed = set(response.headers["Allow"].split(", "))
    assert response.status_code == 405 and "POST" in allowed and "GET" not in allowed


# -- the document: closed request bodies -------------------------------------------------------------------

def test_every_documented_request_body_is_closed():
    schemas = _request_schemas()
    assert len(schemas) == 14
    for (method, path), schema in schemas.items():
        if path == "/tasks/{task_id}/complete":
            assert schema.get("additionalProperties") is not True, "the form data is closed by its form_schema"
            continue
        assert "$ref" not in repr(schema), "the server validates with the component schema as it stands"
        for where, obj in _objects(schema):
            assert obj.get("additionalProperties") is False, (method, path, where)


def test_the_served_form_schema_is_closed(api):  # noqa: F811
    task = nomination("fen")
    body = check(api("fen@camlitepe.bel.tr").get(f"/tasks/{task.id}"), "get", "/tasks/{task_id}", 200)
    objects = list(_objects(body["form_schema"]))
    members = body["form_schema"]["properties"]["members"]["items"]
    assert objects and members.get("additionalProperties") is False
    assert all(obj.get("additionalProperties") is False for _where, obj in objects)


# -- the server refuses what the document forbids -------------------------------------------------------------

def _setup(api):  # noqa: F811
    instance = db.session.execute(db.select(ProcessInstance)).scalar_one()
    task = nomination("fen")
    circular = db.session.execute(db.select(TaskRecord).filter_by(bpmn_id="circular_draft")).scalar_one()
    return instance, task, circular


def _cases(instance, task, circular, town_id) -> dict:
    base = f"/instances/{instance.id}"
    return {
        "start": ("sgm@yenikoy.bel.tr", "/instances", "/instances", {"municipality_id": town_id}),
        "suspend": ("sgm@camlitepe.bel.tr", f"{base}/suspend", "/instances/{instance_id}/suspend",
                    {"reason": REASON}),
        "resume": ("sgm@camlitepe.bel.tr", f"{base}/resume", "/instances/{instance_id}/resume", {"reason": REASON}),
        "terminate": ("sgm@camlitepe.bel.tr", f"{base}/terminate", "/instances/{instance_id}/terminate",
                      {"reason": REASON}),
        "rewind": ("sgm@camlitepe.bel.tr", f"{base}/rewind", "/instances/{instance_id}/rewind",
                   {"task_id": circular.id, "reason": REASON}),
        "assign": ("sgm@camlitepe.bel.tr", f"/tasks/{task.id}/assign", "/tasks/{task_id}/assign",
                   {"assignee_id": None, "reason": REASON}),
        "complete": ("fen@camlitepe.bel.tr", f"/tasks/{task.id}/complete", "/tasks/{task_id}/complete",
                     dict(NO_NOMINEE)),
        "complete row": ("fen@camlitepe.bel.tr", f"/tasks/{task.id}/complete", "/tasks/{task_id}/complete",
                         {"members": [{**MEMBER["members"][0], "badge": "x"}]}),
    }


@pytest.mark.parametrize("case", ["start", "suspend", "resume", "terminate", "rewind", "assign", "complete"])
def test_an_extra_field_is_refused_with_422_and_changes_nothing(api, case):  # noqa: F811
    town, _ = new_municipality("Yeniköy Belediyesi", "sgm@yenikoy.bel.tr", start=False)
    email, path, documented, body = _cases(*_setup(api), town.id)[case]
    caller = api(email)
    check(caller.get("/tasks"), "get", "/tasks", 200)
    before = snapshot()
    reply = check(caller.post(path, {**body, "comment": "fazla alan"}), "post", documented, 422)
    assert reply["error"]["code"] == "validation"
    assert reply["error"]["fields"]["comment"] == "Bu formda böyle bir alan yok."
    assert snapshot() == before


def test_an_extra_field_inside_a_table_row_is_refused(api):  # noqa: F811
    email, path, documented, body = _cases(*_setup(api), 0)["complete row"]
    caller = api(email)
    before = snapshot()
    reply = check(caller.post(path, body), "post", documented, 422)
    assert reply["error"]["fields"]["members-0-badge"] == "Bu formda böyle bir alan yok."
    assert snapshot() == before


@pytest.mark.parametrize("case, body, field", [
    ("suspend", {"reason": 5}, "reason"),
    ("suspend", {"reason": "x" * 1001}, "reason"),
    ("terminate", {"reason": ["a"]}, "reason"),
    ("assign", {"assignee_id": "5", "reason": REASON}, "assignee_id"),
    ("assign", {"assignee_id": 2**31, "reason": REASON}, "assignee_id"),
    ("assign", {"reason": REASON}, "assignee_id"),
    ("rewind", {"task_id": "not-a-uuid", "reason": REASON}, "task_id"),
    ("rewind", {"task_id": 7, "reason": REASON}, "task_id"),
    ("start", {"municipality_id": 2**31}, "municipality_id"),
])
def test_a_body_the_document_forbids_is_refused_with_422(api, case, body, field):  # noqa: F811
    town, _ = new_municipality("Yeniköy Belediyesi", "sgm@yenikoy.bel.tr", start=False)
    email, path, documented, _valid = _cases(*_setup(api), town.id)[case]
    caller = api(email)
    check(caller.get("/tasks"), "get", "/tasks", 200)
    before = snapshot()
    reply = check(caller.post(path, body), "post", documented, 422)
    assert reply["error"]["code"] == "validation" and field in reply["error"]["fields"], reply
    assert snapshot() == before
