"""Each role signs in, lands on its home, sees only its own navigation and reaches its main work in one click.

official: acknowledges the newest item from the "new" tab; leader: creates an official and sees them listed;
inspector: opens a commune's figures; admin: changes a deadline rule. Each home is also opened on a 1280-px
screen and a 360-px phone: nothing may need sideways scrolling on the pages this feature draws.
"""

from datetime import timedelta

import pytest
from sqlalchemy import select

from app.clock import local_today
from app.extensions import db
from app.feedback import actions
from app.feedback.intake import submit_feedback
from app.feedback.models import DeadlineRule, Feedback
from tests.factories import PASSWORD, make_notice, make_units, make_user
from tests.feedback.handling.conftest import local_noon

NAVIGATION = {
    "official": ["Hàng đợi ý kiến", "Quản lý thông báo", "Hộp thư đi", "Tài khoản"],
    "leader": ["Tổng quan", "Hàng đợi ý kiến", "Quản lý thông báo", "Hộp thư đi", "Người dùng", "Tài khoản"],
    "inspector": ["Giám sát", "Hàng đợi ý kiến", "Quản lý thông báo", "Tài khoản"],
    "admin": [
        "Quản trị hệ thống",
        "Tổng quan",
        "Hàng đợi ý kiến",
        "Quản lý thông báo",
        "Hộp thư đi",
        "Giám sát",
        "Người dùng",
        "Tài khoản",
    ],
}
HOMES = {
    "official": "/manage/queue?tab=new",
    "leader": "/manage/overview",
    "inspector": "/audit/",
    "admin": "/manage/admin",
}
USERNAMES = {"official": "canbo.daison", "leader": "lanhdao.daison", "inspector": "thanhtra.tinh", "admin": "quantri"}


def _submit(unit, kind, text, received_on):
    return submit_feedback(
        kind=kind,
        unit=unit,
        text=text,
        has_consented=True,
        name="Nguyễn Thị Mai",
        phone="+84987654321",
        received_at=local_noon(received_on),
    )


@pytest.fixture
def commune_world(live_app):
    """Bắc Ninh with two communes, one account per role, notices and a small queue in Đại Sơn."""
    province, commune, other = make_units()
    users = {
        "official": make_user("official", commune, username=USERNAMES["official"]),
        "leader": make_user("leader", commune, username=USERNAMES["leader"]),
        "inspector": make_user("inspector", province, username=USERNAMES["inspector"]),
        "admin": make_user("admin", province, username=USERNAMES["admin"]),
    }
    today = local_today()
    make_notice(commune, title="Dự thảo kế hoạch sử dụng đất năm 2027", publish=False)
    make_notice(
        commune,
        title="Phương án bồi thường đường vành đai 4",
        issued_on=today - timedelta(days=15),
        posting_start=today - timedelta(days=2),
        posting_end=today + timedelta(days=3),
    )
    with live_app.test_request_context():
        older = _submit(commune, "petition", "Đường liên thôn Đồng Đình bị sụt lún.", today - timedelta(days=2))
        newest = _submit(commune, "question", "Khi nào thôn Đồng Đình nhận tiền bồi thường?", today)
        accepted = _submit(commune, "petition", "Đèn đường thôn Chùa hỏng.", today - timedelta(days=20))
        actions.acknowledge(accepted, users["official"])
        _submit(commune, "complaint", "Khiếu nại quyết định thu hồi đất của hộ tôi.", today - timedelta(days=1))
        _submit(other, "question", "Câu hỏi của xã khác.", today)
        # Commit inside: the request's teardown runs the search index's after-commit work of the notices above.
        db.session.commit()
    world = {"newest": newest.tracking_code, "older": older.tracking_code, "commune": commune.name}
    db.session.remove()  # release SQLite before the server writes
    return world


def _sign_in(page, base_url, role):
    page.goto(f"{base_url}/login")
    page.get_by_label("Tên đăng nhập").fill(USERNAMES[role])
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_load_state()


def _navigation(page):
    return [text.strip() for text in page.locator("nav.staff-nav a").all_inner_texts()]


def _lands_home(page, base_url, role):
    _sign_in(page, base_url, role)
    assert page.url == f"{base_url}{HOMES[role]}"
    assert _navigation(page) == NAVIGATION[role]


def _fits(page, base_url, role, width):
    """Open the home at `width` and return its height; the feature's own pages never scroll sideways."""
    page.set_viewport_size({"width": width, "height": 900 if width > 400 else 640})
    page.goto(f"{base_url}{HOMES[role]}")
    sizes = page.evaluate("[document.documentElement.scrollWidth, document.documentElement.scrollHeight]")
    if role != "inspector":  # /audit/ is the inspection pages' own layout
        assert sizes[0] <= width, (role, width, sizes)
    return sizes[1]


def test_the_official_accepts_the_newest_item_from_the_new_tab(live_server, commune_world, desktop):
    _lands_home(desktop, live_server, "official")
    tab = desktop.locator("nav.queue-tabs a[aria-current=page]")
    assert tab.inner_text().split() == ["Mới", "nhận", "/", "chưa", "tiếp", "nhận", "3"]
    codes = desktop.locator("table.queue-table .code").all_inner_texts()
    assert codes[0] == commune_world["newest"] and commune_world["older"] in codes
    assert "Phương án bồi thường đường vành đai 4" in desktop.locator(".queue-notices").inner_text()

    desktop.get_by_role("link", name=commune_world["newest"]).click()
    desktop.locator("form[action$='/acknowledge'] button[type=submit]").click()

    assert "Đã thụ lý ý kiến." in desktop.locator("main").inner_text()
    desktop.get_by_role("link", name="Trang làm việc").click()
    assert desktop.url.endswith(HOMES["official"])
    assert commune_world["newest"] not in desktop.locator("table.queue-table").inner_text()
    assert desktop.locator("nav.queue-tabs a[aria-current=page] .tab-count").inner_text() == "2"
    db.session.expire_all()
    item = db.session.scalars(select(Feedback).where(Feedback.tracking_code == commune_world["newest"])).one()
    assert item.status == "accepted" and item.assigned_to.username == USERNAMES["official"]


def test_the_leader_creates_an_official_from_the_overview(live_server, commune_world, desktop):
    _lands_home(desktop, live_server, "leader")
    overview = desktop.locator("main").inner_text()
    assert "Hàng đợi theo cán bộ" in overview and "Khiếu nại, tố cáo đang giải quyết" in overview
    assert "Phương án bồi thường đường vành đai 4" in overview  # ends within 7 days, and posted late

    desktop.locator("nav.staff-nav").get_by_role("link", name="Người dùng").click()
    desktop.get_by_role("link", name="Tạo tài khoản").click()
    desktop.get_by_label("Họ và tên").fill("Trần Thị Bình")
    desktop.get_by_label("Tên đăng nhập").fill("canbo.binh")
    desktop.get_by_role("button", name="Tạo tài khoản").click()
    assert desktop.get_by_role("heading", name="Đã tạo tài khoản canbo.binh").is_visible()
    desktop.get_by_role("link", name="Về danh sách người dùng").click()

    row = desktop.get_by_role("row").filter(has_text="Trần Thị Bình")
    assert row.count() == 1 and "Cán bộ, công chức" in row.inner_text()
    assert desktop.locator("nav.staff-nav a[aria-current=page]").inner_text() == "Người dùng"


def test_the_inspector_opens_a_communes_figures(live_server, commune_world, desktop):
    _lands_home(desktop, live_server, "inspector")

    desktop.locator("main").get_by_role("link", name=commune_world["commune"]).first.click()

    assert "/audit/units/07627" in desktop.url
    assert commune_world["commune"] in desktop.locator("h1").inner_text()


def test_the_admin_changes_a_deadline_rule(live_server, commune_world, desktop):
    _lands_home(desktop, live_server, "admin")
    assert desktop.locator("main").get_by_role("link", name="Khóa API Open311").is_visible()

    desktop.locator("main").get_by_role("link", name="Quy định thời hạn").click()
    rule = desktop.locator("form[action$='/rules/question/resolve']")
    rule.locator("input[type=number]").fill("12")
    rule.get_by_role("button", name="Lưu").click()

    assert "Đã lưu quy định" in desktop.locator("main").inner_text()
    assert desktop.locator("nav.staff-nav a[aria-current=page]").inner_text() == "Quản trị hệ thống"
    db.session.expire_all()
    stored = db.session.scalars(
        select(DeadlineRule).where(DeadlineRule.kind == "question", DeadlineRule.step == "resolve")
    ).one()
    assert stored.amount == 12


@pytest.mark.parametrize("role", ["official", "leader", "inspector", "admin"])
def test_each_home_fits_a_desktop_and_a_phone(live_server, commune_world, browser, role, tmp_path):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        page = context.new_page()
        _lands_home(page, live_server, role)
        heights = {width: _fits(page, live_server, role, width) for width in (1280, 360)}
        page.screenshot(path=str(tmp_path / f"{role}-360.png"), full_page=True)
    finally:
        context.close()
    assert all(height > 0 for height in heights.values())
