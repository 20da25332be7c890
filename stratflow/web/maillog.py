"""The mail log: what was sent to whom, when, and its delivery state (coordinators)."""

from flask import Blueprint, abort, render_template, request
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from ..services import NotFound, outbox

bp = Blueprint("maillog", __name__)

STATE_LABELS = {
    "pending": _l("Bekliyor"), "sending": _l("Gönderiliyor"), "failed": _l("Yeniden denenecek"),
    "sent": _l("Gönderildi"),
    "dead": _l("Gönderilemedi"), "cancelled": _l("İptal edildi"),
    "digest": _l("Günlük özeti bekliyor"), "digested": _l("Günlük özetle gönderildi"),
}


@bp.route("/mail")
@login_required
def index():
    if not outbox.can_read_log(current_user):
        abort(404)
    state = request.args.get("state")
    state = state if state in outbox.STATES else None
    return render_template("maillog/index.html", messages=outbox.mail_log(current_user, state),
                           state=state, state_labels=STATE_LABELS)


@bp.route("/mail/<int:message_id>")
@login_required
def show(message_id):
    try:
        message = outbox.message_for(current_user, message_id)
    except NotFound:
        abort(404)
    return render_template("maillog/show.html", message=message, state_labels=STATE_LABELS)
