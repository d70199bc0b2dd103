"""Resetting a password: a one-time link that works once and for 24 hours, or a temporary password to change."""

import hashlib
from datetime import timedelta

import pytest
from sqlalchemy import select

from app import clock
from app.accounts.models import PasswordReset
from app.accounts.password_resets import issue_reset_link, use_reset_link
from app.accounts.services import AccountError, authenticate
from app.extensions import db
from tests.accounts.conftest import audit_actions, last_entry, reset_token, sign_in, temporary_password
from tests.factories import PASSWORD

NEW_PASSWORD = "mùa lúa chín ở Đại Sơn"


def _issue_link(client, target):
    response = client.post(f"/manage/users/{target.id}/reset", data={"handover": "link"})
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    return reset_token(response.get_data(as_text=True))


def _choose(client, token, password=NEW_PASSWORD, confirm=None):
    return client.post(
        f"/account/reset/{token}", data={"new_password": password, "confirm_password": confirm or password}
    )


def test_a_reset_link_works_exactly_once(app, client, login, staff):
    official = staff["official"]
    login(staff["leader"])
    token = _issue_link(client, official)
    visitor = app.test_client()

    page = visitor.get(f"/account/reset/{token}")
    assert page.status_code == 200
    assert page.headers["Cache-Control"] == "no-store" and page.headers["Referrer-Policy"] == "no-referrer"
    used = _choose(visitor, token)
    assert used.status_code == 302 and used.location.startswith("/login")
    assert authenticate(official.username, NEW_PASSWORD) is not None

    again = visitor.get(f"/account/reset/{token}")
    assert again.status_code == 404
    assert "Liên kết không còn hiệu lực" in again.get_data(as_text=True)
    assert _choose(visitor, token, "mot-mat-khau-khac-han").status_code == 404
    assert authenticate(official.username, "mot-mat-khau-khac-han") is None
    assert audit_actions(official.id)[-2:] == ["user.password_reset_link_issued", "user.password_reset"]


def test_a_reset_link_expires_after_24_hours(app, client, login, staff, monkeypatch):
    official = staff["official"]
    login(staff["leader"])
    issued_at = clock.utcnow()
    token = _issue_link(client, official)
    visitor = app.test_client()

    monkeypatch.setattr(clock, "utcnow", lambda: issued_at + timedelta(hours=23, minutes=59))
    assert visitor.get(f"/account/reset/{token}").status_code == 200
    monkeypatch.setattr(clock, "utcnow", lambda: issued_at + timedelta(hours=24, minutes=1))
    assert visitor.get(f"/account/reset/{token}").status_code == 404
    assert _choose(visitor, token).status_code == 404
    assert authenticate(official.username, NEW_PASSWORD) is None


def test_only_a_hash_of_the_token_is_stored(client, login, staff):
    login(staff["leader"])
    token = _issue_link(client, staff["official"])
    reset = db.session.scalars(select(PasswordReset)).one()
    assert reset.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert token not in reset.token_hash
    assert token not in str(last_entry("user.password_reset_link_issued").data)


def test_issuing_a_link_stops_the_old_password_and_an_older_link(app, client, login, staff):
    official = staff["official"]
    login(staff["leader"])
    first = _issue_link(client, official)
    assert authenticate(official.username, PASSWORD) is None
    second = _issue_link(client, official)
    visitor = app.test_client()
    assert visitor.get(f"/account/reset/{first}").status_code == 404
    assert visitor.get(f"/account/reset/{second}").status_code == 200


def test_a_closed_account_cannot_use_its_link(app, client, login, staff):
    official = staff["official"]
    login(staff["leader"])
    token = _issue_link(client, official)
    client.post(f"/manage/users/{official.id}/deactivate")
    assert app.test_client().get(f"/account/reset/{token}").status_code == 404


def test_the_reset_form_applies_the_password_policy(app, client, login, staff):
    official = staff["official"]
    login(staff["leader"])
    token = _issue_link(client, official)
    visitor = app.test_client()
    for password, message in (
        ("ngan-qua", "ít nhất 12 ký tự"),
        ("qwertyuiop123", "danh sách mật khẩu phổ biến"),
        (f"{official.username.upper()}-nam-2026", "không được chứa tên đăng nhập"),
    ):
        response = _choose(visitor, token, password)
        assert response.status_code == 200
        assert message in response.get_data(as_text=True)
    mismatch = _choose(visitor, token, NEW_PASSWORD, "một câu khác hẳn đây")
    assert "không khớp" in mismatch.get_data(as_text=True)
    # Refusals do not use the link up.
    assert _choose(visitor, token).status_code == 302


@pytest.mark.parametrize("token", ["khong-co-that", "x" * 500, "%00"])
def test_unknown_tokens_are_not_found(client, staff, token):
    assert client.get(f"/account/reset/{token}").status_code == 404


def test_the_service_claims_a_link_once(in_request, staff):
    token = issue_reset_link(staff["leader"], staff["official"])
    db.session.commit()
    use_reset_link(token, NEW_PASSWORD)
    db.session.commit()
    with pytest.raises(AccountError, match="không còn hiệu lực"):
        use_reset_link(token, "mot-mat-khau-khac-han")


def test_a_temporary_password_must_be_changed_at_first_sign_in(app, client, login, staff):
    official = staff["official"]
    login(staff["leader"])
    response = client.post(f"/manage/users/{official.id}/reset", data={"handover": "temporary"})
    temporary = temporary_password(response.get_data(as_text=True))
    assert len(temporary) >= 12
    assert authenticate(official.username, PASSWORD) is None

    person = app.test_client()
    signed_in = sign_in(person, official.username, temporary)
    assert signed_in.status_code == 302 and signed_in.location == "/account/password"
    # Until the password is changed, every staff page leads back to the change form.
    for path in ("/manage/", "/manage/queue", "/account"):
        blocked = person.get(path)
        assert blocked.status_code == 302 and blocked.location == "/account/password", path
    changed = person.post(
        "/account/password",
        data={"current_password": temporary, "new_password": NEW_PASSWORD, "confirm_password": NEW_PASSWORD},
    )
    assert changed.status_code == 302
    assert person.get("/manage/").status_code == 200
    db.session.expire_all()
    assert not official.must_change_password
    assert audit_actions(official.id)[-1] == "user.password_changed"
    assert "user.temporary_password_set" in audit_actions(official.id)


def test_the_temporary_password_cannot_be_kept(app, client, login, staff):
    official = staff["official"]
    login(staff["leader"])
    response = client.post(f"/manage/users/{official.id}/reset", data={"handover": "temporary"})
    temporary = temporary_password(response.get_data(as_text=True))
    person = app.test_client()
    sign_in(person, official.username, temporary)
    kept = person.post(
        "/account/password",
        data={"current_password": temporary, "new_password": temporary, "confirm_password": temporary},
    )
    assert "Mật khẩu mới phải khác mật khẩu hiện tại." in kept.get_data(as_text=True)
    assert person.get("/manage/").location == "/account/password"


def test_creating_with_a_temporary_password(app, client, login, staff):
    login(staff["leader"])
    response = client.post(
        "/manage/users/new",
        data={
            "username": "canbo.moi",
            "display_name": "Cán bộ mới",
            "role": "official",
            "unit": "07627",
            "handover": "temporary",
        },
    )
    temporary = temporary_password(response.get_data(as_text=True))
    person = app.test_client()
    assert sign_in(person, "canbo.moi", temporary).location == "/account/password"
