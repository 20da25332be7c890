"""Calendar feeds (ICS) for calendar apps: /calendar/municipality/<id>.ics and /calendar/me.ics.

Calendar apps (Outlook, Google Calendar) subscribe to a URL and cannot send the session cookie:
besides a signed-in session, the feeds accept the user's API token, either as
`Authorization: Bearer <token>` or as `?token=<token>` in the URL. A URL with a token is a secret —
anyone holding it reads the feed; revoke the token on the account page to cut it off.
A municipality the user may not view is a 404, as everywhere.
"""

from flask import Blueprint, Response, abort, request
from flask_login import current_user

from ..services import NotFound, access, accounts, calendar_feed

bp = Blueprint("calendar_feed", __name__)


def _user():
    """The token's user when a token is given (it wins over a session), else the signed-in user."""
    secret = request.args.get("token", "").strip()
    scheme, _sep, bearer = request.headers.get("Authorization", "").partition(" ")
    if not secret and scheme.lower() == "bearer":
        secret = bearer.strip()
    if not secret and current_user.is_authenticated:
        return current_user
    user = accounts.user_for_token(secret) if secret else None
    if user is None:
        abort(Response("401 Unauthorized\n", 401, {"WWW-Authenticate": 'Bearer realm="stratflow"'},
                       mimetype="text/plain"))
    return user


def _ics(body: bytes, name: str) -> Response:
    return Response(body, mimetype="text/calendar", headers={
        "Content-Disposition": f'inline; filename="{name}"', "Cache-Control": "private, max-age=300"})


@bp.route("/calendar/municipality/<int:municipality_id>.ics")
def municipality(municipality_id):
    user = _user()
    try:
        town = access.municipality_for(user, municipality_id)
    except NotFound:
        abort(404)
    return _ics(calendar_feed.municipality_feed(town), f"belediye-{town.id}.ics")


@bp.route("/calendar/me.ics")
def me():
    return _ics(calendar_feed.personal_feed(_user()), "gorevlerim.ics")
