"""GET /api/v1/openapi.json: an OpenAPI 3.1 document generated from the code, covering every route.

The url_map is the list of what must be documented: a route added under /api/v1 without its
`@operation` fails here. Real answers on real data are validated against the document's shapes.
"""

import re

import jsonschema_rs
import pytest
import schemathesis
from schemathesis.specs.openapi.definitions import OPENAPI_31

from app.glossary import NOTICE_CATEGORIES
from app.inspection.forms import FigureFilterForm
from tests.consultations.conftest import give_opinion_api, open_consultation
from tests.factories import make_notice, make_user

IGNORED_METHODS = {"HEAD", "OPTIONS"}
ERROR_STATUSES = ("400", "404", "409", "413", "422", "429", "503")


def documented_operations(document):
    return {
        (method.upper(), "/api/v1" + path): operation
        for path, methods in document["paths"].items()
        for method, operation in methods.items()
    }


def missing_routes(app, document):
    """Every METHOD /api/v1/… of the url_map that the document lacks, or documents with other path parameters."""
    operations = documented_operations(document)
    missing = []
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/v1/"):
            continue
        path = re.sub(r"<(?:[^<>:]+:)?([^<>:]+)>", r"{\1}", rule.rule)
        for method in sorted(rule.methods - IGNORED_METHODS):
            operation = operations.get((method, path))
            in_path = {p["name"] for p in (operation or {}).get("parameters", []) if p["in"] == "path"}
            if operation is None or in_path != set(rule.arguments):
                missing.append(f"{method} {rule.rule}")
    return missing


@pytest.fixture
def document(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200 and response.is_json
    return response.get_json()


def test_every_api_route_is_documented_with_its_path_parameters(app, document):
    assert missing_routes(app, document) == []
    assert len(documented_operations(document)) >= 14


def test_a_route_added_without_its_documentation_is_caught(app, client):
    app.add_url_rule("/api/v1/undocumented/<int:thing_id>", "api.undocumented_for_test", lambda thing_id: {})
    document = client.get("/api/v1/openapi.json").get_json()
    assert missing_routes(app, document) == ["GET /api/v1/undocumented/<int:thing_id>"]


def test_the_document_is_openapi_3_1_and_every_reference_resolves(document):
    assert document["openapi"] == "3.1.0"
    assert document["servers"] == [{"url": "/api/v1"}]
    errors = [error.message for error in jsonschema_rs.Draft202012Validator(OPENAPI_31).iter_errors(document)]
    assert errors == []
    references = re.findall(r"'\$ref': '#/components/(\w+)/(\w+)'", str(document))
    assert references
    for section, name in references:
        assert name in document["components"][section], f"#/components/{section}/{name}"


def test_path_parameters_have_the_types_of_their_routes(document):
    notice_id = document["paths"]["/notices/{notice_id}"]["get"]["parameters"][0]
    assert (notice_id["in"], notice_id["required"], notice_id["schema"]) == (
        "path",
        True,
        {"type": "integer", "minimum": 0},
    )
    code = document["paths"]["/feedback/{code}"]["get"]["parameters"][0]
    assert code["schema"] == {"type": "string", "minLength": 1}


def test_query_parameters_carry_the_enums_and_bounds_the_code_checks(app, document):
    parameters = {p["name"]: p for p in document["paths"]["/notices"]["get"]["parameters"]}
    assert parameters["category"]["schema"]["enum"] == list(NOTICE_CATEGORIES)
    assert parameters["status"]["schema"]["enum"] == ["current", "expired", "withdrawn", "all"]
    assert parameters["page"]["schema"] == {"type": "integer", "minimum": 1, "maximum": 10**9, "default": 1}
    assert parameters["from"]["schema"] == {"type": "string", "format": "date"}
    deadline = {p["name"]: p for p in document["paths"]["/deadlines"]["get"]["parameters"]}
    assert [name for name, p in deadline.items() if p["required"]] == ["kind", "step", "from"]
    assert deadline["step"]["schema"]["enum"] == ["acknowledge", "resolve"]
    # /stats reads FigureFilterForm: every field of the form is a parameter, unit required.
    with app.test_request_context():
        form_names = [field.name for field in FigureFilterForm({})]
    stats = {p["name"]: p for p in document["paths"]["/stats"]["get"]["parameters"]}
    assert list(stats) == form_names
    assert stats["unit"]["required"] and stats["unit"]["schema"]["pattern"] == "^[0-9A-Za-z]{1,16}$"


def test_the_feedback_body_and_its_idempotency_header_are_documented(document):
    operation = document["paths"]["/feedback"]["post"]
    header = next(p for p in operation["parameters"] if p["in"] == "header")
    assert header["name"] == "Idempotency-Key" and not header["required"]
    assert re.fullmatch(header["schema"]["pattern"], "app-7f3c2a9e-5b1d")
    assert not re.fullmatch(header["schema"]["pattern"], "short")
    body = document["components"]["schemas"]["FeedbackSubmission"]
    assert body["required"] == ["kind", "text"]
    assert body["properties"]["notify_by"]["enum"] == ["email", "sms", "zalo", "none"]
    assert body["properties"]["text"]["maxLength"] == 20_000
    assert body["properties"]["name"]["maxLength"] == 120
    assert body["properties"]["consent"]["type"] == "boolean"
    assert set(operation["responses"]) == {"200", "201", *("400", "413", "422", "429", "503")}
    assert operation["responses"]["200"]["headers"]["Idempotent-Replayed"]["required"]


def test_every_error_answer_has_the_error_shape(document):
    error = document["components"]["schemas"]["Error"]
    assert error["required"] == ["message", "status"]
    assert set(error["properties"]) == {"message", "status", "errors"}
    for (method, path), operation in documented_operations(document).items():
        for status, response in operation["responses"].items():
            if status >= "400":
                assert status in ERROR_STATUSES, (method, path, status)
                name = response["$ref"].rsplit("/", 1)[-1]
                shape = document["components"]["responses"][name]["content"]["application/json"]["schema"]
                assert shape == {"$ref": "#/components/schemas/Error"}
    assert document["components"]["responses"]["Unavailable"]["headers"]["Retry-After"]["required"]


def test_the_document_is_public_and_cached_briefly(client):
    response = client.get("/api/v1/openapi.json")
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert "max-age=60" in response.headers["Cache-Control"]
    assert "Cookie" in response.headers["Vary"]


def test_the_document_speaks_english_on_request(client):
    english = client.get("/api/v1/openapi.json?lang=en").get_json()
    assert english["info"]["title"] == "Public data API — Công khai"
    assert english["paths"]["/notices"]["get"]["summary"] == "List of public notices"
    vietnamese = client.get("/api/v1/openapi.json?lang=vi").get_json()
    assert vietnamese["paths"]["/notices"]["get"]["summary"] == "Danh sách thông báo công khai"


def test_a_notice_number_past_any_database_integer_is_a_404(client):
    # It was a 500: SQLite and PostgreSQL both refuse to compare a column with a number that large.
    for notice_id in (2**31, 2**63, 10**30):
        response = client.get(f"/api/v1/notices/{notice_id}")
        assert response.status_code == 404 and response.get_json()["status"] == 404


# --- real answers on real data, validated against the document --------------------------------------


@pytest.fixture
def conforms(document):
    """check(method, path, response, status): the status is the one expected and documented, the body its shape."""
    schema = schemathesis.openapi.from_dict(document)

    def check(method, path, response, status):
        assert response.status_code == status, response.get_data(as_text=True)[:500]
        assert str(status) in document["paths"][path][method]["responses"]
        schema[path][method.upper()].validate_response(response)
        return response.get_json()

    return check


@pytest.fixture
def consultation(units, official):
    notice = make_notice(units[1], official)
    return open_consultation(notice, official)


def test_successful_answers_on_real_data_match_the_document(app, client, auth, conforms, units, consultation):
    notice = consultation.notice
    question = {"kind": "question", "notice": notice.id, "text": "Hỏi về thông báo", "notify_by": "none"}
    created = client.post("/api/v1/feedback", json=question, headers={"Idempotency-Key": "contract-test-0001"})
    receipt = conforms("post", "/feedback", created, 201)
    assert created.headers["Location"] == receipt["track_url"]
    replayed = client.post("/api/v1/feedback", json=question, headers={"Idempotency-Key": "contract-test-0001"})
    conforms("post", "/feedback", replayed, 200)
    assert replayed.headers["Idempotent-Replayed"] == "true"
    conforms("get", "/feedback/{code}", client.get(f"/api/v1/feedback/{receipt['tracking_code']}"), 200)

    conforms("get", "/units", client.get("/api/v1/units?parent=24"), 200)
    page = conforms("get", "/notices", client.get("/api/v1/notices?unit=24&status=all"), 200)
    assert page["total"] == 1
    detail = conforms("get", "/notices/{notice_id}", client.get(f"/api/v1/notices/{notice.id}"), 200)
    assert detail["consultation"]["id"] == consultation.id
    conforms("get", "/search", client.get("/api/v1/search?q=thu+hoi+dat"), 200)
    conforms("get", "/deadlines", client.get("/api/v1/deadlines?kind=complaint&step=resolve&from=2026-02-13"), 200)
    conforms("get", "/consultations", client.get("/api/v1/consultations?status=open"), 200)
    path = f"/api/v1/notices/{notice.id}/consultation"
    conforms("get", "/notices/{notice_id}/consultation", client.get(path), 200)

    first = give_opinion_api(client, app, consultation, "0912 345 678", "+84912345678", comment="Đồng ý mở đường")
    conforms("post", "/consultations/{consultation_id}/opinions", first, 201)
    again = give_opinion_api(client, app, consultation, "0912 345 678", "+84912345678", choice="disagree")
    assert conforms("post", "/consultations/{consultation_id}/opinions", again, 200)["replaced"]

    stats = conforms("get", "/stats", client.get("/api/v1/stats?unit=24"), 200)
    assert "by_official" not in stats
    make_user("inspector", units[0], username="thanhtra.hop-dong")
    auth.login("thanhtra.hop-dong")
    signed_in = conforms("get", "/stats", client.get("/api/v1/stats?unit=24"), 200)
    assert "by_official" in signed_in


def test_error_answers_match_the_document(client, conforms, units, consultation):
    conforms("get", "/notices", client.get("/api/v1/notices?category=nope"), 400)
    conforms("get", "/units", client.get("/api/v1/units?parent=99999"), 404)
    conforms("post", "/feedback", client.post("/api/v1/feedback", json={"kind": "question"}), 422)
    key = {"Idempotency-Key": "contract-test-0002"}
    client.post("/api/v1/feedback", json={"kind": "question", "unit": units[1].code, "text": "Một"}, headers=key)
    reused = client.post(
        "/api/v1/feedback", json={"kind": "question", "unit": units[1].code, "text": "Hai"}, headers=key
    )
    conforms("post", "/feedback", reused, 422)  # the key came with another submission
    conforms("post", "/feedback", client.post("/api/v1/feedback", data="{", content_type="application/json"), 400)
    verification = f"/api/v1/consultations/{consultation.id}/verification"
    conforms(
        "post",
        "/consultations/{consultation_id}/verification",
        client.post(verification, json={"phone": "12"}),
        422,
    )
