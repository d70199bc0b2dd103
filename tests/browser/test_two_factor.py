"""An official enrols an authenticator app by scanning the QR code, then signs in with its code and with a
recovery code; five wrong codes lock the account. The enrolment page fits a phone and a desktop."""

import time

import pyotp
import pytest
from sqlalchemy import select

from app.extensions import db
from app.ledger.models import AuditEntry
from tests.browser.conftest import PHONE_WIDTH, page_width
from tests.factories import PASSWORD, make_units, make_user
from tests.qr import read_qr_codes

pytestmark = pytest.mark.browser


def _scan(page):
    """Read the QR code off the screen, as a phone's camera would: a screenshot of the image, decoded."""
    results = read_qr_codes(page.locator("#totp-qr").screenshot())
    assert len(results) == 1, "the QR code on the page must be readable"
    return pyotp.parse_uri(results[0].text)


def _sign_in_with_password(page, base_url, username):
    page.goto(f"{base_url}/login")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()


def _enter_code(page, code):
    page.get_by_label("Mã xác thực").fill(code)
    page.get_by_role("button", name="Xác nhận").click()


def _sign_out(page):
    page.get_by_role("button", name="Đăng xuất").first.click()
    assert "Bạn đã đăng xuất." in page.content()


def test_an_official_enrols_by_scanning_the_qr_code_and_signs_in_with_codes(live_server, desktop, tmp_path):
    _, commune, _ = make_units()
    make_user("official", commune, username="canbo.daison")
    db.session.remove()  # release SQLite before the server writes

    _sign_in_with_password(desktop, live_server, "canbo.daison")
    desktop.goto(f"{live_server}/account")
    desktop.get_by_role("link", name="Xác thực hai lớp").click()
    assert desktop.get_by_role("heading", name="Bật xác thực hai lớp").is_visible()
    desktop.screenshot(path=str(tmp_path / "two-factor-enrol-1280.png"), full_page=True)
    assert page_width(desktop) <= 1280

    app_on_phone = _scan(desktop)
    assert app_on_phone.secret == desktop.locator("#totp-secret").inner_text().replace(" ", "")
    desktop.get_by_label("Mã 6 chữ số trong ứng dụng").fill(app_on_phone.now())
    desktop.get_by_role("button", name="Bật xác thực hai lớp").click()
    assert desktop.get_by_role("heading", name="Mã dự phòng của bạn").is_visible()
    recovery_codes = desktop.locator("#recovery-codes code").all_inner_texts()
    assert len(recovery_codes) == 10
    desktop.get_by_role("link", name="Tôi đã cất mã, tiếp tục làm việc").click()
    _sign_out(desktop)

    # The password alone no longer signs in: the code page comes next. The enrolling code was spent, so the
    # app's next code (a step ahead, inside the window) is used: no waiting for the clock.
    _sign_in_with_password(desktop, live_server, "canbo.daison")
    assert desktop.url == f"{live_server}/login/code"
    _enter_code(desktop, app_on_phone.at(time.time() + 30))
    assert desktop.url.endswith("/manage/queue?tab=new")
    _sign_out(desktop)

    _sign_in_with_password(desktop, live_server, "canbo.daison")
    _enter_code(desktop, recovery_codes[0].upper())
    assert desktop.url.endswith("/manage/queue?tab=new")
    assert "Bạn vừa dùng một mã dự phòng; còn 9 mã chưa dùng." in desktop.content()
    _sign_out(desktop)

    _sign_in_with_password(desktop, live_server, "canbo.daison")
    for attempt in range(1, 6):
        _enter_code(desktop, recovery_codes[0])  # already used
        if attempt < 5:
            assert "Mã xác thực không đúng hoặc đã được dùng." in desktop.content()
    assert desktop.url == f"{live_server}/login"
    assert "Tài khoản tạm khóa đến" in desktop.content()
    # Locked: the right password and a fresh code do not get in.
    _sign_in_with_password(desktop, live_server, "canbo.daison")
    assert desktop.url == f"{live_server}/login"
    assert "Tài khoản tạm khóa đến" in desktop.content()
    locks = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "user.locked")).all()
    assert [entry.data["reason"] for entry in locks] == ["code"]


def test_required_enrolment_fits_a_phone(live_app, live_server, phone, tmp_path):
    _, commune, _ = make_units()
    make_user("official", commune, username="canbo.kinhbac")
    db.session.remove()
    live_app.config["REQUIRE_TWO_FACTOR"] = True

    _sign_in_with_password(phone, live_server, "canbo.kinhbac")
    assert phone.url == f"{live_server}/account/two-factor"
    assert "phải bật xác thực hai lớp" in phone.content()
    phone.goto(f"{live_server}/manage/")
    assert phone.url == f"{live_server}/account/two-factor"  # nothing else until enrolled
    phone.screenshot(path=str(tmp_path / "two-factor-enrol-360.png"), full_page=True)
    assert page_width(phone) <= PHONE_WIDTH

    app_on_phone = _scan(phone)
    phone.get_by_label("Mã 6 chữ số trong ứng dụng").fill(app_on_phone.now())
    phone.get_by_role("button", name="Bật xác thực hai lớp").click()
    assert len(phone.locator("#recovery-codes code").all_inner_texts()) == 10
    assert page_width(phone) <= PHONE_WIDTH
    phone.screenshot(path=str(tmp_path / "two-factor-codes-360.png"), full_page=True)
    phone.get_by_role("link", name="Tôi đã cất mã, tiếp tục làm việc").click()
    assert phone.url.endswith("/manage/queue?tab=new")
