"""A commune leader opens an account for a new official on the web; the official sets a password with the link."""

from app.accounts.services import authenticate
from app.extensions import db
from tests.factories import PASSWORD, make_units, make_user

NEW_PASSWORD = "cánh đồng lúa thôn Đồng Đình"


def test_leader_creates_an_official_and_sees_them_listed(live_app, live_server, desktop, browser):
    _, commune, _ = make_units()
    make_user("leader", commune, username="lanhdao.daison")
    db.session.remove()  # release SQLite before the server writes

    desktop.goto(f"{live_server}/login")
    desktop.get_by_label("Tên đăng nhập").fill("lanhdao.daison")
    desktop.get_by_label("Mật khẩu").fill(PASSWORD)
    desktop.get_by_role("button", name="Đăng nhập").click()

    desktop.goto(f"{live_server}/manage/users")
    desktop.get_by_role("link", name="Tạo tài khoản").click()
    # A leader may give only the roles at or below their own, in their own commune.
    assert desktop.get_by_label("Vai trò").locator("option").all_inner_texts() == ["Cán bộ, công chức", "Lãnh đạo"]
    assert desktop.get_by_label("Đơn vị").locator("option").all_inner_texts() == ["Xã Đại Sơn (07627)"]
    desktop.get_by_label("Họ và tên").fill("Trần Thị Bình")
    desktop.get_by_label("Tên đăng nhập").fill("canbo.binh")
    desktop.get_by_label(r"Số điện thoại (không bắt buộc)").fill("not a phone")
    desktop.get_by_role("button", name="Tạo tài khoản").click()
    # A clear Vietnamese message, and what was typed is kept.
    assert "Số điện thoại không hợp lệ." in desktop.content()
    assert desktop.get_by_label("Họ và tên").input_value() == "Trần Thị Bình"

    desktop.get_by_label(r"Số điện thoại (không bắt buộc)").fill("0987 654 321")
    desktop.get_by_role("button", name="Tạo tài khoản").click()
    assert desktop.get_by_role("heading", name="Đã tạo tài khoản canbo.binh").is_visible()
    link = desktop.locator("#reset-url").inner_text()
    assert link.startswith(f"{live_server}/account/reset/")

    desktop.get_by_role("link", name="Về danh sách người dùng").click()
    row = desktop.get_by_role("row").filter(has_text="Trần Thị Bình")
    assert row.count() == 1
    assert "Cán bộ, công chức" in row.inner_text() and "Xã Đại Sơn" in row.inner_text()
    assert "Đang hoạt động" in row.inner_text() and "Chưa đăng nhập" in row.inner_text()

    # The official opens the link on their own computer, chooses a password and signs in with it.
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        official = context.new_page()
        official.goto(link)
        official.get_by_label("Mật khẩu mới", exact=True).fill(NEW_PASSWORD)
        official.get_by_label("Nhập lại mật khẩu mới").fill(NEW_PASSWORD)
        official.get_by_role("button", name="Đặt mật khẩu").click()
        assert "Đã đặt mật khẩu mới" in official.content()
        official.get_by_label("Tên đăng nhập").fill("canbo.binh")
        official.get_by_label("Mật khẩu").fill(NEW_PASSWORD)
        official.get_by_role("button", name="Đăng nhập").click()
        assert official.url.endswith("/manage/queue?tab=new")  # an official lands on the new items
        official.goto(link)
        assert "Liên kết không còn hiệu lực" in official.content()
    finally:
        context.close()
    user = authenticate("canbo.binh", NEW_PASSWORD)
    assert user is not None and user.phone == "+84987654321"
