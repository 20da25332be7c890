"""JSON API under /api/v1 with per-user bearer tokens. Documented in static/openapi.yaml."""

from functools import wraps

from flask import Blueprint, g, jsonify, request

from ..extensions import csrf
from ..services import accounts

bp = Blueprint("api", __name__, url_prefix="/api/v1")
csrf.exempt(bp)


def problem(status: int, message: str, **extra):
    body = {"error": {"status": status, "message": message, **extra}}
    return jsonify(body), status


def token_required(view):
    @wraps(view)
    def wrapper(*args, **kwargs):
        from flask_babel import gettext as _
        g.api_request = True
        header = request.headers.get("Authorization", "")
        scheme, _sep, secret = header.partition(" ")
        user = accounts.user_for_token(secret.strip()) if scheme.lower() == "bearer" and secret else None
        if user is None:
            return problem(401, _("Geçerli bir API anahtarı gerekli (Authorization: Bearer …)."))
        g.api_user = user
        return view(*args, **kwargs)
    return wrapper
