"""Every signed-in user changes their own display name, e-mail, phone and password under /account."""

import pytest

from app.accounts.services import authenticate
from app.extensions import db
from tests.accounts.conftest import audit_actions, last_entry
from tests.factories import PASSWORD

NEW_PASSWORD = "đường làng mới trải nhựa"


@pytest.mark.parametrize("role", ["official", "leader", "inspector", "admin"])
def test_every_role_edits_their_own_details(client, login, staff, role):
    user = login(staff[role])
    assert client.get("/account").status_code == 200
    response = client.post(
        "/account", data={"display_name": "Trần Thị Bình", "email": "Binh@Example.vn", "phone": "0987 654 321"}
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert (user.display_name, user.email, user.phone) == ("Trần Thị Bình", "binh@example.vn", "+84987654321")
    entry = last_entry("user.profile_changed")
    assert entry.actor_id == user.id and entry.object_id == str(user.id)
    assert entry.data["after"] == {"display_name": "Trần Thị Bình", "email": "binh@example.vn", "phone": "+84987654321"}
    assert entry.data["before"]["email"] is None


def test_the_account_page_shows_the_phone_as_people_write_it(client, login, staff):
    user = login(staff["official"])
    user.phone = "+84912345678"
    db.session.commit()
    assert 'value="0912 345 678"' in client.get("/account").get_data(as_text=True)


def test_clearing_e_mail_and_phone_is_allowed(client, login, staff):
    user = login(staff["official"])
    user.email, user.phone = "a@b.vn", "+84912345678"
    db.session.commit()
    client.post("/account", data={"display_name": user.display_name, "email": "", "phone": ""})
    db.session.expire_all()
    assert (user.email, user.phone) == (None, None)


def test_saving_unchanged_details_writes_no_audit_entry(client, login, staff):
    user = login(staff["official"])
    before = audit_actions()
    client.post("/account", data={"display_name": user.display_name, "email": "", "phone": ""})
    assert audit_actions() == before


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("display_name", "", "Vui lòng nhập họ và tên."),
        ("display_name", "x" * 121, "Họ và tên tối đa 120 ký tự."),
        ("display_name", "Tên\x00lạ", "Có ký tự không hợp lệ."),
        ("email", "khong co a cong", "Địa chỉ thư điện tử không hợp lệ."),
        ("phone", "+1 202 555 0100", "Số điện thoại không hợp lệ."),
    ],
)
def test_odd_details_are_refused_with_a_vietnamese_message(client, login, staff, field, value, message):
    user = login(staff["official"])
    data = {"display_name": "Trần Thị Bình", "email": "", "phone": ""}
    data[field] = value
    response = client.post("/account", data=data)
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    db.session.expire_all()
    assert user.display_name != "Trần Thị Bình"


def test_changing_ones_password_needs_the_current_one_and_the_policy(client, login, staff):
    user = login(staff["official"])
    wrong = client.post(
        "/account/password",
        data={
            "current_password": "không phải mật khẩu",
            "new_password": NEW_PASSWORD,
            "confirm_password": NEW_PASSWORD,
        },
    )
    assert "Mật khẩu hiện tại không đúng." in wrong.get_data(as_text=True)
    common = client.post(
        "/account/password",
        data={"current_password": PASSWORD, "new_password": "iloveyou1234", "confirm_password": "iloveyou1234"},
    )
    assert "danh sách mật khẩu phổ biến" in common.get_data(as_text=True)
    assert authenticate(user.username, PASSWORD) is not None

    done = client.post(
        "/account/password",
        data={"current_password": PASSWORD, "new_password": NEW_PASSWORD, "confirm_password": NEW_PASSWORD},
    )
    assert done.status_code == 302
    assert authenticate(user.username, NEW_PASSWORD) is not None
    assert authenticate(user.username, PASSWORD) is None
    db.session.expire_all()
    assert user.password_changed_at is not None
    assert audit_actions(user.id)[-1] == "user.password_changed"


def test_account_pages_need_a_sign_in(client, staff):
    for path in ("/account", "/account/password"):
        response = client.get(path)
        assert response.status_code == 302 and response.location.startswith("/login")
