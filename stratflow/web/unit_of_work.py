"""The request's one transaction boundary: every view runs inside `commit_once`.

The view calls services (which flush, never commit) and returns a response; a response below
400 (pages, redirects, downloads) commits, any other response rolls back, and an exception rolls
back before Flask's error handlers render it. Views never commit themselves; register_blueprints
wraps every view, and the API's token_required ends its requests through `finish`.
"""

from __future__ import annotations

import logging
from functools import wraps

from flask import g, make_response

from ..extensions import db

log = logging.getLogger(__name__)


def finish(response):
    """Commit a successful response's work, roll back anything else; then run what was asked to
    happen after the commit (`later`). Returns the response."""
    if response.status_code < 400 or g.pop("keep_on_error", False):
        db.session.commit()
    else:
        db.session.rollback()
    for work in g.pop("after_commit", []):
        try:
            work()
            db.session.commit()
        except Exception:  # noqa: BLE001 — best effort by definition (a cache write): logged, not fatal
            db.session.rollback()
            log.exception("work after the request's commit failed")
    return response


def keep() -> None:
    """Commit this request's work even though it answers with an error (a failed sign-in is
    recorded: the throttling counts it)."""
    g.keep_on_error = True


def later(work) -> None:
    """Best-effort work in a transaction of its own once the request's work is committed (a read
    that wants to cache what it computed: the PDF of a document)."""
    g.setdefault("after_commit", []).append(work)


def commit_once(view):
    @wraps(view)
    def wrapper(*args, **kwargs):
        try:
            response = make_response(view(*args, **kwargs))
        except BaseException:
            db.session.rollback()
            raise
        return finish(response)
    wrapper.commits_once = True
    return wrapper


def wrap_views(app, skip_blueprints=("api",)) -> None:
    """Every view of the app's blueprints runs in commit_once (the API has its own: token_required)."""
    for endpoint, view in list(app.view_functions.items()):
        blueprint = endpoint.partition(".")[0] if "." in endpoint else None
        if blueprint is None or blueprint in skip_blueprints or getattr(view, "commits_once", False):
            continue
        app.view_functions[endpoint] = commit_once(view)


def discard() -> None:
    """Throw the request's work away now (a refused action whose page is rendered next)."""
    db.session.rollback()
