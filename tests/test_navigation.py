"""Each role's navigation shows exactly the staff areas it may use, and every staff route agrees.

Every GET route under /manage, /audit and /account is listed here with its area; a route added later fails
`test_every_staff_route_is_listed` until it is. Roles are parametrised over every route and every nav link:
a link is in the navigation if and only if its route answers 200, a route of an area the role may not use
answers 403, and an anonymous visitor is sent to the sign-in page.
"""

import io
import re

import pytest
from PIL import Image

from app.feedback.intake import attach_photos, submit_feedback
from app.feedback.photos import clean_photo
from app.templating import STAFF_AREAS
from tests.factories import PASSWORD, make_notice, make_units, make_user

ROLES = ("official", "leader", "inspector", "admin")
STAFF = frozenset(ROLES)

# The specification: which roles use which area.
AREA_ROLES = {
    "overview": {"leader", "admin"},
    "queue": STAFF,
    "notices": STAFF,
    "notifications": {"official", "leader", "admin"},
    "audit": {"inspector", "admin"},
    "users": {"leader", "admin"},
    "administration": {"admin"},
    "account": STAFF,
}
WRITERS = {"official", "leader", "admin"}

# endpoint -> (area, URL built from the world, roles answered 200 when narrower than the area's: a write form)
ROUTES = {
    "workspaces.overview": ("overview", lambda w: "/manage/overview", None),
    "feedback.manage_queue": ("queue", lambda w: "/manage/queue", None),
    "feedback.manage_show_item": ("queue", lambda w: f"/manage/queue/{w['item'].id}", None),
    "feedback.manage_photo": ("queue", lambda w: f"/manage/queue/{w['item'].id}/photos/{w['photo']}", None),
    "feedback.record_item": ("queue", lambda w: "/manage/queue/new", WRITERS),
    "feedback.recorded_item": ("queue", lambda w: f"/manage/queue/{w['item'].id}/recorded", WRITERS),
    "notices.manage_index": ("notices", lambda w: "/manage/", None),
    "notices.manage_new_notice": ("notices", lambda w: "/manage/notices/new", WRITERS),
    "notices.manage_show_notice": ("notices", lambda w: f"/manage/notices/{w['draft'].id}", None),
    "notices.manage_edit_notice": ("notices", lambda w: f"/manage/notices/{w['draft'].id}/edit", WRITERS),
    "notices.manage_correct_notice": ("notices", lambda w: f"/manage/notices/{w['published'].id}/correct", WRITERS),
    "notices.manage_withdraw_notice": ("notices", lambda w: f"/manage/notices/{w['published'].id}/withdraw", WRITERS),
    "workspaces.list_notifications": ("notifications", lambda w: "/manage/notifications", None),
    "audit.overview": ("audit", lambda w: "/audit/", None),
    "audit.show_unit": ("audit", lambda w: f"/audit/units/{w['commune'].code}", None),
    "audit.show_official": ("audit", lambda w: f"/audit/officials/{w['users']['official'].id}", None),
    "audit.list_items": ("audit", lambda w: "/audit/items", None),
    "audit.show_item": ("audit", lambda w: f"/audit/items/{w['item'].id}", None),
    "audit.list_log": ("audit", lambda w: "/audit/log", None),
    "audit.verify_log": ("audit", lambda w: "/audit/log/verify", None),
    "audit.export_figures": ("audit", lambda w: "/audit/export/figures.csv", None),
    "audit.export_items": ("audit", lambda w: "/audit/export/items.csv", None),
    "audit.annual_report": ("audit", lambda w: "/audit/reports/annual.xlsx", None),
    "accounts.list_users": ("users", lambda w: "/manage/users", None),
    "accounts.new_user": ("users", lambda w: "/manage/users/new", None),
    "accounts.show_user": ("users", lambda w: f"/manage/users/{w['colleague'].id}", None),
    "workspaces.administration": ("administration", lambda w: "/manage/admin", None),
    "feedback.manage_deadlines": ("administration", lambda w: "/manage/deadlines", None),
    "open311_admin.list_api_keys": ("administration", lambda w: "/manage/admin/apikeys", None),
    "accounts.edit_account": ("account", lambda w: "/account", None),
    "accounts.change_password": ("account", lambda w: "/account/password", None),
    "accounts.two_factor": ("account", lambda w: "/account/two-factor", None),
    "accounts.notification_settings": ("account", lambda w: "/account/notifications", None),
    "consultations.manage_edit_consultation": (
        "notices",
        lambda w: f"/manage/notices/{w['published'].id}/consultation/edit",
        WRITERS,
    ),
    "consultations.manage_record_decision": (
        "notices",
        lambda w: f"/manage/notices/{w['published'].id}/decisions/new",
        WRITERS,
    ),
    "consultations.manage_rules": ("notices", lambda w: "/manage/consultations/rules", None),
    "audit.consultation_figures": ("audit", lambda w: "/audit/consultations", None),
    "audit.export_consultation_figures": ("audit", lambda w: "/audit/export/consultations.csv", None),
}
# Not an area of its own: /manage sends every signed-in user to their home (tested below);
# a reset link is opened by someone who is not signed in.
# A notice's consultation pages answer 404 to staff who may not manage that notice (tests/consultations
# checks who may open them). The receiving unit's public key is JSON for the item page's script, not a page
# (tests/feedback/identity checks who may ask).
NOT_AREAS = {
    "workspaces.home",
    "feedback.manage_forward_key",
    "accounts.use_reset_link",
    "consultations.manage_consultation",
    "consultations.manage_comments",
    "consultations.manage_publish_result",
}
HOMES = {
    "official": "/manage/queue?tab=new",
    "leader": "/manage/overview",
    "inspector": "/audit/",
    "admin": "/manage/admin",
}


def _png():
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), (30, 120, 30)).save(buffer, "PNG")
    return buffer.getvalue()


@pytest.fixture
def world(app):
    """A province with two communes; one account per role, a draft, a published notice and an item with a photo."""
    province, commune, _ = make_units()
    users = {
        "official": make_user("official", commune),
        "leader": make_user("leader", commune),
        "inspector": make_user("inspector", province),
        "admin": make_user("admin", province),
    }
    with app.test_request_context():
        item = submit_feedback(
            kind="petition",
            unit=commune,
            text="Đường liên thôn Đồng Đình bị sụt lún sau mưa.",
            has_consented=True,
            name="Nguyễn Thị Mai",
            phone="+84987654321",
        )
        attach_photos(item, [clean_photo(_png())])
    from app.extensions import db

    db.session.commit()
    return {
        "province": province,
        "commune": commune,
        "users": users,
        "colleague": make_user("official", commune),
        "draft": make_notice(commune, publish=False),
        "published": make_notice(commune),
        "item": item,
        "photo": item.photos[0].id,
    }


def _sign_in(client, world, role):
    if role != "anonymous":
        response = client.post("/login", data={"username": world["users"][role].username, "password": PASSWORD})
        assert response.status_code == 302


def _staff_nav_links(html):
    """The hrefs of the staff navigation, in order."""
    match = re.search(r'<nav class="staff-nav".*?</nav>', html, re.S)
    return re.findall(r'<a href="([^"]+)"', match.group()) if match else []


def test_every_staff_route_is_listed(app):
    staff_routes = {
        rule.endpoint
        for rule in app.url_map.iter_rules()
        if "GET" in rule.methods and rule.rule.startswith(("/manage", "/audit", "/account"))
    }
    assert staff_routes - NOT_AREAS == set(ROUTES)


def test_the_areas_permission_functions_follow_the_specification(world):
    for area in STAFF_AREAS:
        allowed = {role for role, user in world["users"].items() if area.permission(user)}
        assert allowed == AREA_ROLES[area.key], area.key


def _expected_status(role, area, narrower):
    if role == "anonymous":
        return 302
    if role not in AREA_ROLES[area] or (narrower is not None and role not in narrower):
        return 403
    return 200


@pytest.mark.parametrize("role", ["anonymous", *ROLES])
def test_every_staff_route_answers_by_the_roles_area(client, world, role):
    """One sign-in per role, then every route: 200 in the role's areas, 403 outside them, sign-in when anonymous."""
    _sign_in(client, world, role)
    wrong = []
    for endpoint, (area, url, narrower) in sorted(ROUTES.items()):
        response = client.get(url(world))
        response.get_data()  # read streamed exports to their end, inside the request
        expected = _expected_status(role, area, narrower)
        if response.status_code != expected or (expected == 302 and not response.location.startswith("/login")):
            wrong.append((endpoint, response.status_code, expected))
    assert wrong == []


@pytest.mark.parametrize("role", ["anonymous", *ROLES])
def test_the_navigation_shows_a_link_iff_its_route_answers_200(client, world, role):
    _sign_in(client, world, role)

    links = _staff_nav_links(client.get("/").get_data(as_text=True))

    assert len(links) == len(set(links))
    for area in STAFF_AREAS:
        entry = ROUTES[area.endpoint][1](world)
        answered = client.get(entry).status_code
        assert (entry in links) == (answered == 200), (area.key, entry, answered)
    assert {link for link in links} <= {ROUTES[area.endpoint][1](world) for area in STAFF_AREAS}
    if role == "anonymous":
        assert links == []


@pytest.mark.parametrize("role", ROLES)
def test_the_navigation_is_the_same_on_every_page_and_marks_the_current_area(client, world, role):
    _sign_in(client, world, role)
    expected = _staff_nav_links(client.get("/").get_data(as_text=True))

    for link in expected:
        page = client.get(link).get_data(as_text=True)
        assert _staff_nav_links(page) == expected, link
        assert f'<a href="{link}" data-area="' in page
        current = re.findall(r'<a href="([^"]+)" data-area="\w+" aria-current="page"', page)
        assert current == [link], (link, current)


@pytest.mark.parametrize("role", ROLES)
def test_manage_and_sign_in_lead_each_role_to_its_home(client, world, role):
    response = client.post("/login", data={"username": world["users"][role].username, "password": PASSWORD})
    assert response.status_code == 302 and response.location == "/manage"

    home = client.get("/manage")

    assert home.status_code == 302 and home.location == HOMES[role]
    assert client.get(home.location).status_code == 200
    page = client.get("/").get_data(as_text=True)
    assert '<a href="/manage">Trang làm việc</a>' in page
    # The home's area comes first in the navigation.
    assert _staff_nav_links(page)[0] == HOMES[role].split("?")[0]


def test_manage_sends_an_anonymous_visitor_to_sign_in(client, world):
    response = client.get("/manage")

    assert response.status_code == 302 and response.location.startswith("/login")
    assert "Trang làm việc" not in client.get("/").get_data(as_text=True)


def test_a_safe_next_still_wins_over_the_home(client, world):
    response = client.post(
        "/login",
        query_string={"next": "/manage/deadlines"},
        data={"username": world["users"]["admin"].username, "password": PASSWORD},
    )

    assert response.status_code == 302 and response.location == "/manage/deadlines"


def test_signed_in_users_opening_the_login_page_go_home(client, world):
    _sign_in(client, world, "leader")

    response = client.get("/login")

    assert response.status_code == 302 and response.location == "/manage"
