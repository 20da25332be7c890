"""The JSON API under /api/v1: tokens, scoping, errors, transactions, and its OpenAPI document.

Every response a test receives is checked against the schema static/openapi.yaml documents
for that path, method and status (`check`), so the document cannot drift from the code.
"""

from __future__ import annotations

import json
import re
import threading
from contextlib import contextmanager
from datetime import date, datetime, timedelta

import pytest
import yaml
from flask_babel import force_locale, gettext
from jsonschema import Draft202012Validator, FormatChecker
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012
from sqlalchemy import event

from stratflow.extensions import db
from stratflow.models import (
    ApiToken,
    AuditEvent,
    Municipality,
    ProcessInstance,
    RoleAssignment,
    SpendingUnit,
    TaskRecord,
    User,
)
from stratflow.services import accounts, instances
from stratflow.services.accounts import hash_password

from .conftest import ROOT, signed_in

API = "/api/v1"
SPEC = yaml.safe_load((ROOT / "static" / "openapi.yaml").read_text(encoding="utf-8"))
SPEC_URI = "urn:stratflow:openapi"
REGISTRY = Registry().with_resource(SPEC_URI, Resource.from_contents(SPEC, default_specification=DRAFT202012))
MEMBER = {"members": [{"full_name": "Ali Veli", "title": "İnşaat Mühendisi",
                       "email": "ali.veli@camlitepe.bel.tr", "phone": "0266 555 11 22"}]}
NO_NOMINEE = {"no_nominee": True, "no_nominee_reason": "Birimde yalnızca iki personel var."}


# -- helpers -------------------------------------------------------------------------------

def nomination_form() -> dict:
    return json.loads((ROOT / "workflows" / "nomination.schema.json").read_text(encoding="utf-8"))


def _opened(schema):
    """The schema without the `additionalProperties: false` the API adds to every object."""
    if isinstance(schema, list):
        return [_opened(s) for s in schema]
    if not isinstance(schema, dict):
        return schema
    return {k: _opened(v) for k, v in schema.items() if not (k == "additionalProperties" and v is False)}


def _pointer(*parts) -> str:
    return "/" + "/".join(str(p).replace("~", "~0").replace("/", "~1") for p in parts)


def documented_schema_ref(method: str, path: str, status: int) -> str:
    """JSON pointer (into SPEC) of the JSON body schema documented for this response."""
    response = SPEC["paths"][path][method.lower()]["responses"][str(status)]
    base = response["$ref"][1:] if "$ref" in response else _pointer(
        "paths", path, method.lower(), "responses", str(status))
    return base + _pointer("content", "application/json", "schema")


def check(response, method: str, path: str, status: int) -> dict:
    """Assert the status, then validate the body against the documented schema; return it."""
    assert response.status_code == status, response.get_data(as_text=True)[:1000]
    assert response.is_json, response.headers.get("Content-Type")
    body = response.get_json()
    schema = {"$ref": SPEC_URI + "#" + documented_schema_ref(method, path, status)}
    Draft202012Validator(schema, registry=REGISTRY, format_checker=FormatChecker()).validate(body)
    if status >= 400:
        assert body["error"]["status"] == status and body["error"]["message"]
    return body


class Api:
    """A bare client (no cookies) sending a bearer token."""

    def __init__(self, app, secret: str | None):
        self.client = app.test_client()
        self.headers = {"Authorization": f"Bearer {secret}"} if secret else {}

    def get(self, path, **kwargs):
        return self.client.get(API + path, headers={**self.headers, **kwargs.pop("headers", {})}, **kwargs)

    def post(self, path, body=None, **kwargs):
        if body is not None:
            kwargs["json"] = body
        return self.client.post(API + path, headers={**self.headers, **kwargs.pop("headers", {})}, **kwargs)

    def patch(self, path, body=None, **kwargs):
        if body is not None:
            kwargs["json"] = body
        return self.client.patch(API + path, headers={**self.headers, **kwargs.pop("headers", {})}, **kwargs)


def user(email: str) -> User:
    return db.session.execute(db.select(User).filter_by(email=email)).scalar_one()


@pytest.fixture
def api(demo, app):
    """api("fen@camlitepe.bel.tr") -> an Api client with a fresh token of that user."""
    def make(email: str) -> Api:
        _token, secret = accounts.create_token(user(email), "test")
        db.session.commit()
        return Api(app, secret)
    return make


def nomination(code: str) -> TaskRecord:
    return db.session.execute(db.select(TaskRecord).filter_by(state="open", bpmn_id="team_nomination")
                              .where(TaskRecord.unit.has(code=code))).scalar_one()


def open_tasks(bpmn_id: str) -> list[TaskRecord]:
    return list(db.session.execute(db.select(TaskRecord).filter_by(state="open", bpmn_id=bpmn_id)).scalars())


def snapshot() -> dict:
    """Everything a request could change; compared before and after bad requests."""
    db.session.expire_all()

    def rows(query):
        return [tuple(r) for r in db.session.execute(query)]

    return {
        "audit": rows(db.select(AuditEvent.id, AuditEvent.action).order_by(AuditEvent.id)),
        "tasks": rows(db.select(TaskRecord.id, TaskRecord.state, TaskRecord.completed_by_id,
                                TaskRecord.draft).order_by(TaskRecord.id)),
        "instances": rows(db.select(ProcessInstance.id, ProcessInstance.status, ProcessInstance.revision,
                                    ProcessInstance.state, ProcessInstance.next_timer_at)
                          .order_by(ProcessInstance.id)),
        "tokens": rows(db.select(ApiToken.id, ApiToken.last_used_at, ApiToken.revoked_at).order_by(ApiToken.id)),
    }


def new_municipality(name: str, email: str, units: int = 1, start: bool = True):
    """Another municipality with a coordinator (and a unit manager per unit)."""
    town = Municipality(name=name, province="İzmir", type="ilce", population=60000,
                        election_date=date(2024, 3, 31), mazbata_date=date(2024, 4, 4))
    db.session.add(town)
    coordinator = User(email=email, full_name="Koordinatör " + name, password_hash=hash_password("Demo.2024"),
                       municipality=town)
    coordinator.roles.append(RoleAssignment(role="coordinator", municipality=town))
    db.session.add(coordinator)
    for i in range(units):
        unit = SpendingUnit(municipality=town, name=f"Birim {i}", code=f"{email}-{i}")
        manager = User(email=f"birim{i}.{email}", full_name=f"Müdür {i}", municipality=town)
        manager.roles.append(RoleAssignment(role="unit_manager", municipality=town, unit=unit))
        db.session.add_all([unit, manager])
    db.session.flush()
    instance = instances.start_instance(town, coordinator) if start else None
    db.session.commit()
    return town, instance


# -- the OpenAPI document ------------------------------------------------------------------

def _walk(node, path=""):
    if isinstance(node, dict):
        for key, value in node.items():
            yield f"{path}/{key}", key, value
            yield from _walk(value, f"{path}/{key}")
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _walk(value, f"{path}/{i}")


def test_openapi_document_is_valid_3_1():
    assert SPEC["openapi"].startswith("3.1.")
    assert SPEC["servers"] == [{"url": API}]
    assert SPEC["components"]["securitySchemes"]["bearerAuth"] == {
        **SPEC["components"]["securitySchemes"]["bearerAuth"], "type": "http", "scheme": "bearer"}
    assert SPEC["security"] == [{"bearerAuth": []}]
    # A stray comma in a YAML flow mapping silently makes a key with a null value.
    assert [p for p, _k, v in _walk(SPEC) if v is None] == []
    for where, key, value in _walk(SPEC):
        if key == "$ref":
            assert value.startswith("#/"), where
            REGISTRY.resolver().lookup(SPEC_URI + value)  # raises when it does not resolve
    for name, schema in SPEC["components"]["schemas"].items():
        Draft202012Validator.check_schema(schema), name
    error_ref = "#/components/schemas/Error"
    for path, item in SPEC["paths"].items():
        for method, operation in item.items():
            if method == "parameters":
                continue
            assert operation.get("operationId") and operation.get("summary"), (path, method)
            responses = operation["responses"]
            if operation.get("security") != []:
                assert "401" in responses, (path, method)
            for status, response in responses.items():
                if int(status) >= 400:
                    target = REGISTRY.resolver().lookup(SPEC_URI + response["$ref"]).contents
                    assert target["content"]["application/json"]["schema"] == {"$ref": error_ref}


def test_every_api_route_is_documented_and_nothing_else(app):
    routes = set()
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith(API + "/"):
            path = re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", rule.rule[len(API):])
            for method in rule.methods - {"HEAD", "OPTIONS"}:
                routes.add((path, method.lower()))
            params = set(re.findall(r"{([^}]+)}", path))
            documented = {p["name"] for p in SPEC["paths"].get(path, {}).get("parameters", [])
                          for p in [REGISTRY.resolver().lookup(SPEC_URI + p["$ref"]).contents
                                    if "$ref" in p else p] if p["in"] == "path"}
            assert params == documented, path
    documented_ops = {(path, method) for path, item in SPEC["paths"].items() for method in item
                      if method != "parameters"}
    assert routes == documented_ops


def test_openapi_document_is_served_without_token(app):
    r = app.test_client().get(f"{API}/openapi.yaml")
    assert r.status_code == 200 and r.mimetype == "application/yaml"
    assert yaml.safe_load(r.get_data(as_text=True)) == SPEC


# -- tokens --------------------------------------------------------------------------------

@pytest.mark.parametrize("headers", [
    {}, {"Authorization": "Basic c2dtOkRlbW8uMjAyNA=="}, {"Authorization": "Bearer"},
    {"Authorization": "Bearer sf_not-a-real-token"}, {"Authorization": "sf_not-a-real-token"},
])
def test_requests_without_a_valid_token_get_401_and_change_nothing(demo, app, headers):
    task = nomination("fen")
    before = snapshot()
    client = Api(app, None).client
    r = client.get(f"{API}/tasks", headers=headers)
    assert check(r, "get", "/tasks", 401)["error"]["code"] == "unauthorized"
    assert r.headers["WWW-Authenticate"].startswith("Bearer")
    r = client.post(f"{API}/tasks/{task.id}/complete", json=NO_NOMINEE, headers=headers)
    check(r, "post", "/tasks/{task_id}/complete", 401)
    r = client.post(f"{API}/instances", json={"municipality_id": demo.id}, headers=headers)
    check(r, "post", "/instances", 401)
    assert snapshot() == before


def test_a_signed_in_session_is_not_an_api_credential(demo, client):
    b = signed_in(client, "fen@camlitepe.bel.tr")
    assert b.get("/").status_code == 200
    check(client.get(f"{API}/tasks"), "get", "/tasks", 401)


def test_token_created_on_profile_works_until_revoked(demo, client, app):
    b = signed_in(client, "fen@camlitepe.bel.tr")
    page = b.post("/profile", {"name": "Entegrasyon"})
    assert page.status_code == 200
    secret = re.search(r'data-test="token-secret">([^<]+)<', page.get_data(as_text=True)).group(1)
    token = db.session.execute(db.select(ApiToken)).scalar_one()
    assert token.last_used_at is None and secret.startswith(token.prefix)

    fen = Api(app, secret)
    tasks = check(fen.get("/tasks"), "get", "/tasks", 200)["tasks"]
    assert [t["bpmn_id"] for t in tasks] == ["team_nomination"]
    db.session.expire_all()
    assert db.session.get(ApiToken, token.id).last_used_at is not None

    r = b.post(f"/profile/tokens/{token.id}/revoke", {}, form_page="/profile")
    assert r.status_code == 302
    before = snapshot()
    check(fen.get("/tasks"), "get", "/tasks", 401)
    check(fen.post(f"/tasks/{tasks[0]['id']}/complete", NO_NOMINEE), "post", "/tasks/{task_id}/complete", 401)
    assert snapshot() == before and nomination("fen").state == "open"
    actions = db.session.execute(db.select(AuditEvent.action).where(AuditEvent.action.like("token.%"))
                                 .order_by(AuditEvent.id)).scalars().all()
    assert actions == ["token.created", "token.revoked"]


def test_token_of_a_deactivated_user_is_refused(api):
    fen = api("fen@camlitepe.bel.tr")
    check(fen.get("/tasks"), "get", "/tasks", 200)
    user("fen@camlitepe.bel.tr").active = False
    db.session.commit()
    check(fen.get("/tasks"), "get", "/tasks", 401)


# -- tasks ---------------------------------------------------------------------------------

def test_inbox_lists_my_open_tasks(api, demo):
    fen = api("fen@camlitepe.bel.tr")
    tasks = check(fen.get("/tasks"), "get", "/tasks", 200)["tasks"]
    task = nomination("fen")
    assert len(tasks) == 1
    assert tasks[0] == {**tasks[0], "id": task.id, "bpmn_id": "team_nomination", "state": "open",
                        "role": "unit_manager", "due_date": task.due_date.isoformat(),
                        "instance": {"id": task.instance_id, "title": task.instance.title},
                        "municipality": {"id": demo.id, "name": "Çamlıtepe Belediyesi"},
                        "unit": {"id": task.unit_id, "name": "Fen İşleri Müdürlüğü"}}
    assert tasks[0]["completed_at"] is None

    assert check(api("baskan@camlitepe.bel.tr").get("/tasks"), "get", "/tasks", 200) == {"tasks": []}
    admin = check(api("admin@stratflow.example").get("/tasks"), "get", "/tasks", 200)["tasks"]
    assert len(admin) == len(open_tasks("team_nomination")) == 11

    it = api("bilgiislem@camlitepe.bel.tr")
    assert check(it.get("/tasks"), "get", "/tasks", 200) == {"tasks": []}
    closed = check(it.get("/tasks?state=all"), "get", "/tasks", 200)["tasks"]
    assert [(t["bpmn_id"], t["state"]) for t in closed] == [("team_nomination", "completed")]
    assert closed[0]["completed_at"].endswith("Z")


def test_inbox_rejects_an_unknown_state_filter(api):
    fen = api("fen@camlitepe.bel.tr")
    check(fen.get("/tasks"), "get", "/tasks", 200)
    before = snapshot()
    body = check(fen.get("/tasks?state=closed"), "get", "/tasks", 400)
    assert body["error"]["code"] == "bad_request" and "state" in body["error"]["message"]
    assert snapshot() == before


def test_task_detail_has_form_schema_instructions_and_can_complete(api):
    task = nomination("fen")
    body = check(api("fen@camlitepe.bel.tr").get(f"/tasks/{task.id}"), "get", "/tasks/{task_id}", 200)
    assert _opened(body["form_schema"]) == nomination_form()  # closed for the API (test_api_contract.py)
    assert "Stratejik Planlama Ekibinde" in body["instructions"]
    assert body["draft"] is None and body["can_complete"] is True and body["completed_by"] is None
    for viewer in ("sgm@camlitepe.bel.tr", "danisman@aymett.example", "baskan@camlitepe.bel.tr"):
        seen = check(api(viewer).get(f"/tasks/{task.id}"), "get", "/tasks/{task_id}", 200)
        assert seen["id"] == task.id and seen["can_complete"] is False, viewer
    admin = check(api("admin@stratflow.example").get(f"/tasks/{task.id}"), "get", "/tasks/{task_id}", 200)
    assert admin["can_complete"] is True


def test_task_draft_from_the_web_form_is_shown(api, client):
    task = nomination("fen")
    b = signed_in(client, "fen@camlitepe.bel.tr")
    assert b.post(f"/tasks/{task.id}", {"action": "draft", "members-0-full_name": "Ali Veli"}).status_code == 302
    body = check(api("fen@camlitepe.bel.tr").get(f"/tasks/{task.id}"), "get", "/tasks/{task_id}", 200)
    assert body["draft"] == {"members": [{"full_name": "Ali Veli"}], "no_nominee": False}


def test_tasks_out_of_scope_are_404(api):
    _town, other_instance = new_municipality("Örnekköy Belediyesi", "sgm@ornekkoy.bel.tr")
    other_task = db.session.execute(db.select(TaskRecord).filter_by(instance_id=other_instance.id)).scalar_one()
    fen_task = nomination("fen")
    cases = [("imar@camlitepe.bel.tr", fen_task.id), ("sgm@ornekkoy.bel.tr", fen_task.id),
             ("sgm@camlitepe.bel.tr", other_task.id), ("danisman@aymett.example", other_task.id),
             ("fen@camlitepe.bel.tr", "00000000-0000-0000-0000-000000000000"),
             ("fen@camlitepe.bel.tr", "x" * 500)]
    clients = {email: api(email) for email in {e for e, _ in cases}}
    for c in clients.values():
        check(c.get("/tasks"), "get", "/tasks", 200)
    before = snapshot()
    for email, task_id in cases:
        body = check(clients[email].get(f"/tasks/{task_id}"), "get", "/tasks/{task_id}", 404)
        assert body["error"]["code"] == "not_found" and other_task.name not in json.dumps(body)
        check(clients[email].post(f"/tasks/{task_id}/complete", NO_NOMINEE),
              "post", "/tasks/{task_id}/complete", 404)
    assert snapshot() == before


def test_complete_a_task(api):
    task = nomination("fen")
    revision = task.instance.revision
    fen = api("fen@camlitepe.bel.tr")
    body = check(fen.post(f"/tasks/{task.id}/complete", MEMBER), "post", "/tasks/{task_id}/complete", 200)
    fen_user = user("fen@camlitepe.bel.tr")
    assert body["id"] == task.id and body["state"] == "completed" and body["can_complete"] is False
    assert body["completed_by"] == {"id": fen_user.id, "full_name": fen_user.full_name}
    db.session.expire_all()
    done = db.session.get(TaskRecord, task.id)
    assert done.state == "completed" and done.completed_by_id == fen_user.id
    assert done.instance.revision == revision + 1
    event = db.session.execute(db.select(AuditEvent).filter_by(action="task.completed", task_id=task.id)).scalar_one()
    assert event.actor_id == fen_user.id

    before = snapshot()
    again = check(fen.post(f"/tasks/{task.id}/complete", MEMBER), "post", "/tasks/{task_id}/complete", 409)
    assert again["error"]["code"] == "conflict"
    assert snapshot() == before


BAD_BODIES = {
    "form-encoded": {"data": {"no_nominee": "1"}},
    "no body": {},
    "text/plain JSON": {"data": json.dumps(NO_NOMINEE), "content_type": "text/plain"},
    "broken JSON": {"data": '{"no_nominee": true', "content_type": "application/json"},
    "empty JSON body": {"data": "", "content_type": "application/json"},
    "array": {"data": json.dumps([NO_NOMINEE]), "content_type": "application/json"},
    "null": {"data": "null", "content_type": "application/json"},
    "string": {"data": '"no_nominee"', "content_type": "application/json"},
    "NaN": {"data": '{"no_nominee": NaN}', "content_type": "application/json"},
    "not UTF-8": {"data": b'{"no_nominee_reason": "\xff\xfe"}', "content_type": "application/json"},
    "deeply nested": {"data": "[" * 100_000 + "]" * 100_000, "content_type": "application/json"},
}


@pytest.mark.parametrize("case", BAD_BODIES)
def test_complete_with_a_malformed_body_is_400_and_changes_nothing(api, case):
    task = nomination("fen")
    fen = api("fen@camlitepe.bel.tr")
    check(fen.get("/tasks"), "get", "/tasks", 200)
    before = snapshot()
    body = check(fen.post(f"/tasks/{task.id}/complete", **BAD_BODIES[case]), "post", "/tasks/{task_id}/complete", 400)
    assert body["error"]["code"] == "bad_request" and "JSON" in body["error"]["message"]
    assert snapshot() == before


INVALID_DATA = [
    ({}, {"members": None}),
    ({"members": [{"full_name": "Ali Veli", "email": "not-an-email"}]},
     {"members-0-email": "Geçerli bir e-posta adresi girin.", "members-0-title": "Bu alan zorunludur."}),
    ({"no_nominee": True}, {"no_nominee_reason": None}),
    ({"no_nominee": "yes", "no_nominee_reason": "Personel yok."},
     {"no_nominee": "Geçersiz değer türü.", "members": None}),
    ({**NO_NOMINEE, "nickname": "x", "municipality": {"id": 1}},
     {"nickname": "Bu formda böyle bir alan yok.", "municipality": "Bu formda böyle bir alan yok."}),
    ({"members": []}, {"members": "En az 1 kayıt girin."}),
]


@pytest.mark.parametrize(("data", "fields"), INVALID_DATA)
def test_complete_with_invalid_data_is_422_with_field_messages(api, data, fields):
    """`fields` maps each expected field to its message (None: any non-empty message)."""
    task = nomination("fen")
    fen = api("fen@camlitepe.bel.tr")
    check(fen.get("/tasks"), "get", "/tasks", 200)
    before = snapshot()
    body = check(fen.post(f"/tasks/{task.id}/complete", data), "post", "/tasks/{task_id}/complete", 422)
    assert body["error"]["code"] == "validation"
    assert body["error"]["message"] == "Formda düzeltilmesi gereken alanlar var."
    assert set(body["error"]["fields"]) == set(fields)
    for field, message in fields.items():
        assert body["error"]["fields"][field] == message if message else body["error"]["fields"][field]
    assert snapshot() == before


def test_viewers_may_not_complete_a_unit_task(api):
    task = nomination("fen")
    viewers = [api(e) for e in ("sgm@camlitepe.bel.tr", "danisman@aymett.example", "baskan@camlitepe.bel.tr")]
    for v in viewers:
        check(v.get("/tasks"), "get", "/tasks", 200)
    before = snapshot()
    for v in viewers:
        body = check(v.post(f"/tasks/{task.id}/complete", NO_NOMINEE), "post", "/tasks/{task_id}/complete", 403)
        assert body["error"]["code"] == "forbidden"
    assert snapshot() == before


def test_same_task_completed_twice_at_once_succeeds_once(api, app):
    task_id = nomination("fen").id
    clients = [api("fen@camlitepe.bel.tr"), api("fen@camlitepe.bel.tr")]
    db.session.commit()  # the threads' transactions must not wait for ours
    barrier = threading.Barrier(2)
    responses = [None, None]

    def go(i):
        barrier.wait()
        responses[i] = clients[i].post(f"/tasks/{task_id}/complete", MEMBER)

    threads = [threading.Thread(target=go, args=(i,)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert sorted(r.status_code for r in responses) == [200, 409]
    for r in responses:
        check(r, "post", "/tasks/{task_id}/complete", r.status_code)
    completions = db.session.execute(db.select(db.func.count(AuditEvent.id))
                                     .filter_by(action="task.completed", task_id=task_id)).scalar()
    assert completions == 1


def test_request_body_too_large_is_413_json(api, app, monkeypatch):
    task = nomination("fen")
    fen = api("fen@camlitepe.bel.tr")
    check(fen.get("/tasks"), "get", "/tasks", 200)
    monkeypatch.setitem(app.config, "MAX_CONTENT_LENGTH", 1000)
    before = snapshot()
    big = {"no_nominee": True, "no_nominee_reason": "x" * 2000}
    check(fen.post(f"/tasks/{task.id}/complete", big), "post", "/tasks/{task_id}/complete", 413)
    assert snapshot() == before


# -- instances -----------------------------------------------------------------------------

def test_instances_list_and_detail(api, demo):
    instance = db.session.execute(db.select(ProcessInstance)).scalar_one()
    sgm = api("sgm@camlitepe.bel.tr")
    listed = check(sgm.get("/instances"), "get", "/instances", 200)["instances"]
    assert len(listed) == 1
    assert listed[0] == {**listed[0], "id": instance.id, "title": instance.title, "status": "running",
                         "revision": instance.revision, "definition": {"key": "strategic_plan", "version": 1},
                         "municipality": {"id": demo.id, "name": "Çamlıtepe Belediyesi"}, "completed_at": None}

    body = check(sgm.get(f"/instances/{instance.id}"), "get", "/instances/{instance_id}", 200)
    assert {k: body[k] for k in listed[0]} == listed[0]
    # The only timer: the escalation of late nominations, at the end of the circular's deadline day.
    deadline = (demo.mazbata_date + timedelta(days=30)).isoformat()
    assert body["started_by"]["full_name"] == "Zeynep Çelik" and body["next_timer_at"] == f"{deadline}T20:59:00Z"
    assert len(body["open_tasks"]) == 11
    assert {t["bpmn_id"] for t in body["open_tasks"]} == {"team_nomination"}
    assert all(t["unit"] and t["role"] == "unit_manager" and t["due_date"] for t in body["open_tasks"])
    assert [(t["bpmn_id"], t["completed_by"]["full_name"]) for t in body["completed_tasks"]] == [
        ("circular_draft", "Zeynep Çelik"), ("circular_approval", "Levent Erdem"),
        ("board_composition", "Zeynep Çelik"), ("board_approval", "Levent Erdem"), ("team_nomination", "İrem Güneş")]
    assert all(t["completed_at"].endswith("Z") for t in body["completed_tasks"])

    for viewer in ("baskan@camlitepe.bel.tr", "danisman@aymett.example", "yaziisleri@camlitepe.bel.tr",
                   "admin@stratflow.example"):
        assert [i["id"] for i in check(api(viewer).get("/instances"), "get", "/instances", 200)["instances"]] == [
            instance.id], viewer


def test_instances_out_of_scope_are_404(api, demo):
    _town, other = new_municipality("Örnekköy Belediyesi", "sgm@ornekkoy.bel.tr")
    mine = db.session.execute(db.select(ProcessInstance).filter_by(municipality_id=demo.id)).scalar_one()
    fen, sgm, other_sgm = (api(e) for e in ("fen@camlitepe.bel.tr", "sgm@camlitepe.bel.tr", "sgm@ornekkoy.bel.tr"))
    assert check(fen.get("/instances"), "get", "/instances", 200) == {"instances": []}
    assert [i["id"] for i in check(sgm.get("/instances"), "get", "/instances", 200)["instances"]] == [mine.id]
    assert [i["id"] for i in check(other_sgm.get("/instances"), "get", "/instances", 200)["instances"]] == [other.id]
    admin = check(api("admin@stratflow.example").get("/instances"), "get", "/instances", 200)["instances"]
    assert {i["id"] for i in admin} == {mine.id, other.id}
    before = snapshot()
    for client, instance_id in [(fen, mine.id), (sgm, other.id), (other_sgm, mine.id), (sgm, 999_999),
                                (sgm, 10**20)]:
        body = check(client.get(f"/instances/{instance_id}"), "get", "/instances/{instance_id}", 404)
        assert body["error"]["code"] == "not_found"
    assert snapshot() == before


def test_start_an_instance(api, app):
    town, _ = new_municipality("Yeniköy Belediyesi", "sgm@yenikoy.bel.tr", units=2, start=False)
    coordinator = api("sgm@yenikoy.bel.tr")
    r = coordinator.post("/instances", {"municipality_id": town.id})
    body = check(r, "post", "/instances", 201)
    assert r.headers["Location"].endswith(f"{API}/instances/{body['id']}")
    assert body["status"] == "running" and body["municipality"] == {"id": town.id, "name": "Yeniköy Belediyesi"}
    assert body["definition"]["key"] == "strategic_plan" and body["completed_tasks"] == []
    assert [(t["bpmn_id"], t["role"]) for t in body["open_tasks"]] == [("circular_draft", "coordinator")]
    assert body["started_by"]["full_name"] == "Koordinatör Yeniköy Belediyesi"
    event = db.session.execute(db.select(AuditEvent).filter_by(action="instance.started",
                                                               instance_id=body["id"])).scalar_one()
    assert event.actor_id == user("sgm@yenikoy.bel.tr").id
    fetched = check(coordinator.get(f"/instances/{body['id']}"), "get", "/instances/{instance_id}", 200)
    assert fetched == body

    before = snapshot()
    again = check(coordinator.post("/instances", {"municipality_id": town.id}), "post", "/instances", 409)
    assert again["error"]["code"] == "conflict"
    assert snapshot() == before


def test_admin_starts_and_the_new_task_reaches_the_coordinator(api):
    town, _ = new_municipality("Yeniköy Belediyesi", "sgm@yenikoy.bel.tr", start=False)
    check(api("admin@stratflow.example").post("/instances", {"municipality_id": town.id}), "post", "/instances", 201)
    tasks = check(api("sgm@yenikoy.bel.tr").get("/tasks"), "get", "/tasks", 200)["tasks"]
    assert [t["bpmn_id"] for t in tasks] == ["circular_draft"]


def test_only_coordinators_may_start_and_others_see_404(api, demo):
    town, _ = new_municipality("Yeniköy Belediyesi", "sgm@yenikoy.bel.tr", start=False)
    clients = {e: api(e) for e in ("sgm@camlitepe.bel.tr", "baskan@camlitepe.bel.tr", "fen@camlitepe.bel.tr",
                                   "danisman@aymett.example", "birim0.sgm@yenikoy.bel.tr")}
    for c in clients.values():
        check(c.get("/tasks"), "get", "/tasks", 200)
    before = snapshot()
    for email, c in clients.items():
        body = check(c.post("/instances", {"municipality_id": town.id}), "post", "/instances", 404)
        assert body["error"]["code"] == "not_found", email
    for email in ("baskan@camlitepe.bel.tr", "fen@camlitepe.bel.tr"):
        check(clients[email].post("/instances", {"municipality_id": demo.id}), "post", "/instances", 404)
    check(clients["sgm@camlitepe.bel.tr"].post("/instances", {"municipality_id": 999_999}), "post", "/instances", 404)
    # Her own municipality's process is already running.
    check(clients["sgm@camlitepe.bel.tr"].post("/instances", {"municipality_id": demo.id}), "post", "/instances", 409)
    assert snapshot() == before


@pytest.mark.parametrize(("kwargs", "status", "field"), [
    ({"data": "municipality_id=1"}, 400, None),
    ({"data": "[1]", "content_type": "application/json"}, 400, None),
    ({"data": "{", "content_type": "application/json"}, 400, None),
    ({"json": {}}, 422, "municipality_id"),
    ({"json": {"municipality_id": "1"}}, 422, "municipality_id"),
    ({"json": {"municipality_id": True}}, 422, "municipality_id"),
    ({"json": {"municipality_id": 0}}, 422, "municipality_id"),
    ({"json": {"municipality_id": 1.5}}, 422, "municipality_id"),
    ({"json": {"municipality_id": 2**40}}, 422, "municipality_id"),
    ({"json": {"municipality_id": None}}, 422, "municipality_id"),
    ({"json": {"municipality_id": 1, "title": "x"}}, 422, "title"),
])
def test_start_with_bad_input_changes_nothing(api, kwargs, status, field):
    town, _ = new_municipality("Yeniköy Belediyesi", "sgm@yenikoy.bel.tr", start=False)
    coordinator = api("sgm@yenikoy.bel.tr")
    check(coordinator.get("/tasks"), "get", "/tasks", 200)
    before = snapshot()
    body = check(coordinator.post("/instances", **kwargs), "post", "/instances", status)
    if field:
        assert body["error"]["code"] == "validation" and field in body["error"]["fields"]
    assert snapshot() == before


def test_start_without_units_is_refused(api):
    town, _ = new_municipality("Boşköy Belediyesi", "sgm@boskoy.bel.tr", units=0, start=False)
    coordinator = api("sgm@boskoy.bel.tr")
    check(coordinator.get("/tasks"), "get", "/tasks", 200)
    before = snapshot()
    body = check(coordinator.post("/instances", {"municipality_id": town.id}), "post", "/instances", 422)
    assert body["error"]["code"] == "invalid" and "harcama birimlerini" in body["error"]["message"]
    assert snapshot() == before


@contextmanager
def counting_queries():
    statements = []

    def count(_conn, _cursor, statement, *_args):
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(db.engine, "before_cursor_execute", count)


def test_query_count_does_not_grow_with_the_number_of_rows(api):
    """Lists cost a fixed number of queries (no query per row)."""
    admin = api("admin@stratflow.example")
    mine = db.session.execute(db.select(ProcessInstance)).scalar_one()

    paths = {"/instances": "/instances", "/tasks": "/tasks", "/tasks?state=all": "/tasks",
             f"/instances/{mine.id}": "/instances/{instance_id}"}

    def costs():
        out = {}
        for path, documented in paths.items():
            with counting_queries() as statements:
                check(admin.get(path), "get", documented, 200)
            out[path] = len(statements)
        return out

    costs()  # warm-up: the token's first use of the period records last_used_at
    before = costs()
    for n in range(3):
        new_municipality(f"Köy {n} Belediyesi", f"sgm@koy{n}.bel.tr", units=3)
    for task in open_tasks("team_nomination")[:4]:
        check(admin.post(f"/tasks/{task.id}/complete", NO_NOMINEE), "post", "/tasks/{task_id}/complete", 200)
    after = costs()
    assert after == before


# -- language, unknown routes ----------------------------------------------------------------

def test_messages_follow_the_token_users_locale(api, app):
    task = nomination("fen")
    user("imar@camlitepe.bel.tr").locale = "en"
    db.session.commit()
    english, turkish = api("imar@camlitepe.bel.tr"), api("fen@camlitepe.bel.tr")
    assert english.get("/tasks").headers["Content-Language"] == "en"
    assert english.get(f"/tasks/{task.id}").headers["Content-Language"] == "en"  # a 404
    assert turkish.get("/tasks").headers["Content-Language"] == "tr"
    r = turkish.post(f"/tasks/{task.id}/complete", {})
    assert r.headers["Content-Language"] == "tr"
    assert r.get_json()["error"]["message"] == "Formda düzeltilmesi gereken alanlar var."
    members = nomination_form()["properties"]["members"]
    assert r.get_json()["error"]["fields"]["members"] == members.get("x-required-message", "Bu alan zorunludur.")
    imar_task = nomination("imar")
    r = english.post(f"/tasks/{imar_task.id}/complete", {})
    assert r.status_code == 422 and r.headers["Content-Language"] == "en"
    with app.test_request_context(), force_locale("en"):
        expected = gettext("Formda düzeltilmesi gereken alanlar var.")
    assert r.get_json()["error"]["message"] == expected  # whatever the English catalog says
    if "x-required-message-en" in members:  # the form's own English wording reaches API users
        assert r.get_json()["error"]["fields"]["members"] == members["x-required-message-en"]
    # Without a token the request's languages decide.
    anonymous = Api(app, None).get("/tasks", headers={"Accept-Language": "en-GB,en;q=0.8"})
    assert anonymous.status_code == 401 and anonymous.headers["Content-Language"] == "en"


def test_unknown_routes_and_methods_answer_in_json(api):
    fen = api("fen@camlitepe.bel.tr")
    r = fen.get("/nothing-here")
    assert r.status_code == 404 and r.get_json()["error"]["code"] == "not_found"
    r = fen.client.delete(f"{API}/tasks", headers=fen.headers)
    assert r.status_code == 405 and r.get_json()["error"]["code"] == "method_not_allowed"


# -- the whole process ---------------------------------------------------------------------

def test_whole_process_through_the_api(api, app):
    """Every unit nominates, the coordinator closes the list, the timer fires, the coordinator drafts
    the preparation program and the mayor approves it: the situation analysis starts. (The rest of
    the process through the API: tests/test_strategic_plan.py.)"""
    import time_machine

    from stratflow.jobs.scheduler import run_due_jobs

    for task in open_tasks("team_nomination"):
        unit_api = api(f"{task.unit.code}@camlitepe.bel.tr")
        check(unit_api.post(f"/tasks/{task.id}/complete", NO_NOMINEE), "post", "/tasks/{task_id}/complete", 200)
    sgm = api("sgm@camlitepe.bel.tr")
    team = check(sgm.get("/tasks"), "get", "/tasks", 200)["tasks"]
    assert [t["bpmn_id"] for t in team] == ["team_list"]
    kickoff = date.today() + timedelta(days=2)
    check(sgm.post(f"/tasks/{team[0]['id']}/complete", {"team_leader": "Zeynep Çelik",
                                                        "kickoff_date": kickoff.isoformat()}),
          "post", "/tasks/{task_id}/complete", 200)
    instance_id = team[0]["instance"]["id"]
    waiting = check(sgm.get(f"/instances/{instance_id}"), "get", "/instances/{instance_id}", 200)
    assert waiting["open_tasks"] == [] and waiting["next_timer_at"].startswith(kickoff.isoformat())

    db.session.commit()  # the scheduler runs in its own session: release ours
    later = datetime.combine(kickoff + timedelta(days=1), datetime.min.time())
    with time_machine.travel(later, tick=False):
        assert run_due_jobs(app, later)["timers_fired"] == 1
    program = check(sgm.get("/tasks"), "get", "/tasks", 200)["tasks"]
    assert [t["bpmn_id"] for t in program] == ["program_draft"]
    check(sgm.post(f"/tasks/{program[0]['id']}/complete", {
        "program_activities": [{"phase": "situation", "activity": "Durum analizi"}],
        "analysis_deadline": (kickoff + timedelta(days=30)).isoformat()}), "post", "/tasks/{task_id}/complete", 200)
    mayor = api("baskan@camlitepe.bel.tr")
    approval = check(mayor.get("/tasks"), "get", "/tasks", 200)["tasks"]
    assert [t["bpmn_id"] for t in approval] == ["program_approval"]
    refused = check(mayor.post(f"/tasks/{approval[0]['id']}/complete", {"program_decision": "return"}),
                    "post", "/tasks/{task_id}/complete", 422)
    assert list(refused["error"]["fields"]) == ["program_note"]
    check(mayor.post(f"/tasks/{approval[0]['id']}/complete", {"program_decision": "approve"}),
          "post", "/tasks/{task_id}/complete", 200)
    moved = check(sgm.get(f"/instances/{instance_id}"), "get", "/instances/{instance_id}", 200)
    assert moved["status"] == "running" and moved["completed_at"] is None
    assert moved["completed_tasks"][-1]["bpmn_id"] == "program_approval"
    assert {t["bpmn_id"] for t in moved["open_tasks"]} == {
        "unit_analysis", "plan_evaluation", "policy_analysis", "stakeholder_analysis", "environment_analysis"}
