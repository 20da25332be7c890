"""JSON API under /api/v1 with per-user bearer tokens. Documented in static/openapi.yaml.

Every authenticated request is one transaction: the view's writes (and the token's
`last_used_at`) are committed when the response is a success and rolled back otherwise.
Services raise ServiceError / NotFound / Conflict; `token_required` turns them into the
documented error shape `{"error": {"status", "code", "message", "fields"?}}`.
"""

from __future__ import annotations

import functools
import json
from functools import wraps
from io import BytesIO
from pathlib import Path

import yaml
from flask import (
    Blueprint,
    current_app,
    g,
    jsonify,
    make_response,
    request,
    send_file,
    send_from_directory,
    url_for,
)
from flask_babel import get_locale, refresh
from flask_babel import gettext as _

from ..extensions import csrf
from ..parsing import contains_nul
from ..services import (
    Forbidden,
    NotFound,
    ServiceError,
    access,
    accounts,
    attachments,
    calendars,
    evaluation,
    forms,
    instances,
    monitoring,
    municipalities,
    performance,
    plan_state,
    progress,
    renewal,
    tasks,
)
from ..services import instance_actions as actions
from . import api_json, unit_of_work

# started on an adopted plan (api_plan.start_yearly), never with POST /instances
YEARLY_PROCESSES = frozenset({monitoring.PROCESS, performance.PROCESS, evaluation.PROCESS, plan_state.PROCESS})

bp = Blueprint("api", __name__, url_prefix="/api/v1")
csrf.exempt(bp)

_DEFAULT_CODES = {400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found",
                  405: "method_not_allowed", 409: "conflict", 413: "too_large", 422: "invalid",
                  500: "server_error"}
_SERVICE_STATUS = {"not_found": 404, "conflict": 409, "throttled": 429, "forbidden": 403}
_INBOX_STATES = ("open", "all")
_MAX_ID = 2**31 - 1


@functools.cache
def documented_schemas(static_folder: str) -> dict:
    """The component schemas of static/openapi.yaml, read once: request bodies are checked against
    the very document clients read, so the two cannot drift apart."""
    document = yaml.safe_load((Path(static_folder) / "openapi.yaml").read_text(encoding="utf-8"))
    return document["components"]["schemas"]


def json_body(schema_name: str) -> dict:
    """The request body (json_object), valid against the documented schema `schema_name`
    (closed: unknown fields are refused), or a 422 with a message per field."""
    data = json_object()
    errors = forms.validate(documented_schemas(current_app.static_folder)[schema_name], data)
    if errors:
        raise ServiceError(_("İstekte düzeltilmesi gereken alanlar var."), code="validation", field_errors=errors)
    return data


class BadRequest(ServiceError):
    """The request itself is malformed (not JSON, not an object, bad query parameter)."""

    def __init__(self, message: str):
        super().__init__(message, code="bad_request")


def problem(status: int, message: str, code: str | None = None, **extra):
    body = {"error": {"status": status, "code": code or _DEFAULT_CODES.get(status, "error"),
                      "message": message, **extra}}
    return jsonify(body), status


def _service_problem(exc: ServiceError):
    if isinstance(exc, BadRequest):
        return problem(400, exc.message, exc.code)
    status = _SERVICE_STATUS.get(exc.code, 422)
    message = exc.message
    if exc.code == "not_found" and message == NotFound().message:  # the untranslated default
        message = _("Aradığınız kayıt bulunamadı.")
    extra = {"fields": exc.field_errors} if exc.field_errors else {}
    return problem(status, message, exc.code, **extra)


def _bearer_user():
    scheme, _sep, secret = request.headers.get("Authorization", "").partition(" ")
    secret = secret.strip()
    if scheme.lower() != "bearer" or not secret:
        return None
    return accounts.user_for_token(secret)


def token_required(view):
    """Authenticate by bearer token and run the view as one transaction."""
    @wraps(view)
    def wrapper(*args, **kwargs):
        g.api_request = True
        user = _bearer_user()
        if user is None:
            unit_of_work.discard()
            response = make_response(problem(401, _("Geçerli bir API anahtarı gerekli (Authorization: Bearer …).")))
            response.headers["WWW-Authenticate"] = 'Bearer realm="stratflow"'
            return response
        g.api_user = user
        refresh()  # the locale is now the token user's (stratflow.i18n.select_locale) …
        get_locale()  # … resolved now, so the response header does not reload the user after commit
        try:
            response = make_response(view(user, *args, **kwargs))
        except ServiceError as exc:
            response = make_response(_service_problem(exc))
        except BaseException:
            unit_of_work.discard()
            raise
        return unit_of_work.finish(response)
    return wrapper


@bp.after_request
def _content_language(response):
    response.headers.setdefault("Content-Language", str(get_locale() or "tr"))
    return response


def json_object() -> dict:
    """The request body as a JSON object, or BadRequest with a clear message."""
    if not request.is_json:
        raise BadRequest(_("İstek gövdesi JSON olmalıdır (Content-Type: application/json)."))
    try:
        data = json.loads(request.get_data(cache=True), parse_constant=_reject_constant)
    except (ValueError, RecursionError):
        raise BadRequest(_("İstek gövdesi geçerli bir JSON değil.")) from None
    if not isinstance(data, dict):
        raise BadRequest(_("İstek gövdesi bir JSON nesnesi olmalıdır."))
    if contains_nul(data):  # PostgreSQL stores no NUL, and no field means anything with one
        raise BadRequest(_("İstek gövdesindeki metinlerde NUL karakteri (\\u0000) bulunamaz."))
    return data


def _reject_constant(name: str):
    raise ValueError(f"{name} is not JSON")


def _visible_task(user, task_id: str):
    """(task, whether the user may act on it)."""
    try:
        return access.task_with_permission(user, task_id)
    except NotFound:
        raise NotFound(_("Görev bulunamadı.")) from None


def _visible_instance(user, instance_id: int):
    try:
        if instance_id > _MAX_ID:  # beyond the column's range: SQLite would overflow
            raise NotFound()
        return access.instance_for(user, instance_id)
    except NotFound:
        raise NotFound(_("Süreç bulunamadı.")) from None


def _task_detail(record, actionable: bool):
    return api_json.task_detail(
        record, form_schema=tasks.form_schema(record), instructions=tasks.instructions(record),
        can_complete=record.state == "open" and actionable)


def _instance_detail(instance):
    return api_json.instance_detail(instance, progress.instance_view(instance),
                                    calendars.of(instance.municipality).schedule)


@bp.get("/tasks")
@token_required
def task_list(user):
    state = request.args.get("state", "open")
    if state not in _INBOX_STATES:
        raise BadRequest(_("state parametresi 'open' ya da 'all' olmalıdır."))
    records = access.inbox(user, include_closed=state == "all")
    return {"tasks": [api_json.task_summary(t) for t in records]}


@bp.get("/tasks/<task_id>")
@token_required
def get_task(user, task_id):
    return _task_detail(*_visible_task(user, task_id))


@bp.post("/tasks/<task_id>/complete")
@token_required
def complete_task(user, task_id):
    data = json_object()
    try:
        record = tasks.complete(task_id, user, data)
    except NotFound:
        raise NotFound(_("Görev bulunamadı.")) from None
    except Forbidden:
        return problem(403, _("Bu görevi tamamlama yetkiniz yok."), "forbidden")
    return _task_detail(record, False)


@bp.post("/tasks/<task_id>/attachments")
@token_required
def upload_attachment(user, task_id):
    """One file for a file field of the task's form (multipart: `field`, `file`); the answer is the
    reference to put in that field when completing the task."""
    record, actionable = _visible_task(user, task_id)
    if not actionable:
        return problem(403, _("Bu görevi tamamlama yetkiniz yok."), "forbidden")
    if record.state != "open" or record.instance.status != "running":
        return problem(409, _("Bu görev artık açık değil."), "conflict")
    schema = tasks.form_schema(record)
    field, upload = request.form.get("field", ""), request.files.get("file")
    if field not in forms.file_fields(schema):
        raise ServiceError(_("İstekte düzeltilmesi gereken alanlar var."), code="validation",
                           field_errors={"field": _("Bu formda böyle bir dosya alanı yok.")})
    if upload is None or not upload.filename:
        raise ServiceError(_("İstekte düzeltilmesi gereken alanlar var."), code="validation",
                           field_errors={"file": _("Bir dosya gönderin (multipart alanı “file”).")})
    (reference,) = attachments.add_uploads(record, user, schema, {},
                                           [attachments.Upload(field, upload.filename, upload.stream)])
    return {"field": field, "attachment": reference}, 201


@bp.get("/attachments/<int:attachment_id>")
@token_required
def download_attachment(user, attachment_id):
    try:
        row = attachments.for_download(user, attachment_id)
    except NotFound:
        raise NotFound(_("Dosya bulunamadı.")) from None
    return send_file(BytesIO(row.content), mimetype=attachments.mimetype(row), as_attachment=True,
                     download_name=row.filename, max_age=0)


@bp.get("/instances")
@token_required
def instance_list(user):
    return {"instances": [api_json.instance_summary(i) for i in access.visible_instances(user)]}


@bp.post("/instances")
@token_required
def create_instance(user):
    data = json_body("StartInstance")
    try:
        municipality = access.municipality_for(user, int(data["municipality_id"]), manage=True)
    except NotFound:
        raise NotFound(_("Belediye bulunamadı.")) from None
    key = data.get("process") or instances.MAIN_PROCESS
    if key in YEARLY_PROCESSES:
        raise ServiceError(_("Bu süreç kabul edilmiş planın üzerinde başlatılır: POST "
                             "/api/v1/instances/{id}/plan/cycle."), code="validation",
                           field_errors={"process": _("Yıllık süreçler planın üzerinde başlatılır.")})
    instance = renewal.start_preparation(municipality, user) if key == instances.MAIN_PROCESS \
        else instances.start_instance(municipality, user, key)
    response = make_response(_instance_detail(instance), 201)
    response.headers["Location"] = url_for("api.get_instance", instance_id=instance.id)
    return response


@bp.get("/instances/<int:instance_id>")
@token_required
def get_instance(user, instance_id):
    return _instance_detail(_visible_instance(user, instance_id))


# -- municipalities (the facts of the web form; services/municipalities.py checks them) --------

def _managed_municipality(user, municipality_id: int):
    try:
        return access.municipality_for(user, municipality_id, manage=True)
    except NotFound:
        raise NotFound(_("Belediye bulunamadı.")) from None


def _municipality_body(m):
    return api_json.municipality(m, calendars.of(m).schedule)


def _form_values(data: dict) -> dict:
    """JSON values as the form's strings (None: an empty field)."""
    return {k: "" if v is None else str(v) for k, v in data.items()}


@bp.post("/municipalities")
@token_required
def create_municipality(user):
    if not user.is_admin:
        raise NotFound(_("Belediye bulunamadı."))
    data = json_body("MunicipalityCreate")
    m = municipalities.create_municipality(user, _form_values(data))
    response = make_response(_municipality_body(m), 201)
    response.headers["Location"] = url_for("api.get_municipality", municipality_id=m.id)
    return response


@bp.get("/municipalities/<int:municipality_id>")
@token_required
def get_municipality(user, municipality_id):
    return _municipality_body(_managed_municipality(user, municipality_id))


@bp.patch("/municipalities/<int:municipality_id>")
@token_required
def update_municipality(user, municipality_id):
    m = _managed_municipality(user, municipality_id)
    data = json_body("MunicipalityUpdate")
    current = {"name": m.name, "province": m.province, "type": m.type, "population": m.population,
               "election_date": m.election_date.isoformat(), "election_kind": m.election_kind,
               "general_election_date": m.general_election_date, "mazbata_date": m.mazbata_date,
               "council_weekday": m.council_weekday}
    current = {k: v.isoformat() if hasattr(v, "isoformat") else v for k, v in current.items()}
    municipalities.update_municipality(user, m, _form_values({**current, **data}))
    return _municipality_body(m)


@bp.get("/openapi.yaml")
def openapi():
    """The OpenAPI 3.1 description of this API (public: it holds no data)."""
    return send_from_directory(current_app.static_folder, "openapi.yaml", mimetype="application/yaml")


# -- coordinator actions (services/actions.py) ----------------------------------------

def _instance_action(user, instance_id: int, run, schema_name: str = "ActionReason"):
    """Run `run(body)` (a service call that checks the right first) with a body valid against its
    documented schema; answer with the instance."""
    run(json_body(schema_name))
    return _instance_detail(actions.instance_for_action(user, instance_id))


@bp.post("/instances/<int:instance_id>/suspend")
@token_required
def suspend_instance(user, instance_id):
    return _instance_action(user, instance_id,
                            lambda body: actions.suspend(instance_id, user, body.get("reason")))


@bp.post("/instances/<int:instance_id>/resume")
@token_required
def resume_instance(user, instance_id):
    return _instance_action(user, instance_id,
                            lambda body: actions.resume(instance_id, user, body.get("reason")))


@bp.post("/instances/<int:instance_id>/terminate")
@token_required
def terminate_instance(user, instance_id):
    return _instance_action(user, instance_id,
                            lambda body: actions.terminate(instance_id, user, body.get("reason")))


@bp.post("/instances/<int:instance_id>/rewind")
@token_required
def rewind_instance(user, instance_id):
    return _instance_action(user, instance_id, lambda body: actions.rewind_to(
        instance_id, user, body.get("task_id"), body.get("reason")), "RewindRequest")


@bp.post("/tasks/<task_id>/assign")
@token_required
def assign_task(user, task_id):
    data = json_body("AssignRequest")
    record = actions.reassign(task_id, user, data.get("assignee_id"), data.get("reason"))
    return _task_detail(record, access.can_act(user, record))
