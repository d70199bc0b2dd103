"""A public answer appears on the notice page and in the notice API, never with the citizen's own words."""

from app.extensions import db
from app.feedback import actions
from tests.feedback.handling.conftest import CITIZEN, make_item, make_notice

ORIGINAL = "Tôi là Nguyễn Thị Mai ở số 5 ngõ 3, nhà tôi có được đền bù không?"
EDITED = "Hộ gia đình trong ngõ 3 có được đền bù không?"
ANSWER = "<p>Có. Các hộ trong ngõ 3 được bồi thường theo Quyết định số 987/QĐ-BT.</p>"


def _ask(units, notice):
    return make_item(units[1], kind="question", notice=notice, text=ORIGINAL)


def test_a_public_answer_is_on_the_notice_page_and_in_the_api(client, login, units, official):
    notice = make_notice(units[1], official)
    item = _ask(units, notice)
    login(official)

    client.post(
        f"/manage/queue/{item.id}/reply",
        data={"reply-answer_html": ANSWER, "reply-is_public": "y", "reply-public_question": EDITED},
    )

    page = client.get(f"/notices/{notice.id}").get_data(as_text=True)
    assert "Hỏi đáp công khai" in page and EDITED in page and "Quyết định số 987/QĐ-BT" in page
    body = client.get(f"/api/v1/notices/{notice.id}").get_json()
    assert [question["question"] for question in body["questions"]] == [EDITED]
    assert body["questions"][0]["answer_html"] == ANSWER and body["questions"][0]["answered_at"]
    listed = client.get("/api/v1/notices").get_json()["items"][0]
    assert listed["questions"] == body["questions"]
    for text in (page, str(body), str(listed)):
        assert ORIGINAL not in text and CITIZEN["name"] not in text
        assert "0987" not in text and "+84987654321" not in text and CITIZEN["email"] not in text


def test_a_private_answer_stays_off_the_notice(client, units, official):
    notice = make_notice(units[1], official)
    item = _ask(units, notice)
    actions.reply(item, official, ANSWER)
    db.session.commit()

    page = client.get(f"/notices/{notice.id}").get_data(as_text=True)
    body = client.get(f"/api/v1/notices/{notice.id}").get_json()

    assert "Hỏi đáp công khai" not in page and "Quyết định số 987" not in page
    assert body["questions"] == []


def test_unanswered_questions_are_not_shown(client, units, official):
    notice = make_notice(units[1], official)
    _ask(units, notice)

    page = client.get(f"/notices/{notice.id}").get_data(as_text=True)

    assert ORIGINAL not in page and "Hỏi đáp công khai" not in page
    assert client.get(f"/api/v1/notices/{notice.id}").get_json()["questions"] == []


def test_public_answers_are_newest_first_and_stay_with_their_notice(client, units, official):
    notice = make_notice(units[1], official)
    other = make_notice(units[1], official, title="Kế hoạch sử dụng đất năm 2027")
    for question in ("Câu hỏi thứ nhất?", "Câu hỏi thứ hai?"):
        actions.reply(_ask(units, notice), official, ANSWER, is_public=True, public_question=question)
    db.session.commit()

    body = client.get(f"/api/v1/notices/{notice.id}").get_json()

    assert [entry["question"] for entry in body["questions"]] == ["Câu hỏi thứ hai?", "Câu hỏi thứ nhất?"]
    assert client.get(f"/api/v1/notices/{other.id}").get_json()["questions"] == []


def test_the_notice_page_invites_a_question(client, units, official):
    notice = make_notice(units[1], official)

    page = client.get(f"/notices/{notice.id}").get_data(as_text=True)

    assert f'href="/feedback/new?notice={notice.id}"' in page and "Đặt câu hỏi về thông báo này" in page


def test_queue_link_in_the_navigation_for_staff_only(client, login, auth, units, official, inspector):
    assert 'href="/manage/queue"' not in client.get("/").get_data(as_text=True)
    login(official)
    assert 'href="/manage/queue"' in client.get("/").get_data(as_text=True)
