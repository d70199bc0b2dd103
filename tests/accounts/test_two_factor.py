"""Second factor (TOTP and recovery codes), lockouts, forced enrolment, and the limits of a session."""

import base64
import hashlib
import re
from datetime import timedelta

import pyotp
import pytest
from sqlalchemy import select

from app import clock
from app.accounts import totp
from app.accounts.models import RecoveryCode, User
from app.extensions import db
from app.outbox.crypto import unseal
from tests.accounts.conftest import audit_actions, last_entry, sign_in
from tests.factories import PASSWORD, make_user
from tests.qr import read_qr_codes


class FrozenClock:
    """app.clock.utcnow() stands still until moved (TOTP steps, lockouts and session times all read it)."""

    def __init__(self, monkeypatch):
        self.now = clock.utcnow().replace(microsecond=0)
        monkeypatch.setattr(clock, "utcnow", lambda: self.now)

    def advance(self, **delta):
        self.now += timedelta(**delta)


@pytest.fixture
def frozen(monkeypatch):
    return FrozenClock(monkeypatch)


def _qr_text(html):
    match = re.search(r'id="totp-qr" src="data:image/png;base64,([^"]+)"', html)
    assert match, "no QR code in the page"
    results = read_qr_codes(base64.b64decode(match.group(1)))
    assert len(results) == 1
    return results[0].text


def _secret_shown(html):
    match = re.search(r'id="totp-secret">([^<]+)<', html)
    assert match, "no secret in the page"
    return match.group(1).replace(" ", "")


def _recovery_codes(html):
    block = re.search(r'<ol class="recovery-codes" id="recovery-codes">(.*?)</ol>', html, re.S)
    assert block, "no recovery codes in the page"
    return re.findall(r"<code>([^<]+)</code>", block.group(1))


def _code(secret, moment, steps=0):
    return pyotp.TOTP(secret).at(moment + timedelta(seconds=30 * steps))


def enrol(client, user, frozen):
    """Sign `user` in on `client`, enrol an app; return (secret, recovery codes)."""
    assert sign_in(client, user.username).status_code == 302
    secret = _secret_shown(client.get("/account/two-factor").get_data(as_text=True))
    response = client.post("/account/two-factor", data={"code": _code(secret, frozen.now)})
    assert response.status_code == 200, response.get_data(as_text=True)
    return secret, _recovery_codes(response.get_data(as_text=True))


def _signed_in(client):
    response = client.get("/manage/")
    return response.status_code == 200


def _password_step(client, user):
    response = sign_in(client, user.username)
    assert response.status_code == 302 and response.location == "/login/code"
    return response


# Enrolment


def test_enrolment_shows_a_qr_code_of_the_otpauth_uri_and_the_secret_sealed_at_rest(client, login, staff):
    official = login(staff["official"])

    page = client.get("/account/two-factor")
    html = page.get_data(as_text=True)

    assert page.status_code == 200 and page.headers["Cache-Control"] == "no-store"
    uri = _qr_text(html)
    secret = _secret_shown(html)
    assert uri.startswith("otpauth://totp/") and f"secret={secret}" in uri and "canbo.a" in uri
    assert len(secret) == 32
    db.session.refresh(official)
    assert secret not in official.totp_secret and unseal(official.totp_secret) == secret
    assert official.two_factor_enabled_at is None
    # A reload shows the same QR code: an app that scanned the first one still works.
    assert _secret_shown(client.get("/account/two-factor").get_data(as_text=True)) == secret


def test_a_wrong_first_code_does_not_turn_it_on(client, login, staff, frozen):
    official = login(staff["official"])
    secret = _secret_shown(client.get("/account/two-factor").get_data(as_text=True))

    wrong = f"{(int(_code(secret, frozen.now)) + 1) % 1_000_000:06d}"
    response = client.post("/account/two-factor", data={"code": wrong})

    assert response.status_code == 400
    assert "Mã không đúng" in response.get_data(as_text=True)
    db.session.refresh(official)
    assert not official.has_second_factor
    response = client.post("/account/two-factor", data={"code": "12ab56"})
    assert response.status_code == 400 and "Mã gồm đúng 6 chữ số." in response.get_data(as_text=True)


def test_the_first_code_turns_it_on_and_shows_ten_recovery_codes_once_stored_hashed(client, staff, frozen):
    official = staff["official"]
    _secret, codes = enrol(client, official, frozen)

    assert len(codes) == 10 and len(set(codes)) == 10
    assert all(re.fullmatch(r"[a-z2-9]{4}(-[a-z2-9]{4}){3}", code) for code in codes)
    stored = db.session.scalars(select(RecoveryCode.code_hash).where(RecoveryCode.user_id == official.id)).all()
    assert sorted(stored) == sorted(hashlib.sha256(code.replace("-", "").encode()).hexdigest() for code in codes)
    db.session.refresh(official)
    assert official.has_second_factor
    assert "user.two_factor_enabled" in audit_actions(official.id)
    # Afterwards the page shows the state, never the codes again.
    html = client.get("/account/two-factor").get_data(as_text=True)
    assert not any(code in html for code in codes)
    assert '<dd id="codes-left">10</dd>' in html


def test_enrolling_ends_the_other_sessions_opened_with_the_password_alone(app, client, staff, frozen):
    official = staff["official"]
    elsewhere = app.test_client()
    sign_in(elsewhere, official.username)
    assert _signed_in(elsewhere)

    enrol(client, official, frozen)

    assert not _signed_in(elsewhere)
    assert _signed_in(client)


# Signing in


def test_sign_in_asks_for_the_code_after_the_password_without_signing_in(app, staff, frozen):
    official = staff["official"]
    secret, _codes = enrol(app.test_client(), official, frozen)
    browser = app.test_client()

    _password_step(browser, official)
    assert not _signed_in(browser)
    assert browser.get("/login/code").status_code == 200
    response = browser.post("/login/code", data={"code": _code(secret, frozen.now, steps=1)})

    assert response.status_code == 302 and response.location == "/manage"
    assert _signed_in(browser)
    assert last_entry("user.login").data == {"second_factor": "totp"}


def test_a_code_is_accepted_once_and_a_step_either_side_only(app, staff, frozen):
    official = staff["official"]
    secret, _codes = enrol(app.test_client(), official, frozen)  # spent the current step
    browser = app.test_client()

    _password_step(browser, official)
    for steps in (0, -1, 2, -2):  # the step just used, an older one, two steps away either side
        response = browser.post("/login/code", data={"code": _code(secret, frozen.now, steps)})
        assert response.status_code == 200 and "Mã xác thực không đúng" in response.get_data(as_text=True)
    assert browser.post("/login/code", data={"code": _code(secret, frozen.now, 1)}).status_code == 302
    browser.post("/logout")

    _password_step(browser, official)
    replay = browser.post("/login/code", data={"code": _code(secret, frozen.now, 1)})
    assert replay.status_code == 200 and not _signed_in(browser)


def test_matching_step_allows_one_step_of_drift(frozen):
    secret = totp.new_secret()
    now_step = totp.time_step(frozen.now)
    for steps, expected in ((-2, None), (-1, now_step - 1), (0, now_step), (1, now_step + 1), (2, None)):
        assert totp.matching_step(secret, _code(secret, frozen.now, steps), frozen.now) == expected
    assert totp.matching_step(secret, "", frozen.now) is None
    assert totp.matching_step(secret, "１２３４５６", frozen.now) is None  # full-width digits are not digits here


def test_a_recovery_code_works_once(app, staff, frozen):
    official = staff["official"]
    _secret, codes = enrol(app.test_client(), official, frozen)
    browser = app.test_client()

    _password_step(browser, official)
    typed = codes[3].upper().replace("-", " ")  # as read off paper
    response = browser.post("/login/code", data={"code": typed})
    assert response.status_code == 302
    assert last_entry("user.login").data == {"second_factor": "recovery_code"}
    browser.post("/logout")

    _password_step(browser, official)
    again = browser.post("/login/code", data={"code": codes[3]})
    assert again.status_code == 200 and not _signed_in(browser)
    assert browser.post("/login/code", data={"code": codes[4]}).status_code == 302
    used = db.session.scalar(
        select(db.func.count()).where(RecoveryCode.user_id == official.id, RecoveryCode.used_at.is_not(None))
    )
    assert used == 2


def test_the_pending_sign_in_expires_after_five_minutes(app, staff, frozen):
    official = staff["official"]
    secret, _codes = enrol(app.test_client(), official, frozen)
    browser = app.test_client()
    _password_step(browser, official)

    frozen.advance(minutes=5, seconds=1)
    response = browser.post("/login/code", data={"code": _code(secret, frozen.now)})

    assert response.status_code == 302 and response.location == "/login"
    assert "Phiên đăng nhập đã hết hạn (5 phút)" in browser.get("/login").get_data(as_text=True)
    assert not _signed_in(browser)


def test_odd_codes_get_a_message_not_an_error(app, staff, frozen):
    official = staff["official"]
    enrol(app.test_client(), official, frozen)
    browser = app.test_client()
    _password_step(browser, official)
    for odd in ("", "\x00", "<script>", "9" * 500, "１２３４５６"):
        response = browser.post("/login/code", data={"code": odd})
        assert response.status_code == 200 and "field-error" in response.get_data(as_text=True)


# Lockout


def test_five_wrong_codes_lock_the_account_with_an_audit_entry(app, staff, frozen):
    official = staff["official"]
    secret, _codes = enrol(app.test_client(), official, frozen)
    browser = app.test_client()
    _password_step(browser, official)

    for _ in range(4):
        response = browser.post("/login/code", data={"code": "000000"})
        assert response.status_code == 200
    response = browser.post("/login/code", data={"code": "000000"})

    assert response.status_code == 302 and response.location == "/login"
    assert "Tài khoản tạm khóa đến" in browser.get("/login").get_data(as_text=True)
    entry = last_entry("user.locked")
    assert entry.object_id == str(official.id) and entry.data["reason"] == "code" and entry.data["failures"] == 5
    # Locked: even the right password and code do not sign in, and the answer does not say the password was right.
    for password in (PASSWORD, "not the password"):
        refused = sign_in(browser, official.username, password=password)
        assert refused.status_code == 200 and "Tài khoản tạm khóa đến" in refused.get_data(as_text=True)
    assert browser.get("/login/code").status_code == 302
    # Fifteen minutes later the account opens again.
    frozen.advance(minutes=15, seconds=1)
    _password_step(browser, official)
    assert browser.post("/login/code", data={"code": _code(secret, frozen.now)}).status_code == 302
    assert _signed_in(browser)


def test_five_wrong_passwords_lock_the_account_too(client, staff, frozen):
    official = staff["official"]
    for _ in range(4):
        response = sign_in(client, official.username, password="wrong password")
        assert "Tên đăng nhập hoặc mật khẩu không đúng." in response.get_data(as_text=True)
    response = sign_in(client, official.username, password="wrong password")
    assert "Tài khoản tạm khóa đến" in response.get_data(as_text=True)
    assert last_entry("user.locked").data["reason"] == "password"

    refused = sign_in(client, official.username)
    assert refused.status_code == 200 and "Tài khoản tạm khóa đến" in refused.get_data(as_text=True)
    frozen.advance(minutes=16)
    assert sign_in(client, official.username).status_code == 302


def test_only_a_complete_sign_in_resets_the_count(app, staff, frozen):
    official = staff["official"]
    secret, _codes = enrol(app.test_client(), official, frozen)
    browser = app.test_client()
    for _ in range(2):
        sign_in(browser, official.username, password="wrong password")
    _password_step(browser, official)  # a right password alone resets nothing
    for _ in range(2):
        browser.post("/login/code", data={"code": "000000"})
    db.session.refresh(official)
    assert official.failed_sign_in_count == 4

    assert browser.post("/login/code", data={"code": _code(secret, frozen.now, 1)}).status_code == 302
    db.session.refresh(official)
    assert official.failed_sign_in_count == 0 and official.locked_until is None


def test_a_leader_unlocks_an_official_early(app, client, staff, frozen):
    official = staff["official"]
    for _ in range(5):
        sign_in(client, official.username, password="wrong password")
    leader_client = app.test_client()
    sign_in(leader_client, staff["leader"].username)

    page = leader_client.get(f"/manage/users/{official.id}").get_data(as_text=True)
    assert "Mở khóa đăng nhập" in page
    assert leader_client.post(f"/manage/users/{official.id}/unlock").status_code == 302
    assert last_entry("user.unlocked").actor_id == staff["leader"].id
    assert sign_in(client, official.username).status_code == 302


# Managers reset a second factor


def test_a_leader_resets_an_officials_second_factor_and_their_sessions_end(app, staff, frozen):
    official = staff["official"]
    official_browser = app.test_client()
    enrol(official_browser, official, frozen)
    assert _signed_in(official_browser)
    leader = app.test_client()
    sign_in(leader, staff["leader"].username)

    page = leader.get(f"/manage/users/{official.id}").get_data(as_text=True)
    assert "Đặt lại xác thực hai lớp" in page
    response = leader.post(f"/manage/users/{official.id}/two-factor/reset")

    assert response.status_code == 302
    assert not _signed_in(official_browser)
    entry = last_entry("user.two_factor_reset")
    assert entry.actor_id == staff["leader"].id and entry.object_id == str(official.id)
    user = db.session.get(User, official.id)
    db.session.refresh(user)
    assert user.totp_secret is None and not user.has_second_factor
    assert db.session.scalars(select(RecoveryCode).where(RecoveryCode.user_id == official.id)).all() == []
    # Without REQUIRE_TWO_FACTOR, the password alone signs in again.
    assert sign_in(official_browser, official.username).location == "/manage"


@pytest.mark.parametrize("manager", ["leader_b", "official_b", "inspector"])
def test_resetting_outside_ones_scope_is_refused(app, staff, frozen, manager):
    official = staff["official"]
    enrol(app.test_client(), official, frozen)
    browser = app.test_client()
    sign_in(browser, staff[manager].username)

    assert browser.post(f"/manage/users/{official.id}/two-factor/reset").status_code == 403
    assert browser.post(f"/manage/users/{official.id}/unlock").status_code == 403
    assert db.session.get(User, official.id).has_second_factor


def test_an_administrator_resets_a_leader_but_not_themselves(app, staff, frozen):
    admin = staff["admin"]
    enrol(app.test_client(), staff["leader"], frozen)
    browser = app.test_client()
    secret, _codes = enrol(browser, admin, frozen)

    assert browser.post(f"/manage/users/{staff['leader'].id}/two-factor/reset").status_code == 302
    assert not db.session.get(User, staff["leader"].id).has_second_factor
    browser.post(f"/manage/users/{admin.id}/two-factor/reset")
    assert db.session.get(User, admin.id).has_second_factor


# Required second factor


@pytest.mark.parametrize("role", ["official", "leader", "inspector", "admin"])
def test_required_second_factor_sends_every_role_to_enrolment_first(app, client, staff, frozen, role):
    app.config["REQUIRE_TWO_FACTOR"] = True
    user = staff[role]

    response = sign_in(client, user.username)

    assert response.location == "/account/two-factor"
    for path in ("/manage/", "/account", "/audit/", "/manage/users"):
        blocked = client.get(path)
        assert blocked.status_code == 302 and blocked.location == "/account/two-factor", path
    page = client.get("/account/two-factor").get_data(as_text=True)
    assert "phải bật xác thực hai lớp" in page
    secret = _secret_shown(page)
    assert client.post("/account/two-factor", data={"code": _code(secret, frozen.now)}).status_code == 200
    assert client.get("/account").status_code == 200


def test_required_second_factor_comes_after_a_temporary_password(app, client, staff, frozen):
    app.config["REQUIRE_TWO_FACTOR"] = True
    official = staff["official"]
    official.must_change_password = True
    db.session.commit()

    assert sign_in(client, official.username).location == "/account/password"
    assert client.get("/account/two-factor").location == "/account/password"
    new = "một câu mới dễ nhớ"
    changed = client.post(
        "/account/password", data={"current_password": PASSWORD, "new_password": new, "confirm_password": new}
    )
    assert changed.status_code == 302
    assert client.get("/manage/").location == "/account/two-factor"


def test_turning_it_off_when_required_means_enrolling_again(app, client, staff, frozen):
    app.config["REQUIRE_TWO_FACTOR"] = True
    official = staff["official"]
    secret, _codes = enrol(client, official, frozen)

    response = client.post("/account/two-factor/off", data={"off-code": _code(secret, frozen.now, 1)})

    assert response.status_code == 302
    assert "user.two_factor_disabled" in audit_actions(official.id)
    assert client.get("/manage/").location == "/account/two-factor"
    assert _secret_shown(client.get("/account/two-factor").get_data(as_text=True)) != secret


def test_turning_it_off_and_new_recovery_codes_need_a_current_code(client, staff, frozen):
    official = staff["official"]
    secret, codes = enrol(client, official, frozen)

    refused = client.post("/account/two-factor/recovery-codes", data={"regenerate-code": "000000"})
    assert refused.status_code == 400 and "Mã không đúng hoặc đã được dùng." in refused.get_data(as_text=True)
    response = client.post("/account/two-factor/recovery-codes", data={"regenerate-code": codes[0]})
    assert response.status_code == 200
    new_codes = _recovery_codes(response.get_data(as_text=True))
    assert len(new_codes) == 10 and not set(new_codes) & set(codes)
    assert "user.recovery_codes_regenerated" in audit_actions(official.id)

    refused = client.post("/account/two-factor/off", data={"off-code": codes[1]})  # an old code: gone
    assert refused.status_code == 400
    assert client.post("/account/two-factor/off", data={"off-code": new_codes[0]}).status_code == 302
    db.session.refresh(official)
    assert not official.has_second_factor


def test_five_wrong_codes_on_the_account_pages_lock_and_end_the_session(client, staff, frozen):
    official = staff["official"]
    enrol(client, official, frozen)
    for _ in range(4):
        assert client.post("/account/two-factor/off", data={"off-code": "000000"}).status_code == 400
    response = client.post("/account/two-factor/off", data={"off-code": "000000"})

    assert response.status_code == 302 and response.location == "/login"
    assert not _signed_in(client)
    assert last_entry("user.locked").data["reason"] == "code"
    db.session.refresh(official)
    assert official.has_second_factor


# Session limits and signing out everywhere


def test_an_idle_session_ends_after_thirty_minutes(client, login, staff, frozen):
    login(staff["official"])
    frozen.advance(minutes=29)
    assert _signed_in(client)
    frozen.advance(minutes=29)  # 58 minutes after signing in, but 29 after the last request
    assert _signed_in(client)

    frozen.advance(minutes=30, seconds=1)
    response = client.get("/manage/")

    assert response.status_code == 302 and response.location.startswith("/login")
    assert "Phiên đăng nhập đã hết hạn" in client.get("/login").get_data(as_text=True)
    assert not _signed_in(client)


def test_a_busy_session_still_ends_after_twelve_hours(client, login, staff, frozen):
    login(staff["official"])
    for _ in range(12 * 3 - 1):
        frozen.advance(minutes=20)
        assert _signed_in(client)
    frozen.advance(minutes=20, seconds=1)
    assert not _signed_in(client)


def test_the_limits_follow_the_configuration(app, client, login, staff, frozen):
    app.config["SESSION_IDLE_MINUTES"] = 5
    login(staff["official"])
    frozen.advance(minutes=5, seconds=1)
    assert not _signed_in(client)


def test_sign_out_everywhere_ends_every_session_of_the_user_only(app, client, login, staff):
    official = login(staff["official"])
    phone = app.test_client()
    sign_in(phone, official.username)
    colleague = app.test_client()
    sign_in(colleague, staff["official_b"].username)

    assert "Đăng xuất khỏi mọi thiết bị" in client.get("/account").get_data(as_text=True)
    response = client.post("/account/sign-out-everywhere")

    assert response.status_code == 302 and response.location == "/login"
    assert not _signed_in(client) and not _signed_in(phone)
    assert _signed_in(colleague)
    assert "user.sessions_ended" in audit_actions(official.id)


def test_the_code_step_needs_the_forms_token(csrf_app, staff, frozen):
    official = staff["official"]
    csrf_app.config["WTF_CSRF_ENABLED"] = False
    secret, _codes = enrol(csrf_app.test_client(), official, frozen)
    csrf_app.config["WTF_CSRF_ENABLED"] = True
    browser = csrf_app.test_client()
    page = browser.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    browser.post("/login", data={"username": official.username, "password": PASSWORD, "csrf_token": token})

    refused = browser.post("/login/code", data={"code": _code(secret, frozen.now, 1)})
    assert refused.status_code == 400 and not _signed_in(browser)
    page = browser.get("/login/code").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    accepted = browser.post("/login/code", data={"code": _code(secret, frozen.now, 1), "csrf_token": token})
    assert accepted.status_code == 302 and _signed_in(browser)


def test_users_list_shows_who_has_a_second_factor(app, staff, frozen):
    enrol(app.test_client(), staff["official"], frozen)
    leader = app.test_client()
    sign_in(leader, staff["leader"].username)
    html = leader.get(f"/manage/users/{staff['official'].id}").get_data(as_text=True)
    assert "Đã bật từ" in html
    other = make_user("official", staff["official"].unit)
    assert "Chưa bật" in leader.get(f"/manage/users/{other.id}").get_data(as_text=True)


def test_the_settings_come_from_the_environment_and_production_requires_a_second_factor(monkeypatch):
    import importlib

    import config

    monkeypatch.delenv("REQUIRE_TWO_FACTOR", raising=False)
    try:
        assert importlib.reload(config).ProductionConfig.REQUIRE_TWO_FACTOR is True
        assert config.DevelopmentConfig.REQUIRE_TWO_FACTOR is False
        for name, value in {
            "REQUIRE_TWO_FACTOR": "false",
            "SESSION_IDLE_MINUTES": "10",
            "SESSION_MAX_HOURS": "8",
            "LOCKOUT_ATTEMPTS": "3",
            "LOCKOUT_MINUTES": "60",
        }.items():
            monkeypatch.setenv(name, value)
        settings = importlib.reload(config)
        assert settings.ProductionConfig.REQUIRE_TWO_FACTOR is False
        assert settings.Config.SESSION_IDLE_MINUTES == 10 and settings.Config.SESSION_MAX_HOURS == 8
        assert settings.Config.PERMANENT_SESSION_LIFETIME == timedelta(hours=8)
        assert (settings.Config.LOCKOUT_ATTEMPTS, settings.Config.LOCKOUT_MINUTES) == (3, 60)
    finally:
        monkeypatch.undo()
        importlib.reload(config)
