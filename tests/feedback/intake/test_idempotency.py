"""A double click or a resent form makes one item: the page carries a one-time key, the item keeps its hash."""

import re

from sqlalchemy import func, select, update

from app.extensions import db
from app.feedback.models import Feedback
from tests.feedback.intake.conftest import form_data, photo_bytes, upload


def _key(page):
    return re.search(r'name="idempotency_key" value="([^"]+)"', page).group(1)


def test_the_same_form_sent_twice_makes_one_item(client, units):
    key = _key(client.get("/feedback/new").get_data(as_text=True))
    assert key != _key(client.get("/feedback/new").get_data(as_text=True))  # one per page shown
    first = client.post("/feedback/new", data=form_data(units, idempotency_key=key))
    second = client.post("/feedback/new", data=form_data(units, idempotency_key=key))
    assert first.status_code == second.status_code == 303
    assert first.location == second.location
    assert db.session.scalar(select(func.count()).select_from(Feedback)) == 1
    stored = db.session.scalar(select(Feedback.idempotency_key))
    assert stored and key not in stored  # only its hash is kept


def test_a_form_with_errors_keeps_its_key_and_different_keys_make_different_items(client, units):
    key = _key(client.get("/feedback/new").get_data(as_text=True))
    refused = client.post("/feedback/new", data=form_data(units, text="", idempotency_key=key))
    assert refused.status_code == 200 and _key(refused.get_data(as_text=True)) == key
    client.post("/feedback/new", data=form_data(units, idempotency_key=key))
    client.post("/feedback/new", data=form_data(units, idempotency_key=key + "x"))
    client.post("/feedback/new", data=form_data(units, idempotency_key="<b>bad key</b>"))  # ignored, not refused
    assert db.session.scalar(select(func.count()).select_from(Feedback)) == 3


def test_the_api_returns_the_first_item_for_a_repeated_idempotency_key(client, units):
    body = {"kind": "question", "unit": units[1].code, "text": "Xin hỏi lịch thu phí vệ sinh?"}
    headers = {"Idempotency-Key": "5b1d7c1e-0c61-4b0a-9f1e-3f0a2f6d9a01"}
    first = client.post("/api/v1/feedback", json=body, headers=headers)
    again = client.post("/api/v1/feedback", json=body, headers=headers)
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.get_json()["tracking_code"] == again.get_json()["tracking_code"]
    assert again.headers["Idempotent-Replayed"] == "true" and "Idempotent-Replayed" not in first.headers
    assert db.session.scalar(select(func.count()).select_from(Feedback)) == 1
    item = db.session.scalar(select(Feedback))
    assert item.channel == "api"

    other = client.post("/api/v1/feedback", json=body, headers={"Idempotency-Key": "another-key-0001"})
    assert other.status_code == 201 and db.session.scalar(select(func.count()).select_from(Feedback)) == 2
    bad = client.post("/api/v1/feedback", json=body, headers={"Idempotency-Key": "ngắn"})
    assert bad.status_code == 400 and "Idempotency-Key" in bad.get_json()["message"]


# --- one key, one submission: a key sent again with other content is refused, never answered --------------

API_BODY = {"kind": "question", "unit": "07627", "text": "Xin hỏi lịch thu phí vệ sinh?"}
KEY_USED_ELSEWHERE = "đã được dùng cho một lần gửi khác"


def _items():
    db.session.rollback()
    return db.session.scalar(select(func.count()).select_from(Feedback))


def test_the_api_refuses_a_key_sent_again_with_a_different_submission(client, units):
    headers = {"Idempotency-Key": "shared-key-0001"}
    first = client.post("/api/v1/feedback", json=API_BODY, headers=headers)
    other = client.post("/api/v1/feedback", json={**API_BODY, "text": "Một câu hỏi khác hẳn."}, headers=headers)
    assert (first.status_code, other.status_code) == (201, 422)
    body = other.get_json()
    assert body["status"] == 422 and KEY_USED_ELSEWHERE in body["message"] and "khóa mới" in body["message"]
    # Nothing of the first citizen's item: not its code, not its page.
    assert first.get_json()["tracking_code"] not in other.get_data(as_text=True)
    assert "Location" not in other.headers and "Idempotent-Replayed" not in other.headers
    assert _items() == 1


def test_the_api_replays_the_same_submission_whatever_the_order_of_its_fields(client, units):
    headers = {"Idempotency-Key": "same-body-0001"}
    first = client.post("/api/v1/feedback", json=API_BODY, headers=headers)
    again = client.post("/api/v1/feedback", json=dict(reversed(API_BODY.items())), headers=headers)
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.get_json()["tracking_code"] == first.get_json()["tracking_code"]
    # One more field (even one the API ignores) is another submission.
    extra = client.post("/api/v1/feedback", json={**API_BODY, "note": "x"}, headers=headers)
    assert extra.status_code == 422 and _items() == 1


def test_the_stored_fingerprint_depends_on_the_key_so_it_cannot_confirm_a_guessed_content(client, units):
    client.post("/api/v1/feedback", json=API_BODY, headers={"Idempotency-Key": "first-key-0001"})
    client.post("/api/v1/feedback", json=API_BODY, headers={"Idempotency-Key": "second-key-0002"})
    fingerprints = db.session.scalars(select(Feedback.idempotency_fingerprint)).all()
    assert len(set(fingerprints)) == 2 and all(re.fullmatch(r"[0-9a-f]{64}", value) for value in fingerprints)


def test_an_item_kept_before_fingerprints_is_replayed_as_before(client, units):
    headers = {"Idempotency-Key": "older-item-0001"}
    first = client.post("/api/v1/feedback", json=API_BODY, headers=headers)
    db.session.execute(update(Feedback).values(idempotency_fingerprint=None))
    db.session.commit()
    again = client.post("/api/v1/feedback", json={**API_BODY, "text": "Gửi lại, sửa chữ."}, headers=headers)
    assert again.status_code == 200 and again.headers["Idempotent-Replayed"] == "true"
    assert again.get_json()["tracking_code"] == first.get_json()["tracking_code"] and _items() == 1


def test_the_page_refuses_a_key_sent_again_with_a_different_submission_and_gives_a_new_one(client, units):
    key = _key(client.get("/feedback/new").get_data(as_text=True))
    first = client.post("/feedback/new", data=form_data(units, idempotency_key=key))
    code = first.location.rsplit("/", 1)[-1]
    other = client.post("/feedback/new", data=form_data(units, text="Tôi hỏi việc khác.", idempotency_key=key))
    assert other.status_code == 422
    page = other.get_data(as_text=True)
    assert KEY_USED_ELSEWHERE in page and code not in page
    assert "Tôi hỏi việc khác." in page  # what they wrote is still there, to send again
    new_key = _key(page)
    assert new_key != key and _items() == 1
    sent = client.post("/feedback/new", data=form_data(units, text="Tôi hỏi việc khác.", idempotency_key=new_key))
    assert sent.status_code == 303 and sent.location != first.location and _items() == 2


def test_the_page_replays_a_resent_form_whatever_its_csrf_token(client, units):
    first = client.post("/feedback/new", data=form_data(units, idempotency_key="k" * 24, csrf_token="one"))
    again = client.post("/feedback/new", data=form_data(units, idempotency_key="k" * 24, csrf_token="two"))
    assert first.status_code == again.status_code == 303 and first.location == again.location
    assert _items() == 1


def test_the_page_counts_the_photos_bytes_in_the_submission(client, units):
    def send(photo):
        data = form_data(units, idempotency_key="p" * 24, photos=upload(photo))
        return client.post("/feedback/new", data=data, content_type="multipart/form-data")

    first = send(photo_bytes(color=(30, 120, 200)))
    again = send(photo_bytes(color=(30, 120, 200)))
    other = send(photo_bytes(color=(200, 30, 30)))
    assert (first.status_code, again.status_code, other.status_code) == (303, 303, 422)
    assert first.location == again.location and _items() == 1
