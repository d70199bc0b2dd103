"""The tracking page shows the citizen's own words, with the answers beneath them; no public page does."""

from app.clock import utcnow
from app.extensions import db
from app.feedback.events import apply_action
from tests.feedback.intake.conftest import form_data, newest_item

QUESTION = "Xin hỏi: đèn đường thôn Trại hỏng từ 3/5,\nbao giờ xã sửa? <b>gấp</b> & cảm ơn"
ANSWER = "<p>Xã đã thay bóng đèn thôn Trại ngày 12/5.</p>"


def _ask(client, units, **overrides):
    response = client.post("/feedback/new", data=form_data(units, kind="petition", text=QUESTION, **overrides))
    assert response.status_code == 303
    return newest_item()


def _answer(item, official):
    apply_action(item, "acknowledge", official, is_public=True)
    apply_action(item, "reply", official, body=ANSWER, is_public=True)
    item.answer_html = ANSWER
    item.answered_at = utcnow()
    db.session.commit()


def test_the_tracking_page_shows_the_question_as_escaped_text(client, units):
    item = _ask(client, units)

    page = client.get(f"/track/{item.tracking_code}").get_data(as_text=True)

    assert 'id="question-heading"' in page
    assert "Xin hỏi: đèn đường thôn Trại hỏng từ 3/5,\nbao giờ xã sửa? &lt;b&gt;gấp&lt;/b&gt; &amp; cảm ơn" in page
    assert "<b>gấp</b>" not in page


def test_the_answer_comes_beneath_the_question(client, units, official):
    item = _ask(client, units)
    _answer(item, official)

    page = client.get(f"/track/{item.tracking_code}").get_data(as_text=True)

    question_at = page.index('id="question-heading"')
    answer_at = page.index('id="answer-heading"')
    assert question_at < answer_at
    assert page.index("thôn Trại hỏng") < page.index("Xã đã thay bóng đèn thôn Trại")


def test_the_question_is_on_no_public_page_nor_the_public_api(client, units, official, notice):
    item = _ask(client, units, notice=str(notice.id), unit="")
    _answer(item, official)

    for url in (
        f"/notices/{notice.id}",
        "/units/07627",
        "/",
        "/feeds/notices.atom",
        f"/api/v1/feedback/{item.tracking_code}",
        f"/api/v1/notices/{notice.id}",
    ):
        response = client.get(url)
        assert "thôn Trại hỏng" not in response.get_data(as_text=True), url
