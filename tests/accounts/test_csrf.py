"""With CSRF protection on, as in production: user management and account forms refuse a forged post."""

from app.accounts.services import find_user
from app.extensions import db
from tests.accounts.conftest import csrf_token
from tests.factories import PASSWORD


def _login(client, user):
    page = client.get("/login").get_data(as_text=True)
    response = client.post(
        "/login", data={"username": user.username, "password": PASSWORD, "csrf_token": csrf_token(page)}
    )
    assert response.status_code == 302


NEW_USER = {
    "username": "canbo.moi",
    "display_name": "Cán bộ mới",
    "role": "official",
    "unit": "07627",
    "handover": "link",
}


def test_creating_a_user_needs_the_forms_token(csrf_app, client, staff):
    _login(client, staff["leader"])
    assert client.post("/manage/users/new", data=NEW_USER).status_code == 400
    assert find_user("canbo.moi") is None
    token = csrf_token(client.get("/manage/users/new").get_data(as_text=True))
    assert client.post("/manage/users/new", data={**NEW_USER, "csrf_token": token}).status_code == 200
    assert find_user("canbo.moi") is not None


def test_closing_an_account_needs_the_pages_token(csrf_app, client, staff):
    official = staff["official"]
    _login(client, staff["leader"])
    assert client.post(f"/manage/users/{official.id}/deactivate").status_code == 400
    db.session.expire_all()
    assert official.is_active
    page = client.get(f"/manage/users/{official.id}").get_data(as_text=True)
    response = client.post(f"/manage/users/{official.id}/deactivate", data={"csrf_token": csrf_token(page)})
    assert response.status_code == 302
    db.session.expire_all()
    assert not official.is_active


def test_changing_ones_password_needs_the_forms_token(csrf_app, client, staff):
    _login(client, staff["official"])
    data = {
        "current_password": PASSWORD,
        "new_password": "một câu mới dễ nhớ",
        "confirm_password": "một câu mới dễ nhớ",
    }
    assert client.post("/account/password", data=data).status_code == 400
    token = csrf_token(client.get("/account/password").get_data(as_text=True))
    assert client.post("/account/password", data={**data, "csrf_token": token}).status_code == 302
