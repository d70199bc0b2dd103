"""The citizen's form at /feedback/new: who must say who they are, what is refused, what is kept."""

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from app.extensions import db
from app.feedback.models import FeedbackEvent
from app.ledger.models import AuditEntry
from tests.factories import make_notice
from tests.feedback.intake.conftest import (
    ADDRESS,
    EMAIL,
    NAME,
    PHONE_E164,
    counts,
    error_texts,
    form_data,
    identity,
    newest_item,
    photo_bytes,
    upload,
)


def test_form_explains_every_kind_and_lists_communes(client, units):
    page = client.get("/feedback/new").get_data(as_text=True)
    for label, explanation in [
        ("Hỏi đáp", "Trả lời trong 10 ngày làm việc"),
        ("Phản ánh, kiến nghị", "Xã tiếp nhận trong 3 ngày làm việc"),
        ("Yêu cầu cung cấp thông tin", "Luật Tiếp cận thông tin"),
        ("Khiếu nại", "giải quyết trong 30 ngày kể từ khi thụ lý"),
        ("Tố cáo", "danh tính người tố cáo"),
    ]:
        assert label in page and explanation in page
    assert 'type="radio"' in page and "<legend>" in page
    # Grouped by province and kind (test_unit_choice.py checks the groups and their order).
    assert '<optgroup label="Tỉnh Bắc Ninh · Xã">' in page and "Xã Đại Sơn" in page
    assert "20.000 ký tự" in page
    assert "Nghị định 13/2023" in page
    assert 'aria-hidden="true"' in page and 'name="website"' in page


def test_kind_can_be_preselected(client, units):
    page = client.get("/feedback/new?kind=petition").get_data(as_text=True)
    assert 'value="petition" aria-describedby="kind-petition-hint" checked' in page


def test_anonymous_question_is_accepted_and_gets_a_receipt(client, units):
    response = client.post("/feedback/new", data=form_data(units))
    assert response.status_code == 303
    item = newest_item()
    assert item is not None and item.kind == "question" and item.status == "received"
    assert item.unit_id == units[1].id and item.submitter_name == "" and not item.has_consented
    assert response.location.endswith(f"/feedback/submitted/{item.tracking_code}")

    receipt = client.get(response.location).get_data(as_text=True)
    for group in item.tracking_code.split("-"):
        assert f'<span class="code-group">{group}</span>' in receipt
    assert item.resolve_due.strftime("%d/%m/%Y") in receipt
    assert "Ngày làm việc" in receipt or "ngày làm việc" in receipt
    assert f"/track/{item.tracking_code}" in receipt
    assert "chụp màn hình" in receipt


def test_anonymous_petition_is_accepted(client, units):
    assert client.post("/feedback/new", data=form_data(units, kind="petition")).status_code == 303
    item = newest_item()
    assert item.kind == "petition" and item.tracking_code.startswith("PA-")
    assert item.acknowledge_due is not None and item.resolve_due is not None


def test_submission_writes_a_public_received_event_and_an_audit_entry(client, units):
    client.post("/feedback/new", data=form_data(units, **identity()))
    item = newest_item()
    events = db.session.scalars(select(FeedbackEvent).where(FeedbackEvent.feedback_id == item.id)).all()
    assert [(event.action, event.to_status, event.is_public) for event in events] == [("receive", "received", True)]
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "feedback.received"))
    assert entry is not None and entry.object_id == str(item.id)
    # The audit log names the item, never the person.
    assert NAME not in entry.summary and NAME not in str(entry.data)


def test_contact_details_are_kept_with_phone_in_e164(client, units):
    client.post("/feedback/new", data=form_data(units, kind="complaint", **identity()))
    item = newest_item()
    assert (item.submitter_name, item.submitter_phone, item.submitter_email, item.submitter_address) == (
        NAME,
        PHONE_E164,
        EMAIL,
        ADDRESS,
    )
    assert item.has_consented


def test_complaint_without_name_or_address_names_the_missing_fields(client, app, units):
    before = counts(app)
    response = client.post("/feedback/new", data=form_data(units, kind="complaint", phone="0912345678", consent="y"))
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Khiếu nại cần ghi họ và tên người gửi." in error_texts(page)
    assert "Khiếu nại cần ghi địa chỉ để xã gửi văn bản trả lời." in error_texts(page)
    assert 'href="#name"' in page and 'href="#address"' in page
    assert 'aria-describedby="name-error"' in page
    assert counts(app) == before


def test_information_request_needs_a_name_and_a_phone_or_email(client, app, units):
    before = counts(app)
    page = client.post("/feedback/new", data=form_data(units, kind="information_request")).get_data(as_text=True)
    errors = error_texts(page)
    assert "Yêu cầu cung cấp thông tin cần ghi họ và tên người gửi." in errors
    assert any("số điện thoại hoặc email" in error for error in errors)
    assert counts(app) == before
    ok = client.post(
        "/feedback/new", data=form_data(units, kind="information_request", name=NAME, email=EMAIL, consent="y")
    )
    assert ok.status_code == 303


def test_anonymous_denunciation_is_pointed_to_a_petition(client, app, units):
    before = counts(app)
    page = client.post("/feedback/new", data=form_data(units, kind="denunciation")).get_data(as_text=True)
    assert any("Phản ánh, kiến nghị" in error for error in error_texts(page))
    assert counts(app) == before


@pytest.mark.parametrize("detail", ["name", "phone", "email", "address"])
def test_consent_is_required_when_any_personal_detail_is_given(client, app, units, detail):
    before = counts(app)
    details = identity()
    data = form_data(units, **{detail: details[detail]})
    page = client.post("/feedback/new", data=data).get_data(as_text=True)
    assert any("đánh dấu ô đồng ý" in error for error in error_texts(page))
    assert counts(app) == before
    assert client.post("/feedback/new", data={**data, "consent": "y"}).status_code == 303


def test_the_form_keeps_what_was_typed_on_error(client, units):
    page = client.post(
        "/feedback/new", data=form_data(units, kind="complaint", text="Đường thôn Đông bị sụt lún", name=NAME)
    ).get_data(as_text=True)
    assert "Đường thôn Đông bị sụt lún" in page
    assert f'value="{NAME}"' in page
    assert 'value="complaint" aria-describedby="kind-complaint-hint" checked' in page
    assert f'<option value="{units[1].code}" selected>' in page


def test_honeypot_pretends_success_and_stores_nothing(client, app, units):
    before = counts(app)
    response = client.post(
        "/feedback/new",
        data=form_data(units, website="http://spam.example", photos=[upload(photo_bytes())], **identity()),
        content_type="multipart/form-data",
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Cảm ơn bạn" in page
    assert "/track/" not in page and "Mã theo dõi" not in page
    assert counts(app) == before


def _draft_notice(units, official):
    return make_notice(units[1], official, publish=False).id


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"text": ""}, "Vui lòng viết nội dung"),
        ({"text": "   \n  "}, "Vui lòng viết nội dung"),
        ({"text": "ạ" * 100_000}, "Nội dung tối đa 20.000 ký tự; bạn đã viết 100.000 ký tự."),
        ({"kind": "praise"}, "Loại ý kiến không hợp lệ"),
        ({"kind": ""}, "Vui lòng chọn loại ý kiến"),
        ({"unit": "99999"}, "Không có xã, phường mã “99999”"),
        ({"unit": "24"}, "Không có xã, phường mã “24”"),  # a province does not take feedback here
        ({"unit": ""}, "Vui lòng chọn xã, phường"),
        ({"notice": "987654"}, "Không tìm thấy thông báo số 987654"),
        ({"notice": "99999999999999999999"}, "Không tìm thấy thông báo số"),
        ({"phone": "12345", "consent": "y"}, "Số điện thoại không hợp lệ"),
        ({"email": "khong-phai-email", "consent": "y"}, "Email không hợp lệ"),
        ({"text": "Nội dung\x00ẩn"}, "ký tự điều khiển"),
    ],
)
def test_bad_input_gets_a_clear_message_and_stores_nothing(client, app, units, overrides, message):
    before = counts(app)
    response = client.post("/feedback/new", data=form_data(units, **overrides))
    assert response.status_code == 200
    assert any(message in error for error in error_texts(response.get_data(as_text=True))), error_texts(
        response.get_data(as_text=True)
    )
    assert counts(app) == before


def test_a_draft_notice_cannot_be_linked(client, app, units, official):
    draft_id = _draft_notice(units, official)
    before = counts(app)
    page = client.post("/feedback/new", data=form_data(units, notice=str(draft_id))).get_data(as_text=True)
    assert any(f"Không tìm thấy thông báo số {draft_id}" in error for error in error_texts(page))
    assert counts(app) == before
    # Opening the form for a draft does not reveal its title either.
    form_page = client.get(f"/feedback/new?notice={draft_id}").get_data(as_text=True)
    assert "Không tìm thấy thông báo bạn chọn" in form_page
    assert "Kế hoạch thu hồi đất" not in form_page


def test_a_notice_fixes_the_unit_and_is_linked(client, units, notice):
    page = client.get(f"/feedback/new?notice={notice.id}").get_data(as_text=True)
    assert notice.title in page
    assert 'name="unit"' not in page  # no choice: the notice's unit receives it
    assert 'value="question" aria-describedby="kind-question-hint" checked' in page
    response = client.post(
        f"/feedback/new?notice={notice.id}",
        data={"kind": "question", "notice": str(notice.id), "text": "Khi nào đo đạc?"},
    )
    assert response.status_code == 303
    item = newest_item()
    assert item.notice_id == notice.id and item.unit_id == notice.unit_id


def test_a_notice_of_another_commune_cannot_be_sent_elsewhere(client, app, units, notice):
    before = counts(app)
    page = client.post("/feedback/new", data=form_data(units, notice=str(notice.id), unit=units[2].code)).get_data(
        as_text=True
    )
    assert any("Thông báo này của Xã Đại Sơn" in error for error in error_texts(page))
    assert counts(app) == before


def test_due_dates_are_the_deadline_engine_s_for_a_known_day(app, units):
    from app.feedback import intake
    from app.feedback.calendar import initial_due_dates

    # Friday 25 April 2025, 16:00 in Hà Nội, just before the 30/4–1/5 holidays.
    received_at = datetime(2025, 4, 25, 9, 0, tzinfo=UTC)
    # A request context: the engine names weekends through Flask-Babel, whose locale selector reads the request.
    context = app.test_request_context()
    context.push()
    question = intake.submit_feedback(kind="question", unit=units[1], text="Hỏi", received_at=received_at)
    petition = intake.submit_feedback(kind="petition", unit=units[1], text="Phản ánh", received_at=received_at)
    complaint = intake.submit_feedback(
        kind="complaint",
        unit=units[1],
        text="Khiếu nại",
        name=NAME,
        address=ADDRESS,
        phone=PHONE_E164,
        has_consented=True,
        received_at=received_at,
    )
    db.session.commit()
    assert (question.acknowledge_due, question.resolve_due) == initial_due_dates("question", received_at)
    assert (petition.acknowledge_due, petition.resolve_due) == initial_due_dates("petition", received_at)
    assert (complaint.acknowledge_due, complaint.resolve_due) == initial_due_dates("complaint", received_at)
    # Worked by hand: Saturday 26/4/2025 was a make-up working day (for Friday 2/5), so the three working
    # days after the receipt are 26, 28 and 29 April.
    assert petition.acknowledge_due.isoformat() == "2025-04-29"
    assert complaint.resolve_due is None  # runs from acceptance
    assert question.received_at == received_at
    assert question.events[0].created_at == received_at
    context.pop()


def test_line_breaks_count_once_toward_the_length_limit(client, units):
    # 10,000 lines as a browser sends them (CRLF): 19,999 characters once each break counts as one.
    text = "\r\n".join(["a"] * 10_000)
    assert client.post("/feedback/new", data=form_data(units, text=text)).status_code == 303
    assert newest_item().text == "\n".join(["a"] * 10_000)
