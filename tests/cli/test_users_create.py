"""flask users create: an account bound to a unit, with the password typed twice or given."""

from sqlalchemy import func, select

from app.accounts.models import User
from app.accounts.services import authenticate
from app.extensions import db
from tests.factories import make_units


def create(runner, *args, input=None):
    return runner.invoke(args=["users", "create", *args], input=input)


def user_count():
    return db.session.scalar(select(func.count()).select_from(User))


def test_users_create_prompts_for_the_password_twice(runner, app):
    make_units()
    result = create(runner, "canbo.moi", "--role", "official", "--unit", "07627", input="mat-khau-dai\nmat-khau-dai\n")
    assert result.exit_code == 0, result.output
    assert "Created canbo.moi (official) for Xã Đại Sơn [07627]" in result.stdout
    user = authenticate("canbo.moi", "mat-khau-dai")
    assert user is not None and user.role == "official" and user.unit.code == "07627"


def test_users_create_refuses_mismatched_confirmation(runner, app):
    make_units()
    result = create(runner, "canbo.moi", "--role", "official", "--unit", "07627", input="mat-khau-dai\nkhac-han\n")
    assert result.exit_code != 0
    assert user_count() == 0


def test_users_create_with_password_option(runner, app):
    make_units()
    result = create(runner, "thanhtra.tinh", "--role", "inspector", "--unit", "24", "--password", "mat-khau-thanh-tra")
    assert result.exit_code == 0, result.output
    assert authenticate("thanhtra.tinh", "mat-khau-thanh-tra").unit.code == "24"


def test_users_create_refuses_a_duplicate_username(runner, app):
    make_units()
    create(runner, "canbo.moi", "--role", "official", "--unit", "07627", "--password", "mat-khau-dai")
    result = create(runner, "CANBO.MOI", "--role", "leader", "--unit", "07615", "--password", "mat-khau-khac")
    assert result.exit_code == 1
    assert "already exists" in result.output
    assert user_count() == 1
    assert authenticate("canbo.moi", "mat-khau-dai").role == "official"


def test_users_create_refuses_an_unknown_unit(runner, app):
    make_units()
    result = create(runner, "canbo.moi", "--role", "official", "--unit", "99999", "--password", "mat-khau-dai")
    assert result.exit_code == 1
    assert "no administrative unit with code '99999'" in result.output
    assert user_count() == 0


def test_users_create_refuses_an_unknown_role(runner, app):
    make_units()
    result = create(runner, "canbo.moi", "--role", "superuser", "--unit", "07627", "--password", "mat-khau-dai")
    assert result.exit_code == 2
    assert "superuser" in result.output
    assert user_count() == 0


def test_users_create_refuses_a_short_password(runner, app):
    make_units()
    result = create(runner, "canbo.moi", "--role", "official", "--unit", "07627", "--password", "mat-khau-11")
    assert result.exit_code == 1
    assert "Mật khẩu phải có ít nhất 12 ký tự." in result.output
    assert user_count() == 0


def test_users_create_refuses_a_common_password_in_any_case(runner, app):
    make_units()
    result = create(runner, "canbo.moi", "--role", "official", "--unit", "07627", "--password", "Password1234")
    assert result.exit_code == 1
    assert "danh sách mật khẩu phổ biến" in result.output
    assert user_count() == 0


def test_users_create_refuses_a_password_containing_the_username(runner, app):
    make_units()
    result = create(runner, "canbo.moi", "--role", "official", "--unit", "07627", "--password", "CanBo.Moi-2026!")
    assert result.exit_code == 1
    assert "Mật khẩu không được chứa tên đăng nhập." in result.output
    assert user_count() == 0


def test_users_create_stores_an_argon2id_hash(runner, app):
    make_units()
    result = create(runner, "canbo.moi", "--role", "official", "--unit", "07627", "--password", "mat-khau-dai")
    assert result.exit_code == 0, result.output
    user = db.session.scalars(select(User)).one()
    assert user.password_hash.startswith("$argon2id$")
    assert "mat-khau-dai" not in user.password_hash
