"""Downloading a task form's attached files (services/attachments.py says who may: anyone else
gets a 404)."""

from __future__ import annotations

from io import BytesIO

from flask import Blueprint, abort, send_file
from flask_login import current_user, login_required

from ..services import NotFound
from ..services import attachments as service

bp = Blueprint("attachments", __name__)


def send(row):
    return send_file(BytesIO(row.content), mimetype=service.mimetype(row), as_attachment=True,
                     download_name=row.filename, max_age=0)


@bp.route("/attachments/<int:attachment_id>")
@login_required
def download(attachment_id):
    try:
        row = service.for_download(current_user, attachment_id)
    except NotFound:
        abort(404)
    return send(row)
