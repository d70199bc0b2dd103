"""A provincial inspector opens the overview: the charts render, the XLSX export downloads and opens."""

import itertools
import re
from datetime import datetime, time, timedelta

from openpyxl import load_workbook

from app.clock import LOCAL_TZ, local_today
from app.extensions import db
from app.feedback.models import Feedback
from tests.factories import PASSWORD, days_ago, make_units, make_user

PHONE_WIDTH = 360
_codes = itertools.count(1)


def _months_ago(months):
    """The first day of the month `months` before the current one (Vietnam time)."""
    day = local_today().replace(day=1)
    for _ in range(months):
        day = (day - timedelta(days=1)).replace(day=1)
    return day


def _item(unit, received_on, official=None, answered_after=None, **fields):
    """A petition received at 9:00 on `received_on`, due ten days later, answered `answered_after` days on."""
    received = datetime.combine(received_on, time(9), tzinfo=LOCAL_TZ)
    answered = received + timedelta(days=answered_after) if answered_after is not None else None
    item = Feedback(
        tracking_code=f"PA-BROW-{next(_codes):04d}",
        kind="petition",
        unit=unit,
        text="Đường thôn Đồng Đình bị sạt lở sau mưa, đề nghị xã sửa chữa.",
        received_at=received,
        resolve_due=received_on + timedelta(days=10),
        first_response_at=answered,
        answered_at=answered,
        status="answered" if answered else "accepted",
        assigned_to=official,
        **fields,
    )
    db.session.add(item)
    return item


def _seed():
    """Seven items in two communes: three answered on time two months ago; last month one answered on time,
    one late and one still open (overdue); one received three days ago and not yet due."""
    province, commune_a, commune_b = make_units()
    official_a = make_user("official", commune_a)
    official_b = make_user("official", commune_b)
    make_user("inspector", province, username="thanhtra.tinh")
    two_months_ago, last_month = _months_ago(2), _months_ago(1)
    _item(commune_a, two_months_ago + timedelta(days=1), official_a, answered_after=3, rating=5)
    _item(commune_a, two_months_ago + timedelta(days=2), official_a, answered_after=6)
    _item(commune_b, two_months_ago + timedelta(days=3), official_b, answered_after=2, rating=4)
    _item(commune_a, last_month + timedelta(days=1), official_a, answered_after=15)  # late: due after 10 days
    _item(commune_b, last_month + timedelta(days=2), official_b, answered_after=8)
    _item(commune_a, last_month + timedelta(days=3))  # open, overdue
    _item(commune_b, days_ago(3))  # open, not yet due
    db.session.commit()
    return 7


def _log_in(page, base_url):
    page.goto(f"{base_url}/login")
    page.get_by_label("Tên đăng nhập").fill("thanhtra.tinh")
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_load_state()


def test_inspector_overview_draws_charts_and_exports_xlsx(live_app, live_server, desktop, tmp_path):
    live_app.config["AUDIT_RANKING_MIN_ITEMS"] = 3  # both communes are ranked: the league table is shown
    received = _seed()
    db.session.remove()  # release SQLite before the server reads

    _log_in(desktop, live_server)
    desktop.goto(f"{live_server}/audit/")
    assert desktop.locator("h1").inner_text() == "Giám sát: Tỉnh Bắc Ninh"
    received_figure = desktop.locator(".key-figures > div").filter(has_text="Hồ sơ tiếp nhận").locator("dd").first
    assert received_figure.inner_text() == str(received)

    charts = desktop.locator("figure.chart")
    assert charts.count() == 3
    for chart_id, marks in (
        ("chart-on-time", "rect.chart-bar"),
        ("chart-backlog", "circle.chart-point"),
        ("chart-distribution", "rect.chart-bar"),
    ):
        svg = desktop.locator(f"#{chart_id} svg.chart-svg")
        assert svg.is_visible(), chart_id
        box = svg.bounding_box()
        assert box["width"] > 200 and box["height"] > 80, (chart_id, box)
        assert svg.get_attribute("role") == "img" and svg.locator("title").first.text_content(), chart_id
        assert svg.locator(marks).count() >= 2, chart_id
        bar = svg.locator(marks).first.bounding_box()
        assert bar["width"] > 0 and bar["height"] > 0, (chart_id, bar)
    assert desktop.locator("#chart-backlog svg polyline").count() == 1
    # Answers on time by month: 3 of 3 two months ago, 1 of 3 last month, written the Vietnamese way.
    last_month = _months_ago(1).strftime("%m/%Y")
    on_time = desktop.locator("#chart-on-time rect.chart-bar title").all_text_contents()
    assert f"{last_month}: 33,3% đúng hạn (1 trên 3 hồ sơ đến hạn)" in on_time
    assert f"{_months_ago(2).strftime('%m/%Y')}: 100% đúng hạn (3 trên 3 hồ sơ đến hạn)" in on_time
    assert "33,3%" in desktop.locator("#chart-on-time svg").text_content()
    for chart_id in ("chart-on-time", "chart-backlog", "chart-distribution"):
        ticks = desktop.locator(f"#{chart_id} svg text[text-anchor=end]").all_text_contents()
        assert ticks and all(re.fullmatch(r"\d+%?", tick) for tick in ticks), (chart_id, ticks)
    # Every answered item is in one bar of the distribution.
    distribution = desktop.locator("#chart-distribution rect.chart-bar title").all_text_contents()
    assert sum(int(text.split(": ")[1].split()[0]) for text in distribution) == 5
    assert desktop.locator("#league-heading + p + .table-scroll table tbody tr").count() == 2

    with desktop.expect_download() as info:
        desktop.get_by_role("link", name="Số liệu (Excel)").click()
    download = info.value
    assert download.suggested_filename.startswith("so-lieu-24-") and download.suggested_filename.endswith(".xlsx")
    path = tmp_path / download.suggested_filename
    download.save_as(path)
    workbook = load_workbook(path, read_only=True)
    assert workbook.sheetnames == ["Giải quyết hồ sơ", "Công khai thông báo", "Lấy ý kiến Nhân dân", "Định nghĩa"]
    rows = list(workbook["Giải quyết hồ sơ"].iter_rows(values_only=True))
    workbook.close()
    header = rows[0]
    column = header.index("Hồ sơ tiếp nhận")
    by_name = {row[2]: row for row in rows[1:]}
    assert rows[1][0] == "Toàn bộ" and rows[1][column] == received
    assert by_name["Xã Đại Sơn"][column] == 4 and by_name["Xã Sơn Động"][column] == 3
    assert by_name["Tỉnh Bắc Ninh"][header.index("Quá hạn hiện nay")] == 1
    assert by_name["Tỉnh Bắc Ninh"][header.index("Đã trả lời")] == 5


def test_inspector_overview_fits_a_phone(live_app, live_server, phone):
    live_app.config["AUDIT_RANKING_MIN_ITEMS"] = 3
    _seed()
    db.session.remove()

    _log_in(phone, live_server)
    phone.goto(f"{live_server}/audit/")
    assert phone.locator("#chart-on-time svg").is_visible()
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE_WIDTH, "no sideways scrolling"
    # A chart shrinks to the screen instead of overflowing it.
    assert phone.locator("#chart-on-time svg").bounding_box()["width"] <= PHONE_WIDTH
    # The wide tables scroll inside their own region.
    regions = phone.locator(".table-scroll")
    assert regions.count() >= 3
    wide = regions.evaluate_all("els => els.filter(el => el.scrollWidth > el.clientWidth).length")
    assert wide >= 1, "the league and kind tables are wider than a phone and scroll in their region"
    # Opening a chart's data table must not widen the page either.
    phone.locator("#chart-on-time summary").click()
    assert phone.locator("#chart-on-time table").is_visible()
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE_WIDTH, "chart table scrolls the page"
