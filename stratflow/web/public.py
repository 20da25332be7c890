"""The opt-in public plan page (services/public_plan.py): /p/<municipality id> and its JSON,
without signing in. Off, no adopted plan, no such municipality, or any other path under /p/: the
same plain 404. Every request counts toward the address's rate limit (also a 404: probing ids is
counted), so the view keeps its work even when it answers with an error."""

from __future__ import annotations

from flask import Blueprint, current_app, jsonify, render_template, request
from flask_babel import get_locale

from ..services import NotFound, public_plan, status_report, throttle
from . import unit_of_work
from .municipalities import TYPE_LABELS

bp = Blueprint("public", __name__, url_prefix="/p")


def _limited(as_json: bool):
    """None, or the 429 answer when the address asked too often."""
    unit_of_work.keep()  # the count is committed whatever the answer
    try:
        public_plan.count_visit(request.remote_addr, current_app.config)
    except throttle.RateLimited as exc:
        headers = {"Retry-After": str(exc.seconds), "Cache-Control": "no-store"}
        if as_json:
            return jsonify({"error": "too_many_requests", "message": exc.message}), 429, headers
        return render_template("public/message.html", code=429, message=exc.message), 429, headers
    return None


def not_found(as_json: bool):
    headers = {"Cache-Control": "no-store"}
    if as_json:
        return jsonify({"error": "not_found"}), 404, headers
    return render_template("public/message.html", code=404, message=None), 404, headers


def _plan(municipality_id: int, as_json: bool):
    refused = _limited(as_json)
    if refused is not None:
        return refused
    try:
        plan = public_plan.plan_for(municipality_id)
    except NotFound:
        return not_found(as_json)
    headers = {"Cache-Control": "no-cache"}  # switching the page off takes effect at once
    if as_json:
        return jsonify(public_plan.as_json(plan)), 200, headers
    return render_template("public/plan.html", plan=plan, type_label=TYPE_LABELS.get(plan.type, plan.type),
                           **_formats()), 200, headers


def _formats() -> dict:
    locale = str(get_locale() or "tr")

    def num(value):
        if isinstance(value, bool) or not isinstance(value, int | float):
            return "—" if value in (None, "") else str(value)
        return status_report.number(float(value), locale)

    def percent(value):
        return "—" if value is None else status_report.percent(round(value), locale)
    return {"num": num, "percent": percent}


@bp.route("/<int:municipality_id>")
def plan(municipality_id):
    return _plan(municipality_id, as_json=False)


@bp.route("/<int:municipality_id>.json")
def plan_json(municipality_id):
    return _plan(municipality_id, as_json=True)


@bp.route("/<path:anything>")
def elsewhere(anything):
    """Any other path under /p/ (a slug, a negative or huge id): the same 404 as a page that is off."""
    refused = _limited(anything.endswith(".json"))
    return refused if refused is not None else not_found(anything.endswith(".json"))
