"""Turkish-first UI: locale per user (or session), Turkish casing and collation."""

from flask import g, has_request_context, request, session
from flask_babel import get_locale
from flask_login import current_user

from .extensions import babel

_UPPER = str.maketrans({"i": "İ", "ı": "I"})
_LOWER = str.maketrans({"I": "ı", "İ": "i"})
TR_ALPHABET = "abcçdefgğhıijklmnoöprsştuüvyz"


def tr_upper(text: str) -> str:
    return (text or "").translate(_UPPER).upper()


def tr_lower(text: str) -> str:
    return (text or "").translate(_LOWER).lower()


def tr_sort_key(text: str):
    """Collation key for Turkish alphabetical order (ç after c, ı before i …)."""
    order = {ch: i for i, ch in enumerate(TR_ALPHABET)}
    return [order.get(ch, 100 + ord(ch)) for ch in tr_lower(text)]


def select_locale() -> str:
    if not has_request_context():
        return "tr"  # jobs and commands: messages are rendered per recipient elsewhere
    api_user = g.get("api_user")  # set by the API's bearer-token check
    if api_user is not None:
        return api_user.locale
    if current_user and getattr(current_user, "is_authenticated", False):
        return current_user.locale
    if session.get("locale") in ("tr", "en"):
        return session["locale"]
    return request.accept_languages.best_match(["tr", "en"], default="tr")


def init_app(app) -> None:
    babel.init_app(app, locale_selector=select_locale)
    app.jinja_env.filters["tr_upper"] = tr_upper
    app.jinja_env.globals["get_locale"] = get_locale
