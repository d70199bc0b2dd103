"""Every page carries the security headers."""


def test_pages_forbid_framing_sniffing_and_foreign_scripts(client):
    response = client.get("/")

    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    policy = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "frame-ancestors 'none'" in policy


def test_error_pages_carry_the_headers_too(client):
    response = client.get("/does-not-exist")

    assert response.status_code == 404
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "Không tìm thấy" in response.get_data(as_text=True)
