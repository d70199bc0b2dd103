"""/feeds/answers.atom: the questions answered in public, as the official edited them, and the answers."""

from tests.factories import make_notice
from tests.opendata.conftest import answer, read_feed, submit

ASKED = "Tôi là Trần Văn Hùng, nhà tôi ở sát đường có nằm trong diện thu hồi đất không?"
EDITED = "Nhà ở sát đường liên thôn có nằm trong diện thu hồi đất không?"
ANSWER = "<p>Có 12 hộ sát đường trong diện thu hồi, danh sách kèm theo thông báo.</p>"


def test_a_public_answer_reaches_the_feed_with_the_edited_question_only(client, units, official):
    notice = make_notice(units[1], official, title="Thu hồi đất làm đường liên thôn")
    item = submit(client, kind="question", unit=units[1].code, notice=str(notice.id), text=ASKED)
    answer(client, official, item, ANSWER, public_question=EDITED)

    feed = read_feed(client, "/feeds/answers.atom")

    [entry] = feed.entries
    assert entry.title == "Hỏi đáp: Thu hồi đất làm đường liên thôn"
    assert entry.summary == EDITED
    assert "Có 12 hộ sát đường trong diện thu hồi" in entry.content[0].value
    assert entry.link == f"http://congkhai.test/notices/{notice.id}#hoi-dap"
    assert entry.author == "Xã Đại Sơn"
    assert ASKED not in feed.entries[0].content[0].value and "Trần Văn Hùng" not in str(feed)


def test_a_private_answer_and_an_unanswered_question_stay_out(client, units, official):
    notice = make_notice(units[1], official)
    answered = submit(client, kind="question", unit=units[1].code, notice=str(notice.id), text=ASKED)
    submit(client, kind="question", unit=units[1].code, notice=str(notice.id), text="Câu hỏi chưa được trả lời?")
    answer(client, official, answered, ANSWER)

    feed = read_feed(client, "/feeds/answers.atom")

    assert feed.entries == []
