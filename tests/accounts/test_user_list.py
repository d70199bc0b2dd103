"""The user list: role, unit, active and last sign-in of each account in scope, searchable and paged."""

from app.accounts.user_queries import USERS_PER_PAGE
from app.clock import format_datetime
from app.extensions import db
from tests.factories import make_user


def test_the_list_shows_role_unit_state_and_last_sign_in(client, login, staff):
    closed = staff["official_b"]
    closed.is_active = False
    db.session.commit()
    login(staff["admin"])
    page = client.get("/manage/users").get_data(as_text=True)
    for user in staff.values():
        assert user.display_name in page
    assert "Cán bộ, công chức" in page and "Lãnh đạo" in page and "Thanh tra, giám sát" in page
    assert "Xã Đại Sơn" in page and "Xã Sơn Động" in page
    assert "Đã khóa" in page and "Đang hoạt động" in page
    assert "Chưa đăng nhập" in page
    db.session.refresh(staff["admin"])
    assert format_datetime(staff["admin"].last_login_at) in page  # the admin just signed in


def test_a_leader_sees_only_the_accounts_of_their_commune_they_manage(client, login, staff):
    login(staff["leader"])
    page = client.get("/manage/users").get_data(as_text=True)
    assert staff["official"].display_name in page and staff["leader"].display_name in page
    for other in ("official_b", "leader_b", "inspector", "admin"):
        assert staff[other].display_name not in page


def test_search_by_name_or_username_in_any_case(client, login, staff, units):
    make_user("official", units[1], username="dovan.an").display_name = "Đỗ Văn An"
    db.session.commit()
    login(staff["admin"])
    for query in ("đỗ văn", "Đỗ Văn An", "DOVAN", "dovan.an"):
        page = client.get("/manage/users", query_string={"q": query}).get_data(as_text=True)
        assert "Đỗ Văn An" in page, query
        assert staff["official_b"].display_name not in page, query
    nothing = client.get("/manage/users", query_string={"q": "%_"}).get_data(as_text=True)
    assert "Không có tài khoản nào phù hợp." in nothing


def test_the_list_is_paged(client, login, staff, units):
    for number in range(USERS_PER_PAGE + 1):
        make_user("official", units[2], username=f"canbo.trang{number:02d}")
    login(staff["admin"])
    first = client.get("/manage/users").get_data(as_text=True)
    assert "Trang 1 / 2" in first and 'rel="next"' in first
    second = client.get("/manage/users?page=2").get_data(as_text=True)
    assert "Trang 2 / 2" in second
    assert client.get("/manage/users", query_string={"page": "9" * 5000}).status_code == 200
    assert client.get("/manage/users", query_string={"page": "abc", "q": "x" * 5000}).status_code == 200
