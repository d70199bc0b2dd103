"""A unit's page: name, kind, parent, successor if merged, communes, notices with descendants."""

from datetime import date

import pytest

from app.extensions import db
from app.notices.public_queries import unit_sort_key
from tests.factories import make_notice, make_unit
from tests.public.conftest import expired_notice, result_titles, section, withdrawn_notice


def _page(client, path):
    response = client.get(path)
    assert response.status_code == 200
    return response.get_data(as_text=True)


@pytest.mark.parametrize("code", ["99999", "<script>", "2" * 40])
def test_unknown_unit_is_404(client, units, code):
    assert client.get(f"/units/{code}").status_code == 404


def test_province_page_lists_its_communes_and_every_notice_below_it(client, units, official):
    province, commune_a, commune_b = units
    make_notice(commune_a, official, title="Của Đại Sơn")
    make_notice(commune_b, official, title="Của Sơn Động")
    make_notice(province, official, title="Của tỉnh")

    html = _page(client, "/units/24")

    assert "<h1>Tỉnh Bắc Ninh</h1>" in html
    assert '<a href="/units/07627">Xã Đại Sơn</a> <span class="count">(1)</span>' in html
    assert '<a href="/units/07615">Xã Sơn Động</a> <span class="count">(1)</span>' in html
    notices = section(html, "unit-notices-heading")
    assert sorted(result_titles(notices)) == ["Của Sơn Động", "Của tỉnh", "Của Đại Sơn"]


def test_commune_page_shows_kind_parent_and_only_its_own_notices(client, units, official):
    _, commune_a, commune_b = units
    make_notice(commune_a, official, title="Của Đại Sơn")
    make_notice(commune_b, official, title="Của Sơn Động")
    make_notice(commune_a, official, publish=False, title="Bản nháp")

    html = _page(client, "/units/07627")

    assert "<h1>Xã Đại Sơn</h1>" in html
    assert 'Xã · <a href="/units/24">Tỉnh Bắc Ninh</a>' in html
    assert result_titles(html) == ["Của Đại Sơn"]


def test_former_unit_says_it_no_longer_exists_and_links_its_successor(client, units):
    province, _, _ = units
    former = make_unit("27", "Tỉnh Bắc Ninh (trước 01/07/2025)", "province")
    former.valid_to = date(2025, 6, 30)
    former.successor = province
    db.session.commit()

    html = _page(client, "/units/27")

    assert "Đơn vị này không còn tồn tại từ sau ngày 30/06/2025" in html
    assert 'Đơn vị kế thừa: <a href="/units/24">Tỉnh Bắc Ninh</a>' in html


def test_current_unit_has_no_former_unit_note(client, units):
    assert "không còn tồn tại" not in _page(client, "/units/07627")


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("?status=expired", ["Hết hạn"]),
        ("?status=withdrawn", ["Thu hồi"]),
        ("?category=budget", ["Ngân sách"]),
        ("", ["Hết hạn", "Ngân sách"]),
    ],
)
def test_unit_page_filters_by_category_and_status(client, units, official, query, expected):
    _, commune, _ = units
    make_notice(commune, official, title="Ngân sách", category="budget")
    expired_notice(commune, official, title="Hết hạn")
    withdrawn_notice(commune, official, title="Thu hồi")

    assert sorted(result_titles(_page(client, f"/units/07627{query}"))) == expected


def test_unit_page_ignores_a_unit_in_the_query_and_has_no_unit_select(client, units, official):
    _, commune_a, commune_b = units
    make_notice(commune_a, official, title="Của Đại Sơn")
    make_notice(commune_b, official, title="Của Sơn Động")

    html = _page(client, "/units/07627?unit=07615")

    assert result_titles(html) == ["Của Đại Sơn"]
    assert 'name="unit"' not in html


def test_unit_page_paginates_twenty_per_page_keeping_code_and_filters(client, units, official):
    _, commune, _ = units
    for number in range(21):
        make_notice(commune, official, title=f"Thông báo {number:02d}", category="budget")

    first = _page(client, "/units/07627?category=budget")
    second = _page(client, "/units/07627?category=budget&page=2")

    assert len(result_titles(first)) == 20
    assert 'href="/units/07627?page=2&amp;category=budget"' in first
    assert len(result_titles(second)) == 1


def test_unit_page_invalid_filter_shows_message_not_500(client, units, official):
    make_notice(units[1], official)

    html = _page(client, "/units/07627?status=<b>x</b>&from=hôm-qua")

    assert "Trạng thái phải là current, expired, withdrawn hoặc all." in html
    assert "Ngày phải có dạng dd/mm/yyyy, ví dụ 05/03/2026." in html
    assert result_titles(html) == []
    assert "<b>x</b>" not in html


def test_communes_sort_in_vietnamese_order_ignoring_their_kind():
    names = ["Xã Đại Sơn", "Phường Bắc Giang", "Xã Dương Hưu", "Xã An Lạc", "Phường Chũ"]
    units = [type("Unit", (), {"name": name})() for name in names]

    ordered = [unit.name for unit in sorted(units, key=unit_sort_key)]

    assert ordered == ["Xã An Lạc", "Phường Bắc Giang", "Phường Chũ", "Xã Dương Hưu", "Xã Đại Sơn"]
