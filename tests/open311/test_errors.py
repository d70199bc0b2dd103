"""Open311 errors as the spec says: [{code, description}] (XML <errors><error>), 403 / 404 / 400, never 500."""

from xml.etree import ElementTree

import pytest
import requests

from app.extensions import db
from app.feedback.models import Feedback
from app.open311.keys import create_key, revoke_key
from tests.factories import make_unit


def _errors(response, fmt):
    if fmt == "json":
        body = response.json()
        assert isinstance(body, list) and body
        return [(entry["code"], entry["description"]) for entry in body]
    root = ElementTree.fromstring(response.content)  # noqa: S314  (our own served app)
    assert root.tag == "errors"
    return [(int(error.find("code").text), error.find("description").text) for error in root.findall("error")]


def _post(served, fmt, **fields):
    return requests.post(f"{served}/open311/v2/requests.{fmt}", data=fields, timeout=10)


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_key_service_code_unit_and_validation_errors(served, units, api_key, fmt):
    commune = units[1].code
    db.session.close()
    good = {"api_key": api_key, "service_code": "petition", "description": "Cống bị tắc.", "attribute[unit]": commune}

    for fields in (
        {**good, "api_key": ""},
        {key: value for key, value in good.items() if key != "api_key"},
        {**good, "api_key": "ck311_wrong"},
    ):
        response = _post(served, fmt, **fields)
        assert response.status_code == 403
        assert _errors(response, fmt)[0][0] == 403

    response = _post(served, fmt, **{**good, "service_code": "pothole"})
    assert response.status_code == 404 and "pothole" in _errors(response, fmt)[0][1]
    response = _post(served, fmt, **{**good, "service_code": ""})
    assert response.status_code == 400 and "service_code" in _errors(response, fmt)[0][1]

    response = _post(served, fmt, **{**good, "attribute[unit]": "99999"})
    assert response.status_code == 404 and _errors(response, fmt)[0][0] == 404
    response = _post(served, fmt, **{key: value for key, value in good.items() if key != "attribute[unit]"})
    assert response.status_code == 400 and "attribute[unit]" in _errors(response, fmt)[0][1]
    response = _post(served, fmt, **{**good, "attribute[unit]": "24"})  # the province receives nothing itself
    assert response.status_code == 400 and _errors(response, fmt)[0][1].startswith("attribute[unit]:")

    response = _post(served, fmt, **{**good, "description": "x" * 4001})
    assert response.status_code == 400 and "4.000" in _errors(response, fmt)[0][1]
    response = _post(served, fmt, **{**good, "lat": "north"})
    assert response.status_code == 400
    # The same rules as the web form: a complaint needs a name, an address and a way to reach the sender.
    response = _post(served, fmt, **{**good, "service_code": "complaint"})
    assert response.status_code == 400
    named = {description.split(":")[0] for _, description in _errors(response, fmt)}
    assert {"first_name/last_name", "attribute[address]", "phone"} <= named  # Open311's names, not the form's
    # Personal details without consent are refused, as on the form.
    response = _post(served, fmt, **{**good, "phone": "0912345678"})
    assert response.status_code == 400 and "consent" in _errors(response, fmt)[0][1]

    response = requests.get(f"{served}/open311/v2/services/pothole.{fmt}", timeout=10)
    assert response.status_code == 404 and _errors(response, fmt)[0][0] == 404
    response = requests.get(f"{served}/open311/v2/requests/CK-999999.{fmt}", timeout=10)
    assert response.status_code == 404 and _errors(response, fmt)[0][0] == 404
    for query in ({"status": "pending"}, {"start_date": "yesterday"}):
        response = requests.get(f"{served}/open311/v2/requests.{fmt}", params=query, timeout=10)
        assert response.status_code == 400 and _errors(response, fmt)[0][0] == 400
    assert db.session.query(Feedback).count() == 0


def test_odd_input_never_500(served, units, api_key):
    db.session.close()
    odd = [
        ("get", "requests/CK-99999999999999999999.json", {}),
        ("get", "requests/%00.json", {}),
        ("get", "requests.json", {"service_request_id": "CK-1,,abc," + "CK-2," * 2000}),
        ("get", "requests.json", {"end_date": "9999-12-31T23:59:59+14:00"}),
        ("get", "requests.yaml", {}),
        (
            "post",
            "requests.json",
            {
                "api_key": api_key,
                "service_code": "question",
                "description": "a",
                "address_string": "\x00" * 50,
                "lat": "nan",
                "long": "1e999",
            },
        ),
        ("post", "requests.json", {"api_key": "é" * 500, "service_code": "question"}),
        (
            "post",
            "requests.json",
            {
                "api_key": api_key,
                "service_code": "question",
                "description": "Hỏi",
                "attribute[unit]": "x" * 500,
                "attribute[notice]": "-1",
            },
        ),
    ]
    for method, path, params in odd:
        if method == "get":
            response = requests.get(f"{served}/open311/v2/{path}", params=params, timeout=10)
        else:
            response = requests.request(method.upper(), f"{served}/open311/v2/{path}", data=params, timeout=10)
        assert response.status_code < 500, (path, params, response.status_code)
        assert response.status_code == 200 or response.json()[0]["code"] == response.status_code, (path, response.text)
    # A method the spec has no use for is refused by the router with the spec's errors body, not by a crash.
    refused = requests.put(f"{served}/open311/v2/requests.json", timeout=10)
    assert refused.status_code == 405 and refused.json()[0]["code"] == 405


def test_bound_and_revoked_keys(served, units):
    province, commune_a, _ = units
    other_province = make_unit("01", "Thành phố Hà Nội", "province")
    hanoi_ward = make_unit("00004", "Phường Ba Đình", "ward", other_province)
    _, bound = create_key("xa-dai-son", commune_a.code)
    _, revoked = create_key("cu")
    revoke_key("cu")
    db.session.commit()
    codes = commune_a.code, hanoi_ward.code
    db.session.close()
    fields = {"service_code": "petition", "description": "Đèn hỏng."}
    ok = requests.post(
        f"{served}/open311/v2/requests.json",
        data={**fields, "api_key": bound, "address_string": "Xã Đại Sơn, Bắc Ninh"},
        timeout=10,
    )
    assert ok.status_code == 201, ok.text
    elsewhere = requests.post(
        f"{served}/open311/v2/requests.json", data={**fields, "api_key": bound, "attribute[unit]": codes[1]}, timeout=10
    )
    assert elsewhere.status_code == 403
    gone = requests.post(
        f"{served}/open311/v2/requests.json",
        data={**fields, "api_key": revoked, "attribute[unit]": codes[0]},
        timeout=10,
    )
    assert gone.status_code == 403


def test_same_rate_limit_as_the_form(app, units, api_key, tmp_path):
    """Open311 posts share the per-IP submission budget of the form and the JSON API."""
    from app import create_app

    limited = create_app(
        "testing",
        SQLALCHEMY_DATABASE_URI=app.config["SQLALCHEMY_DATABASE_URI"],
        NOTICES_DIR=str(tmp_path / "notices"),
        SEARCH_INDEX_DIR=str(tmp_path / "search_index"),
        OUTBOX_DIR=str(tmp_path / "outbox"),
        RATELIMIT_ENABLED=True,
        FEEDBACK_RATE_LIMIT="2 per hour",
    )
    db.session.close()
    fields = {"api_key": api_key, "service_code": "petition", "description": "Cống tắc.", "attribute[unit]": "07627"}
    with limited.app_context():
        client = limited.test_client()
        assert [client.post("/open311/v2/requests.json", data=fields).status_code for _ in range(2)] == [201, 201]
        refused = client.post("/open311/v2/requests.xml", data=fields)
        db.session.remove()
    assert refused.status_code == 429
    assert ElementTree.fromstring(refused.data).find("error/code").text == "429"  # noqa: S314  (our own app)
