"""Migration 0008_account_security goes down and up again on both databases, keeping the data it
must keep (users) and cleaning stored upload names on the way up."""

from __future__ import annotations

import os
from contextlib import contextmanager

import pytest
import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from stratflow import create_app
from stratflow.config import normalise_db_url
from stratflow.extensions import db

from .conftest import PG_URL_ENV

pytestmark = pytest.mark.database


def _app(tmp_path):
    url = os.environ.get(PG_URL_ENV)
    if not url:
        return create_app({"TESTING": True, "SECRET_KEY": "x",
                           "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'migrate.db'}"}), None
    schema = f"stratflow_migrate_{os.getpid()}"
    engine = sa.create_engine(normalise_db_url(url), isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(sa.text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
        conn.execute(sa.text(f"CREATE SCHEMA {schema}"))
    return create_app({"TESTING": True, "SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": normalise_db_url(url),
                       "SQLALCHEMY_ENGINE_OPTIONS": {"connect_args": {"options": f"-csearch_path={schema}"}}}), \
        (engine, schema)


@contextmanager
def migrating(tmp_path):
    """An app on an empty database of its own (a scratch schema on PostgreSQL) inside its app
    context, for a migration test; the database is dropped afterwards."""
    app, pg = _app(tmp_path)
    try:
        with app.app_context():
            yield app
            db.engine.dispose()
    finally:
        if pg:
            engine, schema = pg
            with engine.connect() as conn:
                conn.execute(sa.text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
            engine.dispose()


def test_down_and_up_again(tmp_path):
    app, pg = _app(tmp_path)
    try:
        with app.app_context():
            upgrade(revision="0007_remind_on")
            with db.engine.begin() as conn:
                conn.execute(sa.text(
                    "INSERT INTO municipality (id, name, province, type, population, election_date, "
                    "council_weekday, created_at) VALUES (1, 'M', 'İzmir', 'ilce', 1, '2024-03-31', 'tuesday', "
                    "'2024-04-01')"))
                conn.execute(sa.text(
                    "INSERT INTO \"user\" (id, email, full_name, locale, active, mail_digest, created_at) "
                    "VALUES (1, 'a@b.tr', 'A', 'tr', true, false, '2024-04-01')"))
                conn.execute(sa.text("INSERT INTO role_assignment (id, user_id, role, municipality_id) "
                                     "VALUES (1, 1, 'coordinator', 1)"))
                conn.execute(sa.text(
                    "INSERT INTO document_template (id, municipality_id, kind, version, filename, content, size, "
                    "sha256, active, uploaded_at) VALUES (1, 1, 'circular', 1, :name, :data, 1, :sha, false, "
                    "'2024-04-01')"), {"name": "C:\\eski\r\nad.docx", "data": b"x", "sha": "0" * 64})
            upgrade()
            inspector = sa.inspect(db.engine)
            assert "login_throttle" in inspector.get_table_names() and "login_attempt" not in \
                inspector.get_table_names()
            with db.engine.connect() as conn:
                assert conn.execute(sa.text('SELECT session_generation FROM "user"')).scalar() == 0
                assert conn.execute(sa.text("SELECT filename FROM document_template")).scalar() == "eskiad.docx"
            downgrade(revision="0007_remind_on")
            inspector = sa.inspect(db.engine)
            assert "login_attempt" in inspector.get_table_names() and "login_throttle" not in \
                inspector.get_table_names()
            assert "session_generation" not in {c["name"] for c in inspector.get_columns("user")}
            upgrade()
            with db.engine.connect() as conn:
                assert conn.execute(sa.text('SELECT email FROM "user"')).scalar() == "a@b.tr"
                # nothing that refers to the user went with a table copy
                assert conn.execute(sa.text("SELECT count(*) FROM role_assignment")).scalar() == 1
            db.engine.dispose()
    finally:
        if pg:
            engine, schema = pg
            with engine.connect() as conn:
                conn.execute(sa.text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
            engine.dispose()
