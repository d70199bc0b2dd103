"""The password policy (length, common passwords, the username) and Argon2id hashes, upgraded at sign-in."""

import pytest
from argon2 import PasswordHasher
from sqlalchemy import select
from werkzeug.security import generate_password_hash

import config
from app import create_app
from app.accounts.models import User
from app.accounts.password_policy import COMMON_PASSWORDS_FILE, MIN_LENGTH, common_passwords, password_problems
from app.accounts.passwords import ARGON2_PARAMETERS, hash_password
from app.accounts.services import authenticate
from app.extensions import db
from app.notices.demo import DEMO_PASSWORD, DEMO_USERS
from tests.accounts.conftest import sign_in
from tests.factories import PASSWORD


@pytest.mark.parametrize(
    "password",
    ["một câu dài dễ nhớ", "mùa lúa chín ở Đại Sơn", "Xa-Dai-Son-2026!", "correct horse battery"],
)
def test_long_uncommon_passwords_pass(in_request, password):
    assert password_problems(password, "canbo.daison") == []


@pytest.mark.parametrize("password", ["", "ngan", "a" * (MIN_LENGTH - 1), "tám ký tự"])
def test_passwords_under_twelve_characters_are_refused(in_request, password):
    assert password_problems(password, "canbo") == ["Mật khẩu phải có ít nhất 12 ký tự."]


@pytest.mark.parametrize("password", ["password1234", "PASSWORD1234", "Password1234", "QwertyUiop123", "123456789012"])
def test_common_passwords_are_refused_in_any_case(in_request, password):
    problems = password_problems(password, "canbo")
    assert problems == [
        "Mật khẩu này nằm trong danh sách mật khẩu phổ biến, rất dễ bị đoán. Vui lòng chọn mật khẩu khác."
    ]


@pytest.mark.parametrize("password", ["canbo.daison-2026", "Mat khau CANBO.DAISON", "xCanBo.DaiSonx"])
def test_a_password_containing_the_username_is_refused(in_request, password):
    assert password_problems(password, "canbo.daison") == ["Mật khẩu không được chứa tên đăng nhập."]


def test_a_password_over_256_characters_is_refused(in_request):
    assert "Mật khẩu tối đa 256 ký tự." in password_problems("a b" * 100, "canbo")


def test_the_problems_speak_english_when_asked(app):
    with app.test_request_context("/?lang=en"):
        assert password_problems("short", "canbo") == ["The password must be at least 12 characters long."]


def test_the_common_passwords_list_is_a_data_file_of_thousands():
    passwords = common_passwords()
    assert COMMON_PASSWORDS_FILE.name == "common-passwords.txt"
    assert len(passwords) >= 3000
    assert {"123456", "password", "matkhau123456", "qwertyuiop123"} <= passwords
    assert all(password == password.lower() and not password.startswith("#") for password in passwords)


def test_the_demo_and_test_passwords_pass_the_policy(in_request):
    assert password_problems(PASSWORD, "official1") == []
    for username, *_ in DEMO_USERS:
        assert password_problems(DEMO_PASSWORD, username) == []


def test_new_passwords_are_stored_as_argon2id(staff):
    assert staff["official"].password_hash.startswith("$argon2id$")
    assert PASSWORD not in staff["official"].password_hash


@pytest.mark.parametrize("method", ["scrypt", "pbkdf2:sha256"])
def test_an_old_werkzeug_hash_still_verifies_and_is_upgraded_at_sign_in(client, staff, method):
    official = staff["official"]
    official.password_hash = generate_password_hash(PASSWORD, method=method)
    changed_at = official.password_changed_at
    db.session.commit()

    assert sign_in(client, official.username).status_code == 302
    db.session.expire_all()
    stored = db.session.scalar(select(User).where(User.id == official.id))
    assert stored.password_hash.startswith("$argon2id$")
    assert stored.password_changed_at == changed_at, "the password itself did not change"
    assert authenticate(official.username, PASSWORD) is not None


def test_a_failed_sign_in_leaves_an_old_hash_alone(client, staff):
    official = staff["official"]
    old_hash = generate_password_hash(PASSWORD, method="scrypt")
    official.password_hash = old_hash
    db.session.commit()
    assert sign_in(client, official.username, "sai mật khẩu rồi").status_code == 200
    db.session.expire_all()
    assert db.session.get(User, official.id).password_hash == old_hash


def test_an_argon2_hash_with_weaker_parameters_is_upgraded(app, client, staff):
    app.config["ARGON2_PARAMETERS"] = None  # as every configuration but the tests' (which hash cheaply)
    official = staff["official"]
    official.password_hash = PasswordHasher(time_cost=1, memory_cost=8 * 1024, parallelism=1).hash(PASSWORD)
    db.session.commit()
    sign_in(client, official.username)
    db.session.expire_all()
    assert "m=19456,t=2,p=1" in db.session.get(User, official.id).password_hash


def test_only_the_tests_hash_with_cheaper_parameters(monkeypatch, tmp_path):
    for name, settings in vars(config).items():
        if isinstance(settings, type) and issubclass(settings, config.Config) and name != "TestingConfig":
            assert not hasattr(settings, "ARGON2_PARAMETERS"), name
    assert ARGON2_PARAMETERS == {"time_cost": 2, "memory_cost": 19 * 1024, "parallelism": 1}
    monkeypatch.setenv("ARGON2_PARAMETERS", "time_cost=1")  # the environment cannot weaken them
    configured = create_app("development", SQLALCHEMY_DATABASE_URI="sqlite://", INSTANCE_DIR=str(tmp_path))
    with configured.app_context():
        assert "m=19456,t=2,p=1" in hash_password(PASSWORD)


@pytest.mark.parametrize("stored", ["!", "", "$argon2id$garbage", "scrypt:garbage", "plain text"])
def test_damaged_or_unusable_hashes_match_nothing(staff, stored):
    official = staff["official"]
    official.password_hash = stored
    db.session.commit()
    for password in ("", stored, PASSWORD):
        assert authenticate(official.username, password) is None
