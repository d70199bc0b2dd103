"""Who may reach which /manage/users route: every role over every route, inside and outside their scope."""

import pytest
from sqlalchemy import func, select

from app.accounts.models import User
from app.extensions import db
from app.ledger.models import AuditEntry
from tests.factories import make_user


@pytest.fixture
def world(units, staff):
    """Per commune: an active and a closed official; returns {"a": {...}, "b": {...}} plus the staff."""
    _, commune_a, commune_b = units
    world = {"staff": staff}
    for key, commune in (("a", commune_a), ("b", commune_b)):
        closed = make_user("official", commune, username=f"danghi.{key}")
        closed.is_active = False
        db.session.commit()
        world[key] = {"unit": commune, "official": staff["official" if key == "a" else "official_b"], "closed": closed}
    return world


def _new_user(rows):
    return {
        "username": "canbo.moi",
        "display_name": "Nguyễn Văn Mới",
        "role": "official",
        "unit": rows["unit"].code,
        "handover": "link",
    }


# (id, method, url built from one commune's rows, form data)
ROUTES = [
    ("list", "GET", lambda c: "/manage/users", None),
    ("new-form", "GET", lambda c: "/manage/users/new", None),
    ("new", "POST", lambda c: "/manage/users/new", _new_user),
    ("show", "GET", lambda c: f"/manage/users/{c['official'].id}", None),
    (
        "edit",
        "POST",
        lambda c: f"/manage/users/{c['official'].id}/edit",
        lambda c: {"role": "leader", "unit": c["unit"].code},
    ),
    ("deactivate", "POST", lambda c: f"/manage/users/{c['official'].id}/deactivate", lambda c: {}),
    ("reactivate", "POST", lambda c: f"/manage/users/{c['closed'].id}/reactivate", lambda c: {}),
    ("reset-link", "POST", lambda c: f"/manage/users/{c['official'].id}/reset", lambda c: {"handover": "link"}),
    (
        "reset-temporary",
        "POST",
        lambda c: f"/manage/users/{c['official'].id}/reset",
        lambda c: {"handover": "temporary"},
    ),
]
USER_ROUTES = [route for route in ROUTES if route[0] not in {"list", "new-form", "new"}]
route_params = [pytest.param(*route, id=route[0]) for route in ROUTES]
user_route_params = [pytest.param(*route, id=route[0]) for route in USER_ROUTES]


def _call(client, method, url, data, rows):
    if method == "GET":
        return client.get(url)
    return client.post(url, data=data(rows))


def _state():
    """Everything a user-management request could change, to prove a refused one changed nothing."""
    users = db.session.execute(
        select(
            User.username, User.role, User.unit_id, User.is_active, User.password_hash, User.session_version
        ).order_by(User.id)
    ).all()
    return users, db.session.scalar(
        select(func.count()).select_from(AuditEntry).where(AuditEntry.action != "user.login")
    )


def _assert_done(client, response, name):
    assert response.status_code in (200, 302), response.status_code
    if response.status_code == 302:
        page = client.get(response.location).get_data(as_text=True)
        assert "flash-error" not in page, f"{name} was refused with a message instead of done"


@pytest.mark.parametrize(("name", "method", "url", "data"), route_params)
def test_anonymous_visitor_is_sent_to_login(client, world, name, method, url, data):
    before = _state()
    response = _call(client, method, url(world["a"]), data, world["a"])
    assert response.status_code == 302
    assert response.location.startswith("/login")
    assert _state() == before


@pytest.mark.parametrize("role", ["official", "inspector"])
@pytest.mark.parametrize(("name", "method", "url", "data"), route_params)
def test_officials_and_inspectors_are_refused(client, login, world, role, name, method, url, data):
    login(world["staff"][role])
    before = _state()
    response = _call(client, method, url(world["a"]), data, world["a"])
    assert response.status_code == 403
    assert _state() == before


@pytest.mark.parametrize(("name", "method", "url", "data"), route_params)
def test_leader_manages_their_own_commune(client, login, world, name, method, url, data):
    login(world["staff"]["leader"])
    before = _state()
    response = _call(client, method, url(world["a"]), data, world["a"])
    _assert_done(client, response, name)
    if method == "POST":
        assert _state() != before


@pytest.mark.parametrize(("name", "method", "url", "data"), user_route_params)
def test_leader_is_refused_on_another_communes_accounts(client, login, world, name, method, url, data):
    login(world["staff"]["leader"])
    before = _state()
    response = _call(client, method, url(world["b"]), data, world["b"])
    assert response.status_code == 403
    assert _state() == before


@pytest.mark.parametrize("commune", ["a", "b"])
@pytest.mark.parametrize(("name", "method", "url", "data"), route_params)
def test_provincial_admin_manages_every_commune(client, login, world, commune, name, method, url, data):
    login(world["staff"]["admin"])
    before = _state()
    response = _call(client, method, url(world[commune]), data, world[commune])
    _assert_done(client, response, name)
    if method == "POST":
        assert _state() != before


@pytest.mark.parametrize(("name", "method", "url", "data"), user_route_params)
def test_unknown_accounts_are_not_found(client, login, world, name, method, url, data):
    login(world["staff"]["admin"])
    unknown = {**world["a"], "official": User(id=999999), "closed": User(id=999999)}
    assert _call(client, method, url(unknown), data, world["a"]).status_code == 404


@pytest.mark.parametrize("role", ["inspector", "admin"])
def test_leader_is_refused_on_accounts_above_their_role_in_their_commune(client, login, world, role):
    above = make_user(role, world["a"]["unit"], username=f"{role}.xa")
    login(world["staff"]["leader"])
    before = _state()
    assert client.get(f"/manage/users/{above.id}").status_code == 403
    assert client.post(f"/manage/users/{above.id}/deactivate").status_code == 403
    assert client.post(f"/manage/users/{above.id}/reset", data={"handover": "link"}).status_code == 403
    assert _state() == before
