"""Database connection behaviour.

SQLite: WAL journal, foreign keys, a busy timeout and `BEGIN IMMEDIATE`, so that two
writers queue instead of silently losing an update. PostgreSQL needs nothing special:
transitions take a row lock on the instance (SELECT … FOR UPDATE).
"""

from sqlalchemy import event
from sqlalchemy.engine import Engine

_installed = False


def init_app(app) -> None:
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
            conn.exec_driver_sql("BEGIN IMMEDIATE")
