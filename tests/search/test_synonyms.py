"""Abbreviations and everyday words people type, from one editable table, expanded when searching."""

from datetime import timedelta

import pytest

from app.clock import local_today
from app.search import services
from app.search.synonyms import DEFAULT_PATH, load_synonyms
from tests.factories import make_notice, make_units

# Every notice of these tests says "đến" (as every commune notice does: "góp ý đến hết ngày …").
DEADLINE = "Người dân góp ý đến hết ngày 30/12."


@pytest.fixture
def commune(app):
    return make_units()[1]


def publish(unit, title, summary=DEADLINE, category="other", **fields):
    start = local_today() - timedelta(days=1)
    return make_notice(
        unit,
        None,
        title=title,
        summary=summary,
        body_html="<p>Chi tiết xem ở trụ sở.</p>",
        legal_reference="Thông báo số 15/TB",
        place="Bảng tin xã",
        category=category,
        posting_start=start,
        posting_end=start + timedelta(days=30),
        **fields,
    )


def search(client, q):
    response = client.get("/api/v1/search", query_string={"q": q})
    assert response.status_code == 200
    return response.get_json()


def found(client, q):
    return {item["id"] for item in search(client, q)["items"]}


@pytest.mark.parametrize(
    ("short", "long"),
    [
        ("gpmb", "giải phóng mặt bằng"),
        ("tđc", "tái định cư"),
        ("tdc", "tái định cư"),
        ("ubnd", "ủy ban nhân dân"),
        ("hđnd", "hội đồng nhân dân"),
        ("qsdđ", "quyền sử dụng đất"),
        ("gcn", "giấy chứng nhận"),
        ("bhxh", "bảo hiểm xã hội"),
        ("ntm", "nông thôn mới"),
        ("đền bù", "bồi thường"),
    ],
)
def test_the_table_lists_the_abbreviations_people_type(short, long):
    table = load_synonyms(DEFAULT_PATH)
    assert long in {" ".join(words) for words in table.expansions(short)}


@pytest.mark.parametrize(
    ("query", "title"),
    [
        ("gpmb", "Kế hoạch giải phóng mặt bằng đường liên thôn"),
        ("GPMB dong dinh", "Kế hoạch giải phóng mặt bằng thôn Đồng Đình"),
        ("tdc", "Bố trí đất tái định cư cho 12 hộ"),
        ("TĐC", "Bố trí đất tái định cư cho 12 hộ"),
        ("Tđc", "Bố trí đất tái định cư cho 12 hộ"),
        ("cap gcn qsdd", "Cấp giấy chứng nhận quyền sử dụng đất lần đầu"),
        ("den bu", "Chi trả tiền bồi thường cho các hộ"),
        ("đền bù", "Chi trả tiền bồi thường cho các hộ"),
        ("xa ntm", "Xã đạt chuẩn nông thôn mới nâng cao"),
        ("giai phong mat bang", "Tiến độ GPMB dự án cụm công nghiệp"),
        ("tai dinh cu", "Danh sách hộ vào khu TĐC"),
        ("bao hiem xa hoi", "Thu BHXH tự nguyện năm 2026"),
    ],
)
def test_a_query_finds_notices_written_the_other_way(client, commune, query, title):
    wanted = publish(commune, title)
    publish(commune, "Lịch tiếp công dân tháng 12")
    services.sync()

    assert found(client, query) == {wanted.id}


def test_a_synonym_is_highlighted_like_the_typed_words(client, commune):
    publish(commune, "Chi trả tiền bồi thường cho các hộ")
    services.sync()

    item = search(client, "den bu")["items"][0]

    assert "<mark>bồi thường</mark>" in item["highlights"]["title"]


def test_the_count_is_the_number_of_notices_that_match(client, commune):
    compensation = {publish(commune, f"Chi trả tiền bồi thường đợt {number}").id for number in range(3)}
    compensation.add(publish(commune, "Phương án đền bù đất nông nghiệp").id)
    for number in range(8):
        publish(commune, f"Lịch tiếp công dân tháng {number + 1}")
    services.sync()

    result = search(client, "den bu")

    assert result["total"] == 4
    assert {item["id"] for item in result["items"]} == compensation
    page = client.get("/search", query_string={"q": "den bu"}).get_data(as_text=True)
    assert "Tìm thấy 4 thông báo" in page


def test_the_table_is_read_when_searching_so_an_edit_needs_no_rebuild(app, client, commune, tmp_path):
    table = tmp_path / "synonyms.txt"
    table.write_text("# test\nnvh, nhà văn hóa\n", encoding="utf-8")
    app.config["SEARCH_SYNONYMS_PATH"] = str(table)
    hall = publish(commune, "Sửa chữa nhà văn hóa thôn Hạ")
    publish(commune, "Lịch tiếp công dân tháng 12")
    services.sync()

    assert found(client, "nvh") == {hall.id}
    assert found(client, "gpmb") == set()  # only the configured table is read

    assert found(client, "hoi truong") == set()
    table.write_text("nvh, nhà văn hóa\nhội trường, nhà văn hóa\n", encoding="utf-8")
    assert found(client, "hoi truong") == {hall.id}


def test_a_broken_line_in_the_table_is_skipped(tmp_path):
    table = tmp_path / "synonyms.txt"
    table.write_text("gpmb, giải phóng mặt bằng\njust-one-term\n, ,\n\nubnd ,ủy ban nhân dân\n", encoding="utf-8")
    synonyms = load_synonyms(table)
    assert {" ".join(words) for words in synonyms.expansions("GPMB")} == {"giải phóng mặt bằng"}
    assert {" ".join(words) for words in synonyms.expansions("UBND")} == {"ủy ban nhân dân"}
