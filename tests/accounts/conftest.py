"""Fixtures for accounts: a province with two communes, a staff member of each role, signing in through the form."""

import re

import pytest
from sqlalchemy import select

from app.extensions import db
from app.ledger.models import AuditEntry
from tests.factories import PASSWORD, make_user


@pytest.fixture
def staff(units):
    """One account of each role: leaders and officials of both communes, a provincial inspector and admin."""
    province, commune_a, commune_b = units
    return {
        "admin": make_user("admin", province, username="quantri"),
        "inspector": make_user("inspector", province, username="thanhtra.tinh"),
        "leader": make_user("leader", commune_a, username="lanhdao.a"),
        "official": make_user("official", commune_a, username="canbo.a"),
        "leader_b": make_user("leader", commune_b, username="lanhdao.b"),
        "official_b": make_user("official", commune_b, username="canbo.b"),
    }


@pytest.fixture
def in_request(app):
    """A request context, for calling services directly: their refusals are Vietnamese sentences (Flask-Babel)."""
    with app.test_request_context():
        yield


def sign_in(client, username, password=PASSWORD, **extra):
    """Sign in through the real form; return the response."""
    return client.post("/login", data={"username": username, "password": password, **extra})


@pytest.fixture
def login(client):
    """Sign a user in with the factories' password and check it worked."""

    def sign_in_user(user):
        response = sign_in(client, user.username)
        assert response.status_code == 302, response.get_data(as_text=True)
        return user

    return sign_in_user


def audit_actions(object_id=None):
    """The audit actions recorded so far (for one user id if given), oldest first."""
    query = select(AuditEntry).order_by(AuditEntry.id)
    if object_id is not None:
        query = query.where(AuditEntry.object_type == "User", AuditEntry.object_id == str(object_id))
    return [entry.action for entry in db.session.scalars(query)]


def last_entry(action):
    """The latest audit entry with this action."""
    return db.session.scalars(
        select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id.desc())
    ).first()


def csrf_token(html):
    """The CSRF token of the first form in a page."""
    match = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html) or re.search(
        r'name="csrf_token" value="([^"]+)"', html
    )
    assert match, "no CSRF token in the page"
    return match.group(1)


def reset_token(html):
    """The token of the one-time link shown on a handover page."""
    match = re.search(r"/account/reset/([A-Za-z0-9_\-]+)", html)
    assert match, "no reset link in the page"
    return match.group(1)


def temporary_password(html):
    """The temporary password shown on a handover page."""
    match = re.search(r'id="temporary-password">([^<]+)<', html)
    assert match, "no temporary password in the page"
    return match.group(1)
