"""POST /api/v1/feedback: the form's rules over JSON; GET /api/v1/feedback/<code>: the tracking page's data."""

import pytest

from app.feedback.calendar import initial_due_dates
from tests.feedback.intake.conftest import ADDRESS, EMAIL, NAME, PHONE_E164, counts, newest_item


def payload(units, **overrides):
    data = {"kind": "petition", "unit": units[1].code, "text": "Đèn đường thôn Trại hỏng đã hai tuần."}
    data.update(overrides)
    return data


def test_an_anonymous_petition_gets_201_with_code_status_and_due_dates(client, units):
    response = client.post("/api/v1/feedback", json=payload(units))
    assert response.status_code == 201
    body = response.get_json()
    item = newest_item()
    assert body["tracking_code"] == item.tracking_code and body["tracking_code"].startswith("PA-")
    assert body["status"] == "received" and body["kind"] == "petition"
    assert body["unit"] == {"code": "07627", "name": "Xã Đại Sơn"}
    acknowledge, resolve = initial_due_dates("petition", item.received_at)
    assert body["acknowledge_due"] == acknowledge.isoformat() and body["resolve_due"] == resolve.isoformat()
    assert body["track_url"] == f"http://congkhai.test/track/{item.tracking_code}"
    assert response.headers["Location"] == body["track_url"]
    assert body["received_at"].endswith("+00:00")


def test_a_complaint_with_identity_is_stored_privately(client, units):
    response = client.post(
        "/api/v1/feedback",
        json=payload(
            units, kind="complaint", name=NAME, phone="0912.345.678", email=EMAIL, address=ADDRESS, consent=True
        ),
    )
    assert response.status_code == 201
    item = newest_item()
    assert (item.submitter_name, item.submitter_phone, item.has_consented) == (NAME, PHONE_E164, True)
    public = client.get(f"/api/v1/feedback/{item.tracking_code}")
    assert public.status_code == 200
    body = public.get_data(as_text=True)
    for private in (NAME, PHONE_E164, "0912", EMAIL, ADDRESS):
        assert private not in body
    assert public.get_json()["kind"] == "complaint"
    assert "no-store" in public.headers["Cache-Control"]


def test_a_question_about_a_notice_goes_to_the_notice_s_unit(client, units, notice):
    response = client.post("/api/v1/feedback", json={"kind": "question", "notice": notice.id, "text": "Hỏi"})
    assert response.status_code == 201
    assert response.get_json()["unit"]["code"] == notice.unit.code
    assert newest_item().notice_id == notice.id
    assert (
        client.get(f"/api/v1/feedback/{response.get_json()['tracking_code']}").get_json()["notice"]["id"] == notice.id
    )


def test_a_complaint_without_identity_is_422_naming_each_field(client, app, units):
    before = counts(app)
    response = client.post("/api/v1/feedback", json=payload(units, kind="complaint"))
    assert response.status_code == 422
    body = response.get_json()
    assert body["status"] == 422 and body["message"]
    assert body["errors"]["name"] == "Khiếu nại cần ghi họ và tên người gửi."
    assert body["errors"]["address"] == "Khiếu nại cần ghi địa chỉ để xã gửi văn bản trả lời."
    assert "số điện thoại hoặc email" in body["errors"]["phone"]
    assert counts(app) == before


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"text": ""}, "text", "Vui lòng viết nội dung"),
        ({"text": "x" * 100_000}, "text", "Nội dung tối đa 20.000 ký tự"),
        ({"kind": "praise"}, "kind", "Loại ý kiến không hợp lệ"),
        ({"kind": None}, "kind", "Vui lòng chọn loại ý kiến"),
        ({"unit": "00000"}, "unit", "Không có xã, phường mã"),
        ({"unit": ["07627"]}, "unit", "phải là chuỗi ký tự"),
        ({"notice": 424242}, "notice", "Không tìm thấy thông báo số 424242"),
        ({"name": NAME}, "consent", "đánh dấu ô đồng ý"),
        ({"name": NAME, "consent": "yes"}, "consent", "true hoặc false"),
        ({"photos": ["aGVsbG8="]}, "photos", "API không nhận ảnh"),
    ],
)
def test_invalid_fields_get_422_with_a_vietnamese_message_and_store_nothing(
    client, app, units, overrides, field, message
):
    before = counts(app)
    data = {key: value for key, value in payload(units, **overrides).items() if value is not None}
    response = client.post("/api/v1/feedback", json=data)
    assert response.status_code == 422
    assert message in response.get_json()["errors"][field]
    assert counts(app) == before


def test_a_draft_notice_is_unknown_to_the_api(client, app, units, official):
    from tests.factories import make_notice

    draft = make_notice(units[1], official, publish=False)
    before = counts(app)
    response = client.post("/api/v1/feedback", json={"kind": "question", "notice": draft.id, "text": "Hỏi"})
    assert response.status_code == 422 and "notice" in response.get_json()["errors"]
    assert counts(app) == before


@pytest.mark.parametrize(
    ("body", "content_type", "message"),
    [
        ("{kind: question", "application/json", "JSON không hợp lệ"),
        (b"\xff\xfe{}", "application/json", "JSON không hợp lệ"),
        ('["question"]', "application/json", "phải là một đối tượng"),
        ("kind=question&text=hoi", "application/x-www-form-urlencoded", "Content-Type: application/json"),
        ("", "text/plain", "Content-Type: application/json"),
    ],
)
def test_broken_json_or_wrong_content_type_is_400_with_a_message(client, app, units, body, content_type, message):
    before = counts(app)
    response = client.post("/api/v1/feedback", data=body, content_type=content_type)
    assert response.status_code == 400
    assert message in response.get_json()["message"]
    assert counts(app) == before


def test_a_huge_json_body_is_413_not_500(client, app, units):
    before = counts(app)
    response = client.post(
        "/api/v1/feedback", data='{"text": "' + "x" * (2 * 1024 * 1024) + '"}', content_type="application/json"
    )
    assert response.status_code == 413 and "quá lớn" in response.get_json()["message"]
    assert counts(app) == before


def test_the_api_needs_no_csrf_token(csrf_app, client, units):
    assert client.post("/api/v1/feedback", json=payload(units)).status_code == 201


def test_get_of_an_unknown_code_is_404_json(client, units):
    response = client.get("/api/v1/feedback/PA-7K4Q-M2XD-9WTR")
    assert response.status_code == 404 and response.get_json()["status"] == 404
