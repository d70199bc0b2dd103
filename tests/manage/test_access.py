"""Who may reach which /manage/ route: roles × routes, sign-in, throttling, safe redirects, logout."""

import pytest
from sqlalchemy import func, select

from app import create_app
from app.accounts.models import User
from app.extensions import db
from app.ledger.models import AuditEntry
from app.notices.models import Attachment, Notice, NoticeVersion
from tests.factories import PASSWORD, make_notice, make_units, make_user
from tests.manage.conftest import attach_pdf, csrf_token, form_data, pdf_bytes, upload


@pytest.fixture
def world(units):
    """Per commune: a draft with a file and a published notice; returns {"a": {...}, "b": {...}}."""
    province, commune_a, commune_b = units
    world = {"province": province}
    for key, commune in (("a", commune_a), ("b", commune_b)):
        draft = make_notice(commune, publish=False, title=f"Bản nháp của {commune.name}")
        published = make_notice(commune, title=f"Thông báo của {commune.name}")
        world[key] = {"unit": commune, "draft": draft, "published": published, "file": attach_pdf(draft, None)}
    return world


# (id, method, url built from one commune's rows, form data)
ROUTES = [
    ("index", "GET", lambda c: f"/manage/?unit={c['unit'].code}", None),
    ("new-form", "GET", lambda c: f"/manage/notices/new?unit={c['unit'].code}", None),
    ("new", "POST", lambda c: "/manage/notices/new", lambda c: form_data(unit=c["unit"].code)),
    ("show", "GET", lambda c: f"/manage/notices/{c['draft'].id}", None),
    ("edit-form", "GET", lambda c: f"/manage/notices/{c['draft'].id}/edit", None),
    ("edit", "POST", lambda c: f"/manage/notices/{c['draft'].id}/edit", lambda c: form_data(title="Tiêu đề mới")),
    ("publish", "POST", lambda c: f"/manage/notices/{c['draft'].id}/publish", lambda c: {}),
    ("correct-form", "GET", lambda c: f"/manage/notices/{c['published'].id}/correct", None),
    (
        "correct",
        "POST",
        lambda c: f"/manage/notices/{c['published'].id}/correct",
        lambda c: form_data(title="Tiêu đề đã đính chính", reason="Sai tên dự án"),
    ),
    ("withdraw-form", "GET", lambda c: f"/manage/notices/{c['published'].id}/withdraw", None),
    ("withdraw", "POST", lambda c: f"/manage/notices/{c['published'].id}/withdraw", lambda c: {"reason": "Thay thế"}),
    ("delete", "POST", lambda c: f"/manage/notices/{c['draft'].id}/delete", lambda c: {}),
    (
        "attach",
        "POST",
        lambda c: f"/manage/notices/{c['draft'].id}/attachments",
        lambda c: {"file": upload(pdf_bytes())},
    ),
    (
        "detach",
        "POST",
        lambda c: f"/manage/notices/{c['draft'].id}/attachments/{c['file'].id}/delete",
        lambda c: {},
    ),
]
READ_ROUTES = {"index", "show"}
WRITE_ROUTES = [route for route in ROUTES if route[0] not in READ_ROUTES]
route_params = [pytest.param(*route, id=route[0]) for route in ROUTES]
write_params = [pytest.param(*route, id=route[0]) for route in WRITE_ROUTES]


def _call(client, method, url, data, rows):
    if method == "GET":
        return client.get(url)
    return client.post(url, data=data(rows), content_type="multipart/form-data")


def _state():
    """Everything a write could change, to prove a refused request changed nothing."""
    return (
        db.session.scalars(select(Notice.status).order_by(Notice.id)).all(),
        db.session.scalars(select(Notice.title).order_by(Notice.id)).all(),
        db.session.scalar(select(func.count()).select_from(NoticeVersion)),
        db.session.scalar(select(func.count()).select_from(Attachment)),
        db.session.scalar(select(func.count()).select_from(AuditEntry)),
    )


def _assert_succeeded(client, response):
    assert response.status_code in (200, 302), response.status_code
    if response.status_code == 302:
        page = client.get(response.location).get_data(as_text=True)
        assert "flash-error" not in page, "the action was refused with a message instead of done"


@pytest.mark.parametrize(("name", "method", "url", "data"), route_params)
def test_anonymous_visitor_is_sent_to_login(client, world, name, method, url, data):
    before = _state()
    response = _call(client, method, url(world["a"]), data, world["a"])
    assert response.status_code == 302
    assert response.location.startswith("/login")
    assert _state() == before


@pytest.mark.parametrize("role", ["official", "leader"])
@pytest.mark.parametrize(("name", "method", "url", "data"), route_params)
def test_commune_staff_are_refused_on_another_commune(client, login, world, role, name, method, url, data):
    login(make_user(role, world["a"]["unit"]))
    before = _state()
    response = _call(client, method, url(world["b"]), data, world["b"])
    assert response.status_code == 403
    assert _state() == before


@pytest.mark.parametrize("role", ["official", "leader"])
@pytest.mark.parametrize(("name", "method", "url", "data"), route_params)
def test_commune_staff_act_on_their_own_commune(client, login, world, role, name, method, url, data):
    login(make_user(role, world["a"]["unit"]))
    before = _state()
    response = _call(client, method, url(world["a"]), data, world["a"])
    _assert_succeeded(client, response)
    if method == "POST":
        assert _state() != before


@pytest.mark.parametrize("commune", ["a", "b"])
@pytest.mark.parametrize(("name", "method", "url", "data"), route_params)
def test_province_official_acts_on_every_commune(client, login, world, commune, name, method, url, data):
    login(make_user("official", world["province"]))
    response = _call(client, method, url(world[commune]), data, world[commune])
    _assert_succeeded(client, response)


@pytest.mark.parametrize("level", ["province", "commune"])
@pytest.mark.parametrize(("name", "method", "url", "data"), write_params)
def test_inspector_is_refused_every_write_route(client, login, world, level, name, method, url, data):
    login(make_user("inspector", world["province"] if level == "province" else world["a"]["unit"]))
    before = _state()
    response = _call(client, method, url(world["a"]), data, world["a"])
    assert response.status_code == 403
    assert _state() == before


def test_inspector_reads_the_list_and_notice_without_action_buttons(client, login, world):
    login(make_user("inspector", world["province"]))
    listing = client.get("/manage/")
    assert listing.status_code == 200
    page = listing.get_data(as_text=True)
    assert world["a"]["draft"].title in page and world["b"]["published"].title in page
    assert "Đăng thông báo mới" not in page
    draft_id, published_id = world["a"]["draft"].id, world["a"]["published"].id
    notice = client.get(f"/manage/notices/{draft_id}").get_data(as_text=True)
    assert world["a"]["draft"].title in notice
    assert "ke-hoach.pdf" in notice
    for action in ("edit", "publish", "delete", "attachments", f"attachments/{world['a']['file'].id}/delete"):
        assert f'"/manage/notices/{draft_id}/{action}"' not in notice
    for label in ("Sửa bản nháp", "Niêm yết</button>", "Xóa bản nháp", "Tải tệp lên", "Gỡ tệp"):
        assert label not in notice
    published = client.get(f"/manage/notices/{published_id}").get_data(as_text=True)
    for action in ("correct", "withdraw", "attachments"):
        assert f'"/manage/notices/{published_id}/{action}"' not in published
    for label in ("Đính chính</a>", "Thu hồi</a>"):
        assert label not in published


def test_commune_inspector_cannot_read_another_commune(client, login, world):
    login(make_user("inspector", world["a"]["unit"]))
    assert client.get(f"/manage/notices/{world['b']['draft'].id}").status_code == 403
    assert client.get(f"/manage/?unit={world['b']['unit'].code}").status_code == 403


@pytest.mark.parametrize(
    "url",
    ["/manage/notices/999999", "/manage/notices/999999/edit", "/manage/?unit=00000", "/manage/notices/new?unit=00000"],
)
def test_unknown_ids_are_not_found(client, login, world, url):
    login(make_user("official", world["province"]))
    assert client.get(url).status_code == 404


def test_unknown_attachment_or_one_of_another_notice_is_not_found(client, login, world):
    login(make_user("official", world["province"]))
    draft_a, file_b = world["a"]["draft"], world["b"]["file"]
    assert client.post(f"/manage/notices/{draft_a.id}/attachments/999999/delete").status_code == 404
    assert client.post(f"/manage/notices/{draft_a.id}/attachments/{file_b.id}/delete").status_code == 404
    assert db.session.get(Attachment, file_b.id) is not None


def test_login_records_last_login_and_lands_on_the_officials_queue(client, official):
    assert official.last_login_at is None
    response = client.post("/login", data={"username": official.username, "password": PASSWORD})
    assert response.status_code == 302
    assert response.location == "/manage"
    home = client.get("/manage")
    assert home.status_code == 302 and home.location == "/manage/queue?tab=new"
    db.session.expire_all()
    assert db.session.get(User, official.id).last_login_at is not None
    assert client.get(home.location).status_code == 200
    assert client.get("/manage/").status_code == 200


def test_wrong_password_shows_a_vietnamese_error(client, official):
    response = client.post("/login", data={"username": official.username, "password": "sai mật khẩu"})
    assert response.status_code == 200
    assert "Tên đăng nhập hoặc mật khẩu không đúng." in response.get_data(as_text=True)
    assert client.get("/manage/").status_code == 302


def test_inactive_user_cannot_log_in(client, official):
    official.is_active = False
    db.session.commit()
    response = client.post("/login", data={"username": official.username, "password": PASSWORD})
    assert response.status_code == 200
    assert "Tên đăng nhập hoặc mật khẩu không đúng." in response.get_data(as_text=True)
    assert client.get("/manage/").status_code == 302


def test_deactivated_user_loses_an_open_session(client, login, official):
    login(official)
    official.is_active = False
    db.session.commit()
    assert client.get("/manage/").status_code == 302


def test_login_is_throttled_with_a_vietnamese_message(app, official):
    username = official.username
    db.session.commit()  # end this session's SQLite transaction: the second application writes too
    # Flask-Limiter reads its settings when bound, so the limit needs an application of its own.
    limited = create_app(
        "testing",
        SQLALCHEMY_DATABASE_URI=app.config["SQLALCHEMY_DATABASE_URI"],
        NOTICES_DIR=app.config["NOTICES_DIR"],
        SEARCH_INDEX_DIR=app.config["SEARCH_INDEX_DIR"],
        WTF_CSRF_ENABLED=False,
        RATELIMIT_ENABLED=True,
        LOGIN_RATE_LIMIT="3 per minute",
    )
    try:
        client = limited.test_client()
        wrong = {"username": username, "password": "sai mật khẩu"}
        for _ in range(3):
            assert client.post("/login", data=wrong).status_code == 200
        refused = client.post("/login", data={"username": username, "password": PASSWORD})
        assert refused.status_code == 429
        assert "Bạn thao tác quá nhanh" in refused.get_data(as_text=True)
        # Throttled means refused: even the right password did not sign in.
        assert client.get("/manage/").status_code == 302
    finally:
        with limited.app_context():
            db.engine.dispose()


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        ("/manage/notices/new", "/manage/notices/new"),
        ("https://evil.example/phish", "/manage"),
        ("//evil.example", "/manage"),
        ("http:evil.example", "/manage"),
        ("/\\evil.example", "/manage"),
    ],
)
def test_login_follows_next_only_to_local_paths(client, official, target, expected):
    response = client.post(
        "/login", query_string={"next": target}, data={"username": official.username, "password": PASSWORD}
    )
    assert response.status_code == 302
    assert response.location == expected


def test_logout_is_post_only_and_needs_the_csrf_token(csrf_app, client, official):
    login_page = client.get("/login").get_data(as_text=True)
    signed_in = client.post(
        "/login",
        data={"username": official.username, "password": PASSWORD, "csrf_token": csrf_token(login_page)},
    )
    assert signed_in.status_code == 302
    assert client.get("/logout").status_code == 405
    refused = client.post("/logout")
    assert refused.status_code == 400
    assert "Phiên làm việc đã hết hạn" in refused.get_data(as_text=True)
    manage_page = client.get("/manage/")
    assert manage_page.status_code == 200, "a refused logout must leave the user signed in"
    assert (
        client.post("/logout", data={"csrf_token": csrf_token(manage_page.get_data(as_text=True))}).status_code == 302
    )
    assert client.get("/manage/").status_code == 302


@pytest.mark.parametrize("path", ["/manage/", "/manage/queue", "/search"])
def test_a_page_number_of_five_thousand_digits_is_not_an_error(client, auth, path):
    _, commune, _ = make_units()
    make_user("official", commune, username="canbo.trang")
    auth.login("canbo.trang")

    response = client.get(path, query_string={"page": "9" * 5000})

    assert response.status_code == 200
