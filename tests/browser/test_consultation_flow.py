"""A citizen gives an opinion on a cheap phone with JavaScript off, confirming the phone with the code from
the development SMS log; the official moderates the comment, closes the consultation and publishes the
result, which the citizen then reads on the notice page."""

import re
from datetime import timedelta
from pathlib import Path

import pytest

from app.clock import local_today
from app.consultations import services
from app.extensions import db
from tests.browser.conftest import PHONE_WIDTH, page_width
from tests.factories import PASSWORD, make_notice, make_units, make_user

COMMENT = "Đề nghị làm rãnh thoát nước hai bên đường. Nhà tôi ở thôn Đông, gọi 0987 654 321 nếu cần."
SUMMARY = "Một ý kiến đề nghị làm rãnh thoát nước; đa số đồng ý với phương án."
ANSWER = "Xã tiếp thu, bổ sung rãnh thoát nước vào thiết kế."


def _code(outbox, e164):
    lines = [line for line in (outbox / "sms.log").read_text(encoding="utf-8").splitlines() if e164 in line]
    assert lines, "no SMS was written to the development log"
    return re.search(r"\b(\d{6})\b", lines[-1]).group(1)


@pytest.mark.browser
def test_an_opinion_from_a_phone_without_javascript_then_moderated_and_published(
    live_app, live_server, citizen_phone, desktop, tmp_path
):
    outbox = tmp_path / "outbox"
    live_app.config["OUTBOX_DIR"] = str(outbox)
    _, commune, _ = make_units()
    official = make_user("official", commune, username="canbo.daison")
    today = local_today()
    notice = make_notice(commune, official, posting_start=today - timedelta(days=31))
    consultation, _created = services.save_consultation(
        notice,
        {
            "question": "Ông/bà có đồng ý với phương án mở rộng đường liên thôn Đông – Đoài không?",
            "choice_set": "agree_disagree",
            "starts_on": today - timedelta(days=30),
            "ends_on": today + timedelta(days=5),
            "villages": ["Thôn Đông", "Thôn Đoài"],
            "is_limited_to_villages": False,
            "households": 300,
        },
        official,
    )
    db.session.commit()
    notice_id = notice.id
    db.session.remove()  # release SQLite before the server writes

    phone = citizen_phone
    phone.goto(f"{live_server}/notices/{notice_id}")
    block = phone.locator("#lay-y-kien")
    assert "Tổng số: 0 ý kiến" in block.inner_text()
    phone.get_by_label("Không đồng ý").check()
    phone.get_by_label("Góp ý thêm (không bắt buộc)").fill(COMMENT)
    phone.get_by_label("Thôn, tổ dân phố").select_option("Thôn Đông")
    phone.get_by_label("Họ và tên (không công khai)").fill("Trần Thị Bích")
    phone.get_by_label("Số điện thoại di động (không công khai)").fill("0987 654 321")
    assert page_width(phone) <= PHONE_WIDTH, "the opinion form must not scroll sideways on a phone"
    phone.get_by_role("button", name="Gửi mã xác nhận").click()

    assert phone.locator("h1").inner_text() == "Xác nhận ý kiến"
    assert "0987 654 321" in phone.locator("main").inner_text()
    phone.get_by_label("Mã xác nhận (6 chữ số trong tin nhắn)").fill(_code(outbox, "+84987654321"))
    assert page_width(phone) <= PHONE_WIDTH
    phone.get_by_role("button", name="Xác nhận và gửi ý kiến").click()

    assert phone.url.endswith(f"/notices/{notice_id}#lay-y-kien")
    assert "Cảm ơn bạn đã góp ý" in phone.locator("main").inner_text()
    assert "Tổng số: 1 ý kiến" in block.inner_text()
    assert block.locator("[data-choice=disagree] .tally-count").inner_text() == "1"
    assert COMMENT not in block.inner_text(), "a comment waits for moderation"

    # The official moderates the comment (from its redacted draft), closes the consultation, publishes the result.
    desktop.goto(f"{live_server}/login")
    desktop.get_by_label("Tên đăng nhập").fill("canbo.daison")
    desktop.get_by_label("Mật khẩu").fill(PASSWORD)
    desktop.get_by_role("button", name="Đăng nhập").click()
    desktop.goto(f"{live_server}/manage/notices/{notice_id}/consultation/comments")
    item = desktop.locator("article.moderation-item").first
    assert "Trần Thị Bích" in item.inner_text(), "the unit's official sees who wrote it"
    draft = item.get_by_label("Nội dung công khai (đã ẩn thông tin cá nhân)")
    assert "[đã ẩn]" in draft.input_value() and "0987 654 321" not in draft.input_value()
    item.get_by_role("button", name="Công khai").click()
    assert "Đã công khai ý kiến." in desktop.locator("main").inner_text()

    desktop.goto(f"{live_server}/manage/notices/{notice_id}/consultation")
    desktop.get_by_label("Lý do kết thúc sớm (công khai)").fill("Đã đủ ý kiến, cần trình phương án kịp tiến độ.")
    desktop.get_by_role("button", name="Kết thúc lấy ý kiến ngay").click()
    assert "Đã kết thúc lấy ý kiến" in desktop.locator("main").inner_text()
    desktop.get_by_role("link", name="Công bố kết quả").click()
    desktop.get_by_label("Tổng hợp ý kiến").fill(SUMMARY)
    desktop.locator("#groups-0-opinions").fill("Đề nghị làm rãnh thoát nước.")
    desktop.locator("#groups-0-answer").fill(ANSWER)
    desktop.get_by_role("button", name="Công bố kết quả").click()
    assert "Đã công bố kết quả (phiên bản 1)." in desktop.locator("main").inner_text()

    phone.goto(f"{live_server}/notices/{notice_id}")
    text = block.inner_text()
    assert "Đã kết thúc lấy ý kiến." in text and "Kết quả lấy ý kiến" in text
    assert SUMMARY in text and ANSWER in text
    assert "Đề nghị làm rãnh thoát nước hai bên đường. Nhà tôi ở [đã ẩn]" in text
    assert "Trần Thị Bích" not in phone.content() and "0987 654 321" not in phone.content()
    assert page_width(phone) <= PHONE_WIDTH
    assert Path(outbox / "sms.log").exists()
