"""The notice list: filters (unit with descendants, category, status, dates), pagination, bad input."""

import re
from datetime import date, timedelta

import pytest

from app.clock import local_today
from app.extensions import db
from app.notices import views
from tests.factories import days_ago, make_notice, make_unit
from tests.public.conftest import count_queries, expired_notice, result_titles, withdrawn_notice


def _titles(client, query=""):
    response = client.get(f"/notices{query}")
    assert response.status_code == 200
    return result_titles(response.get_data(as_text=True))


def test_list_shows_published_notices_newest_first_with_total(client, units, official):
    _, commune, _ = units
    make_notice(commune, official, title="Cũ hơn", posting_start=days_ago(5))
    make_notice(commune, official, title="Mới hơn", posting_start=days_ago(1))

    html = client.get("/notices").get_data(as_text=True)

    assert result_titles(html) == ["Mới hơn", "Cũ hơn"]
    assert "Có 2 thông báo" in html


def test_list_by_default_shows_current_and_past_notices_but_no_upcoming_draft_or_withdrawn(client, units, official):
    _, commune, _ = units
    make_notice(commune, official, title="Đang niêm yết")
    expired_notice(commune, official, title="Hết hạn")
    make_notice(commune, official, title="Sắp niêm yết", posting_start=local_today() + timedelta(days=2))
    make_notice(commune, official, publish=False, title="Bản nháp")
    withdrawn_notice(commune, official, title="Thu hồi")

    assert _titles(client) == ["Đang niêm yết", "Hết hạn"]


@pytest.mark.parametrize("query", ["", "?status=all", "?unit=24", "?unit=07627&category=budget"])
def test_a_notice_whose_posting_has_not_started_is_never_listed_above_the_posted_ones(client, units, official, query):
    _, commune, _ = units
    make_notice(commune, official, title="Hôm nay", category="budget", posting_start=days_ago(0))
    make_notice(commune, official, title="Tuần trước", category="budget", posting_start=days_ago(7))
    make_notice(
        commune, official, title="Tháng sau", category="budget", posting_start=local_today() + timedelta(days=30)
    )

    titles = _titles(client, query)

    assert titles[:2] == ["Hôm nay", "Tuần trước"]
    assert "Tháng sau" not in titles


def test_the_unit_page_and_the_api_list_leave_out_upcoming_notices_too(client, units, official):
    _, commune, _ = units
    make_notice(commune, official, title="Đang niêm yết", posting_start=days_ago(1))
    make_notice(commune, official, title="Sắp niêm yết", posting_start=local_today() + timedelta(days=3))

    unit_page = client.get("/units/07627").get_data(as_text=True)
    api_titles = [item["title"] for item in client.get("/api/v1/notices").get_json()["items"]]

    assert result_titles(unit_page) == ["Đang niêm yết"]
    assert api_titles == ["Đang niêm yết"]


def test_unit_filter_includes_the_units_descendants(client, units, official):
    province, commune_a, commune_b = units
    make_notice(commune_a, official, title="Của Đại Sơn")
    make_notice(commune_b, official, title="Của Sơn Động")
    make_notice(province, official, title="Của tỉnh")

    assert sorted(_titles(client, "?unit=24")) == ["Của Sơn Động", "Của tỉnh", "Của Đại Sơn"]
    assert _titles(client, "?unit=07627") == ["Của Đại Sơn"]
    assert _titles(client, "?unit=07615") == ["Của Sơn Động"]


def test_unit_filter_is_a_select_of_the_province_and_its_communes(client, units):
    html = client.get("/notices?unit=07615").get_data(as_text=True)

    assert '<select id="filter-unit" name="unit"' in html
    assert '<option value="24">' in html
    assert '<option value="07627">Xã Đại Sơn</option>' in html
    assert '<option value="07615" selected>Xã Sơn Động</option>' in html


def test_category_filter(client, units, official):
    _, commune, _ = units
    make_notice(commune, official, title="Ngân sách", category="budget")
    make_notice(commune, official, title="Giải phóng mặt bằng", category="site_clearance")

    html = client.get("/notices?category=budget").get_data(as_text=True)

    assert result_titles(html) == ["Ngân sách"]
    assert '<option value="budget" selected>' in html
    assert html.count("<option value=") >= 14 + 5  # the 14 categories and the status choices


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        ("current", ["Đang niêm yết"]),
        ("expired", ["Hết hạn"]),
        ("withdrawn", ["Thu hồi"]),
        ("all", ["Hết hạn", "Thu hồi", "Đang niêm yết"]),
        ("", ["Hết hạn", "Đang niêm yết"]),
    ],
)
def test_status_filter(client, units, official, status, expected):
    _, commune, _ = units
    make_notice(commune, official, title="Đang niêm yết")
    expired_notice(commune, official, title="Hết hạn")
    withdrawn_notice(commune, official, title="Thu hồi")
    make_notice(commune, official, publish=False, title="Bản nháp")

    assert sorted(_titles(client, f"?status={status}")) == expected


def test_date_range_filters_on_posting_start(client, units, official):
    _, commune, _ = units
    make_notice(commune, official, title="Ngày 30 trước", posting_start=days_ago(30))
    make_notice(commune, official, title="Ngày 10 trước", posting_start=days_ago(10))
    make_notice(commune, official, title="Hôm nay", posting_start=days_ago(0))

    query = f"?from={days_ago(15).isoformat()}&to={days_ago(5).isoformat()}"
    html = client.get(f"/notices{query}").get_data(as_text=True)

    assert result_titles(html) == ["Ngày 10 trước"]
    # A link's ISO day shows as people write it; dd/mm/yyyy typed in the box filters the same way.
    assert f'name="from" value="{days_ago(15).strftime("%d/%m/%Y")}"' in html
    assert _titles(client, f"?from={days_ago(15):%d/%m/%Y}&to={days_ago(5):%d/%m/%Y}") == ["Ngày 10 trước"]
    assert _titles(client, f"?from={days_ago(10).isoformat()}") == ["Hôm nay", "Ngày 10 trước"]
    assert _titles(client, f"?to={days_ago(10).isoformat()}") == ["Ngày 10 trước", "Ngày 30 trước"]


def test_filter_form_is_a_plain_get_form_with_labels(client, units):
    html = client.get("/notices").get_data(as_text=True)

    assert '<form class="filters" method="get" action="/notices">' in html
    for name in ("unit", "category", "status", "from", "to"):
        assert f'<label for="filter-{name}">' in html
    assert 'placeholder="dd/mm/yyyy" maxlength="10" autocomplete="off" name="from"' in html  # never mm/dd/yyyy
    assert "<script" not in html


def _make_many(commune, official, count, **overrides):
    for number in range(count):
        make_notice(commune, official, title=f"Thông báo {number:02d}", posting_start=days_ago(number), **overrides)


def test_list_paginates_twenty_per_page_and_page_links_keep_filters(client, units, official):
    _, commune, other = units
    _make_many(commune, official, 21, category="budget")
    make_notice(other, official, title="Xã khác", category="budget")

    first = client.get("/notices?unit=07627&category=budget").get_data(as_text=True)
    second = client.get("/notices?unit=07627&category=budget&page=2").get_data(as_text=True)

    assert len(result_titles(first)) == 20
    assert "Có 21 thông báo" in first
    links = set(re.findall(r'href="(/notices\?page=2[^"]*)"', first))
    assert links == {"/notices?page=2&amp;unit=07627&amp;category=budget"}
    assert result_titles(second) == ["Thông báo 20"]
    assert 'aria-current="page"' in second
    assert "/notices?page=1&amp;unit=07627&amp;category=budget" in second


def test_page_out_of_range_is_an_empty_page_with_a_link_back(client, units, official):
    _, commune, _ = units
    _make_many(commune, official, 3)

    response = client.get("/notices?page=7&status=current")
    html = response.get_data(as_text=True)

    assert response.status_code == 200
    assert result_titles(html) == []
    assert "Trang 7 không có thông báo nào" in html
    assert 'href="/notices?page=1&amp;status=current"' in html


@pytest.mark.parametrize("page", ["abc", "0", "-3", "١", "99999999999999999999999999", "9" * 5000, " 2 "])
def test_unusual_page_numbers_never_fail(client, units, official, page):
    _, commune, _ = units
    make_notice(commune, official, title="Một thông báo")

    response = client.get(f"/notices?page={page}")

    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert result_titles(html) in (["Một thông báo"], [])


def test_garbage_filters_show_vietnamese_messages_and_no_results(client, units, official):
    _, commune, _ = units
    make_notice(commune, official, title="Không được hiện")

    response = client.get("/notices?page=abc&from=2026-13-45&unit=<script>alert(1)</script>")
    html = response.get_data(as_text=True)

    assert response.status_code == 200
    assert result_titles(html) == []
    assert "Không có đơn vị hành chính mã &lt;script&gt;" in html
    assert "Ngày phải có dạng dd/mm/yyyy, ví dụ 05/03/2026." in html
    assert "<script>" not in html
    assert 'aria-invalid="true" aria-describedby="filter-unit-error"' in html
    assert 'aria-invalid="true" aria-describedby="filter-from-error"' in html


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("?category=khong-co", "Lĩnh vực không hợp lệ."),
        ("?status=deleted", "Trạng thái phải là current, expired, withdrawn hoặc all."),
        ("?from=2026-05-10&to=2026-05-01", "Ngày kết thúc phải sau ngày bắt đầu."),
        ("?to=31/02/2026", "Ngày phải có dạng dd/mm/yyyy, ví dụ 05/03/2026."),
        ("?to=2026-05-10&from=11/05/2026", "Ngày kết thúc phải sau ngày bắt đầu."),
        ("?unit=99999", "Không có đơn vị hành chính mã 99999."),
    ],
)
def test_each_invalid_filter_has_its_own_message(client, units, official, query, message):
    _, commune, _ = units
    make_notice(commune, official, title="Không được hiện")

    html = client.get(f"/notices{query}").get_data(as_text=True)

    assert f'-error">{message}</li>' in html
    assert result_titles(html) == []


def test_former_unit_chosen_in_the_filter_stays_selected(client, units, official):
    former = make_unit("27", "Tỉnh Bắc Ninh (trước 01/07/2025)", "province")
    former.valid_to = date(2025, 6, 30)
    db.session.commit()

    html = client.get("/notices?unit=27").get_data(as_text=True)

    assert '<option value="27" selected>Tỉnh Bắc Ninh (trước 01/07/2025)</option>' in html
    assert "Không có thông báo nào phù hợp" in html


def test_unit_filter_becomes_a_code_box_when_units_are_too_many_for_a_select(client, units, monkeypatch):
    monkeypatch.setattr(views, "MAX_UNIT_OPTIONS", 2)

    html = client.get("/notices?unit=07627").get_data(as_text=True)

    assert '<select id="filter-unit"' not in html
    assert '<input id="filter-unit" type="text" name="unit" value="07627"' in html


def test_list_needs_the_same_number_of_queries_however_many_notices_it_shows(client, units, official):
    province, commune_a, commune_b = units
    make_notice(commune_a, official)
    few = count_queries(client, "/notices?unit=24")
    for number in range(10):
        make_notice(commune_b if number % 2 else province, official)
    many = count_queries(client, "/notices?unit=24")

    assert many == few
