"""Turkish-first UI: locale per user (or session), Turkish casing and collation."""

from datetime import UTC, date, datetime
from functools import lru_cache
from zoneinfo import ZoneInfo

from babel import Locale
from flask import g, has_request_context, request, session
from flask_babel import Babel, get_locale
from flask_login import current_user

# Unbound like the objects in extensions.py; kept here so that what needs only formatting (the
# document renderer's child process) imports no database layer.
babel = Babel()


_UPPER = str.maketrans({"i": "İ", "ı": "I"})
_LOWER = str.maketrans({"I": "ı", "İ": "i"})
TR_ALPHABET = "abcçdefgğhıijklmnoöprsştuüvyz"


def tr_upper(text: str) -> str:
    return (text or "").translate(_UPPER).upper()


def tr_lower(text: str) -> str:
    return (text or "").translate(_LOWER).lower()


_ORDER = {ch: i for i, ch in enumerate(TR_ALPHABET)}
LOCAL = ZoneInfo("Europe/Istanbul")


def tr_sort_key(text: str):
    """Collation key for Turkish alphabetical order (ç after c, ı before i …)."""
    return [_ORDER.get(ch, 100 + ord(ch)) for ch in tr_lower(text)]


@lru_cache(maxsize=8)
def _months(locale: str) -> dict:
    return dict(Locale.parse(locale).months["format"]["wide"])


def long_date(value, locale: str) -> str:
    """"30 Eylül 2024" / "30 September 2024" (Babel's "d MMMM y", without its per-call parsing: pages
    show hundreds). A naive datetime is UTC and is shown as the Turkish calendar day."""
    if not value:
        return ""
    if isinstance(value, datetime):
        value = _local(value)
    elif not isinstance(value, date):
        return str(value)
    return f"{value.day} {_months(locale)[value.month]} {value.year}"


def long_datetime(value, locale: str) -> str:
    """"30 Eylül 2024 14:05" in Turkish time ("d MMMM y HH:mm"); naive datetimes are UTC."""
    if not value:
        return ""
    moment = _local(value)
    return f"{moment.day} {_months(locale)[moment.month]} {moment.year} {moment:%H:%M}"


def file_size(size, locale: str) -> str:
    """1234567 → "1,2 MB" (Turkish) / "1.2 MB"; below a kilobyte in bytes."""
    if not isinstance(size, int) or isinstance(size, bool):
        return "—"
    if size < 1000:
        return f"{size} B"
    value, unit = (size / 1000, "KB") if size < 1_000_000 else (size / 1_000_000, "MB")
    text = f"{value:.1f}".rstrip("0").rstrip(".")
    return f"{text.replace('.', ',') if locale == 'tr' else text} {unit}"


def _local(moment: datetime) -> datetime:
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).astimezone(LOCAL)


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
