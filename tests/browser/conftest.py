"""A live server on a migrated SQLite file and Debian's headless Chromium.

The browser is required: a missing /usr/bin/chromium fails these tests, never skips them.
"""

import functools
import os
import re
import shutil

import pytest
from flask_migrate import upgrade

from app import create_app
from app.extensions import db
from tests.serving import served_on_loopback

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-dev-shm-usage"]
PHONE_WIDTH = 360
TRACKING_CODE = re.compile(r"\b[A-Z]{2}(?:-[A-Z0-9]{4}){3}\b")


def page_width(page):
    """How wide the page is laid out: more than the viewport means sideways scrolling."""
    return page.evaluate("document.documentElement.scrollWidth")


@pytest.fixture(scope="session")
def migrated_database(tmp_path_factory):
    """A SQLite file migrated once per test process: each live app starts from a copy of it."""
    path = tmp_path_factory.mktemp("browser-template") / "migrated.db"
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=f"sqlite:///{path}")
    with app.app_context():
        upgrade()
        db.session.remove()
        db.engine.dispose()
    return path


@pytest.fixture
def live_app(tmp_path, migrated_database):
    database = tmp_path / "browser.db"
    shutil.copyfile(migrated_database, database)
    app = create_app(
        "testing",
        SQLALCHEMY_DATABASE_URI=f"sqlite:///{database}",
        NOTICES_DIR=str(tmp_path / "notices"),
        SEARCH_INDEX_DIR=str(tmp_path / "search_index"),
    )
    with app.app_context():
        yield app
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def live_server(live_app):
    """Serve live_app on a free loopback port; yields the base URL."""
    with served_on_loopback(live_app) as base_url:
        yield base_url


@pytest.fixture(scope="session")
def browser():
    if not os.path.exists(CHROMIUM):
        pytest.fail(f"Chromium is required for the browser tests and was not found at {CHROMIUM}")
    from playwright.sync_api import Locator, sync_playwright

    with sync_playwright() as playwright, pytest.MonkeyPatch.context() as patch:
        patch.setattr(Locator, "click", _waiting_for_the_page_it_opens(Locator.click))
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


def _waiting_for_the_page_it_opens(click):
    """A click that follows a link or submits a form returns once the new page has loaded, as a person waits.

    Playwright's click returns when the navigation it started has committed, before the new page is parsed:
    reading the page at once (content(), all_inner_texts(), count()) could see an empty or half-built document.
    After a click that navigated nowhere the page is already loaded and this returns at once.
    """

    @functools.wraps(click)
    def click_and_wait(locator, *args, **kwargs):
        click(locator, *args, **kwargs)
        locator.page.wait_for_load_state()

    return click_and_wait


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
