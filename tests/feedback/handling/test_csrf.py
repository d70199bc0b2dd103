"""With CSRF protection on, as in production: the forms carry their token, a forged post is refused."""

from app.extensions import db
from app.feedback.models import Feedback
from tests.factories import PASSWORD
from tests.feedback.handling.conftest import csrf_token, make_item


def _login(client, user):
    page = client.get("/login").get_data(as_text=True)
    response = client.post(
        "/login", data={"username": user.username, "password": PASSWORD, "csrf_token": csrf_token(page)}
    )
    assert response.status_code == 302


def test_actions_need_the_forms_csrf_token(csrf_app, client, units, official):
    item = make_item(units[1], kind="petition")
    _login(client, official)

    forged = client.post(f"/manage/queue/{item.id}/reject", data={"reject-reason": "Không thuộc thẩm quyền."})
    assert forged.status_code == 400
    db.session.expire_all()
    assert db.session.get(Feedback, item.id).status == "received"

    page = client.get(f"/manage/queue/{item.id}").get_data(as_text=True)
    token = csrf_token(page)
    response = client.post(
        f"/manage/queue/{item.id}/reject",
        data={"reject-csrf_token": token, "reject-reason": "Không thuộc thẩm quyền."},
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Feedback, item.id).status == "rejected"


def test_the_admin_page_forms_carry_tokens(csrf_app, client, admin):
    _login(client, admin)
    page = client.get("/manage/deadlines").get_data(as_text=True)

    response = client.post(
        "/manage/deadlines/overrides",
        data={
            "override-csrf_token": csrf_token(page),
            "override-day": "2026-10-10",
            "override-is_working_day": "1",
            "override-reason": "Làm bù",
        },
    )

    assert response.status_code == 302
    assert client.post("/manage/deadlines/overrides/2026-10-10/delete").status_code == 400
