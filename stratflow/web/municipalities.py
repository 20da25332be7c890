"""Municipalities, spending units and people (placeholder until its own change)."""

from flask import Blueprint
from flask_login import login_required

bp = Blueprint("municipalities", __name__)


@bp.route("/municipalities")
@login_required
def index():
    return "", 204
