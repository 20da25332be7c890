"""Database connection behaviour.

SQLite: WAL journal, foreign keys, a busy timeout and `BEGIN IMMEDIATE`, so that two
writers queue instead of silently losing an update. Pages that only read (GET/HEAD of the
web UI) begin a plain deferred transaction instead, so readers never wait for each other.
PostgreSQL needs nothing special: transitions take a row lock on the instance
(SELECT … FOR UPDATE).
"""

from contextvars import ContextVar

from flask import g, request
from sqlalchemy import event
from sqlalchemy.engine import Engine

_installed = False
_read_only = ContextVar("stratflow_read_only_request", default=False)
READ_METHODS = ("GET", "HEAD", "OPTIONS")


def init_app(app) -> None:
    @app.before_request
    def _mark_read_only():
        # The API records token use even on GET: it keeps the writer's transaction.
        if request.method in READ_METHODS and not request.path.startswith("/api/"):
            g.read_only_token = _read_only.set(True)

    @app.teardown_request
    def _unmark(_exc=None):
        token = g.pop("read_only_token", None)
        if token is not None:
            _read_only.reset(token)

    _install_listeners()


def _install_listeners() -> None:
    global _installed
    if _installed:
        return
    _installed = True

    @event.listens_for(Engine, "connect")
    def _sqlite_connect(dbapi_connection, _record):
        if type(dbapi_connection).__module__.startswith("sqlite3"):
            dbapi_connection.isolation_level = None  # we issue BEGIN ourselves
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA busy_timeout=30000")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.close()

    @event.listens_for(Engine, "begin")
    def _sqlite_begin(conn):
        if conn.dialect.name == "sqlite":
            conn.exec_driver_sql("BEGIN" if _read_only.get() else "BEGIN IMMEDIATE")
