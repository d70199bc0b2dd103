"""Who may use the staff pages of consultations: the notice unit's staff act, inspectors above it read,
another commune's official and anonymous visitors get nothing; CSRF protects every form."""

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from app.clock import local_today
from app.consultations.models import Consultation, Opinion
from app.consultations.rules import load_rules
from app.extensions import db
from tests.consultations.conftest import give_opinion_api
from tests.factories import PASSWORD


def _routes(notice_id, opinion_id):
    base = f"/manage/notices/{notice_id}"
    return {
        "overview": ("GET", f"{base}/consultation"),
        "edit": ("GET", f"{base}/consultation/edit"),
        "comments": ("GET", f"{base}/consultation/comments"),
        "approve": ("POST", f"{base}/consultation/comments/{opinion_id}/approve"),
        "hide": ("POST", f"{base}/consultation/comments/{opinion_id}/hide"),
        "close": ("POST", f"{base}/consultation/close"),
        "result": ("GET", f"{base}/consultation/result"),
        "decision": ("GET", f"{base}/decisions/new"),
    }


# What each role gets on each route: the unit's official acts; the inspector reads; others are refused.
EXPECTED = {
    "official": {
        "overview": 200,
        "edit": 200,
        "comments": 200,
        "approve": 400,
        "hide": 400,
        "close": 302,
        "result": 302,
        "decision": 200,
    },
    "inspector": {
        "overview": 200,
        "edit": 403,
        "comments": 200,
        "approve": 403,
        "hide": 403,
        "close": 403,
        "result": 403,
        "decision": 403,
    },
    "stranger": {
        "overview": 403,
        "edit": 403,
        "comments": 403,
        "approve": 403,
        "hide": 403,
        "close": 403,
        "result": 403,
        "decision": 403,
    },
}


@pytest.mark.parametrize("role", sorted(EXPECTED))
def test_roles_and_units_on_every_staff_route(
    client, app, auth, consultation, official, other_official, inspector, role
):
    response = give_opinion_api(client, app, consultation, "0987654321", "+84987654321", "agree", comment="Ý kiến thử.")
    assert response.status_code == 201
    opinion_id = db.session.scalar(select(Opinion.id))
    user = {"official": official, "inspector": inspector, "stranger": other_official}[role]
    auth.login(user.username)
    for name, (method, url) in _routes(consultation.notice_id, opinion_id).items():
        answer = client.get(url) if method == "GET" else client.post(url, data={})
        assert answer.status_code == EXPECTED[role][name], (role, name, answer.status_code)


def test_anonymous_visitors_are_sent_to_the_login_page(client, consultation):
    for method, url in _routes(consultation.notice_id, 1).values():
        answer = client.get(url) if method == "GET" else client.post(url)
        assert answer.status_code == 302 and "/login" in answer.headers["Location"]


def test_names_and_phones_are_for_the_units_staff_only(client, app, auth, consultation, official, inspector):
    give_opinion_api(
        client,
        app,
        consultation,
        "0987654321",
        "+84987654321",
        "agree",
        comment="Xin làm thêm rãnh.",
        name="Lê Thị Hoa",
    )
    auth.login(official.username)
    staff = client.get(f"/manage/notices/{consultation.notice_id}/consultation/comments").get_data(as_text=True)
    assert "Lê Thị Hoa" in staff and "0987 654 321" in staff
    auth.logout()
    auth.login(inspector.username)
    read_only = client.get(f"/manage/notices/{consultation.notice_id}/consultation/comments").get_data(as_text=True)
    assert "Xin làm thêm rãnh." in read_only
    assert "Lê Thị Hoa" not in read_only and "0987 654 321" not in read_only
    assert "Công khai</button>" not in read_only


def test_only_administrators_change_the_rules(client, auth, official, admin):
    auth.login(official.username)
    assert client.get("/manage/consultations/rules").status_code == 200
    assert (
        client.post("/manage/consultations/rules/adoption_percent", data={"adoption_percent-amount": "60"}).status_code
        == 403
    )
    auth.logout()
    auth.login(admin.username)
    page = client.get("/manage/consultations/rules").get_data(as_text=True)
    assert "Luật Đất đai 2024" in page and "Chuẩn riêng của xã" in page
    saved = client.post("/manage/consultations/rules/adoption_percent", data={"adoption_percent-amount": "60"})
    assert saved.status_code == 302
    assert load_rules()["adoption_percent"] == 60
    refused = client.post("/manage/consultations/rules/adoption_percent", data={"adoption_percent-amount": "100"})
    assert refused.status_code == 400 and "từ 50 đến 99" in refused.get_data(as_text=True)
    assert client.post("/manage/consultations/rules/nonsense", data={}).status_code == 404


def _token(page):
    match = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page) or re.search(
        r'name="csrf_token" value="([^"]+)"', page
    )
    return match.group(1)


def test_forms_need_the_csrf_token(csrf_app, client, notice, official):
    login = client.get("/login").get_data(as_text=True)
    assert (
        client.post(
            "/login", data={"username": official.username, "password": PASSWORD, "csrf_token": _token(login)}
        ).status_code
        == 302
    )
    url = f"/manage/notices/{notice.id}/consultation/edit"
    fields = {
        "question": "Ý kiến về phương án bồi thường?",
        "choice_set": "agree_disagree",
        "starts_on": local_today().strftime("%d/%m/%Y"),
        "ends_on": (local_today() + timedelta(days=29)).strftime("%d/%m/%Y"),
        "scope": "commune",
    }
    assert client.post(url, data=fields).status_code == 400
    assert db.session.scalar(select(Consultation)) is None
    saved = client.post(url, data={**fields, "csrf_token": _token(client.get(url).get_data(as_text=True))})
    assert saved.status_code == 302
    assert db.session.scalar(select(Consultation)) is not None
    # The citizen's form carries its token too; without it nothing is sent.
    page = client.get(f"/notices/{notice.id}").get_data(as_text=True)
    assert 'name="csrf_token"' in page
    assert (
        client.post(
            f"/notices/{notice.id}/consultation/code", data={"choice": "agree", "phone": "0987654321"}
        ).status_code
        == 400
    )
