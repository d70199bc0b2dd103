"""An id in a URL past the database's integer is a 404 page, never a 500 (the `int` converter stops at 2**31 - 1)."""

import pytest


@pytest.mark.parametrize(
    "path",
    [
        "/notices/2147483648",
        "/notices/99999999999999999999",
        "/notices/99999999999999999999/qr.png",
        "/api/v1/notices/99999999999999999",
        "/manage/queue/99999999999999999999",
    ],
)
def test_an_id_past_the_largest_row_is_not_found(client, path):
    response = client.get(path)
    assert response.status_code in (404, 302)  # staff pages send visitors to sign in first
    assert response.status_code != 500


def test_the_largest_row_id_still_routes(app):
    adapter = app.url_map.bind("congkhai.test")
    endpoint, values = adapter.match("/notices/2147483647")
    assert values == {"notice_id": 2147483647}
