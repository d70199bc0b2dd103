"""The public figures on a unit's page /units/<code>: the last twelve months up to the real today, counts and
rates only, never a citizen's or an official's identity."""

from datetime import timedelta

import pytest
from flask_babel import force_locale

from app.clock import local_today
from app.feedback.calendar import load_calendar
from app.feedback.deadlines import working_days_between
from tests.factories import make_notice, make_user
from tests.inspection.conftest import SUBMITTER, local, make_item, section, text_of


def days_ago(days, hour=9):
    """An aware Vietnam-time moment `days` before today (never later today: that could be in the future)."""
    day = local_today() - timedelta(days=days)
    return local(day.year, day.month, day.day, hour)


def day(offset):
    return local_today() + timedelta(days=offset)


@pytest.fixture
def recent(units):
    """Four items of commune A in the last twelve months, one older, one of commune B; two notices of A."""
    province, a, b = units
    official = make_user("official", a, username="canbo.tomtat")
    answered = {"status": "answered", "assigned_to": official, **SUBMITTER}
    make_item(a, "question", days_ago(20), resolve_due=day(-10), answered_at=days_ago(15), rating=5, **answered)
    make_item(a, "petition", days_ago(30), resolve_due=day(-20), answered_at=days_ago(5), **answered)
    make_item(a, "question", days_ago(3), resolve_due=day(10), status="received", **SUBMITTER)
    make_item(a, "petition", days_ago(40), resolve_due=day(-10), status="accepted", assigned_to=official)
    make_item(a, "question", days_ago(500), resolve_due=day(-480), answered_at=days_ago(499), status="answered")
    make_item(b, "question", days_ago(10), resolve_due=day(5), status="received")
    make_notice(a, official)  # issued yesterday, posted today: within 3 working days
    make_notice(a, official, issued_on=day(-40), posting_start=day(-2), posting_end=day(40))
    return official


def twelve_months_start():
    """The first day of the month eleven months before this one."""
    today = local_today()
    months = today.year * 12 + today.month - 1 - 11
    return today.replace(year=months // 12, month=months % 12 + 1, day=1)


def facts(html):
    summary = section(html, "unit-summary-heading")
    return text_of(summary), summary


def test_commune_page_shows_the_figures_of_the_last_twelve_months(app, client, recent):
    with app.test_request_context(), force_locale("vi"):
        calendar = load_calendar()
        fastest = working_days_between(calendar, day(-20), day(-15))
        slowest = working_days_between(calendar, day(-30), day(-5))
    response = client.get("/units/07627")
    assert response.status_code == 200
    shown, _html = facts(response.get_data(as_text=True))
    start, today = twelve_months_start(), local_today()
    assert f"Từ {start:%d/%m/%Y} đến {today:%d/%m/%Y}, gồm cả các đơn vị trực thuộc." in shown
    assert "Câu hỏi, kiến nghị đã tiếp nhận 4 " in shown  # not the one of 500 days ago, nor commune B's
    assert "Trả lời đúng hạn 33,3% (1 trên 3 hồ sơ đến hạn)" in shown
    assert f"Thời gian trả lời (trung vị) {min(fastest, slowest)} ngày làm việc" in shown
    assert f"Đang xử lý / quá hạn hôm nay ({local_today():%d/%m/%Y}) 2 / 1" in shown
    assert "Người dân đánh giá câu trả lời 5/5 (1 lượt)" in shown
    assert "kể từ ngày ban hành 50% (1 trên 2 thông báo)" in shown


def test_province_page_adds_up_its_communes(client, recent):
    shown, _html = facts(client.get("/units/24").get_data(as_text=True))
    assert "Câu hỏi, kiến nghị đã tiếp nhận 5 " in shown
    assert f"Đang xử lý / quá hạn hôm nay ({local_today():%d/%m/%Y}) 3 / 1" in shown


def test_unit_page_shows_no_personal_data(client, recent):
    html = client.get("/units/07627").get_data(as_text=True)
    for value in SUBMITTER.values():
        assert value not in html
    _shown, summary = facts(html)
    assert "canbo.tomtat" not in summary and recent.display_name not in summary


def test_a_unit_without_items_or_notices_says_so(client, units):
    shown, _html = facts(client.get("/units/07615").get_data(as_text=True))
    assert "Câu hỏi, kiến nghị đã tiếp nhận 0 " in shown
    assert "Trả lời đúng hạn Chưa có hồ sơ đến hạn" in shown
    assert f"Đang xử lý / quá hạn hôm nay ({local_today():%d/%m/%Y}) 0 / 0" in shown
