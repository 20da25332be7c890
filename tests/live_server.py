"""Fixtures for browser tests: the session `app` served for real and Debian's Chromium.

`live_server` runs werkzeug's threaded server on 127.0.0.1 and a free port in a background
thread, on the same database as the test. `page` is a fresh Playwright page (own cookies)
in Debian's Chromium; browsers are never downloaded. A test module uses them with

    pytest_plugins = ["tests.live_server"]
"""

from __future__ import annotations

import shutil
import threading

import pytest
from flask import has_app_context
from werkzeug.serving import make_server

from stratflow.extensions import db

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
TIMEOUT_MS = 15_000


class LiveServer:
    """The WSGI app on a real socket; `url` is its base address."""

    def __init__(self, app):
        self._server = make_server("127.0.0.1", 0, app, threaded=True)
        self.url = f"http://127.0.0.1:{self._server.server_port}"
        self._thread = threading.Thread(target=self._server.serve_forever, name="live-server", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._server.shutdown()
        self._thread.join(timeout=10)
        self._server.server_close()


def chromium_path() -> str:
    path = shutil.which("chromium")
    if not path:
        pytest.fail("Browser tests need Debian's Chromium, but `chromium` is not on PATH. "
                    "Install it with `make browser` (apt-get install chromium); "
                    "Playwright must not download browsers.", pytrace=False)
    return path


def release_session() -> None:
    """Commit the test's session so it holds no SQLite write lock while the server works."""
    if has_app_context():
        db.session.commit()


@pytest.fixture
def live_server(app):
    release_session()
    server = LiveServer(app)
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def chromium():
    from playwright.sync_api import sync_playwright

    path = chromium_path()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=path, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(chromium, live_server):
    """A new browser context (no cookies) on the live server; closed before the server stops."""
    release_session()
    context = chromium.new_context(base_url=live_server.url, locale="tr-TR",
                                   viewport={"width": 1280, "height": 900})
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    yield page
    context.close()

