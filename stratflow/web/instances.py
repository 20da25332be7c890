"""Process instances: list, start, and the coordinator's instance page."""

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..extensions import db
from ..services import NotFound, ServiceError, access, instances, progress
from .forms import ActionForm

bp = Blueprint("instances", __name__)


@bp.route("/instances")
@login_required
def index():
    return render_template("instances/index.html", instances=access.visible_instances(current_user),
                           municipalities=access.managed_municipalities(current_user),
                           action_form=ActionForm())


@bp.route("/instances/<int:instance_id>")
@login_required
def show(instance_id):
    try:
        instance = access.instance_for(current_user, instance_id)
    except NotFound:
        abort(404)
    return render_template("instances/show.html", instance=instance,
                           view=progress.instance_view(instance))


@bp.route("/municipalities/<int:municipality_id>/start", methods=["POST"])
@login_required
def start(municipality_id):
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        municipality = access.municipality_for(current_user, municipality_id, manage=True)
        instance = instances.start_instance(municipality, current_user)
        db.session.commit()
    except NotFound:
        abort(404)
    except ServiceError as exc:
        db.session.rollback()
        flash(exc.message, "error")
        return redirect(url_for("instances.index"))
    flash(_("Süreç başlatıldı."), "success")
    return redirect(url_for("instances.show", instance_id=instance.id))
