"""The outbox in Chromium: /manage/notifications fits a 1280-px screen and a 360-px phone (stacked cards, each
value labelled), and the official presses "Gửi lại" on a failed mail, which then goes (into the outbox folder)."""

from datetime import UTC, datetime, time, timedelta

import pytest

from app.clock import LOCAL_TZ, local_today, utcnow
from app.extensions import db
from app.feedback.models import Feedback
from app.outbox import queue
from app.outbox.messages import Message, register_template
from tests.browser.conftest import PHONE_WIDTH, page_width
from tests.factories import PASSWORD, make_units, make_user

TEMPLATE = "test.outbox_browser"
EMAIL = "nguyen.thi.phuong.thao@example.vn"


def _render(payload, language):
    return Message(subject="Ý kiến của bạn đã có trả lời", text="Ủy ban xã đã trả lời.", short="Da tra loi")


register_template(TEMPLATE, _render)


@pytest.fixture
def outbox(live_app, tmp_path):
    """A commune's outbox: one failed mail, then a page of sent and dropped messages; returns the failed row's id."""
    live_app.config.update(OUTBOX_DIR=str(tmp_path / "outbox"), MAIL_SERVER="")
    _, commune, _ = make_units()
    make_user("official", commune, username="canbo.daison")
    received = datetime.combine(local_today(), time(9), tzinfo=LOCAL_TZ).astimezone(UTC)
    item = Feedback(
        tracking_code="PA-OUTB-OXAB-CDEF",
        kind="petition",
        unit=commune,
        text="Đường thôn Đồng Đình bị sạt lở.",
        received_at=received,
        acknowledge_due=local_today() + timedelta(days=3),
        resolve_due=local_today() + timedelta(days=15),
        status="received",
    )
    db.session.add(item)
    db.session.flush()
    for number in range(14):
        row = queue.notify(
            channel=("email", "sms", "zalo")[number % 3],
            recipient=EMAIL if number % 3 == 0 else "+84987654321",
            template=("feedback.information_requested", "staff.information_received", "follow.public_answer")[
                number % 3
            ],
            subject=f"feedback:{item.id}" if number % 2 else f"follower:{number}",
            unit_id=commune.id,
            fallback_channel="sms" if number % 3 == 2 else None,
        )
        row.created_at = utcnow() - timedelta(hours=number + 1)
        row.status, row.attempts, row.next_attempt_at = ("sent", 1, None) if number % 4 else ("suppressed", 0, None)
        row.sent_channel = "sms" if row.status == "sent" and row.channel != "email" else None
    failed = queue.notify(
        channel="email", recipient=EMAIL, template=TEMPLATE, subject=f"feedback:{item.id}", unit_id=commune.id
    )
    failed.status, failed.attempts, failed.next_attempt_at = "failed", 6, None
    failed.last_error = "email: 421 4.7.0 Ủy ban xã tạm thời không nhận thư, mời thử lại sau; kết nối bị đóng " * 2
    db.session.commit()
    failed_id = failed.id
    db.session.remove()  # release SQLite before the server reads
    return failed_id


def _sign_in(page, base_url):
    page.goto(f"{base_url}/login")
    page.get_by_label("Tên đăng nhập").fill("canbo.daison")
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_load_state()


def test_the_outbox_fits_a_1280_px_screen(live_server, desktop, outbox):
    _sign_in(desktop, live_server)
    desktop.goto(f"{live_server}/manage/notifications")

    assert desktop.locator("table.outbox-table tbody tr").count() == 15
    assert page_width(desktop) <= 1280
    assert desktop.locator("table.outbox-table thead").is_visible()
    table = desktop.locator("table.outbox-table").bounding_box()
    column = desktop.locator("form.filter-bar").bounding_box()  # the page's column, as wide as the filters
    assert table["x"] >= column["x"] and table["x"] + table["width"] <= column["x"] + column["width"] + 1
    assert "Hộp thư đi" in desktop.locator("nav.staff-nav").inner_text()
    assert "1" in desktop.locator("nav.staff-nav .nav-badge").inner_text()  # the failed mail
    assert EMAIL not in desktop.content() and "+84987654321" not in desktop.content()


def test_the_outbox_is_cards_on_a_phone_and_gui_lai_sends_the_failed_mail(live_server, phone, outbox, tmp_path):
    _sign_in(phone, live_server)
    phone.goto(f"{live_server}/manage/notifications")

    assert page_width(phone) <= PHONE_WIDTH
    head = phone.locator("table.outbox-table thead").bounding_box()
    assert head["height"] <= 1 and head["width"] <= 1  # left to screen readers
    card = phone.locator(f"#notification-{outbox}")
    cells = card.locator("[data-label]")
    assert cells.count() >= 7
    label = cells.nth(1).evaluate("cell => getComputedStyle(cell, '::before').content")
    assert label.strip('"') == "Nội dung: "
    boxes = [cells.nth(index).bounding_box() for index in range(3)]
    assert boxes[0]["y"] < boxes[1]["y"] < boxes[2]["y"]  # stacked, not side by side
    assert "Lỗi" in card.inner_text() and "Không tự thử lại" in card.inner_text()
    button = card.get_by_role("button", name="Gửi lại")
    assert button.bounding_box()["height"] >= 44  # a finger-sized target

    button.click()
    phone.wait_for_load_state()

    assert f"Đã đưa tin số {outbox} vào hàng gửi" in phone.locator(".flash-success").inner_text()
    card = phone.locator(f"#notification-{outbox}")
    assert "Đã gửi" in card.inner_text() and card.get_by_role("button", name="Gửi lại").count() == 0
    assert page_width(phone) <= PHONE_WIDTH
    assert phone.locator("nav.staff-nav .nav-badge").count() == 0  # nothing failed any more
    mails = list((tmp_path / "outbox").glob("*.eml"))
    assert len(mails) == 1 and EMAIL in mails[0].read_text()
