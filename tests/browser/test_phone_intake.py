"""A citizen phones the commune: the official records the call on a 360-px phone with JavaScript off, reads
the tracking code out; the citizen's phone gets the code by SMS (a local gateway stub); the citizen opens
/track/<code>; the inspector finds the item under channel "phone" in the overview and the item list.
"""

import pytest
from sqlalchemy import select

from app.extensions import db
from app.feedback.models import Feedback
from tests.browser.conftest import PHONE_WIDTH, TRACKING_CODE, page_width
from tests.factories import PASSWORD, make_units, make_user

pytestmark = pytest.mark.browser
CALLER_PHONE = "0912 345 678"
QUESTION = "Bà Hoa ở thôn Đồng Đình hỏi bao giờ xã sửa đèn đường liên thôn bị hỏng từ tháng trước."


@pytest.fixture
def commune(live_app, sms_gateway, tmp_path):
    """Bắc Ninh with Đại Sơn, its official and the province's inspector; SMS goes to the local gateway stub."""
    live_app.config.update(sms_gateway.config, OUTBOX_DIR=str(tmp_path / "outbox"))
    province, daison, _ = make_units()
    make_user("official", daison, username="canbo.daison")
    make_user("inspector", province, username="thanhtra.bacninh")
    db.session.remove()  # release SQLite before the server writes


def _sign_in(page, base_url, username):
    page.goto(f"{base_url}/login")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_load_state()


def test_a_phone_call_is_recorded_texted_tracked_and_counted(
    live_server, commune, sms_gateway, citizen_phone, phone, desktop
):
    official = citizen_phone  # a 360-px phone with JavaScript off
    _sign_in(official, live_server, "canbo.daison")
    official.goto(f"{live_server}/manage/queue")
    official.get_by_role("link", name="Ghi nhận cuộc gọi/tiếp dân").click()
    assert official.url == f"{live_server}/manage/queue/new"
    assert page_width(official) <= PHONE_WIDTH, "the form must not scroll sideways on a phone"
    assert official.get_by_label("Điện thoại", exact=True).is_checked()  # the channel starts at the telephone

    official.get_by_label("Hỏi đáp", exact=True).check()
    official.get_by_label("Người dân hỏi, phản ánh, đề nghị gì").fill(QUESTION)
    official.get_by_label("Họ và tên").fill("Trần Thị Hoa")
    official.get_by_label("Số điện thoại", exact=True).fill(CALLER_PHONE)
    official.locator("#consent").check()
    official.get_by_label("Tin nhắn SMS đến số điện thoại trên").check()
    official.get_by_role("button", name="Lưu và lấy mã theo dõi").click()

    assert "Đã ghi nhận vào hàng đợi" in official.locator("h1").inner_text()
    code_box = official.locator(".recorded-code .tracking-code")
    code = TRACKING_CODE.search(code_box.inner_text().replace("\n", "")).group()
    assert code_box.evaluate("element => parseFloat(getComputedStyle(element).fontSize)") >= 24  # large type
    assert page_width(official) <= PHONE_WIDTH
    assert "tin nhắn SMS có mã theo dõi" in official.locator("main").inner_text()

    # The caller's phone: one SMS with the code, at the gateway, to the number in E.164, under 160 characters.
    request = sms_gateway.wait_for(1)[0]
    assert request.json["to"] == "+84912345678"
    assert code in request.json["text"] and len(request.json["text"]) <= 160
    assert request.headers["authorization"] == f"Bearer {sms_gateway.token}"

    # The citizen types the code they were told.
    phone.goto(f"{live_server}/track/{code}")
    citizen_view = phone.locator("main").inner_text()
    assert code == "".join(phone.locator("main .tracking-code").first.inner_text().split())
    assert "Hỏi đáp" in citizen_view and "Xã Đại Sơn" in citizen_view and QUESTION in citizen_view
    assert "Trần Thị Hoa" not in citizen_view and "0912" not in citizen_view

    db.session.expire_all()
    item = db.session.scalars(select(Feedback).where(Feedback.tracking_code == code)).one()
    assert item.channel == "phone" and item.events[0].actor.username == "canbo.daison"
    db.session.remove()  # release SQLite before the server writes again

    # The inspector's overview filtered by channel=phone counts it; the item list names the channel.
    _sign_in(desktop, live_server, "thanhtra.bacninh")
    desktop.goto(f"{live_server}/audit/")
    desktop.get_by_label("Kênh tiếp nhận", exact=True).select_option("phone")
    desktop.get_by_role("button", name="Xem số liệu").click()
    assert "channel=phone" in desktop.url
    assert "kênh Điện thoại" in desktop.locator("main").inner_text()
    received = desktop.locator("dl.key-figures div").filter(has=desktop.locator("dt", has_text="Hồ sơ tiếp nhận"))
    assert received.locator("dd").first.inner_text().split()[0] == "1"
    desktop.goto(f"{live_server}/audit/?channel=walk_in")
    received = desktop.locator("dl.key-figures div").filter(has=desktop.locator("dt", has_text="Hồ sơ tiếp nhận"))
    assert received.locator("dd").first.inner_text().split()[0] == "0"
    desktop.goto(f"{live_server}/audit/items?channel=phone")
    row = desktop.get_by_role("row").filter(has_text=code)
    assert row.count() == 1 and "Điện thoại" in row.inner_text()
