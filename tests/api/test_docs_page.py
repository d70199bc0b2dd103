"""GET /api/v1/docs: the OpenAPI document as a page, rendered on the server, with nothing from a CDN."""

import re
from html import unescape


def page_text(response):
    return unescape(response.get_data(as_text=True))


def test_the_page_lists_every_operation_with_its_parameters_and_answers(client):
    document = client.get("/api/v1/openapi.json").get_json()
    response = client.get("/api/v1/docs")
    assert response.status_code == 200 and response.mimetype == "text/html"
    html = page_text(response)
    for path, methods in document["paths"].items():
        for operation in methods.values():
            assert f'id="{operation["operationId"]}"' in html
            assert f"/api/v1{path}" in html
            assert operation["summary"] in html
            for parameter in operation.get("parameters", []):
                assert f'<code class="api-name">{parameter["name"]}</code>' in html
    for name in document["components"]["schemas"]:
        assert f'id="schema-{name}"' in html
    # Headings in Vietnamese; bounds and enums read as the code checks them.
    for heading in ("Mục lục", "Tham số", "Trả lời (mã trạng thái)", "Thân yêu cầu (JSON)", "Kiểu dữ liệu"):
        assert heading in html
    assert "integer, ≥ 1, ≤ 1000000000, mặc định 1" in html
    assert "một trong: email, sms, zalo, none" in html
    assert 'href="#schema-FeedbackSubmission"' in html


def test_the_page_shows_the_error_shape_and_the_idempotency_header(client):
    html = page_text(client.get("/api/v1/docs"))
    error = html[html.index('id="schema-Error"') :]
    for field in ("message", "status", "errors"):
        assert f'<code class="api-name">{field}</code>' in error
    assert "Idempotency-Key" in html and "Retry-After" in html
    for status in ("400", "404", "413", "422", "429", "503"):
        assert f">{status}</strong>" in html


def test_the_page_switches_to_english(client):
    html = page_text(client.get("/api/v1/docs?lang=en"))
    assert 'lang="en"' in html
    for heading in ("Contents", "Parameters", "Responses (status codes)", "Request body (JSON)", "Data types"):
        assert heading in html
    assert "List of public notices" in html


def test_the_page_loads_nothing_from_elsewhere_and_needs_no_script(app, client):
    html = client.get("/api/v1/docs").get_data(as_text=True)
    assert "<script" not in html
    for url in re.findall(r'(?:src|href)="([^"#]+)"', html):
        assert url.startswith(("/", app.config["PUBLIC_BASE_URL"] + "/")), url
    assert '<link rel="stylesheet" href="/static/css/api-docs.css">' in html


def test_the_page_is_private_to_its_reader(client):
    response = client.get("/api/v1/docs")
    assert "private" in response.headers["Cache-Control"]
    assert "public" not in response.headers["Cache-Control"]
