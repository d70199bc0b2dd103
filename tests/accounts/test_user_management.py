"""Leaders and administrators open, change, close and reopen accounts within their scope, each change audited."""

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from app.accounts import user_admin
from app.accounts.models import User
from app.accounts.services import AccountError, authenticate, create_user, find_user
from app.extensions import db
from tests.accounts.conftest import audit_actions, last_entry, sign_in
from tests.factories import PASSWORD, make_user


def _new_user_form(**overrides):
    data = {
        "username": "canbo.moi",
        "display_name": "Nguyễn Văn Mới",
        "role": "official",
        "unit": "07627",
        "email": "",
        "phone": "",
        "handover": "link",
    }
    data.update(overrides)
    return data


def user_count():
    return db.session.scalar(select(func.count()).select_from(User))


def test_leader_creates_an_official_of_their_commune_with_contact_details(client, login, staff):
    login(staff["leader"])
    response = client.post("/manage/users/new", data=_new_user_form(email=" Moi@DaiSon.gov.vn ", phone="0912 345 678"))
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Đã tạo tài khoản canbo.moi" in page
    assert response.headers["Cache-Control"] == "no-store"
    user = find_user("canbo.moi")
    assert (user.role, user.unit.code, user.display_name) == ("official", "07627", "Nguyễn Văn Mới")
    assert (user.email, user.phone) == ("moi@daison.gov.vn", "+84912345678")
    created = last_entry("user.created")
    assert created.object_id == str(user.id) and created.actor_id == staff["leader"].id
    assert created.data == {"role": "official", "unit": "07627"}


@pytest.mark.parametrize("role", ["inspector", "admin"])
def test_leader_cannot_give_a_role_above_their_own(client, login, staff, role):
    login(staff["leader"])
    before = user_count()
    response = client.post("/manage/users/new", data=_new_user_form(role=role))
    assert response.status_code == 200
    assert "Bạn không được giao vai trò này." in response.get_data(as_text=True)
    assert user_count() == before


def test_leader_cannot_open_an_account_in_another_commune(client, login, staff):
    login(staff["leader"])
    before = user_count()
    response = client.post("/manage/users/new", data=_new_user_form(unit="07615"))
    assert "Đơn vị này nằm ngoài phạm vi bạn quản lý." in response.get_data(as_text=True)
    assert user_count() == before


def test_leader_may_open_another_leader_account(client, login, staff):
    login(staff["leader"])
    client.post("/manage/users/new", data=_new_user_form(username="phochutich.a", role="leader"))
    assert find_user("phochutich.a").role == "leader"


def test_admin_gives_any_role_in_any_unit_under_them(client, login, staff):
    login(staff["admin"])
    client.post("/manage/users/new", data=_new_user_form(username="thanhtra.xa", role="inspector", unit="07615"))
    user = find_user("thanhtra.xa")
    assert (user.role, user.unit.code) == ("inspector", "07615")


@pytest.mark.parametrize("taken", ["CANBO.A", "CanBo.A", " canbo.a "])
def test_usernames_are_unique_whatever_their_case(app, client, login, staff, taken):
    login(staff["admin"])
    before = user_count()
    response = client.post("/manage/users/new", data=_new_user_form(username=taken))
    assert "đã có người dùng" in response.get_data(as_text=True)
    assert user_count() == before
    with app.test_request_context(), pytest.raises(AccountError, match="đã có người dùng"):
        create_user(taken, "mot-cau-dai-de-nho", "official", staff["official"].unit)


def test_the_database_refuses_a_username_differing_only_in_case(staff):
    db.session.add(
        User(username="CANBO.A", display_name="Trùng", password_hash="!", role="official", unit=staff["official"].unit)
    )
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("username", "", "Vui lòng nhập tên đăng nhập."),
        ("username", "cán bộ", "chỉ gồm chữ không dấu"),
        ("display_name", "", "Vui lòng nhập họ và tên."),
        ("display_name", "a" * 121, "Họ và tên tối đa 120 ký tự."),
        ("email", "khong-phai-thu", "Địa chỉ thư điện tử không hợp lệ."),
        ("phone", "12345", "Số điện thoại không hợp lệ."),
        ("handover", "email", "Vui lòng chọn cách giao mật khẩu."),
        ("role", "superuser", "Bạn không được giao vai trò này."),
        ("unit", "99999", "Đơn vị này nằm ngoài phạm vi bạn quản lý."),
    ],
)
def test_the_create_form_explains_each_mistake_in_vietnamese(client, login, staff, field, value, message):
    login(staff["admin"])
    before = user_count()
    response = client.post("/manage/users/new", data=_new_user_form(**{field: value}))
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert message in page and "field-error" in page
    assert user_count() == before


def test_a_new_account_has_no_password_until_its_link_is_used(client, login, staff):
    login(staff["leader"])
    client.post("/manage/users/new", data=_new_user_form())
    assert authenticate("canbo.moi", "") is None
    assert authenticate("canbo.moi", "!") is None


def test_changing_role_and_unit_is_audited_field_by_field(client, login, staff):
    official = staff["official"]
    login(staff["admin"])
    response = client.post(f"/manage/users/{official.id}/edit", data={"role": "leader", "unit": "07615"})
    assert response.status_code == 302
    db.session.expire_all()
    assert (official.role, official.unit.code) == ("leader", "07615")
    role_entry, unit_entry = last_entry("user.role_changed"), last_entry("user.unit_changed")
    assert role_entry.data == {"before": {"role": "official"}, "after": {"role": "leader"}}
    assert unit_entry.data == {"before": {"unit": "07627"}, "after": {"unit": "07615"}}
    assert role_entry.actor_id == unit_entry.actor_id == staff["admin"].id


def test_leader_cannot_promote_to_admin_nor_move_out_of_the_commune(client, login, staff):
    official = staff["official"]
    login(staff["leader"])
    for data in ({"role": "admin", "unit": "07627"}, {"role": "official", "unit": "07615"}):
        response = client.post(f"/manage/users/{official.id}/edit", data=data)
        assert response.status_code == 400
    db.session.expire_all()
    assert (official.role, official.unit.code) == ("official", "07627")
    assert "user.role_changed" not in audit_actions() and "user.unit_changed" not in audit_actions()


def test_deactivate_then_reactivate(client, login, staff):
    official = staff["official"]
    login(staff["leader"])
    client.post(f"/manage/users/{official.id}/deactivate")
    db.session.expire_all()
    assert not official.is_active
    assert sign_in(app_client := client.application.test_client(), official.username).status_code == 200
    assert "Tên đăng nhập hoặc mật khẩu không đúng." in sign_in(app_client, official.username).get_data(as_text=True)
    client.post(f"/manage/users/{official.id}/reactivate")
    db.session.expire_all()
    assert official.is_active
    assert authenticate(official.username, PASSWORD) is not None
    assert audit_actions(official.id)[-2:] == ["user.deactivated", "user.reactivated"]
    assert last_entry("user.deactivated").data == {"before": {"active": True}, "after": {"active": False}}


def test_the_last_active_admin_can_be_neither_closed_nor_demoted(client, login, staff):
    admin = staff["admin"]
    login(admin)
    refused = client.post(f"/manage/users/{admin.id}/deactivate", follow_redirects=True)
    assert "quản trị viên cuối cùng còn hoạt động" in refused.get_data(as_text=True)
    demoted = client.post(f"/manage/users/{admin.id}/edit", data={"role": "leader", "unit": "24"})
    assert demoted.status_code == 400
    assert "quản trị viên cuối cùng còn hoạt động" in demoted.get_data(as_text=True)
    db.session.expire_all()
    assert admin.is_active and admin.role == "admin"
    assert "user.deactivated" not in audit_actions()


def test_an_admin_may_be_closed_while_another_remains(client, login, staff, units, app):
    second = make_user("admin", units[0], username="quantri.hai")
    login(staff["admin"])
    client.post(f"/manage/users/{second.id}/deactivate")
    db.session.expire_all()
    assert not second.is_active
    # Now the signed-in admin is the last one: they can neither close themselves nor step down.
    with app.test_request_context(), pytest.raises(AccountError, match="cuối cùng"):
        user_admin.deactivate_account(staff["admin"], staff["admin"])
    with app.test_request_context(), pytest.raises(AccountError, match="cuối cùng"):
        user_admin.change_role_and_unit(staff["admin"], staff["admin"], "leader", units[0])


def test_a_closed_admin_does_not_count_as_the_remaining_one(in_request, staff, units):
    closed = make_user("admin", units[0], username="quantri.cu")
    closed.is_active = False
    db.session.commit()
    with pytest.raises(AccountError, match="cuối cùng"):
        user_admin.deactivate_account(staff["admin"], staff["admin"])


def test_services_refuse_what_the_scope_forbids(in_request, staff, units):
    _, _, commune_b = units
    with pytest.raises(AccountError):
        user_admin.open_account(staff["leader"], "canbo.khac", "Cán bộ khác", "official", commune_b)
    with pytest.raises(AccountError):
        user_admin.deactivate_account(staff["leader"], staff["official_b"])
    with pytest.raises(AccountError):
        user_admin.change_role_and_unit(staff["leader"], staff["official"], "inspector", staff["official"].unit)
    db.session.rollback()
    assert find_user("canbo.khac") is None


def test_a_refused_change_writes_no_audit_entry(client, login, staff):
    login(staff["admin"])
    before = audit_actions()
    client.post(f"/manage/users/{staff['admin'].id}/deactivate")
    assert audit_actions() == before
