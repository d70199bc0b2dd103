"""The officials' services: each action's legal and illegal transitions, and the due dates they store."""

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from app.clock import local_today
from app.extensions import db
from app.feedback import actions, due_dates
from app.feedback.calendar import due_date, load_calendar
from app.feedback.deadlines import (
    CALENDAR_DAYS,
    MAX_DENUNCIATION_EXTENSIONS,
    WORKING_DAYS,
    Rule,
    compute_due_date,
    resume_after_pause,
)
from app.feedback.models import FeedbackEvent
from app.feedback.states import IllegalTransition
from app.ledger.models import AuditEntry
from tests.feedback.handling.conftest import local_noon, make_item, make_notice


def _events(item, action):
    return db.session.scalars(
        select(FeedbackEvent)
        .where(FeedbackEvent.feedback_id == item.id, FeedbackEvent.action == action)
        .order_by(FeedbackEvent.id)
    ).all()


def _audit(action, item=None):
    query = select(AuditEntry).where(AuditEntry.action == action)
    if item is not None:
        query = query.where(AuditEntry.object_type == "Feedback", AuditEntry.object_id == str(item.id))
    return db.session.scalars(query).all()


def _backdate(event, day):
    event.created_at = local_noon(day)
    db.session.commit()


def test_acknowledging_a_complaint_starts_its_resolution_period_today(units, official):
    item = make_item(units[1], kind="complaint")
    assert item.resolve_due is None

    actions.acknowledge(item, official)
    db.session.commit()

    assert item.status == "accepted"
    assert item.resolve_due == due_date("complaint", "resolve", local_today()).due_date
    assert item.acknowledged_at is not None and item.first_response_at == item.acknowledged_at
    assert item.assigned_to_id == official.id
    assert _audit("feedback.acknowledge", item)


def test_a_complex_remote_complaint_gets_sixty_days(units, official):
    item = make_item(units[1], kind="complaint")

    actions.acknowledge(item, official, circumstance="complex_remote")

    assert item.circumstance == "complex_remote"
    expected = compute_due_date(load_calendar(), local_today(), Rule(60, CALENDAR_DAYS)).due_date
    assert item.resolve_due == expected


def test_only_complaints_take_a_circumstance(units, official):
    item = make_item(units[1], kind="petition")

    with pytest.raises(actions.HandlingError):
        actions.acknowledge(item, official, circumstance="complex")
    assert item.status == "received"


def test_acknowledge_keeps_an_existing_handler(units, official, colleague):
    item = make_item(units[1], kind="petition")
    item.assigned_to_id = colleague.id

    actions.acknowledge(item, official)

    assert item.assigned_to_id == colleague.id


def test_reject_needs_a_public_reason(units, official):
    item = make_item(units[1], kind="petition")

    with pytest.raises(actions.HandlingError):
        actions.reject(item, official, "   ")
    event = actions.reject(item, official, "Không thuộc thẩm quyền của UBND xã.")

    assert item.status == "rejected"
    assert event.is_public and event.body == "Không thuộc thẩm quyền của UBND xã."


def test_reply_sanitises_the_answer_and_records_the_times(units, official):
    item = make_item(units[1], kind="question")

    actions.reply(item, official, '<p onclick="x()">Tháng 12 sẽ chi trả.</p><script>alert(1)</script>')

    assert item.status == "answered"
    assert item.answer_html == "<p>Tháng 12 sẽ chi trả.</p>"
    assert item.answered_at is not None and item.first_response_at is not None
    assert item.is_public is False and item.public_question == ""


def test_an_empty_answer_is_refused(units, official):
    item = make_item(units[1], kind="question")

    with pytest.raises(actions.HandlingError):
        actions.reply(item, official, "<p> </p><script>x</script>")
    assert item.status == "received"


def test_a_public_answer_needs_a_question_on_a_notice_and_an_edited_question(units, official):
    notice = make_notice(units[1], official)
    petition = make_item(units[1], kind="petition", notice=notice)
    question = make_item(units[1], kind="question")  # not about a notice
    on_notice = make_item(units[1], kind="question", notice=notice)

    with pytest.raises(actions.HandlingError):
        actions.reply(petition, official, "<p>Trả lời</p>", is_public=True, public_question="Hỏi")
    with pytest.raises(actions.HandlingError):
        actions.reply(question, official, "<p>Trả lời</p>", is_public=True, public_question="Hỏi")
    with pytest.raises(actions.HandlingError):
        actions.reply(on_notice, official, "<p>Trả lời</p>", is_public=True, public_question="  ")

    actions.reply(on_notice, official, "<p>Tháng 12.</p>", is_public=True, public_question="Khi nào chi trả?")
    assert on_notice.is_public and on_notice.public_question == "Khi nào chi trả?"


@pytest.mark.parametrize(
    ("question", "answer", "detail"),
    [
        ("Xin hỏi khi nào chi trả? Tôi là Mai, số 0987 654 321.", "<p>Tháng 12.</p>", "số điện thoại"),
        ("Khi nào chi trả cho hộ NGUYỄN THỊ MAI?", "<p>Tháng 12.</p>", "họ tên"),
        ("Khi nào chi trả?", "<p>Chào bà Nguyễn Thị Mai, tháng 12 xã chi trả.</p>", "họ tên"),
        ("Khi nào chi trả?", "<p>Đã gửi văn bản tới mai@example.vn.</p>", "email"),
        ("Khi nào chi trả? Gọi +84987654321.", "<p>Tháng 12.</p>", "số điện thoại"),
    ],
)
def test_a_public_answer_refuses_the_citizens_own_details(units, official, question, answer, detail):
    notice = make_notice(units[1], official)
    item = make_item(units[1], kind="question", notice=notice)

    with pytest.raises(actions.HandlingError, match=detail):
        actions.reply(item, official, answer, is_public=True, public_question=question)

    assert item.status == "received" and not item.is_public
    actions.reply(item, official, "<p>Chào bà, tháng 12.</p>", is_public=False, public_question=question)
    assert item.status == "answered" and not item.is_public  # a private answer may greet the citizen by name


def test_asking_for_information_pauses_and_the_reply_resumes_with_the_days_left(units, official):
    received = local_today() - timedelta(days=20)
    item = make_item(units[1], kind="petition", received_on=received)
    actions.acknowledge(item, official)
    db.session.commit()
    original_due = item.resolve_due
    paused_on = received + timedelta(days=3)

    actions.request_information(item, official, "Xin cho biết số thửa đất và tờ bản đồ.")
    db.session.commit()
    assert item.status == "waiting_for_citizen" and item.paused_at is not None
    assert item.resolve_due == original_due  # nothing moves while the clock is stopped
    _backdate(_events(item, "request_information")[0], paused_on)

    actions.receive_information(item, official, "Thửa số 120, tờ bản đồ số 7 (qua điện thoại).")
    db.session.commit()

    calendar = load_calendar()
    assert item.status == "accepted" and item.paused_at is None
    assert item.resolve_due == resume_after_pause(calendar, original_due, paused_on, local_today(), WORKING_DAYS)
    assert item.resolve_due > original_due
    # The state change is public; what the citizen said is an internal note.
    assert _events(item, "receive_information")[0].is_public
    note = [event for event in _events(item, "note") if event.data.get("information_received")][0]
    assert note.body.startswith("Thửa số 120") and not note.is_public


def test_a_pause_across_tet_grants_the_remaining_working_days_again(units, official):
    item = make_item(units[1], kind="question", received_on=date(2026, 2, 13))
    assert item.resolve_due == date(2026, 3, 6)
    # History written as it happened: asked on 23/02, the citizen answered on 02/03.
    for action, day in (("request_information", date(2026, 2, 23)), ("receive_information", date(2026, 3, 2))):
        db.session.add(FeedbackEvent(feedback=item, action=action, created_at=local_noon(day), data={}))
    db.session.commit()

    assert due_dates.replay_clock(item).due_dates(load_calendar()) == (None, date(2026, 3, 13))


def test_receiving_information_outside_a_pause_is_illegal(units, official):
    item = make_item(units[1], kind="petition")
    actions.acknowledge(item, official)

    with pytest.raises(IllegalTransition):
        actions.receive_information(item, official, "Thông tin")


def test_forward_moves_the_item_and_restarts_its_periods(units, official):
    item = make_item(units[1], kind="petition", received_on=local_today() - timedelta(days=10))
    actions.acknowledge(item, official)

    actions.forward(item, official, units[2], "Thửa đất thuộc địa bàn xã Sơn Động.")
    db.session.commit()

    assert item.unit_id == units[2].id and item.forwarded_from_id == units[1].id
    assert item.status == "received" and item.assigned_to_id is None and item.acknowledged_at is None
    assert item.acknowledge_due == due_date("petition", "acknowledge", local_today()).due_date
    assert item.resolve_due == due_date("petition", "resolve", local_today()).due_date


def test_forward_refuses_the_same_unit(units, official):
    item = make_item(units[1], kind="petition")

    with pytest.raises(actions.HandlingError):
        actions.forward(item, official, units[1], "Lý do")
    with pytest.raises(actions.HandlingError):
        actions.forward(item, official, None, "Lý do")


def test_forward_external_names_the_agency_publicly(units, official):
    item = make_item(units[1], kind="complaint")

    event = actions.forward_external(item, official, "Tòa án nhân dân khu vực 1", "Tranh chấp dân sự.")

    assert item.status == "forwarded"
    assert "Tòa án nhân dân khu vực 1" in event.body and event.is_public


def test_denunciation_resolution_extends_by_thirty_days_at_most_twice(units, official):
    item = make_item(units[1], kind="denunciation")
    actions.acknowledge(item, official)
    calendar = load_calendar()
    due = item.resolve_due

    for _ in range(MAX_DENUNCIATION_EXTENSIONS):
        actions.extend(item, official, "Vụ việc phức tạp, cần xác minh thêm.")
        due = compute_due_date(calendar, due, Rule(30, CALENDAR_DAYS)).due_date
        assert item.resolve_due == due
    with pytest.raises(actions.HandlingError) as refused:
        actions.extend(item, official, "Lần thứ ba")

    assert "tối đa 2 lần" in refused.value.message
    assert item.extension_count == MAX_DENUNCIATION_EXTENSIONS


def test_information_request_becomes_complex_once(units, official):
    received = local_today() - timedelta(days=1)
    item = make_item(units[1], kind="information_request", received_on=received)
    actions.acknowledge(item, official)

    actions.extend(item, official, "Thông tin cần tổng hợp từ nhiều nguồn.")

    assert item.resolve_due == due_date("information_request", "resolve", received, "complex").due_date
    assert item.circumstance == "complex"
    with pytest.raises(actions.HandlingError):
        actions.extend(item, official, "Lần nữa")


def test_complaint_extension_for_complexity_counts_from_acceptance(units, official):
    item = make_item(units[1], kind="complaint")
    actions.acknowledge(item, official, circumstance="remote")

    actions.extend(item, official, "Phải xác minh tại nhiều nơi.", option="complex")

    assert item.circumstance == "complex_remote"
    assert item.resolve_due == due_date("complaint", "resolve", local_today(), "complex_remote").due_date


def test_questions_and_petitions_cannot_be_extended(units, official):
    item = make_item(units[1], kind="question")
    actions.acknowledge(item, official)

    with pytest.raises(actions.HandlingError) as refused:
        actions.extend(item, official, "Lý do")
    assert "không quy định gia hạn" in refused.value.message
    assert not _events(item, "extend")


def test_extend_needs_a_reason(units, official):
    item = make_item(units[1], kind="denunciation")
    actions.acknowledge(item, official)

    with pytest.raises(actions.HandlingError):
        actions.extend(item, official, "")
    assert item.extension_count == 0


def test_denunciation_acceptance_period_extends_by_three_working_days_once(units, official):
    received = local_today() - timedelta(days=1)
    item = make_item(units[1], kind="denunciation", received_on=received)

    actions.extend(item, official, "Cần xác minh tại nhiều địa điểm.")

    assert item.acknowledge_due == due_date("denunciation", "acknowledge", received, "extended").due_date
    assert not actions.extension_options(item)


def test_close_and_reopen_restart_the_resolution_period(units, official):
    item = make_item(units[1], kind="petition", received_on=local_today() - timedelta(days=30))
    actions.reply(item, official, "<p>Đã sửa xong.</p>")
    actions.close(item, official)
    assert item.status == "closed" and item.closed_at is not None

    actions.reopen(item, official, "Người dân báo đường lại hỏng.")
    db.session.commit()

    assert item.status == "reopened" and item.reopen_count == 1 and item.closed_at is None
    assert item.resolve_due == due_date("petition", "resolve", local_today()).due_date


@pytest.mark.parametrize(
    ("setup", "action"),
    [
        ([], lambda item, user: actions.close(item, user)),
        ([], lambda item, user: actions.reopen(item, user, "Lý do")),
        (["reply", "close"], lambda item, user: actions.reply(item, user, "<p>Lần nữa</p>")),
        (["reply", "close"], lambda item, user: actions.acknowledge(item, user)),
        (["reject"], lambda item, user: actions.request_information(item, user, "Bổ sung")),
        (["request_information"], lambda item, user: actions.reply(item, user, "<p>Trả lời</p>")),
        (["acknowledge"], lambda item, user: actions.acknowledge(item, user)),
        (["forward_external"], lambda item, user: actions.forward(item, user, None, "Lý do")),
    ],
)
def test_illegal_transitions_raise_and_change_nothing(units, official, setup, action):
    item = make_item(units[1], kind="petition")
    steps = {
        "reply": lambda: actions.reply(item, official, "<p>Trả lời</p>"),
        "close": lambda: actions.close(item, official),
        "reject": lambda: actions.reject(item, official, "Lý do"),
        "request_information": lambda: actions.request_information(item, official, "Bổ sung"),
        "acknowledge": lambda: actions.acknowledge(item, official),
        "forward_external": lambda: actions.forward_external(item, official, "Công an tỉnh", "Lý do"),
    }
    for step in setup:
        steps[step]()
    db.session.commit()
    before = (item.status, item.acknowledge_due, item.resolve_due, len(item.events))

    with pytest.raises(IllegalTransition):
        action(item, official)
    db.session.rollback()

    assert (item.status, item.acknowledge_due, item.resolve_due, len(item.events)) == before


def test_notes_are_internal(units, official):
    item = make_item(units[1], kind="petition")

    event = actions.add_note(item, official, "Đã gọi điện cho trưởng thôn.")

    assert event.action == "note" and not event.is_public and item.status == "received"
    with pytest.raises(actions.HandlingError):
        actions.add_note(item, official, " ")


def test_every_action_writes_an_audit_entry(units, official):
    item = make_item(units[1], kind="petition")
    actions.acknowledge(item, official)
    actions.add_note(item, official, "Ghi chú")
    actions.reply(item, official, "<p>Trả lời</p>")
    actions.close(item, official)
    db.session.commit()

    audited = {entry.action for entry in _audit("feedback.acknowledge") + _audit("feedback.note")}
    audited |= {entry.action for entry in _audit("feedback.reply") + _audit("feedback.close")}
    assert audited == {"feedback.acknowledge", "feedback.note", "feedback.reply", "feedback.close"}
