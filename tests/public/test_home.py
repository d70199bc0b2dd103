"""The home page: search box, latest current notices, notices closing soon, communes with counts."""

from datetime import date, timedelta

from app.clock import local_today
from app.extensions import db
from tests.factories import make_notice, make_unit
from tests.public.conftest import count_queries, expired_notice, result_titles, section, withdrawn_notice


def test_home_search_box_sends_q_to_the_search_page(client, units):
    html = client.get("/").get_data(as_text=True)

    assert 'action="/search"' in html
    assert 'method="get"' in html
    assert 'name="q"' in html
    assert '<label for="home-search">' in html


def test_home_lists_current_notices_but_not_drafts_expired_upcoming_or_withdrawn(client, units, official):
    _, commune, _ = units
    make_notice(commune, official, title="Đang niêm yết A")
    make_notice(commune, official, publish=False, title="Bản nháp B")
    expired_notice(commune, official, title="Đã hết hạn C")
    make_notice(commune, official, title="Sắp niêm yết D", posting_start=local_today() + timedelta(days=3))
    withdrawn_notice(commune, official, title="Đã thu hồi E")

    latest = section(client.get("/").get_data(as_text=True), "latest-heading")

    assert result_titles(latest) == ["Đang niêm yết A"]


def test_home_shows_the_ten_latest_current_notices_newest_posting_first(client, units, official):
    _, commune, _ = units
    for day in range(12):
        make_notice(commune, official, title=f"Thông báo số {day}", posting_start=local_today() - timedelta(days=day))

    latest = section(client.get("/").get_data(as_text=True), "latest-heading")

    assert result_titles(latest) == [f"Thông báo số {day}" for day in range(10)]
    assert 'href="/notices"' in latest


def test_home_closing_soon_lists_notices_ending_within_seven_days(client, units, official):
    _, commune, _ = units
    today = local_today()
    make_notice(commune, official, title="Hết hạn sau 3 ngày", posting_end=today + timedelta(days=3))
    make_notice(commune, official, title="Hết hạn hôm nay", posting_end=today)
    make_notice(commune, official, title="Hết hạn sau 20 ngày", posting_end=today + timedelta(days=20))

    closing = section(client.get("/").get_data(as_text=True), "closing-heading")

    assert result_titles(closing) == ["Hết hạn hôm nay", "Hết hạn sau 3 ngày"]
    assert "Còn 3 ngày" in closing
    assert "Hết hạn niêm yết hôm nay" in closing


def test_home_lists_province_communes_with_current_notice_counts(client, units, official):
    province, commune_a, commune_b = units
    make_notice(commune_a, official)
    make_notice(commune_a, official)
    expired_notice(commune_a, official)
    make_notice(commune_b, official)
    make_notice(province, official)

    communes = section(client.get("/").get_data(as_text=True), "units-heading")

    assert '<a href="/units/24">Tỉnh Bắc Ninh</a> <span class="count">(4)</span>' in communes
    assert '<a href="/units/07627">Xã Đại Sơn</a> <span class="count">(2)</span>' in communes
    assert '<a href="/units/07615">Xã Sơn Động</a> <span class="count">(1)</span>' in communes


def test_home_leaves_out_units_that_no_longer_exist(client, units):
    province, _, _ = units
    former = make_unit("27", "Tỉnh Bắc Ninh (trước 01/07/2025)", "province")
    former.valid_to = date(2025, 6, 30)
    former.successor = province
    dissolved = make_unit("07600", "Xã Đã Sáp Nhập", "commune", province)
    dissolved.valid_to = date(2025, 6, 30)
    db.session.commit()

    communes = section(client.get("/").get_data(as_text=True), "units-heading")

    assert "/units/27" not in communes
    assert "/units/07600" not in communes
    assert "/units/07627" in communes


def test_home_needs_the_same_number_of_queries_however_many_notices_and_communes(client, units, official):
    province, commune, _ = units
    make_notice(commune, official, posting_end=local_today() + timedelta(days=2))
    few = count_queries(client, "/")

    for number in range(6):
        extra = make_unit(f"0800{number}", f"Xã Thử {number}", "commune", province)
        db.session.commit()
        make_notice(extra, official, posting_end=local_today() + timedelta(days=2))
        make_notice(extra, official)
    many = count_queries(client, "/")

    assert many == few
