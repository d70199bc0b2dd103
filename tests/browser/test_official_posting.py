"""An official at the commune office posts a notice; a citizen then reads it."""

import re

from sqlalchemy import select

from app.extensions import db
from app.notices.models import Notice
from tests.factories import PASSWORD, make_units, make_user


def test_official_posts_a_notice_with_csrf_and_citizen_reads_it(live_app, live_server, desktop, phone):
    _, commune, _ = make_units()
    make_user("official", commune, username="canbo.daison")
    db.session.remove()  # release SQLite before the server writes

    desktop.goto(f"{live_server}/login")
    desktop.get_by_label("Tên đăng nhập").fill("canbo.daison")
    desktop.get_by_label("Mật khẩu").fill(PASSWORD)
    desktop.get_by_role("button", name="Đăng nhập").click()
    desktop.goto(f"{live_server}/manage/notices/new")
    # The posting period is prefilled: today and 30 days on.
    assert desktop.get_by_label("Niêm yết từ ngày").input_value()
    assert desktop.get_by_label("Niêm yết đến ngày").input_value()
    desktop.get_by_label("Lĩnh vực").select_option("budget")
    desktop.get_by_label("Tiêu đề").fill("Công khai dự toán ngân sách xã Đại Sơn năm 2027")
    desktop.get_by_label(re.compile("^Tóm tắt")).fill(
        "Dự toán thu, chi ngân sách xã năm 2027 đã được HĐND xã thông qua."
    )
    desktop.get_by_label("Họ tên cán bộ trả lời thắc mắc").fill("Trần Thị Bình")
    desktop.get_by_label("Số điện thoại cán bộ").fill("not a phone")
    desktop.locator("form.notice-form button[type=submit]").click()
    # A clear Vietnamese message, and what was typed is kept.
    assert "Số điện thoại không hợp lệ" in desktop.content()
    assert desktop.get_by_label("Tiêu đề").input_value() == "Công khai dự toán ngân sách xã Đại Sơn năm 2027"

    desktop.get_by_label("Số điện thoại cán bộ").fill("0987 654 321")
    desktop.locator("form.notice-form button[type=submit]").click()
    desktop.get_by_role("button", name="Niêm yết").click()
    assert "Bản nháp" not in desktop.locator("main").inner_text()[:200]

    notice = db.session.scalars(select(Notice)).one()
    assert notice.status == "published" and notice.contact_phone == "+84987654321"
    notice_id, short_code = notice.id, notice.short_code
    db.session.remove()

    phone.goto(f"{live_server}/n/{short_code}")
    assert phone.url.endswith(f"/notices/{notice_id}")
    assert phone.locator('a[href="tel:+84987654321"]').first.is_visible()
