"""GET /api/v1/notices and /api/v1/notices/<id>: public notices, the list page's filters, pages."""

import math
from datetime import date, timedelta

import pytest

from app.extensions import db
from app.notices import services as notice_services
from app.notices.storage import store_upload
from tests.factories import days_ago, make_notice, make_user

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
ISO_DATE = date.fromisoformat


def _attach(notice, actor, name="danh-sach-ho.pdf"):
    stored = store_upload(PDF, name)
    attachment = notice_services.add_attachment(notice, stored, name, actor, reason="Bổ sung danh sách các hộ")
    db.session.commit()
    return attachment


def _ids(response):
    assert response.status_code == 200, response.get_data(as_text=True)
    return [item["id"] for item in response.get_json()["items"]]


def test_notice_item_has_every_contract_field_with_its_type(client, units, official):
    notice = make_notice(units[1], official)
    attachment = _attach(notice, official)

    item = client.get(f"/api/v1/notices/{notice.id}").get_json()

    assert isinstance(item["id"], int) and item["id"] == notice.id
    assert item["code"] == notice.short_code
    for field in ("code", "title", "summary", "category", "status", "url", "short_url"):
        assert isinstance(item[field], str), field
    assert item["title"] == notice.title
    assert item["category"] == "site_clearance"
    assert item["status"] == "published"
    assert item["unit"] == {"code": "07627", "name": "Xã Đại Sơn"}
    assert ISO_DATE(item["posting_start"]) == notice.posting_start
    assert ISO_DATE(item["posting_end"]) == notice.posting_end
    assert {"name", "position", "phone"} <= set(item["contact"])
    assert item["contact"]["name"] == "Nguyễn Văn An"
    assert item["contact"]["position"] == "Công chức địa chính – xây dựng"
    assert item["contact"]["phone"] == "+84912345678"
    assert item["url"] == f"http://congkhai.test/notices/{notice.id}"
    assert item["short_url"] == f"http://congkhai.test/n/{notice.short_code}"
    assert item["qr_png_url"] == f"http://congkhai.test/notices/{notice.id}/qr.png"
    assert item["qr_svg_url"] == f"http://congkhai.test/notices/{notice.id}/qr.svg"
    assert item["poster_url"] == f"http://congkhai.test/notices/{notice.id}/poster"
    assert isinstance(item["attachments"], list) and len(item["attachments"]) == 1
    assert item["attachments"][0]["id"] == attachment.id
    assert item["attachments"][0]["name"] == "danh-sach-ho.pdf"
    assert item["attachments"][0]["media_type"] == "application/pdf"
    assert item["attachments"][0]["url"].endswith(f"/notices/{notice.id}/attachments/{attachment.id}")
    assert isinstance(item["versions"], list)
    assert [version["number"] for version in item["versions"]] == [1, 2]
    assert item["versions"][1]["reason"] == "Bổ sung danh sách các hộ"


def test_list_items_are_the_same_shape_as_the_detail(client, units, official):
    notice = make_notice(units[1], official)

    listed = client.get("/api/v1/notices").get_json()["items"][0]
    detail = client.get(f"/api/v1/notices/{notice.id}").get_json()

    # The detail alone adds the notice's consultation and community decisions (issue 15).
    assert detail.pop("consultation") is None and detail.pop("community_decisions") == []
    assert listed == detail


def test_internal_user_information_is_never_exposed(client, units, official):
    notice = make_notice(units[1], official)
    _attach(notice, official)

    for url in (f"/api/v1/notices/{notice.id}", "/api/v1/notices"):
        text = client.get(url).get_data(as_text=True)
        assert "created_by" not in text
        assert official.username not in text
        assert official.display_name not in text
        assert "password" not in text


def test_drafts_are_never_listed(client, units, official):
    published = make_notice(units[1], official)
    make_notice(units[1], official, publish=False)

    for status in ("", "current", "all", "expired", "withdrawn"):
        assert _ids(client.get(f"/api/v1/notices?status={status}")) in ([published.id], [])
    assert client.get("/api/v1/notices?status=all").get_json()["total"] == 1


def test_a_draft_is_a_json_404_even_for_its_units_staff(client, auth, units, official):
    draft = make_notice(units[1], official, publish=False)
    auth.login(official.username)

    response = client.get(f"/api/v1/notices/{draft.id}")

    assert response.status_code == 404
    assert response.is_json
    assert response.get_json()["status"] == 404
    assert response.get_json()["message"]


def test_unknown_notice_is_a_json_404(client, units):
    response = client.get("/api/v1/notices/123456")

    assert response.status_code == 404
    assert response.get_json() == {"message": response.get_json()["message"], "status": 404}


def test_withdrawn_notice_stays_readable_with_its_status(client, units, official):
    notice = make_notice(units[1], official)
    notice_services.withdraw_notice(notice, "Ban hành nhầm", official)
    db.session.commit()

    item = client.get(f"/api/v1/notices/{notice.id}").get_json()

    assert item["status"] == "withdrawn"
    assert item["withdrawal_reason"] == "Ban hành nhầm"
    assert _ids(client.get("/api/v1/notices")) == []
    assert _ids(client.get("/api/v1/notices?status=withdrawn")) == [notice.id]
    assert _ids(client.get("/api/v1/notices?status=all")) == [notice.id]


def test_unit_filter_includes_descendants(client, units, official, district_tree):
    province, commune_a, commune_b = units
    _, deep_commune = district_tree
    in_a = make_notice(commune_a, official)
    in_b = make_notice(commune_b, make_user("official", commune_b))
    in_deep = make_notice(deep_commune, make_user("official", deep_commune))

    assert sorted(_ids(client.get("/api/v1/notices?unit=24"))) == sorted([in_a.id, in_b.id, in_deep.id])
    assert _ids(client.get("/api/v1/notices?unit=213")) == [in_deep.id]
    assert _ids(client.get("/api/v1/notices?unit=07627")) == [in_a.id]


def test_category_status_and_date_filters(client, units, official):
    commune = units[1]
    current = make_notice(commune, official, category="budget")
    expired = make_notice(
        commune, official, category="budget", posting_start=days_ago(60), posting_end=days_ago(20), issued_on=None
    )
    other = make_notice(commune, official, category="zoning")

    assert sorted(_ids(client.get("/api/v1/notices?category=budget"))) == sorted([current.id, expired.id])
    assert sorted(_ids(client.get("/api/v1/notices?status=current"))) == sorted([current.id, other.id])
    assert _ids(client.get("/api/v1/notices?status=expired")) == [expired.id]
    since = (days_ago(30)).isoformat()
    assert sorted(_ids(client.get(f"/api/v1/notices?from={since}"))) == sorted([current.id, other.id])
    until = (days_ago(30)).isoformat()
    assert _ids(client.get(f"/api/v1/notices?to={until}")) == [expired.id]


def test_notices_are_newest_posting_first(client, units, official):
    older = make_notice(units[1], official, posting_start=days_ago(5), issued_on=days_ago(6))
    newer = make_notice(units[1], official)

    assert _ids(client.get("/api/v1/notices")) == [newer.id, older.id]


def test_pagination_maths(client, units, official):
    notices = [make_notice(units[1], official, posting_start=days_ago(index), issued_on=None) for index in range(5)]
    newest_first = [notice.id for notice in notices]

    first = client.get("/api/v1/notices?per_page=2").get_json()
    last = client.get("/api/v1/notices?per_page=2&page=3").get_json()
    beyond = client.get("/api/v1/notices?per_page=2&page=4").get_json()

    assert (first["page"], first["per_page"], first["pages"], first["total"]) == (1, 2, 3, 5)
    assert [item["id"] for item in first["items"]] == newest_first[:2]
    assert (last["page"], last["pages"], last["total"]) == (3, 3, 5)
    assert [item["id"] for item in last["items"]] == newest_first[4:]
    assert beyond["items"] == [] and beyond["total"] == 5
    assert first["pages"] == math.ceil(first["total"] / first["per_page"])


def test_pagination_defaults_to_page_one_of_twenty(client, units, official):
    make_notice(units[1], official)

    data = client.get("/api/v1/notices").get_json()

    assert (data["page"], data["per_page"], data["pages"], data["total"]) == (1, 20, 1, 1)


def test_empty_result_has_no_pages(client, units):
    data = client.get("/api/v1/notices").get_json()

    assert data == {"items": [], "page": 1, "per_page": 20, "pages": 0, "total": 0}


@pytest.mark.parametrize("asked", ["101", "500", "1000000"])
def test_per_page_above_100_is_clamped(client, units, asked):
    data = client.get(f"/api/v1/notices?per_page={asked}").get_json()

    assert data["per_page"] == 100


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("page=0", "page"),
        ("page=-1", "page"),
        ("page=abc", "page"),
        ("page=1.5", "page"),
        ("page=99999999999999999999", "page"),
        ("per_page=0", "per_page"),
        ("per_page=-5", "per_page"),
        ("per_page=ten", "per_page"),
        ("unit=99999", "unit"),
        ("category=weather", "category"),
        ("status=secret", "status"),
        ("from=01/02/2026", "from"),
        ("to=2026-13-01", "to"),
        ("from=2026-03-01&to=2026-02-01", "to"),
    ],
)
def test_invalid_parameters_are_a_json_400_with_a_message(client, units, query, field):
    response = client.get(f"/api/v1/notices?{query}")

    assert response.status_code == 400
    assert response.is_json
    data = response.get_json()
    assert data["status"] == 400
    assert isinstance(data["message"], str) and data["message"]
    assert list(data["errors"]) == [field]
    assert data["errors"][field]


def test_a_page_costs_the_same_few_queries_whatever_its_size(client, units, official, count_statements):
    for index in range(12):
        notice = make_notice(units[1], official, posting_start=days_ago(index % 3), issued_on=None)
        _attach(notice, official, name=f"tai-lieu-{index}.pdf")

    small, small_count = count_statements(lambda: client.get("/api/v1/notices?per_page=2&unit=24"))
    large, large_count = count_statements(lambda: client.get("/api/v1/notices?per_page=12&unit=24"))

    assert len(large.get_json()["items"]) == 12
    assert all(len(item["attachments"]) == 1 and len(item["versions"]) == 2 for item in large.get_json()["items"])
    assert large_count == small_count
    assert large_count <= 7  # unit filter, page, units, versions, attachments, count (+1 spare)


def test_detail_costs_a_handful_of_queries(client, units, official, count_statements):
    notice = make_notice(units[1], official)
    _attach(notice, official)
    url = f"/api/v1/notices/{notice.id}"

    response, statements = count_statements(lambda: client.get(url))

    assert response.status_code == 200
    assert statements <= 5  # notice, versions, attachments, unit (+1 spare)


@pytest.mark.parametrize("path", ["/api/v1/notices", "/api/v1/notices/{id}"])
def test_notices_are_public_cacheable_and_open_to_other_sites(client, units, official, path):
    notice = make_notice(units[1], official)

    response = client.get(path.format(id=notice.id))

    assert response.status_code == 200
    assert response.mimetype == "application/json"
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert response.cache_control.public
    assert response.cache_control.max_age == 60


def test_errors_are_not_cached_as_public(client, units):
    response = client.get("/api/v1/notices?page=0")

    assert not response.cache_control.public


def test_vietnamese_text_survives_the_round_trip(client, units, official):
    notice = make_notice(units[1], official, title="Quy hoạch sử dụng đất đến năm 2030 – điều chỉnh")

    item = client.get(f"/api/v1/notices/{notice.id}").get_json()

    assert item["title"] == "Quy hoạch sử dụng đất đến năm 2030 – điều chỉnh"
    assert item["posting_end"] == (notice.posting_start + timedelta(days=30)).isoformat()
