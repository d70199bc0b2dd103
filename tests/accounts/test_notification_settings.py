"""Each signed-in user chooses under /account/notifications how new items and the digest reach them."""

import re

import pytest

from app.extensions import db
from tests.accounts.conftest import audit_actions, csrf_token, last_entry


def test_the_account_page_links_to_the_settings(client, login, staff):
    login(staff["official"])
    assert 'href="/account/notifications"' in client.get("/account").get_data(as_text=True)


def test_the_page_shows_the_address_and_phone_each_choice_uses(client, login, staff):
    user = login(staff["official"])
    user.email, user.phone = "canbo@daison.gov.vn", "+84912345678"
    db.session.commit()
    page = client.get("/account/notifications").get_data(as_text=True)
    assert "Gửi đến: canbo@daison.gov.vn" in page and "Gửi đến: 0912 345 678" in page
    assert re.search(r'<input[^>]*checked[^>]*value="email"|<input[^>]*value="email"[^>]*checked', page)


@pytest.mark.parametrize("role", ["official", "leader", "admin"])
def test_staff_choose_sms_then_none_and_each_change_is_audited(client, login, staff, role):
    user = login(staff[role])
    user.phone = "+84912345678"
    db.session.commit()
    response = client.post("/account/notifications", data={"notify_by": "sms"})
    assert response.status_code == 302 and response.location == "/account/notifications"
    assert "Đã lưu cách nhận thông báo." in client.get(response.location).get_data(as_text=True)
    db.session.refresh(user)
    assert user.notify_by == "sms"
    entry = last_entry("user.notify_by_changed")
    assert (entry.actor_id, entry.object_id) == (user.id, str(user.id))
    assert entry.data == {"before": {"notify_by": "email"}, "after": {"notify_by": "sms"}}
    client.post("/account/notifications", data={"notify_by": "none"})
    db.session.refresh(user)
    assert user.notify_by == "none"
    assert audit_actions(user.id).count("user.notify_by_changed") == 2


def test_choosing_the_same_again_writes_no_audit_entry(client, login, staff):
    user = login(staff["official"])
    user.email = "canbo@daison.gov.vn"
    db.session.commit()
    before = audit_actions()
    response = client.post("/account/notifications", data={"notify_by": "email"})
    assert "Không có gì thay đổi." in client.get(response.location).get_data(as_text=True)
    assert audit_actions() == before


@pytest.mark.parametrize(
    ("choice", "message"),
    [
        ("email", "Tài khoản của bạn chưa có địa chỉ email. Hãy thêm email ở trang “Tài khoản của bạn”"),
        ("sms", "Tài khoản của bạn chưa có số điện thoại. Hãy thêm số điện thoại ở trang “Tài khoản của bạn”"),
        ("fax", "Hãy chọn một cách nhận thông báo: email, SMS hoặc không nhận."),
        ("", "Hãy chọn một cách nhận thông báo: email, SMS hoặc không nhận."),
    ],
)
def test_a_choice_without_its_address_is_refused_with_a_pointer_to_add_it(client, login, staff, choice, message):
    user = login(staff["official"])
    user.notify_by, user.email, user.phone = "none", None, None
    db.session.commit()
    before = audit_actions()
    response = client.post("/account/notifications", data={"notify_by": choice} if choice else {})
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert message in page and 'href="/account"' in page
    db.session.refresh(user)
    assert user.notify_by == "none" and audit_actions() == before


def test_the_page_needs_a_signed_in_user_and_a_csrf_token(csrf_app, staff):
    client = csrf_app.test_client()
    assert client.get("/account/notifications").status_code == 302  # to the sign-in page
    page = client.get("/login").get_data(as_text=True)
    client.post(
        "/login", data={"username": "canbo.a", "password": "correct horse battery", "csrf_token": csrf_token(page)}
    )
    assert client.post("/account/notifications", data={"notify_by": "none"}).status_code == 400
    token = csrf_token(client.get("/account/notifications").get_data(as_text=True))
    assert client.post("/account/notifications", data={"notify_by": "none", "csrf_token": token}).status_code == 302
    db.session.refresh(staff["official"])
    assert staff["official"].notify_by == "none"
