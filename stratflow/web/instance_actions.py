"""Coordinator actions on an instance page: reassign, suspend / resume / terminate, rewind.

Thin views: parse the form, call services/instance_actions.py, commit, redirect. The panel
(templates/instances/_actions.html) comes with the instance page model (services/instance_page.py).
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, g, make_response, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..parsing import parse_int
from ..services import NotFound, ServiceError
from ..services import instance_actions as actions
from . import unit_of_work
from .forms import ActionForm

bp = Blueprint("instance_actions", __name__)

STATUS_ACTIONS = {  # action -> (service, success message)
    "suspend": (actions.suspend, lambda: _("Süreç askıya alındı.")),
    "resume": (actions.resume, lambda: _("Süreç devam ettirildi.")),
    "terminate": (actions.terminate, lambda: _("Süreç sonlandırıldı.")),
}


def _run(instance_id: int, call, success: str):
    """CSRF, run the service, commit; a refusal re-renders the page with the message."""
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        call()
    except NotFound:
        abort(404)
    except actions.Forbidden:
        abort(403)
    except ServiceError as exc:
        unit_of_work.discard()
        return _refused(instance_id, exc)
    flash(success, "success")
    return redirect(url_for("instances.show", instance_id=instance_id))


def _refused(instance_id: int, exc: ServiceError):
    """The instance page again (whatever its own view shows), with the message and the form."""
    from .instances import show

    flash(exc.message, "error")
    g.instance_action_errors = exc.field_errors
    g.instance_action_values = request.form.to_dict()
    status = {"validation": 422, "conflict": 409, "not_found": 404}.get(exc.code, 400)
    return make_response(show(instance_id), status)


def _int_or_none(value: str | None):
    value = (value or "").strip()
    if not value:
        return None
    number = parse_int(value)
    return -1 if number is None else number  # -1: refused as not eligible


@bp.route("/instances/<int:instance_id>/actions/assign", methods=["POST"])
@login_required
def assign(instance_id):
    task_id = request.form.get("task_id", "")

    def call():
        actions.reassign_in(instance_id, task_id, current_user, _int_or_none(request.form.get("assignee_id")),
                            request.form.get("reason"))

    return _run(instance_id, call, _("Görev yeniden atandı."))


@bp.route("/instances/<int:instance_id>/actions/<any(suspend, resume, terminate):action>", methods=["POST"])
@login_required
def change_status(instance_id, action):
    service, success = STATUS_ACTIONS[action]

    def call():
        if action == "terminate":
            actions.instance_for_action(current_user, instance_id)  # 404 / 403 before the form
            if request.form.get("confirm") != "1":
                message = _("Sonlandırmak için onay kutusunu işaretleyin; bu işlem geri alınamaz.")
                raise ServiceError(message, code="validation", field_errors={"confirm": message})
        service(instance_id, current_user, request.form.get("reason"))

    return _run(instance_id, call, success())


@bp.route("/instances/<int:instance_id>/actions/rewind", methods=["POST"])
@login_required
def rewind(instance_id):
    def call():
        actions.rewind_to(instance_id, current_user, request.form.get("task_id", ""), request.form.get("reason"))

    return _run(instance_id, call, _("Süreç seçilen adıma geri alındı."))
