"""Open311 GeoReport v2 driven by the `georeport` client library (PyPI) against the app served on loopback.

`georeport` reads services, definitions and requests, in JSON and XML; discovery and POST go as plain
HTTP, form-encoded, as the spec shows.
"""

from xml.etree import ElementTree

import pytest
import requests
from georeport import GeoReport

from app.accounts.models import User
from app.extensions import db
from app.feedback import actions
from app.feedback.models import Feedback
from app.open311.models import Open311Submission
from tests.factories import make_notice, make_user

FORMATS = ("json", "xml")


def _settle():
    """End the test's own transaction, so that SQLite lets the served app write."""
    db.session.close()


def _post(base_url, fmt, **fields):
    return requests.post(f"{base_url}/open311/v2/requests.{fmt}", data=fields, timeout=10)


def _created(response, fmt):
    assert response.status_code == 201, response.text
    if fmt == "json":
        return response.json()[0]
    root = ElementTree.fromstring(response.content)  # noqa: S314  (our own served app)
    assert root.tag == "service_requests"
    return {child.tag: child.text for child in root.find("request")}


@pytest.mark.parametrize("fmt", FORMATS)
def test_discovery_services_and_definitions(served, units, fmt):
    response = requests.get(f"{served}/open311/v2/discovery.{fmt}", timeout=10)
    assert response.status_code == 200
    if fmt == "json":
        endpoint = response.json()["endpoints"][0]
        assert endpoint["url"] == f"{served}/open311/v2"
        assert "application/json" in endpoint["formats"]
    else:
        root = ElementTree.fromstring(response.content)  # noqa: S314  (our own served app)
        assert root.tag == "discovery"
        assert root.find("endpoints/endpoint/specification").text == "http://wiki.open311.org/GeoReport_v2"
        assert [f.text for f in root.findall("endpoints/endpoint/formats/format")] == ["text/xml", "application/json"]

    client = GeoReport(f"{served}/open311/v2", output_format=fmt)
    services = client.get_service_list()
    by_code = {service["service_code"]: service for service in services}
    assert set(by_code) == {"question", "petition", "information_request", "complaint", "denunciation"}
    assert by_code["complaint"]["service_name"] == "Khiếu nại"
    assert by_code["question"]["type"] == "realtime"
    assert str(by_code["question"]["metadata"]).lower() == "true"
    assert by_code["denunciation"]["group"] == "Khiếu nại, tố cáo"

    definition = client.get_service_definition("complaint")
    attributes = definition["attributes"]
    if fmt == "xml":
        attributes = attributes["attribute"]
    codes = {attribute["code"]: attribute for attribute in attributes}
    assert {"unit", "notice", "first_name", "last_name", "address", "id_number", "consent"} <= set(codes)
    unit = codes["unit"]
    assert unit["datatype"] == "singlevaluelist"
    assert str(unit["required"]).lower() == "true"
    values = unit["values"] if fmt == "json" else unit["values"]["value"]
    assert {"key": "07627", "name": "Xã Đại Sơn"} in [dict(value) for value in values]
    assert "07615" in {value["key"] for value in values}
    assert "24" not in {value["key"] for value in values}  # the province receives nothing itself
    question = client.get_service_definition("question")
    question_codes = {
        a["code"] for a in (question["attributes"] if fmt == "json" else question["attributes"]["attribute"])
    }
    assert "first_name" not in question_codes


@pytest.mark.parametrize("fmt", FORMATS)
def test_post_read_back_and_public_answer(served, units, api_key, fmt):
    commune = units[1]
    official = make_user("official", commune)
    notice = make_notice(commune, official, title="Làm đường thôn Đông")
    unit_code, notice_id, official_id = commune.code, notice.id, official.id
    _settle()
    response = _post(
        served,
        fmt,
        api_key=api_key,
        service_code="question",
        description="Khi nào làm đường thôn Đông? Gọi tôi 0912 345 678.",
        **{"attribute[unit]": unit_code, "attribute[notice]": str(notice_id), "attribute[consent]": "true"},
        first_name="Lan",
        last_name="Nguyễn Thị",
        phone="0912345678",
        email="lan@example.vn",
        lat="21.2854",
        long="106.4537",
    )
    created = _created(response, fmt)
    reference, code = created["service_request_id"], created["tracking_code"]
    assert reference.startswith("CK-") and code not in reference
    assert code in created["service_notice"] and "Mã theo dõi" in created["service_notice"]

    db.session.expire_all()
    item = db.session.query(Feedback).filter_by(tracking_code=code).one()
    assert reference == f"CK-{item.id}"
    assert item.channel == "open311"
    assert item.submitter_name == "Nguyễn Thị Lan"
    assert item.submitter_phone == "+84912345678"
    assert db.session.get(Open311Submission, item.id).latitude == pytest.approx(21.2854)
    resolve_due = item.resolve_due
    _settle()
    # The tracking code opens the citizen's page like any other.
    assert requests.get(f"{served}/track/{code}", timeout=10).status_code == 200

    client = GeoReport(f"{served}/open311/v2", output_format=fmt)
    read = client.get_service_request(reference)
    assert read["service_request_id"] == reference
    assert read["status"] == "open"
    assert read["service_code"] == "question"
    assert read["agency_responsible"] == "Xã Đại Sơn"
    assert read["expected_datetime"] == f"{resolve_due.isoformat()}T23:59:59+07:00"
    assert read["requested_datetime"].endswith("+07:00")
    assert not read["description"] and not read["status_notes"]  # nothing published yet

    item = db.session.get(Feedback, int(reference.removeprefix("CK-")))
    actions.reply(
        item,
        db.session.get(User, official_id),
        "<p>Xã sẽ làm đường trong quý I năm 2027.</p>",
        is_public=True,
        public_question="Khi nào làm đường thôn Đông?",
    )
    db.session.commit()
    _settle()
    read = client.get_service_request(reference)
    assert read["status"] == "closed"
    assert read["status_notes"] == "Xã sẽ làm đường trong quý I năm 2027."
    assert read["description"] == "Khi nào làm đường thôn Đông?"
    listed = client.get_service_requests(service_code="question")
    listed = [listed] if isinstance(listed, dict) else listed
    assert [entry["service_request_id"] for entry in listed] == [reference]
    for path in (f"requests/{reference}.{fmt}", f"requests.{fmt}"):
        body = requests.get(f"{served}/open311/v2/{path}", timeout=10).text
        for private in (code, "Lan", "0912", "912345678", "lan@example.vn", "21.2854"):
            assert private not in body


def test_list_filters_window_and_denunciations(served, units, api_key):
    unit_code = units[1].code
    _settle()
    identity = {"first_name": "Bình", "last_name": "Trần Văn", "phone": "0987654321", "attribute[consent]": "true"}
    petition = _created(
        _post(
            served,
            "json",
            api_key=api_key,
            service_code="petition",
            description="Đèn đường hỏng.",
            address_string="Thôn Đông, Xã Đại Sơn, Bắc Ninh",
        ),
        "json",
    )
    denunciation = _created(
        _post(
            served,
            "json",
            api_key=api_key,
            service_code="denunciation",
            description="Cán bộ X nhận tiền.",
            address="Thôn Tây",
            **{"attribute[unit]": unit_code},
            **identity,
        ),
        "json",
    )
    db.session.expire_all()
    item = db.session.query(Feedback).filter_by(tracking_code=denunciation["tracking_code"]).one()
    assert item.kind == "denunciation" and item.sealed_identity and not item.submitter_name
    _settle()
    client = GeoReport(f"{served}/open311/v2")
    listed = client.get_service_requests()
    assert [entry["service_request_id"] for entry in listed] == [petition["service_request_id"]]
    assert listed[0]["agency_responsible"] == "Xã Đại Sơn"
    both = client.get_service_requests(
        service_request_id=f"{petition['service_request_id']},{denunciation['service_request_id']}"
    )
    assert [entry["service_request_id"] for entry in both] == [petition["service_request_id"]]
    missing = requests.get(f"{served}/open311/v2/requests/{denunciation['service_request_id']}.json", timeout=10)
    assert missing.status_code == 404 and missing.json()[0]["code"] == 404
    assert client.get_service_requests(status="closed") == []
    assert len(client.get_service_requests(status="open")) == 1
    assert client.get_service_requests(start_date="2020-01-01T00:00:00Z", end_date="2020-03-01T00:00:00Z") == []
    too_long = requests.get(
        f"{served}/open311/v2/requests.json",
        params={"start_date": "2020-01-01T00:00:00Z", "end_date": "2020-06-01T00:00:00Z"},
        timeout=10,
    )
    assert too_long.status_code == 400 and "90" in too_long.json()[0]["description"]
