"""Per-user session versions: closing an account, resetting its password or changing its role ends its sessions now."""

import pytest
from flask_login import encode_cookie

from app import clock
from app.extensions import db
from tests.accounts.conftest import sign_in
from tests.factories import PASSWORD


@pytest.fixture
def official_session(app, staff):
    """The official signed in on their own browser; returns that browser (a test client)."""
    browser = app.test_client()
    assert sign_in(browser, staff["official"].username).status_code == 302
    assert browser.get("/manage/").status_code == 200
    return browser


def _refused(browser):
    response = browser.get("/manage/")
    return response.status_code == 302 and response.location.startswith("/login")


def test_a_deactivated_users_open_session_is_refused_on_its_next_request(client, login, staff, official_session):
    login(staff["leader"])
    client.post(f"/manage/users/{staff['official'].id}/deactivate")
    assert _refused(official_session)


def test_a_password_reset_ends_the_users_sessions(client, login, staff, official_session):
    login(staff["leader"])
    client.post(f"/manage/users/{staff['official'].id}/reset", data={"handover": "link"})
    assert _refused(official_session)


def test_a_temporary_password_ends_the_users_sessions(client, login, staff, official_session):
    login(staff["leader"])
    client.post(f"/manage/users/{staff['official'].id}/reset", data={"handover": "temporary"})
    assert _refused(official_session)


def test_a_role_change_ends_the_users_sessions(client, login, staff, official_session):
    login(staff["leader"])
    client.post(f"/manage/users/{staff['official'].id}/edit", data={"role": "leader", "unit": "07627"})
    assert _refused(official_session)


def test_a_reactivated_user_signs_in_again_rather_than_resuming_the_old_session(client, login, staff, official_session):
    login(staff["leader"])
    official = staff["official"]
    client.post(f"/manage/users/{official.id}/deactivate")
    client.post(f"/manage/users/{official.id}/reactivate")
    assert _refused(official_session)
    assert sign_in(official_session, official.username).status_code == 302
    assert official_session.get("/manage/").status_code == 200


def test_changing_ones_own_password_ends_the_other_sessions_only(app, staff, official_session):
    official = staff["official"]
    office = app.test_client()
    sign_in(office, official.username)
    response = official_session.post(
        "/account/password",
        data={
            "current_password": PASSWORD,
            "new_password": "một câu mới dễ nhớ",
            "confirm_password": "một câu mới dễ nhớ",
        },
    )
    assert response.status_code == 302
    assert official_session.get("/manage/").status_code == 200
    assert _refused(office)


def _open_session(browser, session_user_id):
    """Put a session into `browser` as if signed in just now (with the times every session now carries)."""
    now = int(clock.utcnow().timestamp())
    with browser.session_transaction() as session:
        session["_user_id"] = session_user_id
        session["_fresh"] = True
        session["signed_in_at"] = session["seen_at"] = now


def test_a_remembered_login_keeps_its_session_across_restarts_and_ends_too(app, client, login, staff):
    official = staff["official"]
    browser = app.test_client()
    sign_in(browser, official.username, remember="y")
    # No year-long remember-me cookie: the session cookie itself lasts (SESSION_MAX_HOURS), its limits inside it.
    assert browser.get_cookie("remember_token") is None
    assert browser.get_cookie("session").expires is not None
    assert browser.get("/manage/").status_code == 200

    login(staff["leader"])
    client.post(f"/manage/users/{official.id}/deactivate")
    client.post(f"/manage/users/{official.id}/reactivate")
    assert _refused(browser)


def test_an_old_remember_me_cookie_no_longer_signs_in(app, staff):
    """A remember-me cookie from before the session limits does not say when its session began: refused."""
    official = staff["official"]
    browser = app.test_client()
    browser.set_cookie("remember_token", encode_cookie(f"{official.id}:0"))
    assert _refused(browser)


def test_a_session_naming_another_version_is_refused(app, staff):
    official = staff["official"]
    browser = app.test_client()
    _open_session(browser, f"{official.id}:7")
    assert _refused(browser)


def test_a_session_from_before_versions_holds_until_the_first_change(app, staff):
    official = staff["official"]
    browser = app.test_client()
    _open_session(browser, str(official.id))
    assert browser.get("/manage/").status_code == 200
    official.end_sessions()
    db.session.commit()
    assert _refused(browser)


def test_a_session_that_does_not_say_when_it_began_is_refused(app, staff):
    """Sessions from before the idle and lifetime limits sign in again, once."""
    official = staff["official"]
    browser = app.test_client()
    with browser.session_transaction() as session:
        session["_user_id"] = f"{official.id}:0"
    assert _refused(browser)


@pytest.mark.parametrize("value", ["abc", "", ":", "1:x:2", "9" * 40, "-1:0"])
def test_odd_session_ids_are_anonymous(app, staff, value):
    browser = app.test_client()
    with browser.session_transaction() as session:
        session["_user_id"] = value
    assert _refused(browser)
