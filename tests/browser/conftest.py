"""A live server on a migrated SQLite file and Debian's headless Chromium.

The browser is required: a missing /usr/bin/chromium fails these tests, never skips them.
"""

import os
import re
import threading

import pytest
from flask_migrate import upgrade
from werkzeug.serving import make_server

from app import create_app
from app.extensions import db

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-dev-shm-usage"]
PHONE_WIDTH = 360
TRACKING_CODE = re.compile(r"\b[A-Z]{2}(?:-[A-Z0-9]{4}){3}\b")


def page_width(page):
    """How wide the page is laid out: more than the viewport means sideways scrolling."""
    return page.evaluate("document.documentElement.scrollWidth")


@pytest.fixture
def live_app(tmp_path):
    app = create_app(
        "testing",
        SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'browser.db'}",
        NOTICES_DIR=str(tmp_path / "notices"),
        SEARCH_INDEX_DIR=str(tmp_path / "search_index"),
    )
    with app.app_context():
        upgrade()
        yield app
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def live_server(live_app):
    """Serve live_app on a free loopback port; yields the base URL."""
    server = make_server("127.0.0.1", 0, live_app, threaded=True)
    base_url = f"http://127.0.0.1:{server.server_port}"
    live_app.config["PUBLIC_BASE_URL"] = base_url
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield base_url
    server.shutdown()
    thread.join(timeout=5)


@pytest.fixture(scope="session")
def browser():
    if not os.path.exists(CHROMIUM):
        pytest.fail(f"Chromium is required for the browser tests and was not found at {CHROMIUM}")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def phone(browser):
    """A 360×640 phone context (a cheap Android phone)."""
    context = browser.new_context(viewport={"width": PHONE_WIDTH, "height": 640}, device_scale_factor=2, is_mobile=True)
    yield context.new_page()
    context.close()


@pytest.fixture
def citizen_phone(browser):
    """The same phone with JavaScript off: everything a citizen does must work without it."""
    context = browser.new_context(
        viewport={"width": PHONE_WIDTH, "height": 640},
        device_scale_factor=2,
        is_mobile=True,
        java_script_enabled=False,
    )
    yield context.new_page()
    context.close()


@pytest.fixture
def desktop(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    yield context.new_page()
    context.close()
