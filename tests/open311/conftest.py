"""Fixtures for Open311: the app served on loopback, a small unit tree and an API key."""

import pytest

from app.extensions import db
from app.open311.keys import create_key
from tests.serving import served_on_loopback


@pytest.fixture
def served(app):
    """Serve the test app (its database, SQLite or PostgreSQL) on a free loopback port; yields the base URL."""
    with served_on_loopback(app) as base_url:
        yield base_url


@pytest.fixture
def api_key(units):
    """The text of an unbound key named "cong-dich-vu-cong"."""
    _, text = create_key("cong-dich-vu-cong")
    db.session.commit()
    return text
