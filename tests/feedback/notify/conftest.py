"""Fixtures for the queue's notifications: a commune with an official who reads mail, a real SMTP server."""

import pytest

from app.extensions import db
from tests.factories import make_user

OFFICIAL_EMAIL = "canbo.daison@example.vn"


@pytest.fixture
def official(units):
    user = make_user("official", units[1])
    user.email = OFFICIAL_EMAIL
    db.session.commit()
    return user


@pytest.fixture
def mail(app, smtp_server):
    """The app sends its mail to a real SMTP server on loopback."""
    app.config.update(smtp_server.config)
    return smtp_server


def plain(message):
    return message.get_body(("plain",)).get_content()
