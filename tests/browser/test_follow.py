"""A citizen follows a commune by e-mail from a 360-px phone with JavaScript off: the form, the
confirmation mail (on a real SMTP server), the confirmation link, a new notice's mail, unsubscribing."""

import re

import pytest

from app.extensions import db
from app.outbox.delivery import deliver_due
from tests.browser.conftest import PHONE_WIDTH, page_width
from tests.factories import make_notice, make_units, make_user

pytestmark = pytest.mark.browser
ADDRESS = "nguoidan@example.vn"


def _link(mail, path):
    match = re.search(rf"https?://\S+{path}/\S+", mail.get_body(("plain",)).get_content())
    assert match, f"no {path} link in the mail"
    return match.group()


def test_a_citizen_follows_a_commune_from_a_phone_without_javascript(
    live_app, live_server, citizen_phone, smtp_server, tmp_path
):
    live_app.config.update(smtp_server.config, OUTBOX_DIR=str(tmp_path / "outbox"))
    _province, commune, _ = make_units()
    official = make_user("official", commune, username="canbo.daison")
    db.session.remove()  # release SQLite before the server writes

    phone = citizen_phone
    phone.goto(f"{live_server}/units/07627")
    phone.locator("main").get_by_role("link", name="Theo dõi qua email").click()
    assert phone.url == f"{live_server}/follow?unit=07627"
    assert "Xã Đại Sơn" in phone.locator("#unit").inner_text()
    assert page_width(phone) <= PHONE_WIDTH, "the form must not scroll sideways on a phone"

    phone.get_by_role("button", name="Đăng ký theo dõi").click()  # forgot the address
    assert "Vui lòng nhập địa chỉ email để nhận thư báo." in phone.locator(".error-summary").inner_text()
    phone.get_by_label("Địa chỉ email của bạn").fill(ADDRESS)
    phone.get_by_role("button", name="Đăng ký theo dõi").click()
    assert phone.locator("h1").inner_text() == "Hãy kiểm tra hộp thư"
    assert ADDRESS not in phone.content()

    (confirmation,) = smtp_server.wait_for(1)
    assert confirmation["To"] == ADDRESS
    phone.goto(_link(confirmation, "/follow/confirm"))
    assert phone.locator("h1").inner_text() == "Đã xác nhận theo dõi"
    assert page_width(phone) <= PHONE_WIDTH

    notice_id = make_notice(commune, official, title="Kế hoạch nạo vét kênh mương thôn Trại").id
    deliver_due()
    db.session.remove()
    news = smtp_server.wait_for(2)[1]
    assert news["Subject"] == "Thông báo mới của Xã Đại Sơn: Kế hoạch nạo vét kênh mương thôn Trại"
    assert f"{live_server}/notices/{notice_id}" in news.get_body(("plain",)).get_content()

    phone.goto(_link(news, "/follow/unsubscribe"))
    assert page_width(phone) <= PHONE_WIDTH
    phone.get_by_role("button", name="Hủy theo dõi").click()
    assert phone.locator("h1").inner_text() == "Đã hủy theo dõi"
    make_notice(commune, official, title="Một thông báo sau khi đã hủy")
    deliver_due()
    db.session.remove()
    assert len(smtp_server.messages) == 2
