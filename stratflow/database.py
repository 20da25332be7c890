"""Database connection behaviour.

SQLite: WAL journal, foreign keys, a busy timeout and `BEGIN IMMEDIATE`, so that two
writers queue instead of silently losing an update. Pages that only read (GET/HEAD of the
web UI) begin a plain deferred transaction instead, so readers never wait for each other.
PostgreSQL needs nothing special: transitions take a row lock on the instance
(SELECT … FOR UPDATE).
"""

import time
from contextvars import ContextVar

from flask import g, request
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DisconnectionError

_installed = False
IDLE_PING_SECONDS = 10.0  # a pooled connection idle longer than this is checked before use
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

    @event.listens_for(Engine, "checkin")
    def _checked_in(_dbapi_connection, record):
        record.info["idle_since"] = time.monotonic()

    @event.listens_for(Engine, "checkout")
    def _ping_if_idle(dbapi_connection, record, _proxy):
        """A connection that sat in the pool a while may have been cut (database restart, firewall):
        check it with one round trip, and let the pool replace it if it is dead. A busy connection
        is not pinged: a round trip per request was most of an API completion's waiting. (A database
        restart can still fail one request per worker on a connection used moments before; that
        error makes SQLAlchemy invalidate the worker's whole pool, so the next request reconnects.)"""
        since = record.info.get("idle_since")
        if since is None or time.monotonic() - since < IDLE_PING_SECONDS:
            return
        try:
            cursor = dbapi_connection.cursor()
            cursor.execute("SELECT 1")
            cursor.close()
            if not type(dbapi_connection).__module__.startswith("sqlite3"):
                dbapi_connection.rollback()
        except Exception as exc:  # noqa: BLE001 — any failure means: this connection is gone
            raise DisconnectionError() from exc

    @event.listens_for(Engine, "begin")
    def _sqlite_begin(conn):
        if conn.dialect.name == "sqlite":
            conn.exec_driver_sql("BEGIN" if _read_only.get() else "BEGIN IMMEDIATE")
