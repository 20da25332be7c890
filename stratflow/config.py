"""Every setting, read from the environment in one place, with embedded defaults.

| variable              | default                                   | meaning                                  |
|-----------------------|-------------------------------------------|------------------------------------------|
| SECRET_KEY            | random, kept in instance/secret_key       | session and CSRF signing                 |
| DATABASE_URL          | sqlite:///<repo>/instance/stratflow.db    | SQLAlchemy URL (postgresql+psycopg://…)  |
| STRATFLOW_DB_SEARCH_PATH | unset (the server's default)           | PostgreSQL schema(s) to use, e.g. `plan` |
| MAIL_SERVER           | unset → mail captured in the database     | SMTP host                                |
| MAIL_PORT             | 25                                        | SMTP port                                |
| MAIL_DEFAULT_SENDER   | stratflow@localhost                       | From address                             |
| MAIL_TIMEOUT          | 10                                        | SMTP timeout in seconds                  |
| STRATFLOW_MAIL_MAX_ATTEMPTS | 8                                   | SMTP attempts before a mail is dead      |
| STRATFLOW_MAIL_RETRY_SECONDS | 60                                 | first retry delay (doubles each time)    |
| STRATFLOW_MAIL_LEASE_SECONDS | 300                                | how long a sender holds a claimed mail   |
| STRATFLOW_REMINDER_DAYS | 7,3,1                                   | reminders: working days before due date  |
| STRATFLOW_OVERDUE_EVERY | 2                                       | working days between overdue reminders   |
| STRATFLOW_REMIND_ON_DUE | 1                                       | a reminder on the due day (0: none)      |
| STRATFLOW_REMINDER_HOUR | 8                                       | local hour (Istanbul) reminders go out   |
| STRATFLOW_ESCALATION_DAYS | 3,6,10                                | working days late → manager, coord., mayor |
| STRATFLOW_COUNTDOWN_DAYS | 60,30,14,7,3                          | countdown mails: days before the legal deadline |
| STRATFLOW_BASE_URL    | http://127.0.0.1:5000                     | address used for links in e-mails        |
| STRATFLOW_WORKFLOWS   | <repo>/workflows                          | folder of the shipped BPMN definitions   |
| STRATFLOW_MAX_BPMN_BYTES | 2000000                                | largest BPMN/form upload accepted        |
| STRATFLOW_DOCUMENT_TEMPLATE_MAX_BYTES | 5000000                   | largest .docx template upload accepted   |
| STRATFLOW_DOCUMENT_TEMPLATE_CHECK_SECONDS | 10                     | time limit of an uploaded template's check |
| STRATFLOW_ATTACHMENT_MAX_BYTES | 10000000                  | largest task-form file (`x-max-bytes` of a field wins) |
| STRATFLOW_MAX_UPLOAD_BYTES | 32000000                             | largest request body (413 beyond)        |
| STRATFLOW_SOFFICE        | soffice on PATH                           | LibreOffice binary for PDF documents     |
| STRATFLOW_IMPORT_MAX_ROWS | 2000                                  | most data rows in one unit/people import |
| STRATFLOW_LOGIN_MAX_FAILURES | 5                                  | failures of an e-mail+address: then waits |
| STRATFLOW_LOGIN_MAX_FAILURES_PER_ADDRESS | 30                     | failures of an address: then waits       |
| STRATFLOW_LOGIN_DELAY_SECONDS | 15                                | first wait (s); doubles per failure      |
| STRATFLOW_LOGIN_WINDOW_SECONDS | 900                              | longest wait; failures forgotten after   |
| STRATFLOW_PUBLIC_MAX_REQUESTS | 300                               | public plan pages of an address: then waits |
| STRATFLOW_PUBLIC_WINDOW_SECONDS | 60                              | longest wait; a quiet address starts anew |
| STRATFLOW_SCHEDULER_INTERVAL | 30                                 | seconds between scheduler polls          |
| STRATFLOW_HTTPS       | 0                                         | 1: served over HTTPS (see below)         |
| SESSION_COOKIE_SECURE | 0                                         | 1: Secure session cookie (HTTPS sets it) |
| STRATFLOW_PROXY_HOPS  | 0                                         | trusted reverse proxies (see below)      |

STRATFLOW_HTTPS=1 when users reach stratflow over HTTPS (directly or through a TLS-terminating
proxy): the session and remember-me cookies get the Secure flag (never sent over plain HTTP), every
response carries `Strict-Transport-Security: max-age=31536000; includeSubDomains` (browsers then
refuse plain HTTP to the host for a year), and generated URLs use https. Leave it off for the
development server on http://127.0.0.1.

STRATFLOW_PROXY_HOPS=N when N reverse proxies stand in front of stratflow (docker-compose: 1): the
client's address and scheme are then read from the last N X-Forwarded-For / X-Forwarded-Proto
entries, so sign-in throttling counts each user's own address, not the proxy's. Never set it
higher than the number of proxies you run: a client could then forge its address.

The five reminder values above are the defaults: a municipality's settings ("Ayarlar" on its page)
override them, and a BPMN user task may override the policy with its `reminderPolicy` property.
"""

import os
import re
import secrets
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _bool(name: str, default: str = "0") -> bool:
    return os.environ.get(name, default).strip().lower() in {"1", "true", "yes", "on"}


def _int(name: str, default: int) -> int:
    return int(os.environ.get(name, str(default)))


def _ints(name: str, default: str) -> tuple[int, ...]:
    return tuple(int(p) for p in os.environ.get(name, default).split(",") if p.strip())


def _engine_options() -> dict:
    """Pool options; STRATFLOW_DB_SEARCH_PATH puts PostgreSQL connections in a schema of their own."""
    options: dict = {}  # stale pooled connections: stratflow/database.py pings those idle a while
    search_path = os.environ.get("STRATFLOW_DB_SEARCH_PATH", "").strip()
    if search_path:
        if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*(,[A-Za-z_][A-Za-z0-9_]*)*", search_path):
            raise ValueError(f"STRATFLOW_DB_SEARCH_PATH is not a list of schema names: {search_path!r}")
        options["connect_args"] = {"options": f"-csearch_path={search_path}"}
    return options


def from_environment() -> dict:
    """Return the configuration mapping for create_app()."""
    default_db = f"sqlite:///{ROOT / 'instance' / 'stratflow.db'}"
    return {
        "SECRET_KEY": os.environ.get("SECRET_KEY") or _installation_secret(),
        "SQLALCHEMY_DATABASE_URI": normalise_db_url(os.environ.get("DATABASE_URL", default_db)),
        "SQLALCHEMY_ENGINE_OPTIONS": _engine_options(),
        "MAIL_SERVER": os.environ.get("MAIL_SERVER") or None,
        "MAIL_PORT": _int("MAIL_PORT", 25),
        "MAIL_USE_TLS": _bool("MAIL_USE_TLS"),
        "MAIL_USERNAME": os.environ.get("MAIL_USERNAME") or None,
        "MAIL_PASSWORD": os.environ.get("MAIL_PASSWORD") or None,
        "MAIL_DEFAULT_SENDER": os.environ.get("MAIL_DEFAULT_SENDER", "stratflow@localhost"),
        "MAIL_TIMEOUT": _int("MAIL_TIMEOUT", 10),
        "MAIL_MAX_ATTEMPTS": _int("STRATFLOW_MAIL_MAX_ATTEMPTS", 8),
        "MAIL_RETRY_SECONDS": _int("STRATFLOW_MAIL_RETRY_SECONDS", 60),
        "MAIL_LEASE_SECONDS": _int("STRATFLOW_MAIL_LEASE_SECONDS", 300),
        "REMINDER_DAYS": _ints("STRATFLOW_REMINDER_DAYS", "7,3,1"),
        "OVERDUE_EVERY": _int("STRATFLOW_OVERDUE_EVERY", 2),
        "REMIND_ON_DUE": _bool("STRATFLOW_REMIND_ON_DUE", "1"),
        "REMINDER_HOUR": _int("STRATFLOW_REMINDER_HOUR", 8),
        "ESCALATION_DAYS": _ints("STRATFLOW_ESCALATION_DAYS", "3,6,10"),
        "COUNTDOWN_DAYS": _ints("STRATFLOW_COUNTDOWN_DAYS", "60,30,14,7,3"),
        "BASE_URL": os.environ.get("STRATFLOW_BASE_URL", "http://127.0.0.1:5000").rstrip("/"),
        "WORKFLOWS_DIR": os.environ.get("STRATFLOW_WORKFLOWS", str(ROOT / "workflows")),
        "MAX_BPMN_BYTES": _int("STRATFLOW_MAX_BPMN_BYTES", 2_000_000),
        "DOCUMENT_TEMPLATE_MAX_BYTES": _int("STRATFLOW_DOCUMENT_TEMPLATE_MAX_BYTES", 5_000_000),
        "DOCUMENT_TEMPLATE_CHECK_SECONDS": _int("STRATFLOW_DOCUMENT_TEMPLATE_CHECK_SECONDS", 10),
        "MAX_CONTENT_LENGTH": _int("STRATFLOW_MAX_UPLOAD_BYTES", 32_000_000),
        "ATTACHMENT_MAX_BYTES": _int("STRATFLOW_ATTACHMENT_MAX_BYTES", 10_000_000),
        "IMPORT_MAX_ROWS": _int("STRATFLOW_IMPORT_MAX_ROWS", 2000),
        "LOGIN_MAX_FAILURES": _int("STRATFLOW_LOGIN_MAX_FAILURES", 5),
        "LOGIN_WINDOW_SECONDS": _int("STRATFLOW_LOGIN_WINDOW_SECONDS", 900),
        "LOGIN_MAX_FAILURES_PER_ADDRESS": _int("STRATFLOW_LOGIN_MAX_FAILURES_PER_ADDRESS", 30),
        "LOGIN_DELAY_SECONDS": _int("STRATFLOW_LOGIN_DELAY_SECONDS", 15),
        "PUBLIC_MAX_REQUESTS": _int("STRATFLOW_PUBLIC_MAX_REQUESTS", 300),
        "PUBLIC_WINDOW_SECONDS": _int("STRATFLOW_PUBLIC_WINDOW_SECONDS", 60),
        "SCHEDULER_INTERVAL": _int("STRATFLOW_SCHEDULER_INTERVAL", 30),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "HTTPS": _bool("STRATFLOW_HTTPS"),
        "PROXY_HOPS": _int("STRATFLOW_PROXY_HOPS", 0),
        "SESSION_COOKIE_SECURE": _bool("SESSION_COOKIE_SECURE") or _bool("STRATFLOW_HTTPS"),
        "REMEMBER_COOKIE_SECURE": _bool("STRATFLOW_HTTPS"),
        "REMEMBER_COOKIE_HTTPONLY": True,
        "BABEL_DEFAULT_LOCALE": "tr",
        "BABEL_DEFAULT_TIMEZONE": "Europe/Istanbul",
        "LANGUAGES": ["tr", "en"],
        "WTF_CSRF_TIME_LIMIT": None,
    }


def _installation_secret() -> str:
    """No secret ships with the code: without SECRET_KEY, each installation makes its own once."""
    path = ROOT / "instance" / "secret_key"
    if not path.exists():
        # Several processes may start at once (gunicorn workers, test workers): each writes its
        # candidate to a file of its own and links it into place; the first link wins, and no
        # process ever reads a half-written key.
        path.parent.mkdir(parents=True, exist_ok=True)
        candidate = path.with_name(f".secret_key.{os.getpid()}")
        fd = os.open(candidate, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as f:
            f.write(secrets.token_hex(32))
        try:
            os.link(candidate, path)
        except FileExistsError:
            pass
        finally:
            os.unlink(candidate)
    return path.read_text().strip()


def normalise_db_url(url: str) -> str:
    """Accept the common postgres:// spellings and use the psycopg 3 driver."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url
