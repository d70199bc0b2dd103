"""The queue pages and the action routes: legal steps, refused steps, bad input, flags and filters."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app.clock import local_today
from app.extensions import db
from app.feedback import actions
from app.feedback.models import Feedback, FeedbackEvent
from tests.feedback.handling.conftest import make_item, make_notice

ANSWER = "<p>UBND xã sẽ chi trả trong tháng 12.</p>"


def _post(client, item, path, data=None):
    return client.post(f"/manage/queue/{item.id}/{path}", data=data or {})


def _reload(item):
    db.session.expire_all()
    return db.session.get(Feedback, item.id)


def _event_count(item):
    return db.session.scalar(
        select(func.count()).select_from(FeedbackEvent).where(FeedbackEvent.feedback_id == item.id)
    )


def test_every_action_through_the_routes(client, login, units, official):
    login(official)
    item = make_item(units[1], kind="denunciation")
    steps = [
        ("acknowledge", {}, "accepted"),
        (
            "request-information",
            {"request_information-message": "Xin cho biết thời gian cụ thể."},
            "waiting_for_citizen",
        ),
        ("receive-information", {"receive_information-text": "Khoảng tháng 9 (qua điện thoại)."}, "accepted"),
        ("extend", {"extend-option": "resolve", "extend-reason": "Cần xác minh thêm."}, "accepted"),
        ("notes", {"note-text": "Đã báo cáo Chủ tịch xã."}, "accepted"),
        ("reply", {"reply-answer_html": ANSWER}, "answered"),
        ("close", {}, "closed"),
        ("reopen", {"reopen-reason": "Người tố cáo có thêm chứng cứ."}, "reopened"),
        ("reject", {"reject-reason": "Đã được cơ quan khác giải quyết."}, "rejected"),
    ]
    for path, data, status in steps:
        response = _post(client, item, path, data)
        assert response.status_code == 302, (path, response.get_data(as_text=True)[:2000])
        assert response.headers["Location"].endswith(f"/manage/queue/{item.id}")
        assert _reload(item).status == status, path
    page = client.get(f"/manage/queue/{item.id}").get_data(as_text=True)
    assert "Đã báo cáo Chủ tịch xã." in page and "Cần xác minh thêm." in page
    assert "UBND xã sẽ chi trả trong tháng 12." in page


def test_forward_moves_the_item_to_the_other_units_queue(client, login, auth, units, official, official_b):
    item = make_item(units[1], kind="petition")
    login(official)

    response = _post(
        client, item, "forward", {"forward_internal-target_unit": units[2].code, "forward_internal-reason": "Địa bàn."}
    )

    assert response.status_code == 302 and response.headers["Location"].endswith("/manage/queue")
    item = _reload(item)
    assert item.unit_id == units[2].id and item.status == "received"
    assert item.tracking_code not in client.get("/manage/queue").get_data(as_text=True)
    assert client.get(f"/manage/queue/{item.id}").status_code == 403
    auth.logout()
    login(official_b)
    queue = client.get("/manage/queue").get_data(as_text=True)
    assert item.tracking_code in queue
    assert "Xã Đại Sơn" in client.get(f"/manage/queue/{item.id}").get_data(as_text=True)  # forwarded from


def test_forward_external_and_close(client, login, units, official):
    item = make_item(units[1], kind="complaint")
    login(official)

    _post(
        client,
        item,
        "forward-external",
        {"forward_external-agency_name": "Công an tỉnh", "forward_external-reason": "Có dấu hiệu hình sự."},
    )
    assert _reload(item).status == "forwarded"
    _post(client, item, "close")
    assert _reload(item).status == "closed"


@pytest.mark.parametrize(
    ("path", "data"),
    [
        ("close", {}),
        ("reopen", {"reopen-reason": "Lý do"}),
        ("receive-information", {"receive_information-text": "Thông tin"}),
    ],
)
def test_an_action_the_status_does_not_allow_is_explained_and_changes_nothing(
    client, login, units, official, path, data
):
    item = make_item(units[1], kind="denunciation")
    login(official)
    before = _event_count(item)

    response = _post(client, item, path, data)

    assert response.status_code == 302
    assert _reload(item).status == "received" and _event_count(item) == before
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "không thực hiện được thao tác này" in page


def test_a_second_click_is_refused_politely(client, login, units, official):
    item = make_item(units[1], kind="petition")
    login(official)

    _post(client, item, "reply", {"reply-answer_html": ANSWER})
    response = _post(client, item, "reply", {"reply-answer_html": "<p>Lần hai</p>"})

    assert response.status_code == 302
    assert _reload(item).answer_html == ANSWER
    assert "Đã trả lời" in client.get(response.headers["Location"]).get_data(as_text=True)


def test_extending_a_question_says_the_law_does_not_allow_it(client, login, units, official):
    item = make_item(units[1], kind="question")
    login(official)
    _post(client, item, "acknowledge")

    response = _post(client, item, "extend", {"extend-reason": "Lý do"})

    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "không quy định gia hạn" in page
    assert _reload(item).extension_count == 0


@pytest.mark.parametrize(
    ("path", "data", "message"),
    [
        ("reject", {"reject-reason": ""}, "Vui lòng nêu lý do không thụ lý"),
        ("request-information", {"request_information-message": "  "}, "cần người gửi bổ sung"),
        ("reply", {"reply-answer_html": ""}, "Vui lòng nhập nội dung trả lời"),
        ("reply", {"reply-answer_html": "<script>x()</script>"}, "chưa có chữ"),
        ("reply", {"reply-answer_html": "x" * 100_001}, "tối đa 100.000 ký tự"),
        (
            "forward",
            {"forward_internal-target_unit": "99999", "forward_internal-reason": "Lý do"},
            "Hãy chọn đơn vị nhận",
        ),
        (
            "forward",
            {"forward_internal-target_unit": "07615", "forward_internal-reason": ""},
            "Vui lòng nêu lý do chuyển",
        ),
        ("forward-external", {"forward_external-agency_name": "", "forward_external-reason": "x"}, "tên cơ quan nhận"),
        ("notes", {"note-text": "a\x00b"}, "ký tự điều khiển"),
    ],
)
def test_bad_input_shows_what_to_fix_and_saves_nothing(client, login, units, official, path, data, message):
    item = make_item(units[1], kind="petition")
    login(official)
    before = _event_count(item)

    response = _post(client, item, path, data)

    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    assert _reload(item).status == "received" and _event_count(item) == before


def test_an_unknown_circumstance_is_refused(client, login, units, official):
    item = make_item(units[1], kind="complaint")
    login(official)

    response = _post(client, item, "acknowledge", {"acknowledge-circumstance": "bogus"})

    assert response.status_code == 200 and "Hãy chọn một trường hợp" in response.get_data(as_text=True)
    assert _reload(item).status == "received"


def test_a_circumstance_on_a_petition_is_refused(client, login, units, official):
    item = make_item(units[1], kind="petition")
    login(official)

    response = _post(client, item, "acknowledge", {"acknowledge-circumstance": "complex"})

    assert "Chỉ khiếu nại" in client.get(response.headers["Location"]).get_data(as_text=True)
    assert _reload(item).status == "received"


def test_public_reply_form_is_prefilled_with_the_question_to_edit(client, login, units, official):
    notice = make_notice(units[1], official)
    item = make_item(units[1], kind="question", notice=notice, text="Nhà tôi ở số 5 có được đền bù không?")
    login(official)

    page = client.get(f"/manage/queue/{item.id}").get_data(as_text=True)

    assert "Công khai câu hỏi và câu trả lời" in page
    assert 'name="reply-public_question"' in page and "Nhà tôi ở số 5 có được đền bù không?" in page
    response = _post(
        client, item, "reply", {"reply-answer_html": ANSWER, "reply-is_public": "y", "reply-public_question": ""}
    )
    assert response.status_code == 200 and "câu hỏi đã biên tập" in response.get_data(as_text=True)
    assert _reload(item).status == "received"


def test_item_page_shows_history_with_names_times_and_internal_notes(client, login, units, official):
    item = make_item(units[1], kind="petition")
    actions.acknowledge(item, official)
    actions.add_note(item, official, "Chỉ cán bộ xem ghi chú này.")
    db.session.commit()
    login(official)

    page = client.get(f"/manage/queue/{item.id}").get_data(as_text=True)

    assert official.display_name in page and "Chỉ cán bộ xem ghi chú này." in page
    assert "Nội bộ" in page and "Thụ lý" in page
    assert item.text.split("?")[0] in page


def test_citizen_text_is_escaped(client, login, units, official):
    item = make_item(units[1], kind="petition", text='<script>alert("x")</script> Đường hỏng')
    login(official)

    page = client.get(f"/manage/queue/{item.id}").get_data(as_text=True)

    assert '<script>alert("x")</script>' not in page and "&lt;script&gt;" in page


def test_due_dates_show_the_skipped_days(client, login, units, official):
    from datetime import date

    item = make_item(units[1], kind="question", received_on=date(2026, 2, 13))
    login(official)

    page = client.get(f"/manage/queue/{item.id}").get_data(as_text=True)

    assert "06/03/2026" in page and "17/02/2026: Tết Nguyên Đán" in page


def test_queue_lists_open_items_by_nearest_due_date_with_flags(client, login, units, official):
    today = local_today()
    late = make_item(units[1], kind="question", received_on=today - timedelta(days=30))
    soon = make_item(units[1], kind="petition", received_on=today - timedelta(days=1))
    soon.acknowledge_due = today  # due today: the last day is still in time, and due soon
    later = make_item(units[1], kind="question", received_on=today)
    done = make_item(units[1], kind="question", received_on=today - timedelta(days=40))
    actions.reply(done, official, ANSWER)
    waiting = make_item(units[1], kind="petition", received_on=today - timedelta(days=40))
    actions.request_information(waiting, official, "Bổ sung")
    db.session.commit()
    login(official)

    page = client.get("/manage/queue").get_data(as_text=True)

    positions = [page.index(item.tracking_code) for item in (late, soon, later, done)]
    assert positions == sorted(positions)
    row = page[page.index(late.tracking_code) :]
    assert "Quá hạn" in row[: row.index("</tr>")]
    row = page[page.index(waiting.tracking_code) :]
    assert "Tạm dừng tính hạn" in row[: row.index("</tr>")] and "Quá hạn" not in row[: row.index("</tr>")]
    assert "Sắp đến hạn" in page


def test_due_soon_means_within_two_working_days(app, units, official):
    from app.feedback.calendar import load_calendar
    from app.feedback.deadline_flags import deadline_flag

    item = make_item(units[1], kind="petition")
    calendar = load_calendar()
    today = local_today()

    item.acknowledge_due = today
    assert deadline_flag(item, today, calendar)[0] == "due_soon"
    item.acknowledge_due = today - timedelta(days=1)
    assert deadline_flag(item, today, calendar) == ("overdue", today - timedelta(days=1))
    item.acknowledge_due = today + timedelta(days=10)
    assert deadline_flag(item, today, calendar)[0] is None
    item.status = "answered"
    item.acknowledge_due = today - timedelta(days=5)
    assert deadline_flag(item, today, calendar) == (None, None)


def test_queue_filters_and_counts(client, login, units, official):
    notice = make_notice(units[1], official)
    question = make_item(units[1], kind="question", notice=notice)
    petition = make_item(units[1], kind="petition")
    overdue = make_item(units[1], kind="petition", received_on=local_today() - timedelta(days=40))
    login(official)

    def codes(query):
        page = client.get(f"/manage/queue?{query}").get_data(as_text=True)
        return {item.tracking_code for item in (question, petition, overdue) if item.tracking_code in page}

    assert codes("kind=question") == {question.tracking_code}
    assert codes(f"notice={notice.id}") == {question.tracking_code}
    assert codes("overdue=1") == {overdue.tracking_code}
    assert codes("status=answered") == set()
    assert codes("status=open") == {question.tracking_code, petition.tracking_code, overdue.tracking_code}
    page = client.get("/manage/queue?kind=bogus&status=bogus&notice=abc").get_data(as_text=True)
    assert "Loại ý kiến không hợp lệ" in page and "Trạng thái lọc không hợp lệ" in page
    assert "<strong>3</strong> đang mở" in page and "<strong>1</strong> quá hạn" in page


def test_queue_is_paginated_by_twenty(client, login, units, official):
    for _ in range(21):
        make_item(units[1], kind="question")
    login(official)

    first = client.get("/manage/queue").get_data(as_text=True)
    second = client.get("/manage/queue?page=2").get_data(as_text=True)

    assert first.count('class="code"') == 20 and second.count('class="code"') == 1
    assert client.get("/manage/queue?page=99999999999999999999").status_code == 200
