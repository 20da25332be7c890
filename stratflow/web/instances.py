"""Process instances: list, start, and the coordinator's instance page."""

from flask import Blueprint, Response, abort, flash, g, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..services import (
    NotFound,
    ServiceError,
    access,
    diagram,
    exports,
    instance_page,
    renewal,
    timeline,
)
from . import unit_of_work
from .forms import ActionForm

bp = Blueprint("instances", __name__)


@bp.route("/instances")
@login_required
def index():
    return render_template("instances/index.html", instances=access.visible_instances(current_user),
                           municipalities=access.managed_municipalities(current_user),
                           action_form=ActionForm())


def _instance(instance_id):
    try:
        return access.instance_for(current_user, instance_id)
    except NotFound:
        abort(404)


@bp.route("/instances/<int:instance_id>")
@login_required
def show(instance_id):
    instance = _instance(instance_id)
    page = instance_page.page(instance, request.args, current_user)
    return render_template("instances/show.html", instance=instance, view=page.view, page=page,
                           element_labels={k: str(v) for k, v in diagram.STATE_LABELS.items()},
                           phase_labels=timeline.PHASE_STATE_LABELS, matrix_steps=page.status.matrix_steps,
                           action_form=ActionForm(), action_errors=g.get("instance_action_errors", {}),
                           action_values=g.get("instance_action_values", {}))


@bp.route("/instances/<int:instance_id>/situation")
@login_required
def situation(instance_id):
    """The consolidated situation analysis, read-only (the instance's viewers, the team, the board)."""
    try:
        instance = access.situation_for(current_user, instance_id)
    except NotFound:
        abort(404)
    return render_template("instances/situation.html", instance=instance,
                           analysis=instance_page.situation_analysis(instance, str(get_locale() or "tr")),
                           instance_link=access.can_view_instance(current_user, instance))


@bp.route("/instances/<int:instance_id>/diagram.bpmn")
@login_required
def diagram_xml(instance_id):
    """The BPMN file of the instance's definition version, for the diagram viewer."""
    instance = _instance(instance_id)
    return Response(diagram.bpmn_xml(instance), mimetype="application/xml",
                    headers={"Cache-Control": "private, max-age=3600"})


@bp.route("/instances/<int:instance_id>/export/<kind>.<fmt>")
@login_required
def export(instance_id, kind, fmt):
    """Instance status or the unit matrix as CSV (Turkish Excel) or XLSX."""
    instance = _instance(instance_id)
    if kind not in exports.KINDS or fmt not in exports.FORMATS:
        abort(404)
    body = exports.render(kind, fmt, instance_page.status(instance))
    return Response(body, mimetype=exports.MIMETYPES[fmt], headers={
        "Content-Disposition": f'attachment; filename="{exports.filename(instance, kind, fmt)}"'})


@bp.route("/municipalities/<int:municipality_id>/start", methods=["POST"])
@login_required
def start(municipality_id):
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        municipality = access.municipality_for(current_user, municipality_id, manage=True)
        instance = renewal.start_preparation(municipality, current_user)
    except NotFound:
        abort(404)
    except ServiceError as exc:
        unit_of_work.discard()
        flash(exc.message, "error")
        return redirect(url_for("instances.index"))
    flash(_("Süreç başlatıldı."), "success")
    return redirect(url_for("instances.show", instance_id=instance.id))
