"""The inspectors' wide tables fit: /audit/items and /audit/log on a 1280-px screen without sideways scrolling,
and on a 360-px phone as stacked cards, each value labelled with its column heading."""

import itertools
from datetime import datetime, time, timedelta

from app.clock import LOCAL_TZ, local_today
from app.extensions import db
from app.feedback.models import Feedback
from app.ledger.chain import record
from tests.browser.conftest import PHONE_WIDTH, page_width
from tests.factories import PASSWORD, make_units, make_user

_codes = itertools.count(1)
ROWS = 25  # one full page of the item list


def _seed():
    """A page of items of every state in two communes, handled by an official with a long name, and log entries."""
    province, commune_a, commune_b = make_units()
    official = make_user("official", commune_a, username="canbo.xa.dai.son.phu.trach.tiep.nhan")
    official.display_name = "Nguyễn Thị Phương Thảo Cán bộ Văn phòng – Thống kê Ủy ban nhân dân xã"
    make_user("inspector", province, username="thanhtra.tinh")
    start = local_today() - timedelta(days=40)
    for number in range(ROWS):
        received_on = start + timedelta(days=number)
        received = datetime.combine(received_on, time(9), tzinfo=LOCAL_TZ)
        answered = received + timedelta(days=3) if number % 3 == 0 else None
        item = Feedback(
            tracking_code=f"PA-WIDE-{next(_codes):04d}-ABCD",
            kind=("petition", "question", "complaint")[number % 3],
            unit=commune_a if number % 2 else commune_b,
            text="Đường thôn Đồng Đình bị sạt lở sau mưa, đề nghị xã sửa chữa.",
            received_at=received,
            acknowledge_due=received_on + timedelta(days=3),
            resolve_due=received_on + timedelta(days=10),
            first_response_at=answered,
            answered_at=answered,
            closed_at=answered,
            status="closed" if answered else "accepted",
            assigned_to=official,
        )
        db.session.add(item)
        db.session.flush()
        record("feedback.reply", item, f"{item.tracking_code}: accepted → answered", {"is_public": True}, official)
    db.session.commit()


def _log_in(page, base_url):
    page.goto(f"{base_url}/login")
    page.get_by_label("Tên đăng nhập").fill("thanhtra.tinh")
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_load_state()


def _period():
    today = local_today()
    return f"from={(today - timedelta(days=60)):%d/%m/%Y}&to={today:%d/%m/%Y}"


def test_item_list_and_log_fit_a_1280_px_screen(live_server, desktop):
    _seed()
    db.session.remove()  # release SQLite before the server reads

    _log_in(desktop, live_server)
    for path in (f"/audit/items?{_period()}", "/audit/log"):
        desktop.goto(f"{live_server}{path}")
        rows = desktop.locator("table.data-table tbody tr")
        assert rows.count() >= 20, path
        assert page_width(desktop) <= 1280, path
        region = desktop.locator(".table-scroll").first
        assert region.evaluate("element => element.scrollWidth <= element.clientWidth"), path  # no scroll inside
        assert desktop.locator("table.data-table thead").is_visible(), path


def test_item_list_and_log_are_stacked_cards_on_a_phone(live_server, phone):
    _seed()
    db.session.remove()

    _log_in(phone, live_server)
    for path in (f"/audit/items?{_period()}", "/audit/log"):
        phone.goto(f"{live_server}{path}")
        assert phone.locator("table.data-table tbody tr").count() >= 20, path
        assert page_width(phone) <= PHONE_WIDTH, path
        head = phone.locator("table.data-table thead").bounding_box()
        assert head["height"] <= 1 and head["width"] <= 1, (path, head)  # left to screen readers only
        first = phone.locator("table.data-table tbody tr").first
        cells = first.locator("[data-label]")
        assert cells.count() >= 7, path
        # Each value carries its heading, drawn before it by CSS, and the card is one column wide.
        label = cells.nth(1).evaluate("cell => getComputedStyle(cell, '::before').content")
        assert label.strip('"').endswith(": ") and len(label) > 4, (path, label)
        boxes = [cells.nth(index).bounding_box() for index in range(3)]
        assert boxes[0]["y"] < boxes[1]["y"] < boxes[2]["y"], path  # stacked, not side by side
    assert "PA-WIDE" not in phone.content()  # the log never shows tracking codes
