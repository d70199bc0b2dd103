"""The /search page and GET /api/v1/search: filters, facets, snippets, pages, odd input."""

import unicodedata
from datetime import timedelta

import pytest

from app import create_app
from app.clock import local_today
from app.extensions import db
from app.notices import services as notice_services
from app.search import services
from tests.factories import make_notice, make_unit, make_units


@pytest.fixture
def units(app):
    province, commune_a, commune_b = make_units()
    other_province = make_unit("01", "Thành phố Hà Nội", "province")
    ward = make_unit("00070", "Phường Hoàn Kiếm", "ward", other_province)
    db.session.commit()
    return {"province": province, "a": commune_a, "b": commune_b, "ward": ward}


def publish(unit, days_ago=1, length=30, **fields):
    start = local_today() - timedelta(days=days_ago)
    return make_notice(unit, None, posting_start=start, posting_end=start + timedelta(days=length), **fields)


def api(client, **args):
    response = client.get("/api/v1/search", query_string=args)
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_json()


def ids(client, **args):
    return [item["id"] for item in api(client, **args)["items"]]


@pytest.mark.parametrize(
    "query",
    [
        '"',
        '"giai phong',
        "AND (",
        "x" * 5000,
        "giai phong mat bang " * 300,
        "!!!",
        "😀🏠",
        "\x00\x07",
        "((()))",
        "*?~^",
        "title:abc OR 1=1 --",
        "<script>alert(1)</script>",
        "%",
        "\\",
    ],
)
def test_any_input_gets_a_page_or_a_json_answer_never_an_error(client, units, query):
    publish(units["a"], title="Giải phóng mặt bằng dự án đường vành đai")
    services.sync()

    page = client.get("/search", query_string={"q": query})
    response = client.get("/api/v1/search", query_string={"q": query})

    assert page.status_code == 200
    assert response.status_code == 200 and "items" in response.get_json()
    assert "<script>alert(1)" not in page.get_data(as_text=True)


def test_input_without_letters_gets_a_friendly_message(client, units):
    services.sync()
    text = client.get("/search", query_string={"q": "!!! ???"}).get_data(as_text=True)
    assert "Không có chữ hoặc số nào để tìm" in text


def test_empty_search_shows_tips_and_the_full_form(client, units):
    services.sync()
    text = client.get("/search").get_data(as_text=True)
    assert "Mẹo tìm kiếm" in text
    for name in ("q", "unit", "category", "status", "from", "to", "sort"):
        assert f'name="{name}"' in text
    assert 'method="get"' in text


def test_results_show_escaped_titles_with_marked_words(client, units):
    notice = publish(units["a"], title="Thông báo <khẩn> về thu hồi đất & tài sản")
    services.sync()

    text = client.get("/search", query_string={"q": "dat"}).get_data(as_text=True)

    assert f'href="/notices/{notice.id}"' in text
    assert "Thông báo &lt;khẩn&gt; về thu hồi <mark>đất</mark> &amp; tài sản" in text
    assert "Tìm thấy 1 thông báo" in text


def test_decomposed_and_capitalised_queries_find_the_notice(client, units):
    notice = publish(units["a"], title="Danh sách hộ nghèo thôn Hạ năm 2026")
    services.sync()
    assert ids(client, q=unicodedata.normalize("NFD", "HỘ NGHÈO THÔN HẠ")) == [notice.id]
    assert ids(client, q="HO NGHEO") == [notice.id]


def test_exact_diacritics_rank_above_folded_matches(client, units):
    selling = publish(units["a"], title="Thông báo về bán đấu giá tài sản", summary="Bàn giao tài sản cho thôn.")
    board = publish(units["a"], title="Thông báo về ban quản lý dự án", summary="Ban quản lý dự án thôn.")
    services.sync()
    assert ids(client, q="bán") == [selling.id, board.id]
    assert ids(client, q="ban quản lý")[0] == board.id
    assert set(ids(client, q="ban")) == {selling.id, board.id}


def test_api_items_are_notice_items_with_highlights(client, units):
    notice = publish(units["a"], title="Công khai dự toán ngân sách năm 2026", summary="Số liệu dự toán thu, chi.")
    services.sync()

    data = api(client, q="du toan")

    assert data["total"] == 1 and data["page"] == 1 and data["pages"] == 1
    item = data["items"][0]
    for key in ("id", "code", "title", "summary", "category", "unit", "status", "posting_start", "url", "attachments"):
        assert key in item
    assert item["id"] == notice.id
    assert item["highlights"]["title"] == "Công khai <mark>dự toán</mark> ngân sách năm 2026"
    assert item["highlights"]["summary"] == "Số liệu <mark>dự toán</mark> thu, chi."
    assert data["facets"]["category"] == [{"value": "site_clearance", "label": "Giải phóng mặt bằng", "count": 1}]


def test_unit_filter_includes_descendants_and_facets_count_by_unit(client, units):
    in_a = publish(units["a"], title="Lịch tiếp công dân tháng 12")
    in_b = publish(units["b"], title="Lịch tiếp công dân tháng 12 của xã")
    in_hanoi = publish(units["ward"], title="Lịch tiếp công dân phường")
    services.sync()

    assert set(ids(client, q="tiep cong dan", unit="24")) == {in_a.id, in_b.id}
    assert ids(client, q="tiep cong dan", unit="00070") == [in_hanoi.id]
    data = api(client, q="tiep cong dan", unit="24")
    assert {entry["value"]: entry["count"] for entry in data["facets"]["unit"]} == {"07627": 1, "07615": 1}
    everywhere = api(client, q="tiep cong dan")
    assert {entry["value"] for entry in everywhere["facets"]["unit"]} == {"24", "01"}
    page = client.get("/search", query_string={"q": "tiep cong dan", "unit": "24"}).get_data(as_text=True)
    assert "Theo đơn vị" in page and "unit=07615" in page


def test_category_status_and_date_filters(client, units):
    current = publish(units["a"], title="Thu hồi đất trồng lúa", category="land_recovery")
    other = publish(units["a"], title="Thu hồi đất vườn", category="site_clearance")
    expired = publish(units["a"], days_ago=90, title="Thu hồi đất rừng", category="land_recovery")
    upcoming = publish(units["a"], days_ago=-5, title="Thu hồi đất bãi", category="land_recovery")
    withdrawn = publish(units["a"], title="Thu hồi đất ao", category="land_recovery")
    notice_services.withdraw_notice(withdrawn, "Ban hành nhầm", None)
    db.session.commit()
    services.sync()

    assert set(ids(client, q="thu hoi dat")) == {current.id, other.id, expired.id, upcoming.id}
    assert set(ids(client, q="thu hoi dat", category="land_recovery")) == {current.id, expired.id, upcoming.id}
    assert set(ids(client, q="thu hoi dat", status="current")) == {current.id, other.id}
    assert ids(client, q="thu hoi dat", status="expired") == [expired.id]
    assert ids(client, q="thu hoi dat", status="withdrawn") == [withdrawn.id]
    assert len(ids(client, q="thu hoi dat", status="all")) == 5
    since = (local_today() - timedelta(days=10)).isoformat()
    until = local_today().isoformat()
    assert set(ids(client, q="thu hoi dat", **{"from": since, "to": until})) == {current.id, other.id}


def test_bad_filters_are_explained(client, units):
    response = client.get("/api/v1/search", query_string={"q": "dat", "unit": "99999"})
    assert response.status_code == 400
    assert "unit" in response.get_json()["errors"]
    assert client.get("/api/v1/search", query_string={"q": "dat", "sort": "price"}).status_code == 400
    page = client.get("/search", query_string={"q": "dat", "from": "31/02/2026"})
    assert page.status_code == 200
    assert "Ngày phải có dạng dd/mm/yyyy" in page.get_data(as_text=True)
    # The page reads what a person typed; the API speaks ISO only.
    assert client.get("/search", query_string={"q": "dat", "from": "31/12/2026"}).status_code == 200
    api = client.get("/api/v1/search", query_string={"q": "dat", "from": "31/12/2026"})
    assert api.status_code == 400 and "from" in api.get_json()["errors"]


def test_newest_first_and_filters_without_words(client, units):
    older = publish(units["a"], days_ago=20, title="Công khai quyết toán ngân sách", category="budget")
    newer = publish(units["a"], days_ago=2, title="Công khai dự toán ngân sách", category="budget")
    services.sync()
    assert ids(client, q="ngan sach", sort="newest") == [newer.id, older.id]
    assert ids(client, category="budget") == [newer.id, older.id]


def test_twenty_results_a_page(client, units):
    for number in range(25):
        notice = notice_services.create_notice(
            units["a"],
            {**_fields(), "title": f"Thông báo tiêm phòng cho gia súc đợt {number + 1}"},
            None,
        )
        notice_services.publish_notice(notice, None)
    db.session.commit()
    services.sync()

    first, second = api(client, q="tiem phong"), api(client, q="tiem phong", page=2)

    assert (first["total"], first["pages"], len(first["items"])) == (25, 2, 20)
    assert len(second["items"]) == 5
    assert not set(item["id"] for item in first["items"]) & set(item["id"] for item in second["items"])
    page = client.get("/search", query_string={"q": "tiem phong"}).get_data(as_text=True)
    assert "page=2" in page and 'rel="next"' in page
    beyond = client.get("/search", query_string={"q": "tiem phong", "page": 7}).get_data(as_text=True)
    assert "Về trang đầu" in beyond
    assert client.get("/search", query_string={"q": "tiem phong", "page": "abc"}).status_code == 200


def _fields():
    from tests.factories import notice_fields

    return notice_fields()


def test_a_misspelled_query_suggests_a_correction(client, units):
    publish(units["a"], title="Kế hoạch tiêm chủng mở rộng cho trẻ em")
    services.sync()

    text = client.get("/search", query_string={"q": "tiem chunng"}).get_data(as_text=True)

    assert "Có phải bạn muốn tìm" in text
    assert "q=tiem+chung" in text
    assert api(client, q="tiem chunng")["suggestion"] == "tiem chung"


def test_phrases_match_words_standing_together(client, units):
    together = publish(units["a"], title="Thu hồi đất dự án đường vành đai 4")
    apart = publish(units["a"], title="Đai an toàn và vành xe được kiểm tra")
    services.sync()
    assert ids(client, q='"vành đai"') == [together.id]
    assert ids(client, q="vanh dai")[0] == together.id
    assert set(ids(client, q="vanh dai")) == {together.id, apart.id}


def test_another_node_catches_up_from_the_change_log(app, client, units, tmp_path):
    services.sync()
    other_node = create_app(
        "testing",
        SQLALCHEMY_DATABASE_URI=app.config["SQLALCHEMY_DATABASE_URI"],
        SEARCH_INDEX_DIR=str(tmp_path / "node-b-index"),
        NOTICES_DIR=app.config["NOTICES_DIR"],
    )
    with other_node.app_context():
        services.sync()
    db.session.commit()

    notice_id = publish(units["a"], title="Thông báo sửa chữa cầu treo bản Nà Ó").id
    db.session.commit()  # SQLite: one writer; this session must not hold it while the other node works

    with other_node.app_context():
        assert notice_id not in services.get_index().notice_ids()
        result = other_node.test_client().get("/api/v1/search", query_string={"q": "cau treo"}).get_json()
        assert [item["id"] for item in result["items"]] == [notice_id]
        assert services.status()["pending"] == 0
        db.session.commit()
    assert services.status()["pending"] == 1  # this node has not searched yet
    assert ids(client, q="cau treo") == [notice_id]


def test_unit_filter_and_facets_over_segments_written_at_different_times(client, units):
    # The rebuilt segment has notices three levels deep; the notice published afterwards goes to a
    # new segment that has no value at that level. Facets must count across both, not fail over
    # to the database search.
    district = make_unit("213", "Huyện Lục Ngạn", "district", units["province"])
    deep_commune = make_unit("07603", "Xã Tân Sơn", "commune", district)
    db.session.commit()
    deep = publish(deep_commune, title="Lịch tiếp công dân tháng 12 tại xã")
    services.sync()
    shallow = publish(units["a"], title="Lịch tiếp công dân tháng 12")

    data = api(client, q="tiep cong dan", unit="24")

    assert not data["degraded"]
    assert {item["id"] for item in data["items"]} == {deep.id, shallow.id}
    assert {entry["value"]: entry["count"] for entry in data["facets"]["unit"]} == {"213": 1, "07627": 1}


# Every commune notice says "đến" ("góp ý đến hết ngày …"); these notices do too.
DEADLINE = "Người dân góp ý đến hết ngày 30/12."


def _all_pages(client, **args):
    """Every item id of a search, page after page, and the total the first page announced."""
    first = api(client, **args)
    found = [item["id"] for item in first["items"]]
    for page in range(2, first["pages"] + 1):
        found += ids(client, page=page, **args)
    return first["total"], found


def test_a_word_most_notices_hold_does_not_match_alone_when_the_rest_matches_nothing(client, units):
    for number in range(12):
        publish(units["a"], title=f"Lịch tiếp công dân tháng {number + 1}", summary=DEADLINE)
    drain = publish(units["a"], title="Nạo vét mương thoát nước thôn Trại", summary=DEADLINE)
    services.sync()

    # "đến" is in every notice and "xqzw" in none: nothing matches what was asked, so nothing is counted.
    assert api(client, q="den xqzw")["total"] == 0
    page = client.get("/search", query_string={"q": "den xqzw"}).get_data(as_text=True)
    assert "Tìm thấy 13 thông báo" not in page
    # A rarer word still matches on its own when the other is unknown, and only it is counted.
    assert _all_pages(client, q="muong xqzw") == (1, [drain.id])


def test_the_count_is_the_number_of_notices_listed_over_all_pages(client, units):
    wanted = set()
    for number in range(23):
        wanted.add(publish(units["a"], title=f"Nạo vét kênh mương đợt {number + 1}", summary=DEADLINE).id)
    for number in range(30):
        publish(units["a"], title=f"Lịch tiếp công dân tháng {number + 1}", summary=DEADLINE)
    services.sync()

    for query in ("kenh muong", "den kenh muong", "muong xqzw", "den muong xqzw"):
        total, found = _all_pages(client, q=query)
        assert total == len(found) == len(set(found)), query
        assert set(found) == wanted, query
