"""Strict input: JSON decoded strictly in one place, and no NUL or lone surrogate ever reaches the database."""

import json
from datetime import timedelta

import pytest
from flask import request
from sqlalchemy import text

from app.clock import local_today
from app.consultations import services as consultation_services
from app.extensions import db
from app.strict_input import MAX_JSON_DEPTH, BadInput, decode_json, nesting_depth
from tests.factories import make_notice, make_units, make_user

NUL_MESSAGE = "có ký tự NUL"
SURROGATE_MESSAGE = "mã UTF-16 thay thế đứng lẻ"


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b'{"text": "\\ud800"}', SURROGATE_MESSAGE),
        (b'{"text": "a\\udfffb"}', SURROGATE_MESSAGE),
        (b'{"\\ud83d": 1}', SURROGATE_MESSAGE),  # a key, and half of an emoji's pair
        (b'["ok", {"deep": ["\\u0000"]}]', NUL_MESSAGE),
        (b'{"te\\u0000xt": "x"}', NUL_MESSAGE),
        (b'{"text": "\xff\xfe"}', "JSON không hợp lệ: không phải văn bản UTF-8"),
        ('{"text": "\ud800"}'.encode("utf-8", "surrogatepass"), "JSON không hợp lệ: không phải văn bản UTF-8"),
        (b"[" * 5000 + b"]" * 5000, f"tối đa {MAX_JSON_DEPTH} cấp"),
        (b'{"a":' * 40 + b"1" + b"}" * 40, f"tối đa {MAX_JSON_DEPTH} cấp"),
        (b"[" * 100_000, f"tối đa {MAX_JSON_DEPTH} cấp"),
        (b'{"x": NaN}', "sai cú pháp"),
        (b'{"x": -Infinity}', "sai cú pháp"),
        (b'{"x": ' + b"9" * 5000 + b"}", "sai cú pháp"),
        (b'{"x": "a\x00b"}', "sai cú pháp"),  # a raw control character inside a string
        (b"", "sai cú pháp"),
        (b'{"x": 1', "sai cú pháp"),
    ],
)
def test_bad_json_is_refused_with_a_vietnamese_message(app, body, message):
    with pytest.raises(BadInput) as refused:
        decode_json(body)
    assert message in refused.value.message


def test_good_json_decodes_including_pairs_brackets_in_strings_and_a_bom(app):
    nested = [[[[{"a": [1]}]]]]
    assert decode_json(json.dumps(nested).encode()) == nested
    assert decode_json(json.dumps({"emoji": "😀"}).encode()) == {"emoji": "😀"}  # \ud83d\ude00: a pair is fine
    assert decode_json(b'{"t": "[[[[\\"{{{{"}') == {"t": '[[[["{{{{'}
    assert decode_json('\ufeff{"t": "Đường"}'.encode()) == {"t": "Đường"}
    exactly = b"[" * MAX_JSON_DEPTH + b"]" * MAX_JSON_DEPTH
    assert nesting_depth(exactly.decode()) == MAX_JSON_DEPTH
    decode_json(exactly)
    with pytest.raises(BadInput):
        decode_json(b"[" + exactly + b"]")


@pytest.mark.parametrize("value", ["Tên\x00ẩn", "\ud800", "ok\udc00"])
def test_the_database_never_receives_nul_or_a_lone_surrogate(app, value):
    with pytest.raises(BadInput):
        db.session.execute(text("SELECT :value"), {"value": value})
    db.session.rollback()
    assert db.session.execute(text("SELECT :value"), {"value": "Tên thật"}).scalar() == "Tên thật"


def test_a_form_field_no_validator_checks_answers_400_not_500(app, client):
    """The net under every form: a value that reaches the database with NUL is refused with a message."""

    def store_note():
        db.session.execute(text("SELECT :note"), {"note": request.form["note"]})
        return "stored"

    app.add_url_rule("/test-strict-input", "test_strict_input", store_note, methods=["POST"])
    app.add_url_rule("/api/v1/test-strict-input", "api_test_strict_input", store_note, methods=["POST"])

    page = client.post("/test-strict-input", data={"note": "ghi chú\x00"})
    assert page.status_code == 400 and page.mimetype == "text/html"
    assert NUL_MESSAGE in page.get_data(as_text=True)
    api = client.post("/api/v1/test-strict-input", data={"note": "\x00"})
    assert api.status_code == 400 and NUL_MESSAGE in api.get_json()["message"]
    assert client.post("/test-strict-input", data={"note": "ghi chú"}).get_data(as_text=True) == "stored"


@pytest.fixture
def consultation(app):
    """An open consultation on a published notice (through the service, as the manage form does)."""
    _, commune, _ = make_units()
    official = make_user("official", commune)
    notice = make_notice(commune, official, posting_start=local_today())
    fields = {
        "question": "Ý kiến về phương án mở rộng đường liên thôn?",
        "choice_set": "agree_disagree",
        "options": [],
        "starts_on": local_today(),
        "ends_on": local_today() + timedelta(days=29),
        "villages": ["Thôn Đông"],
        "is_limited_to_villages": False,
        "households": 100,
    }
    consultation, _ = consultation_services.save_consultation(notice, fields, official)
    db.session.commit()
    return consultation


@pytest.mark.parametrize("route", ["verification", "opinions"])
@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"[" * 5000 + b"]" * 5000, "lồng nhau quá sâu"),
        (b'{"phone": "\\ud800", "code": "123456", "choice": "agree"}', SURROGATE_MESSAGE),
        (b'{"phone": "0912\\u0000345678", "code": "1", "choice": "agree"}', NUL_MESSAGE),
    ],
)
def test_the_consultation_api_decodes_json_as_strictly(client, consultation, route, body, message):
    response = client.post(
        f"/api/v1/consultations/{consultation.id}/{route}", data=body, content_type="application/json"
    )
    assert response.status_code == 400
    assert message in response.get_json()["message"]
