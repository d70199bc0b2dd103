"""Under /open311/v2/ even the router's refusals (no such path 404, wrong method 405) answer as the spec says:
[{code, description}] (XML <errors><error>), and a validation error names the Open311 parameter the client sent."""

from xml.etree import ElementTree

import pytest


def _errors(response, fmt):
    """The (code, description) pairs of a GeoReport v2 errors body."""
    if fmt == "json":
        assert response.mimetype == "application/json"
        body = response.get_json()
        assert isinstance(body, list) and body
        return [(entry["code"], entry["description"]) for entry in body]
    assert response.mimetype == "text/xml"
    root = ElementTree.fromstring(response.data)  # noqa: S314  (our own app)
    assert root.tag == "errors"
    return [(int(error.find("code").text), error.find("description").text) for error in root.findall("error")]


@pytest.mark.parametrize(
    ("path", "fmt"),
    [
        ("/open311/v2/nothing.json", "json"),
        ("/open311/v2/nothing.xml", "xml"),
        ("/open311/v2/services/petition/extra.xml", "xml"),
        ("/open311/v2/requests/CK-1/notes.json", "json"),
        ("/open311/v2/nothing", "json"),  # no suffix: JSON
        ("/open311/v2/nothing.yaml", "json"),  # a suffix the spec does not know: JSON
        ("/open311/v2/requests/CK-1.yaml", "json"),
    ],
)
def test_unknown_path_is_a_404_errors_body(client, path, fmt):
    response = client.get(path)
    assert response.status_code == 404
    [(code, description)] = _errors(response, fmt)
    assert code == 404 and "Open311" in description


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_wrong_method_is_a_405_errors_body_with_allow(client, fmt):
    response = client.put(f"/open311/v2/requests.{fmt}")
    assert response.status_code == 405
    assert {"GET", "POST"} <= {method.strip() for method in response.headers["Allow"].split(",")}
    [(code, description)] = _errors(response, fmt)
    assert code == 405 and "PUT" in description

    response = client.delete(f"/open311/v2/services.{fmt}")
    assert response.status_code == 405 and "POST" not in response.headers["Allow"]
    assert _errors(response, fmt)[0][0] == 405


def test_the_rest_of_the_site_keeps_its_pages(client):
    """Only /open311/v2/ answers in the spec's format: other paths keep the site's page and the API's JSON."""
    page = client.get("/open311/nothing.json")
    assert page.status_code == 404 and page.mimetype == "text/html"
    page = client.get("/no-such-page")
    assert page.status_code == 404 and page.mimetype == "text/html"
    api = client.get("/api/v1/nothing")
    assert api.status_code == 404 and api.get_json()["status"] == 404


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_validation_errors_name_the_open311_parameters(client, units, api_key, fmt):
    fields = {
        "api_key": api_key,
        "service_code": "complaint",
        "description": "Quyết định thu hồi đất chưa đúng.",
        "attribute[unit]": units[1].code,
    }
    response = client.post(f"/open311/v2/requests.{fmt}", data=fields)
    assert response.status_code == 400
    named = {description.split(":")[0] for _, description in _errors(response, fmt)}
    # A complaint needs the sender's name, address and a phone or email: named as the client sends them.
    assert named == {"first_name/last_name", "attribute[address]", "phone"}

    sent = {
        **fields,
        "service_code": "petition",
        "first_name": "Lan",
        "address": "Thôn Tây",
        "email": "not-an-address",
        "attribute[id_number]": "123",
        "attribute[consent]": "true",
    }
    response = client.post(f"/open311/v2/requests.{fmt}", data=sent)
    assert response.status_code == 400
    named = {description.split(":")[0] for _, description in _errors(response, fmt)}
    assert named == {"email", "attribute[id_number]"}

    unconsented = {**fields, "service_code": "petition", "phone": "0912345678"}
    response = client.post(f"/open311/v2/requests.{fmt}", data=unconsented)
    assert response.status_code == 400
    assert _errors(response, fmt)[0][1].startswith("attribute[consent]:")
