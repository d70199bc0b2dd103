"""The item page: opening a sealed identity with the key, complaints shown on request, forwarding re-seals."""

import json

import pytest
from sqlalchemy import select

from app.extensions import db
from app.feedback import actions, identities, resealing, sealing
from app.feedback.intake import submit_feedback
from app.feedback.models import Feedback, FeedbackEvent
from app.ledger.models import AuditEntry
from tests.factories import make_unit, make_user
from tests.feedback.identity.conftest import unseal

CITIZEN = {
    "name": "Vũ Thị Ornwell",
    "phone": "+84904111222",
    "email": "ornwell@example.vn",
    "address": "Xóm Đình, thôn Hạ",
    "id_number": "027192004321",
}


def submit(unit, kind="denunciation"):
    item = submit_feedback(kind=kind, unit=unit, text="Nội dung đơn.", has_consented=True, **CITIZEN)
    db.session.commit()
    return item


def identity_views(item):
    events = db.session.scalars(
        select(FeedbackEvent).where(FeedbackEvent.feedback_id == item.id).order_by(FeedbackEvent.id)
    ).all()
    return [event for event in events if (event.data or {}).get("identity_viewed")]


@pytest.fixture
def denunciation(units, keys, official):
    item = submit(units[1])
    actions.acknowledge(item, official)  # the official becomes its handler
    db.session.commit()
    return item


def test_a_wrong_or_missing_key_is_a_vietnamese_message_not_a_500(client, login, denunciation, official, keys):
    login(official)

    wrong = unseal(client, denunciation, keys["province"])
    garbage = unseal(client, denunciation, text="đây không phải khóa")
    missing = unseal(client, denunciation)
    no_reason = unseal(client, denunciation, keys["a"], reason="")

    assert wrong.status_code == 422 and "no-store" in wrong.headers["Cache-Control"]
    page = wrong.get_data(as_text=True)
    assert "Khóa này không mở được danh tính" in page and "Xã Đại Sơn" in page
    assert "Không đọc được khóa bí mật" in garbage.get_data(as_text=True) and garbage.status_code == 422
    assert "hãy chọn tệp khóa bí mật" in missing.get_data(as_text=True) and missing.status_code == 422
    assert "Vui lòng ghi lý do xem danh tính" in no_reason.get_data(as_text=True) and no_reason.status_code == 422
    for response in (wrong, garbage, missing, no_reason):
        assert "Ornwell" not in response.get_data(as_text=True)
    assert identity_views(denunciation) == []


def test_the_key_may_be_pasted_as_the_qr_code_reads_it(client, login, denunciation, official, keys):
    login(official)

    response = unseal(client, denunciation, text=keys["a"].line, reason="Gọi điện xác minh")

    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "Vũ Thị Ornwell" in page and "027192004321" in page
    assert "ornwell@example.vn" in page and "Xóm Đình, thôn Hạ" in page
    assert identity_views(denunciation)[0].data["reason"] == "Gọi điện xác minh"


def test_the_old_get_link_shows_nothing(client, login, denunciation, official):
    login(official)
    page = client.get(f"/manage/queue/{denunciation.id}?identity=1").get_data(as_text=True)
    assert "Ornwell" not in page and "Danh tính được niêm phong" in page
    assert identity_views(denunciation) == []


# --- complaints: the assigned handler and the unit's leader, every view recorded ------------------------------


@pytest.fixture
def complaint(units, official):
    item = submit(units[1], kind="complaint")
    actions.acknowledge(item, official)
    db.session.commit()
    return item


def test_a_complaints_identity_is_shown_on_request_to_the_handler_and_the_leader_only(
    client, login, units, complaint, official, colleague, leader, inspector
):
    province_leader = make_user("leader", units[0], username="lanhdao.tinh")  # a leader, but not of the unit
    for user in (colleague, inspector, province_leader):
        login(user)
        page = client.get(f"/manage/queue/{complaint.id}").get_data(as_text=True)
        assert "Ornwell" not in page and "Xem danh tính người khiếu nại" not in page
        assert unseal(client, complaint, reason="Tò mò").status_code == 403

    for user, reason in ((official, "Liên hệ hẹn lịch đối thoại"), (leader, "Ký văn bản thụ lý")):
        login(user)
        page = client.get(f"/manage/queue/{complaint.id}").get_data(as_text=True)
        assert "Ornwell" not in page and "Xem danh tính người khiếu nại" in page
        response = unseal(client, complaint, reason=reason)  # in clear: no key needed
        assert response.status_code == 200 and "Vũ Thị Ornwell" in response.get_data(as_text=True)

    audit = db.session.scalars(
        select(AuditEntry)
        .where(AuditEntry.object_id == str(complaint.id), AuditEntry.action == "feedback.note")
        .order_by(AuditEntry.id)
    ).all()
    assert [(entry.actor_id, entry.data["reason"]) for entry in audit] == [
        (official.id, "Liên hệ hẹn lịch đối thoại"),
        (leader.id, "Ký văn bản thụ lý"),
    ]


def test_other_kinds_still_show_the_contact_to_the_units_staff(client, login, units, colleague):
    item = submit(units[1], kind="petition")
    login(colleague)
    page = client.get(f"/manage/queue/{item.id}").get_data(as_text=True)
    assert "Vũ Thị Ornwell" in page and identity_views(item) == []
    assert item.submitter_id_number == ""  # a petition keeps no CCCD


# --- forwarding re-seals for the receiving unit, through the handler's key -------------------------------------


def forward(client, item, target, key=None):
    data = {"forward_internal-target_unit": target.code, "forward_internal-reason": "Không thuộc thẩm quyền của xã"}
    if key is not None:
        data["forward_internal-key_file"] = key.upload()
    return client.post(f"/manage/queue/{item.id}/forward", data=data, content_type="multipart/form-data")


def test_forwarding_a_sealed_denunciation_needs_the_key_and_seals_it_for_the_receiving_unit(
    client, login, units, denunciation, official, official_b, keys
):
    login(official)
    page = client.get(f"/manage/queue/{denunciation.id}").get_data(as_text=True)
    assert 'name="forward_internal-key_file"' in page

    refused = forward(client, denunciation, units[2])
    assert refused.status_code == 302
    assert "cán bộ giữ khóa phải chọn tệp khóa" in client.get(refused.location).get_data(as_text=True)
    wrong = forward(client, denunciation, units[2], keys["province"])
    assert "Khóa này không mở được" in client.get(wrong.location).get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Feedback, denunciation.id).unit_id == units[1].id

    done = forward(client, denunciation, units[2], keys["a"])
    assert done.status_code == 302
    db.session.expire_all()
    item = db.session.get(Feedback, denunciation.id)
    # Commune B has no key of its own: the item is now sealed to the province's, and commune A's no longer opens it.
    assert item.unit_id == units[2].id and item.sealed_key_fingerprint == keys["province"].row.fingerprint
    with pytest.raises(identities.IdentityError):
        identities.open_identity(item, keys["a"].private_key)
    resealed = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "identity.resealed"))
    assert resealed.actor_id == official.id and resealed.data["to_key"] == keys["province"].row.fingerprint

    actions.acknowledge(item, official_b)
    db.session.commit()
    login(official_b)
    response = unseal(client, item, keys["province"], reason="Đơn vị mới giải quyết")
    assert response.status_code == 200 and "Vũ Thị Ornwell" in response.get_data(as_text=True)


def test_forwarding_to_a_unit_sealing_with_the_same_key_needs_no_key(units, keys, official_b):
    commune_c = make_unit("07630", "Xã Tuấn Đạo", "commune", units[0])
    item = submit(units[2])  # commune B seals with the province's key, like commune C
    assert not resealing.needs_reseal(item, commune_c) and resealing.needs_reseal(item, units[1])
    actions.forward(item, official_b, commune_c, "Chuyển đúng địa bàn")
    db.session.commit()
    assert item.unit_id == commune_c.id and item.sealed_key_fingerprint == keys["province"].row.fingerprint
    assert identities.open_identity(item, keys["province"].private_key).name == "Vũ Thị Ornwell"


def test_reseal_is_a_service_the_forward_form_uses(units, keys, official):
    item = submit(units[2])
    with pytest.raises(identities.IdentityError):
        resealing.reseal(item, keys["a"].private_key, units[1], official)
    assert resealing.reseal(item, keys["province"].private_key, units[1], official, "Lý do")
    assert item.sealed_key_fingerprint == keys["a"].row.fingerprint
    assert identities.open_identity(item, keys["a"].private_key).id_number == "027192004321"


# --- in the browser: the server hands over the sealed boxes, never asking for the key ---------------------------


def test_the_browser_gets_the_sealed_identity_as_stored_with_the_reason_recorded(
    client, login, denunciation, official, colleague, keys
):
    url = f"/manage/queue/{denunciation.id}/identity/sealed"
    login(colleague)  # not its handler
    refused = client.post(url, data={"reason": "Tò mò"})
    assert refused.status_code == 403 and "Chỉ cán bộ được phân công" in refused.get_json()["message"]
    login(official)
    missing = client.post(url, data={"reason": "  "})
    assert missing.status_code == 422 and "Vui lòng ghi lý do" in missing.get_json()["errors"]["reason"]
    assert identity_views(denunciation) == []

    answer = client.post(url, data={"reason": "Mời người tố cáo làm việc"})
    assert answer.status_code == 200 and answer.headers["Cache-Control"] == "no-store"
    body = answer.get_json()
    assert body["identity"] == denunciation.sealed_identity and body["clear_identity"] is None
    assert body["key"] == keys["a"].row.fingerprint and body["photos"] == []
    assert "Ornwell" not in answer.get_data(as_text=True)  # sealed: only the key's holder reads it
    assert sealing.open_sealed(body["identity"], keys["a"].private_key).name == "Vũ Thị Ornwell"
    [view] = identity_views(denunciation)
    assert view.actor_id == official.id and view.body == "Mời người tố cáo làm việc"
    assert view.data["opened_in"] == "browser" and view.data["key"] == keys["a"].row.fingerprint


def test_an_item_with_nothing_sealed_has_no_sealed_boxes_to_hand_over(client, login, units, official):
    complaint = submit(units[1], kind="complaint")
    actions.acknowledge(complaint, official)
    db.session.commit()
    login(official)
    answer = client.post(f"/manage/queue/{complaint.id}/identity/sealed", data={"reason": "Xem"})
    assert answer.status_code == 409 and "không được niêm phong" in answer.get_json()["message"]
    assert identity_views(complaint) == []


def _resealed(item, private_key, target_key, **changes):
    """What the forward form's script sends: the identity opened with the key and sealed for the target."""
    identity = identities.open_identity(item, private_key)
    value = {"fingerprint": target_key.fingerprint, "identity": sealing.seal(identity, target_key.public_key)}
    return json.dumps({**value, "photos": [], **changes})


def test_forwarding_with_boxes_sealed_again_in_the_browser_takes_no_key(
    client, login, units, denunciation, official, official_b, keys
):
    login(official_b)  # another commune's official: not theirs to forward
    assert client.get(f"/manage/queue/{denunciation.id}/forward-key?unit={units[2].code}").status_code == 403
    login(official)
    unknown = client.get(f"/manage/queue/{denunciation.id}/forward-key?unit=99999")
    assert unknown.status_code == 404 and "Không tìm thấy đơn vị nhận" in unknown.get_json()["message"]
    target_key = keys["province"].row  # commune B has no key: it seals with the province's
    key_answer = client.get(f"/manage/queue/{denunciation.id}/forward-key?unit={units[2].code}").get_json()
    assert key_answer == {
        "unit": units[2].code,
        "needs_reseal": True,
        "fingerprint": target_key.fingerprint,
        "public_key": target_key.public_key,
    }
    url = f"/manage/queue/{denunciation.id}/forward"
    form = {"forward_internal-target_unit": units[2].code, "forward_internal-reason": "Không thuộc thẩm quyền"}
    truncated = sealing.seal(sealing.Identity(name="Vũ"), target_key.public_key)  # another length: not the same text
    for bad in (
        _resealed(denunciation, keys["a"].private_key, target_key, fingerprint=keys["a"].row.fingerprint),
        _resealed(denunciation, keys["a"].private_key, target_key, identity=truncated),
        "{not json",
    ):
        refused = client.post(url, data={**form, "forward_internal-resealed": bad})
        assert "không khớp với hồ sơ" in client.get(refused.location).get_data(as_text=True)
        db.session.expire_all()
        assert db.session.get(Feedback, denunciation.id).unit_id == units[1].id

    done = client.post(
        url, data={**form, "forward_internal-resealed": _resealed(denunciation, keys["a"].private_key, target_key)}
    )
    assert done.status_code == 302
    db.session.expire_all()
    item = db.session.get(Feedback, denunciation.id)
    assert item.unit_id == units[2].id and item.sealed_key_fingerprint == target_key.fingerprint
    assert identities.open_identity(item, keys["province"].private_key).name == "Vũ Thị Ornwell"
    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "identity.resealed")).one()
    assert entry.data["in_browser"] is True and entry.data["to_key"] == target_key.fingerprint
