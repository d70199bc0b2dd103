"""A citizen starts from the home page, not from a notice: asks a commune, then looks the code up from the home page."""

import re

from app.extensions import db
from tests.browser.conftest import PHONE_WIDTH, TRACKING_CODE, page_width
from tests.factories import PASSWORD, make_unit, make_units, make_user

QUESTION = (
    "Cống thoát nước đầu ngõ 5 thôn Trại bị tắc từ tuần trước,\n"
    "mưa xuống là nước tràn vào nhà. Xin hỏi bao giờ xã cho nạo vét?"
)
ANSWER = "Tổ công tác của xã sẽ nạo vét cống đầu ngõ 5 thôn Trại trong ngày 20/5."


def _top(locator):
    return locator.bounding_box()["y"]


def test_a_citizen_asks_a_commune_from_the_home_page_and_finds_the_answer_by_code(
    live_app, live_server, citizen_phone, desktop
):
    province, commune, _ = make_units()
    make_unit("09187", "Phường Kinh Bắc", "ward", province)
    make_user("official", commune, username="canbo.daison")
    db.session.remove()  # release SQLite before the server writes

    # From the home page, not from a notice, the citizen follows "Gửi câu hỏi, phản ánh".
    phone = citizen_phone
    phone.goto(f"{live_server}/")
    phone.locator("main").get_by_role("link", name="Gửi câu hỏi, phản ánh").click()
    assert phone.url == f"{live_server}/feedback/new"
    assert phone.locator("#notice").count() == 0, "no notice is involved"
    assert phone.locator("#unit-filter").count() == 0, "without JavaScript the plain select is the list"

    phone.locator("#kind-petition").check()
    phone.get_by_label("Xã, phường nhận ý kiến").select_option(label="Xã Đại Sơn")
    phone.get_by_label("Nội dung").fill(QUESTION)
    assert page_width(phone) <= PHONE_WIDTH, "the form must not scroll sideways on a phone"
    phone.get_by_role("button", name="Gửi ý kiến").click()

    assert phone.locator("h1").inner_text() == "Đã gửi ý kiến của bạn"
    match = TRACKING_CODE.search(re.sub(r"\s", "", phone.locator(".receipt .tracking-code").inner_text()))
    assert match, "the receipt shows the tracking code"
    code = match.group()
    assert "Xã Đại Sơn" in phone.locator(".facts").inner_text()

    # Later, back on the home page, the citizen follows "Tra cứu mã hồ sơ" and types the code.
    phone.get_by_role("link", name="Công khai", exact=True).click()
    assert phone.url == f"{live_server}/"
    phone.locator("main").get_by_role("link", name="Tra cứu mã hồ sơ").click()
    assert phone.url == f"{live_server}/track"
    phone.get_by_label("Mã theo dõi").fill(code.lower().replace("-", " "))  # as read off a slip of paper
    phone.get_by_role("button", name="Xem tình trạng").click()

    assert phone.url == f"{live_server}/track/{code}"
    question = phone.locator(".question .citizen-question")
    assert question.inner_text() == QUESTION
    assert phone.locator(".answer").count() == 0
    assert page_width(phone) <= PHONE_WIDTH

    # The official of the commune answers it (not publicly: there is no notice to show it on).
    desktop.goto(f"{live_server}/login")
    desktop.get_by_label("Tên đăng nhập").fill("canbo.daison")
    desktop.get_by_label("Mật khẩu").fill(PASSWORD)
    desktop.get_by_role("button", name="Đăng nhập").click()
    desktop.goto(f"{live_server}/manage/queue")
    desktop.get_by_role("link", name=code).click()
    desktop.locator("form[action$='/acknowledge'] button[type=submit]").click()
    reply = desktop.locator("form[action$='/reply']")
    reply.locator(".rte-editor").wait_for()  # the answer is typed into the editor, never as HTML
    reply.get_by_role("textbox", name="Nội dung trả lời").fill(ANSWER)
    reply.get_by_role("button", name="Gửi câu trả lời").click()
    assert ANSWER in desktop.locator(".current-answer").inner_text()

    # The citizen's tracking page shows the answer beneath the question.
    phone.reload()
    assert phone.locator(".badge-status").inner_text() == "Đã trả lời"
    answer = phone.locator(".answer .answer-body")
    assert ANSWER in answer.inner_text()
    assert phone.locator(".question .citizen-question").inner_text() == QUESTION
    assert _top(question) < _top(answer), "the answer comes beneath the question"
    assert page_width(phone) <= PHONE_WIDTH


def test_with_javascript_the_commune_list_narrows_to_a_name_typed_without_diacritics(live_app, live_server, desktop):
    province, _, _ = make_units()
    make_unit("09187", "Phường Kinh Bắc", "ward", province)
    make_unit("09190", "Phường Đáp Cầu", "ward", province)
    db.session.commit()
    db.session.remove()

    desktop.goto(f"{live_server}/feedback/new")
    search_box = desktop.get_by_label("Tìm nhanh xã, phường")
    unit = desktop.locator("select#unit")

    search_box.fill("dap cau")
    assert unit.locator("option[value]:not([value=''])").all_inner_texts() == ["Phường Đáp Cầu"]
    assert unit.input_value() == "09190", "a single match is chosen"

    search_box.fill("son")
    assert unit.locator("option[value]:not([value=''])").all_inner_texts() == ["Xã Đại Sơn", "Xã Sơn Động"]
    assert "Có 2 xã, phường khớp" in desktop.locator(".unit-filter").inner_text()

    search_box.fill("")
    assert unit.locator("optgroup").evaluate_all("groups => groups.map(group => group.label)") == [
        "Tỉnh Bắc Ninh · Phường",
        "Tỉnh Bắc Ninh · Xã",
    ]
