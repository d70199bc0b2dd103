"""Asking without a notice: the citizen picks the commune or ward, from a list that works without JavaScript."""

import re
from datetime import date

import pytest

from app.extensions import db
from tests.factories import make_unit
from tests.feedback.intake.conftest import counts, error_texts, form_data, newest_item


@pytest.fixture
def more_units(units):
    """Two wards, a commune whose name starts with A, a former commune and a former district."""
    province = units[0]
    make_unit("09187", "Phường Kinh Bắc", "ward", province)
    make_unit("09190", "Phường Đáp Cầu", "ward", province)
    make_unit("07600", "Xã An Lạc", "commune", province)
    former = make_unit("07450", "Xã Đã Sáp Nhập", "commune", province)
    former.valid_to = date(2025, 6, 30)
    former.successor = units[1]
    make_unit("218", "Huyện Sơn Động", "district", province)
    db.session.commit()
    return units


def _select(page):
    start = page.index('<select id="unit" name="unit"')
    return page[start : page.index("</select>", start)]


def _groups(select_html):
    """[(optgroup label, [option texts])] in page order."""
    groups = []
    for label, body in re.findall(r'<optgroup label="([^"]*)">(.*?)</optgroup>', select_html, re.S):
        groups.append((label, re.findall(r"<option [^>]*>([^<]*)</option>", body)))
    return groups


def test_the_select_groups_wards_and_communes_alphabetically(client, more_units):
    page = client.get("/feedback/new").get_data(as_text=True)

    assert _groups(_select(page)) == [
        ("Tỉnh Bắc Ninh · Phường", ["Phường Đáp Cầu", "Phường Kinh Bắc"]),
        ("Tỉnh Bắc Ninh · Xã", ["Xã An Lạc", "Xã Đại Sơn", "Xã Sơn Động"]),
    ]


def test_provinces_districts_and_former_units_are_not_offered(client, more_units):
    select = _select(client.get("/feedback/new").get_data(as_text=True))
    for code in ("24", "218", "07450"):
        assert f'value="{code}"' not in select


def test_unit_in_the_address_preselects_it(client, more_units):
    select = _select(client.get("/feedback/new?unit=09187").get_data(as_text=True))
    assert '<option value="09187" selected>Phường Kinh Bắc</option>' in select
    assert select.count(" selected") == 1


@pytest.mark.parametrize("code", ["24", "99999", "<b>", "0" * 100])
def test_a_unit_that_cannot_receive_is_not_preselected_and_the_page_still_opens(client, more_units, code):
    response = client.get("/feedback/new", query_string={"unit": code})
    assert response.status_code == 200
    assert " selected" not in _select(response.get_data(as_text=True))


def test_a_question_without_a_notice_goes_to_the_chosen_ward(client, more_units):
    response = client.post("/feedback/new", data=form_data(more_units, unit="09187"))
    assert response.status_code == 303
    item = newest_item()
    assert item.unit.code == "09187" and item.notice is None


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("99999", "Không có xã, phường mã “99999”; hãy chọn xã, phường trong danh sách."),
        ("24", "Tỉnh Bắc Ninh là cấp tỉnh, không nhận ý kiến qua trang này"),
        ("218", "Huyện Sơn Động là cấp huyện, không nhận ý kiến qua trang này"),
        ("07450", "Xã Đã Sáp Nhập không còn tồn tại sau khi sắp xếp đơn vị hành chính; hãy chọn Xã Đại Sơn"),
    ],
)
def test_a_unit_that_cannot_receive_gets_a_message_saying_why(client, app, more_units, code, message):
    before = counts(app)
    page = client.post("/feedback/new", data=form_data(more_units, unit=code)).get_data(as_text=True)
    assert any(message in error for error in error_texts(page)), error_texts(page)
    assert counts(app) == before


def test_the_api_gives_the_same_reasons(client, app, more_units):
    response = client.post("/api/v1/feedback", json={"kind": "question", "unit": "24", "text": "Xin hỏi"})
    assert response.status_code == 422
    assert "Tỉnh Bắc Ninh là cấp tỉnh" in response.get_json()["errors"]["unit"]


def test_the_list_can_be_searched_with_a_small_script_when_javascript_is_on(client, more_units):
    page = client.get("/feedback/new").get_data(as_text=True)
    assert re.search(r'<script src="/static/js/unit-picker\.js[^"]*" defer></script>', page)
    assert "data-unit-picker" in _select(page)
    # Without JavaScript nothing asks the citizen to type: the select alone is the list.
    assert 'type="search"' not in page.split("<main", 1)[1].split('<select id="unit"', 1)[0]


def test_a_page_about_a_notice_needs_no_script(client, notice):
    page = client.get(f"/feedback/new?notice={notice.id}").get_data(as_text=True)
    assert "unit-picker.js" not in page
