"""The plan year's cycle on one timeline (services/cycle_view.py): everyone who reads the plan."""

from __future__ import annotations

from flask import Blueprint, abort, render_template, request
from flask_login import current_user, login_required

from ..parsing import parse_int
from ..services import NotFound, ServiceError, cycle_view, instances, plan_access, progress, versions

bp = Blueprint("cycle", __name__, url_prefix="/instances/<int:instance_id>")


@bp.route("/cycle")
@login_required
def show(instance_id):
    try:
        plan = plan_access.instance_for(current_user, instance_id)
    except NotFound:
        abort(404)
    if versions.of_instance(plan).key != instances.MAIN_PROCESS:
        abort(404)
    today = progress.local_today()
    asked = request.args.get("year")
    error = None
    try:
        view = cycle_view.timeline(plan, (parse_int(asked) or 0) if asked else None, today)
    except ServiceError as exc:
        error = exc.message
        view = cycle_view.timeline(plan, None, today)
    return render_template("plan/cycle.html", instance=plan, view=view, error=error), 200 if error is None else 400
