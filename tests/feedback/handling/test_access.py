"""Who may open and act on the queue: the item's commune, inspectors read only, nobody else."""

import io

import pytest
from PIL import Image
from sqlalchemy import func, select

from app.extensions import db
from app.feedback import actions
from app.feedback.intake import attach_photos
from app.feedback.models import FeedbackEvent
from app.feedback.photos import clean_photo
from app.feedback.sealing import key_line
from app.feedback.unit_keys import register_new_key
from app.ledger.models import AuditEntry
from tests.feedback.handling.conftest import CITIZEN, make_item

ACTIONS = [
    ("acknowledge", {}),
    ("reject", {"reject-reason": "Lý do"}),
    ("request-information", {"request_information-message": "Bổ sung"}),
    ("receive-information", {"receive_information-text": "Thông tin"}),
    ("reply", {"reply-answer_html": "<p>Trả lời</p>"}),
    ("forward", {"forward_internal-target_unit": "07615", "forward_internal-reason": "Lý do"}),
    ("forward-external", {"forward_external-agency_name": "Công an", "forward_external-reason": "Lý do"}),
    ("extend", {"extend-option": "resolve", "extend-reason": "Lý do"}),
    ("close", {}),
    ("reopen", {"reopen-reason": "Lý do"}),
    ("notes", {"note-text": "Ghi chú"}),
]


def _png():
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 30, 30)).save(buffer, "PNG")
    return buffer.getvalue()


@pytest.fixture
def item(units):
    """A petition of commune A with one photo."""
    item = make_item(units[1], kind="petition")
    attach_photos(item, [clean_photo(_png())])
    db.session.commit()
    return item


def _get_routes(item):
    photo = item.photos[0]
    return [f"/manage/queue/{item.id}", f"/manage/queue/{item.id}/photos/{photo.id}"]


def _event_count(item):
    db.session.expire_all()
    return db.session.scalar(
        select(func.count()).select_from(FeedbackEvent).where(FeedbackEvent.feedback_id == item.id)
    )


def test_anonymous_visitors_are_sent_to_login(client, item):
    for path in ["/manage/queue", "/manage/deadlines", *_get_routes(item)]:
        response = client.get(path)
        assert response.status_code == 302 and "/login" in response.headers["Location"], path
    for path, data in ACTIONS:
        response = client.post(f"/manage/queue/{item.id}/{path}", data=data)
        assert response.status_code == 302 and "/login" in response.headers["Location"], path
    assert _event_count(item) == 1


def test_another_communes_official_gets_403_everywhere(client, login, item, official_b):
    login(official_b)

    for path in _get_routes(item):
        assert client.get(path).status_code == 403, path
    for path, data in ACTIONS:
        assert client.post(f"/manage/queue/{item.id}/{path}", data=data).status_code == 403, path
    assert item.tracking_code not in client.get("/manage/queue").get_data(as_text=True)
    assert client.get("/manage/queue?unit=07627").status_code == 403
    assert _event_count(item) == 1


def test_inspectors_read_but_never_act(client, login, item, inspector):
    login(inspector)

    for path in _get_routes(item):
        assert client.get(path).status_code == 200, path
    assert item.tracking_code in client.get("/manage/queue").get_data(as_text=True)
    for path, data in ACTIONS:
        assert client.post(f"/manage/queue/{item.id}/{path}", data=data).status_code == 403, path
    page = client.get(f"/manage/queue/{item.id}").get_data(as_text=True)
    assert "Bạn chỉ được xem ý kiến này." in page and '<form method="post" class="action-form"' not in page
    assert 'href="tel:+84987654321"' not in page and CITIZEN["email"] not in page
    assert _event_count(item) == 1


def test_the_communes_official_sees_the_photo_privately(client, login, item, official):
    login(official)

    response = client.get(_get_routes(item)[1])

    assert response.status_code == 200 and response.mimetype == "image/png"
    assert "no-store" in response.headers["Cache-Control"] and "private" in response.headers["Cache-Control"]
    assert client.get(f"/manage/queue/{item.id}/photos/999999").status_code == 404


def test_unknown_items_are_404(client, login, official):
    login(official)

    assert client.get("/manage/queue/999999").status_code == 404
    assert client.get("/manage/queue/99999999999").status_code == 404
    assert client.post("/manage/queue/999999/acknowledge").status_code == 404


def test_only_admins_manage_deadline_rules(client, login, auth, official, inspector, admin):
    for user in (official, inspector):
        login(user)
        assert client.get("/manage/deadlines").status_code == 403
        assert client.post("/manage/deadlines/overrides", data={}).status_code == 403
        auth.logout()
    login(admin)
    assert client.get("/manage/deadlines").status_code == 200


# --- a denouncer's identity -------------------------------------------------------------------


@pytest.fixture
def province_key(units):
    """The province's key pair: the commune has none, so its denunciations are sealed to this one."""
    _key, private_key = register_new_key(units[0])
    db.session.commit()
    return private_key


@pytest.fixture
def denunciation(units, province_key):
    return make_item(
        units[1],
        kind="denunciation",
        text="Cán bộ địa chính thu tiền trái phép khi cấp giấy chứng nhận.",
        name="Trần Văn Tố",
        address="Xóm Chùa, thôn Đồng Đình",
    )


def _identity_views(item):
    events = db.session.scalars(
        select(FeedbackEvent).where(FeedbackEvent.feedback_id == item.id).order_by(FeedbackEvent.id)
    ).all()
    return [event for event in events if (event.data or {}).get("identity_viewed")]


def _unseal(client, item, private_key, reason="Xác minh nội dung tố cáo"):
    data = {"key_file": (io.BytesIO(key_line(private_key).encode()), "xa.key"), "reason": reason}
    return client.post(f"/manage/queue/{item.id}/identity", data=data, content_type="multipart/form-data")


def test_a_denouncers_identity_is_hidden_from_officials_not_assigned(
    client, login, denunciation, official, colleague, province_key
):
    actions.acknowledge(denunciation, official)  # official becomes the handler
    db.session.commit()
    login(colleague)

    page = client.get(f"/manage/queue/{denunciation.id}").get_data(as_text=True)

    assert "Danh tính được niêm phong" in page
    assert "Trần Văn Tố" not in page and "Xóm Chùa" not in page and "0987 654 321" not in page
    assert "Xem danh tính người tố cáo" not in page
    assert _unseal(client, denunciation, province_key).status_code == 403  # even with the key
    assert _identity_views(denunciation) == []


def test_the_handler_opens_the_identity_with_the_key_and_every_view_is_recorded(
    client, login, denunciation, official, province_key
):
    actions.acknowledge(denunciation, official)
    db.session.commit()
    login(official)

    page = client.get(f"/manage/queue/{denunciation.id}").get_data(as_text=True)
    assert "Trần Văn Tố" not in page and "Xem danh tính người tố cáo" in page
    assert _identity_views(denunciation) == []

    for number in (1, 2):
        response = _unseal(client, denunciation, province_key, reason=f"Lần {number}")
        page = response.get_data(as_text=True)
        assert response.status_code == 200 and "no-store" in response.headers["Cache-Control"]
        assert "Trần Văn Tố" in page and "Xóm Chùa, thôn Đồng Đình" in page and "0987 654 321" in page
        views = _identity_views(denunciation)
        assert len(views) == number and views[-1].actor_id == official.id and not views[-1].is_public
        assert views[-1].data["reason"] == f"Lần {number}"
    audit = db.session.scalars(
        select(AuditEntry)
        .where(AuditEntry.object_id == str(denunciation.id), AuditEntry.action == "feedback.note")
        .order_by(AuditEntry.id)
    ).all()
    assert [entry.data["reason"] for entry in audit if entry.data.get("identity_viewed")] == ["Lần 1", "Lần 2"]
    assert "Xem danh tính người gửi" in page  # the history names each view
    # The next page is sealed again: nothing of the opened identity was kept.
    assert "Trần Văn Tố" not in client.get(f"/manage/queue/{denunciation.id}").get_data(as_text=True)


def test_nobody_sees_an_unassigned_denouncers_identity(
    client, login, auth, denunciation, official, admin, inspector, province_key
):
    for user in (official, admin, inspector):
        login(user)
        page = client.get(f"/manage/queue/{denunciation.id}").get_data(as_text=True)
        assert "Danh tính được niêm phong" in page and "Trần Văn Tố" not in page
        assert _unseal(client, denunciation, province_key).status_code == 403
        auth.logout()
    assert _identity_views(denunciation) == []


def test_other_kinds_show_contact_details_to_the_communes_staff(client, login, item, official):
    login(official)

    page = client.get(f"/manage/queue/{item.id}").get_data(as_text=True)

    assert CITIZEN["name"] in page and "0987 654 321" in page and CITIZEN["email"] in page
    assert _identity_views(item) == []
