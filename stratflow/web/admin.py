"""Administration: BPMN definitions (placeholder until its own change)."""

from flask import Blueprint
from flask_login import login_required

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.route("/definitions")
@login_required
def definitions():
    return "", 204
