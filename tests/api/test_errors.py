"""Every error under /api/ is JSON with a Vietnamese message, whatever its cause."""


def test_unknown_api_path_is_a_json_404(client):
    response = client.get("/api/v1/no-such-thing")

    assert response.status_code == 404
    assert response.is_json
    data = response.get_json()
    assert data["status"] == 404
    assert "Không tìm thấy" in data["message"]


def test_wrong_method_is_a_json_405(client):
    response = client.post("/api/v1/notices")

    assert response.status_code == 405
    assert response.is_json
    assert response.get_json()["status"] == 405
    assert response.get_json()["message"]


def test_unexpected_failure_is_a_json_500_without_details(app, client):
    def explode():
        raise RuntimeError("secret internal detail")

    app.add_url_rule("/api/v1/explode", "explode_for_test", explode)

    response = client.get("/api/v1/explode")

    assert response.status_code == 500
    assert response.is_json
    data = response.get_json()
    assert data["status"] == 500
    assert data["message"]
    assert "secret internal detail" not in response.get_data(as_text=True)


def test_pages_outside_the_api_keep_html_errors(client):
    response = client.get("/no-such-page")

    assert response.status_code == 404
    assert response.mimetype == "text/html"
