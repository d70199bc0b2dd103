"""Odd input at the sign-in form gets a Vietnamese message, never a server error."""

import pytest

from tests.factories import make_units, make_user


@pytest.mark.parametrize("username", ["canbo\x00daison", "a" * 65, "\x1b[31m"])
def test_odd_usernames_are_refused_with_a_message(client, username):
    _, commune, _ = make_units()
    make_user("official", commune, username="canbo.daison")

    response = client.post("/login", data={"username": username, "password": "whatever"})

    assert response.status_code == 200
    assert "Tên đăng nhập" in response.get_data(as_text=True)
    assert "field-error" in response.get_data(as_text=True)
