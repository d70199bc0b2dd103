"""Tracking: what the holder of a code sees, what nobody sees, and rating the answer once."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app.clock import utcnow
from app.extensions import db
from app.feedback import intake
from app.feedback.events import apply_action
from app.feedback.models import Feedback, FeedbackEvent
from app.ledger.models import AuditEntry
from tests.feedback.intake.conftest import (
    ADDRESS,
    EMAIL,
    NAME,
    PHONE_E164,
    PHONE_LOCAL,
    error_texts,
    form_data,
    identity,
    newest_item,
    photo_bytes,
    upload,
)

PRIVATE = (NAME, PHONE_E164, PHONE_LOCAL, "0912345678", EMAIL, ADDRESS)
INTERNAL_NOTE = "GHI CHÚ NỘI BỘ: người này đã gửi nhiều lần, cần xác minh"
ANSWER = "<p>Xã sẽ sửa <strong>đường liên thôn</strong> trong quý III.</p>"


@pytest.fixture
def item(client, units):
    """A complaint with full contact details and a photo, sent through the form."""
    data = form_data(units, kind="complaint", text="Khiếu nại về việc đo đạc đất", **identity())
    response = client.post(
        "/feedback/new", data={**data, "photos": [upload(photo_bytes(), "anh.jpg")]}, content_type="multipart/form-data"
    )
    assert response.status_code == 303
    return newest_item()


@pytest.fixture
def answered(item, official):
    """The complaint accepted, noted internally and answered publicly."""
    apply_action(item, "acknowledge", official, is_public=True)
    apply_action(item, "note", official, body=INTERNAL_NOTE, is_public=False)
    apply_action(item, "reply", official, body=ANSWER, is_public=True)
    item.answer_html = ANSWER
    item.answered_at = utcnow()
    db.session.commit()
    return item


def _assert_private_details_absent(body):
    for value in PRIVATE:
        assert value not in body
    assert INTERNAL_NOTE not in body


def test_track_page_shows_kind_unit_status_dates_and_history(client, item):
    page = client.get(f"/track/{item.tracking_code}").get_data(as_text=True)
    assert "Khiếu nại" in page and "Xã Đại Sơn" in page and "Đã tiếp nhận" in page
    assert item.acknowledge_due.strftime("%d/%m/%Y") in page
    assert "Tính từ ngày xã thụ lý" in page  # a complaint's resolution date comes with acceptance
    assert "Đã tiếp nhận ý kiến" in page


def test_pages_reached_by_a_code_are_private_and_not_indexed(client, item):
    for url in (
        f"/track/{item.tracking_code}",
        f"/feedback/submitted/{item.tracking_code}",
        "/track/PA-2222-2222-2222",
    ):
        response = client.get(url)
        assert "no-store" in response.headers["Cache-Control"]
        assert '<meta name="robots" content="noindex, nofollow">' in response.get_data(as_text=True)


def test_tracking_page_and_api_never_show_contact_details_notes_or_photos(client, answered, official):
    for url in (f"/track/{answered.tracking_code}", f"/api/v1/feedback/{answered.tracking_code}"):
        body = client.get(url).get_data(as_text=True)
        assert answered.tracking_code in body
        _assert_private_details_absent(body)
        assert official.display_name not in body and official.username not in body
        assert answered.photos[0].stored_name not in body and answered.photos[0].sha256 not in body
    receipt = client.get(f"/feedback/submitted/{answered.tracking_code}").get_data(as_text=True)
    _assert_private_details_absent(receipt)


def test_internal_notes_stay_internal_while_public_events_show_with_the_office(client, answered):
    page = client.get(f"/track/{answered.tracking_code}").get_data(as_text=True)
    assert "Đã thụ lý, đang xem xét giải quyết" in page
    assert "UBND xã Đại Sơn" in page
    assert "Ghi chú" not in page
    api = client.get(f"/api/v1/feedback/{answered.tracking_code}").get_json()
    assert [event["action"] for event in api["events"]] == ["receive", "acknowledge", "reply"]


def test_the_answer_is_shown_once_answered(client, answered):
    page = client.get(f"/track/{answered.tracking_code}").get_data(as_text=True)
    assert "<strong>đường liên thôn</strong>" in page  # official sanitised HTML
    assert "Đã trả lời" in page
    assert client.get(f"/api/v1/feedback/{answered.tracking_code}").get_json()["answer_html"] == ANSWER


def test_citizen_text_is_escaped(client, units):
    client.post("/feedback/new", data=form_data(units, text='<script>alert("x")</script>'))
    item = newest_item()
    apply_action(item, "request_information", None, body="<b>Gửi thêm ảnh</b>", is_public=True)
    db.session.commit()
    page = client.get(f"/track/{item.tracking_code}").get_data(as_text=True)
    assert "<b>Gửi thêm ảnh</b>" not in page and "&lt;b&gt;Gửi thêm ảnh&lt;/b&gt;" in page
    assert "Tạm dừng tính hạn" in page


def test_overdue_dates_are_marked(client, units):
    client.post("/feedback/new", data=form_data(units, kind="petition"))
    item = newest_item()
    item.acknowledge_due -= timedelta(days=30)
    item.resolve_due -= timedelta(days=40)
    db.session.commit()
    page = client.get(f"/track/{item.tracking_code}").get_data(as_text=True)
    assert page.count("Quá hạn") == 2
    api = client.get(f"/api/v1/feedback/{item.tracking_code}").get_json()
    assert api["is_acknowledge_overdue"] and api["is_resolve_overdue"]


@pytest.mark.parametrize("path", ["/track/{}", "/feedback/submitted/{}"])
def test_wrong_malformed_and_missing_codes_get_byte_identical_404s(client, item, path):
    missing = "PA-7K4Q-M2XD-9WTR"
    wrong_kind = "XX" + item.tracking_code[2:]
    one_off = item.tracking_code[:-1] + ("2" if item.tracking_code[-1] != "2" else "3")
    bodies = []
    for code in (missing, "abc", wrong_kind, one_off, "PA-7K4Q-M2XD-9WT0", "%3Cscript%3E"):
        response = client.get(path.format(code))
        assert response.status_code == 404
        bodies.append(response.data)
    assert all(body == bodies[0] for body in bodies)
    assert b"Kh\xc3\xb4ng t\xc3\xacm th\xe1\xba\xa5y \xc3\xbd ki\xe1\xba\xbfn" in bodies[0]  # "Không tìm thấy ý kiến"
    assert b"7K4Q" not in bodies[0].replace(b"PA-7K4Q-M2XD-9WTR", b"")  # only the example, never the code


def test_api_404s_are_identical_for_wrong_and_missing_codes(client, item):
    bodies = {client.get(f"/api/v1/feedback/{code}").data for code in ("PA-7K4Q-M2XD-9WTR", "abc", "HD-2222-2222-222")}
    assert len(bodies) == 1
    assert client.get("/api/v1/feedback/abc").status_code == 404


def test_a_typed_code_finds_its_page(client, item):
    typed = item.tracking_code.lower().replace("-", " ")
    response = client.get("/track", query_string={"code": typed})
    assert response.status_code == 302 and response.location.endswith(f"/track/{item.tracking_code}")
    assert client.get("/track").status_code == 200
    assert "Vui lòng nhập mã theo dõi." in client.get("/track?code=+").get_data(as_text=True)
    assert client.get("/track?code=khong-phai-ma").status_code == 404
    lower = client.get(f"/track/{item.tracking_code.lower()}")
    assert lower.status_code == 301 and lower.location.endswith(item.tracking_code)


def test_the_answer_can_be_rated_once(client, answered):
    url = f"/track/{answered.tracking_code}"
    assert 'name="rating"' in client.get(url).get_data(as_text=True)
    response = client.post(f"{url}/rating", data={"rating": "4", "comment": "Trả lời rõ ràng"})
    assert response.status_code == 303
    db.session.refresh(answered)
    assert (answered.rating, answered.rating_comment, answered.status) == (4, "Trả lời rõ ràng", "answered")
    assert answered.rated_at is not None

    again = client.post(f"{url}/rating", data={"rating": "1"}, follow_redirects=True)
    assert "chỉ đánh giá một lần" in again.get_data(as_text=True)
    db.session.refresh(answered)
    assert answered.rating == 4
    rate_events = db.session.scalar(
        select(func.count()).select_from(FeedbackEvent).where(FeedbackEvent.action == "rate")
    )
    assert rate_events == 1
    assert (
        db.session.scalar(select(func.count()).select_from(AuditEntry).where(AuditEntry.action == "feedback.rate")) == 1
    )
    page = client.get(url).get_data(as_text=True)
    assert "Bạn đã đánh giá câu trả lời: 4/5" in page and 'name="rating"' not in page
    assert "Trả lời rõ ràng" not in page  # the comment is for the commune


def test_a_rating_needs_a_value_from_1_to_5_and_a_short_comment(client, answered):
    url = f"/track/{answered.tracking_code}/rating"
    for data, message in [
        ({}, "Vui lòng chọn một mức đánh giá từ 1 đến 5."),
        ({"rating": "9"}, "Vui lòng chọn một mức đánh giá từ 1 đến 5."),
        ({"rating": "5", "comment": "x" * 2001}, "Nhận xét tối đa 2.000 ký tự."),
    ]:
        page = client.post(url, data=data).get_data(as_text=True)
        assert message in error_texts(page)
    db.session.refresh(answered)
    assert answered.rating is None


def test_an_unanswered_item_cannot_be_rated(client, item):
    response = client.post(f"/track/{item.tracking_code}/rating", data={"rating": "5"}, follow_redirects=True)
    assert "Chỉ đánh giá được sau khi xã đã trả lời." in response.get_data(as_text=True)
    db.session.refresh(item)
    assert item.rating is None
    assert 'name="rating"' not in client.get(f"/track/{item.tracking_code}").get_data(as_text=True)


def test_rating_service_refuses_a_second_rating(app, answered):
    with app.test_request_context():
        intake.rate_answer(answered, 5)
        with pytest.raises(intake.AlreadyRated):
            intake.rate_answer(answered, 3)
    assert db.session.get(Feedback, answered.id).rating == 5
