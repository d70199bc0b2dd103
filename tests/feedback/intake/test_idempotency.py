"""A double click or a resent form makes one item: the page carries a one-time key, the item keeps its hash."""

import re

from sqlalchemy import func, select

from app.extensions import db
from app.feedback.models import Feedback
from tests.feedback.intake.conftest import form_data


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
