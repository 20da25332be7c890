"""Test fixtures: a real database (SQLite file, or PostgreSQL when STRATFLOW_TEST_DATABASE_URL
is set), migrated with Alembic once per session and emptied after every test."""

from __future__ import annotations

import contextvars
import os
import re
from pathlib import Path

import pytest
from flask import has_app_context
from flask.testing import FlaskClient
from sqlalchemy import create_engine, text

from stratflow import create_app
from stratflow.config import normalise_db_url
from stratflow.extensions import db

from . import snapshots

ROOT = Path(__file__).resolve().parent.parent
PG_URL_ENV = "STRATFLOW_TEST_DATABASE_URL"


def _database(tmp_path_factory) -> dict:
    """Config for the test database. PostgreSQL runs get a schema of their own in the given
    database, so parallel runs (several developers, CI) never see each other's tables."""
    url = os.environ.get(PG_URL_ENV)
    if not url:
        return {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"}
    url = normalise_db_url(url)
    schema = f"stratflow_test_{os.getpid()}"
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
        conn.execute(text(f"CREATE SCHEMA {schema}"))
    engine.dispose()
    return {"SQLALCHEMY_DATABASE_URI": url, "TEST_PG_SCHEMA": schema,
            "SQLALCHEMY_ENGINE_OPTIONS": {"connect_args": {"options": f"-csearch_path={schema}"}}}


def _drop_schema(app) -> None:
    schema = app.config.get("TEST_PG_SCHEMA")
    if schema:
        with app.app_context():
            db.engine.dispose()
        engine = create_engine(app.config["SQLALCHEMY_DATABASE_URI"], isolation_level="AUTOCOMMIT")
        with engine.connect() as conn:
            conn.execute(text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
        engine.dispose()


class IsolatedClient(FlaskClient):
    """Each request runs as in a real server: its own app context, session and transaction.

    The test's own session (when the test holds an app context) is committed first, so it
    holds no database lock while the request runs and sees fresh rows afterwards.
    """

    def open(self, *args, **kwargs):
        if has_app_context():
            db.session.commit()
        return contextvars.Context().run(super().open, *args, **kwargs)


def pytest_collection_modifyitems(config, items):
    """The browser tests first (the longest ones, the whole process in Chromium among them), so
    that with two workers none of them starts near the end while the other worker idles.

    On PostgreSQL, run only the tests that use a database: the others (pure functions, parsers,
    the catalog, file checks) ran on SQLite already and cannot behave differently. They are
    deselected, not skipped, and the run says how many."""
    items.sort(key=lambda item: item.get_closest_marker("browser") is None)  # stable: file order otherwise
    if not os.environ.get(PG_URL_ENV):
        return
    kept = [item for item in items if _uses_the_database(item)]
    dropped = [item for item in items if not _uses_the_database(item)]
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = kept


def _uses_the_database(item) -> bool:
    """Whether the test asks, directly or through its fixtures, for the app (the autouse cleanup
    asks for it on every test's behalf and does not count)."""
    info = getattr(item, "_fixtureinfo", None)
    if info is None or item.get_closest_marker("database"):
        return True
    todo, seen = list(info.argnames), set()
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        for definition in info.name2fixturedefs.get(name, ()):
            todo.extend(definition.argnames)
    return "app" in seen


@pytest.fixture(scope="session")
def app(tmp_path_factory):
    app = create_app({
        "TESTING": True,
        "SECRET_KEY": "test-secret",
        "SERVER_NAME": "localhost",
        "LOGIN_MAX_FAILURES": 5,
        "PASSWORD_HASH_FAST": True,
        **_database(tmp_path_factory),
    })
    app.test_client_class = IsolatedClient
    with app.app_context():
        from flask_migrate import upgrade
        upgrade()
    yield app
    _drop_schema(app)


@pytest.fixture(autouse=True)
def _clean_database(app):
    yield
    from stratflow.services import state_reads
    state_reads.forget()  # its cache is keyed by instance ids, which the next test uses again
    with app.app_context():
        db.session.remove()
        tables = [t.name for t in reversed(db.metadata.sorted_tables)]
        with db.engine.begin() as conn:  # DELETE: far cheaper than TRUNCATE on tiny tables
            for table in tables:
                conn.execute(text(f'DELETE FROM "{table}"'))


@pytest.fixture
def ctx(app):
    with app.app_context():
        yield app
        db.session.remove()


@pytest.fixture
def definition(ctx):
    """The shipped definitions imported; returns the strategic-plan version. (Imported for real
    the first time in each test process, then their rows are put back: tests/snapshots.py.)"""
    from stratflow.models import DefinitionVersion
    from stratflow.services import definitions

    def make() -> int:
        versions = definitions.import_directory(ROOT / "workflows", ctx.config["MAX_BPMN_BYTES"])
        return next(v for v in versions if v.definition.key == "strategic_plan").id

    version_id = snapshots.once("definition", None, make)
    return _committed(db.session.get(DefinitionVersion, version_id))


@pytest.fixture
def demo(ctx, definition):
    """Demo municipality, people and a started process (at the nominations). (Loaded for real the
    first time in each test process, then its rows are put back: tests/snapshots.py.)"""
    from stratflow.models import Municipality
    from stratflow.services import demo as demo_data

    town_id = snapshots.once("demo", "definition", lambda: demo_data.load().id)
    return _committed(db.session.get(Municipality, town_id))


def _committed(found):
    """As the real setup leaves it: committed (expired), no transaction open (SQLite's BEGIN
    IMMEDIATE would hold the write lock)."""
    db.session.commit()
    return found


@pytest.fixture
def client(app):
    return app.test_client()


class Browser:
    """A test client that signs in through the real login form and posts with CSRF tokens."""

    def __init__(self, client):
        self.client = client

    def csrf(self, path: str) -> str:
        page = self.client.get(path).get_data(as_text=True)
        match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page) or \
            re.search(r'value="([^"]+)"[^>]*name="csrf_token"', page)
        assert match, f"no CSRF token on {path}"
        return match.group(1)

    def login(self, email: str, password: str = "Demo.2024"):
        token = self.csrf("/login")
        return self.client.post("/login", data={"email": email, "password": password,
                                                "csrf_token": token})

    def post(self, path: str, data: dict | None = None, form_page: str | None = None, **kwargs):
        data = dict(data or {})
        data.setdefault("csrf_token", self.csrf(form_page or path))
        return self.client.post(path, data=data, **kwargs)

    def get(self, path: str, **kwargs):
        return self.client.get(path, **kwargs)


@pytest.fixture
def browser(client):
    return Browser(client)


def signed_in(client, email: str) -> Browser:
    b = Browser(client)
    response = b.login(email)
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    return b
