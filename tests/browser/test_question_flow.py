"""A citizen asks about a notice on a cheap phone; the commune official answers publicly."""

import re

from app.extensions import db
from tests.browser.conftest import PHONE_WIDTH, TRACKING_CODE, page_width
from tests.factories import PASSWORD, make_notice, make_units, make_user

QUESTION = (
    "Tôi là Lê Văn Cường, nhà ở xóm 3 thôn Đồng Đình, số điện thoại 0912 000 111. "
    "Nhà tôi có nằm trong danh sách 25 hộ bị thu hồi đất không, và khi nào được nhận tiền bồi thường?"
)
PUBLIC_QUESTION = "Các hộ trong danh sách thu hồi đất khi nào nhận tiền bồi thường?"
ANSWER = "Xóm 3 có 6 hộ trong danh sách; tiền bồi thường được chi trả từ ngày 15/7 tại UBND xã."


def test_phone_question_answered_publicly_shows_on_tracking_page_and_notice(
    live_app, live_server, citizen_phone, desktop
):
    _, commune, _ = make_units()
    official = make_user("official", commune, username="canbo.daison")
    notice = make_notice(commune, official)
    notice_id, notice_title = notice.id, notice.title
    db.session.remove()  # release SQLite before the server writes

    # The citizen, on a phone with JavaScript off, opens the notice and asks a question.
    phone = citizen_phone
    phone.goto(f"{live_server}/notices/{notice_id}")
    phone.get_by_role("link", name="Đặt câu hỏi về thông báo này").click()
    assert phone.url == f"{live_server}/feedback/new?notice={notice_id}"
    assert notice_title in phone.locator("#notice").inner_text()
    assert phone.locator("#kind-question").is_checked(), "a question about a notice is preselected"
    phone.get_by_label("Nội dung").fill(QUESTION)
    phone.get_by_label("Họ và tên").fill("Lê Văn Cường")
    phone.get_by_label("Số điện thoại").fill("0912 000 111")
    assert page_width(phone) <= PHONE_WIDTH, "the form must not scroll sideways on a phone"

    # Personal details without consent: a clear message, and nothing typed is lost.
    phone.get_by_role("button", name="Gửi ý kiến").click()
    assert "vui lòng đánh dấu ô đồng ý" in phone.locator(".error-summary").inner_text()
    assert phone.get_by_label("Nội dung").input_value() == QUESTION
    assert page_width(phone) <= PHONE_WIDTH

    phone.locator("#consent").check()
    phone.get_by_role("button", name="Gửi ý kiến").click()
    assert phone.locator("h1").inner_text() == "Đã gửi ý kiến của bạn"
    code_text = phone.locator(".receipt .tracking-code").inner_text()
    match = TRACKING_CODE.search(re.sub(r"\s", "", code_text))
    assert match, f"no tracking code on the receipt: {code_text!r}"
    code = match.group()
    assert code.startswith("HD-"), "a question's code starts with HD"
    assert f"/track/{code}" in phone.locator("a.track-url").inner_text()

    # The official, at the commune office, answers it publicly with an edited question.
    desktop.goto(f"{live_server}/login")
    desktop.get_by_label("Tên đăng nhập").fill("canbo.daison")
    desktop.get_by_label("Mật khẩu").fill(PASSWORD)
    desktop.get_by_role("button", name="Đăng nhập").click()
    desktop.goto(f"{live_server}/manage/queue")
    desktop.get_by_role("link", name=code).click()
    assert code in desktop.locator("h1").inner_text()
    assert QUESTION in desktop.locator(".citizen-text").first.inner_text()
    desktop.locator("form[action$='/acknowledge'] button[type=submit]").click()
    assert "Đã thụ lý ý kiến." in desktop.locator("main").inner_text()

    reply = desktop.locator("form[action$='/reply']")
    # The answer field is the rich-text editor once its script has run: the official types text, not HTML.
    reply.locator(".rte-editor").wait_for()
    reply.get_by_role("textbox", name="Nội dung trả lời").fill(ANSWER)
    reply.get_by_label("Công khai câu hỏi và câu trả lời trên trang thông báo").check()
    public_question = reply.get_by_label(re.compile("^Câu hỏi sẽ công khai"))
    draft = public_question.input_value()
    assert "Nhà tôi có nằm trong danh sách 25 hộ" in draft, "the citizen's question is offered for editing"
    for detail in ("Lê Văn Cường", "xóm 3 thôn Đồng Đình", "0912 000 111"):
        assert detail not in draft, "the draft hides the sender's name, address and phone"
    public_question.fill(PUBLIC_QUESTION)
    reply.get_by_role("button", name="Gửi câu trả lời").click()
    assert "Đã trả lời và công khai trên trang thông báo." in desktop.locator("main").inner_text()
    assert "Đang công khai trên trang thông báo" in desktop.locator(".current-answer").inner_text()

    # Back on the phone: the tracking page shows the answer.
    phone.goto(f"{live_server}/track/{code}")
    assert phone.locator(".badge-status").inner_text() == "Đã trả lời"
    assert ANSWER in phone.locator(".answer .answer-body").inner_text()
    assert page_width(phone) <= PHONE_WIDTH, "the tracking page must not scroll sideways on a phone"

    # And the notice shows the edited question with the answer, never the citizen's words.
    phone.goto(f"{live_server}/notices/{notice_id}")
    questions = phone.locator("#hoi-dap")
    assert questions.is_visible()
    text = questions.inner_text()
    assert PUBLIC_QUESTION in text and ANSWER in text
    assert "Lê Văn Cường" not in phone.content() and "0912 000 111" not in phone.content()
    assert phone.get_by_role("link", name="Xem 1 câu hỏi đã được trả lời").is_visible()
    assert page_width(phone) <= PHONE_WIDTH
