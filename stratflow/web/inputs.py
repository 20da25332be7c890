"""What every request's URL, query string and form must look like before a view sees it.

- `<int:…>` in a route takes 1 … 2³¹−1 only (a database integer): anything else is a 404, never an
  overflow in the database driver.
- `<task_id>` is a UUID; any other shape is a 404 without a query.
- A NUL in the path is a 404; a NUL in a query parameter or form field (name or value) is refused
  with a clear message (400): PostgreSQL cannot store it, and no text means something with it.
  (Other control characters are removed where text is cleaned: services.municipalities.clean_text,
  services.forms; JSON bodies are checked by web.api.json_object.)
"""

from __future__ import annotations

import re

from flask import abort, render_template, request
from flask_babel import gettext as _
from werkzeug.routing import IntegerConverter

MAX_ID = 2**31 - 1
_UUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")
UUID_ARGS = ("task_id",)


class DatabaseId(IntegerConverter):
    """`int` in routes: 1 … 2³¹−1 unless the route says otherwise."""

    def __init__(self, map, fixed_digits=0, min=1, max=MAX_ID, signed=False):  # noqa: A002 - werkzeug's names
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)


def install_converters(app) -> None:
    """Before any route is added: rules take their converter when they are added."""
    app.url_map.converters["int"] = DatabaseId


def nul_message() -> str:
    return _("Gönderilen metinlerden birinde izin verilmeyen bir denetim karakteri (NUL) var. "
             "Metni yeniden yazıp tekrar deneyin.")


def init_app(app) -> None:
    @app.url_value_preprocessor
    def _check_path(_endpoint, values):
        if "\x00" in request.path:
            abort(404)
        for name in UUID_ARGS:
            if values and name in values and not _UUID.fullmatch(str(values[name])):
                abort(404)

    @app.before_request
    def _refuse_nul():
        if not _has_nul(request.args) and not (request.method not in ("GET", "HEAD") and _has_nul(request.form)):
            return None
        if request.path.startswith("/api/"):
            from .api import problem
            return problem(400, nul_message())
        return render_template("error.html", code=400, message=nul_message()), 400


def _has_nul(multidict) -> bool:
    return any("\x00" in key or "\x00" in value for key, value in multidict.items(multi=True))
