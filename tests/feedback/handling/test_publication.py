"""A citizen's personal details never reach the notice page: the official starts from a redacted draft,
and publishing is refused while the question or the answer still holds any of them."""

import html
import re

import pytest

from app.extensions import db
from app.feedback import actions
from app.feedback.models import Feedback
from tests.factories import PASSWORD
from tests.feedback.handling.conftest import csrf_token, make_item, make_notice

ISSUE_TEXT = (
    "Tôi là Tran Thi Bich o thon Dong, sdt 0912 345 678 hoac 091.234.5678, so khac +84 988 111 222, "
    "email tranthib.dt@gmail.com, CCCD 001203004567. Xin hoi khi nao ho dan duoc nhan tien boi thuong?"
)
DETAILS = (
    "Tran Thi Bich",
    "thon Dong",
    "0912 345 678",
    "091.234.5678",
    "+84 988 111 222",
    "tranthib.dt@gmail.com",
    "001203004567",
)
ANSWER = "<p>Tháng 12 xã chi trả theo Quyết định số 987/QĐ-UBND.</p>"
UNIT_PHONE = "+842043854123"  # the officer printed on the commune's notices: 0204 3854 123


def _textarea(page, name):
    match = re.search(rf'<textarea[^>]*name="{name}"[^>]*>(.*?)</textarea>', page, re.DOTALL)
    assert match, f"no textarea {name}"
    return html.unescape(match.group(1)).strip()


def _flashes_and_errors(page):
    return html.unescape(" ".join(re.findall(r'class="(?:flash[^"]*|field-error)"[^>]*>(.*?)</', page, re.DOTALL)))


@pytest.fixture
def notice(units, official):
    return make_notice(units[1], official, contact_phone=UNIT_PHONE)


def _post_reply(client, item, question, answer=ANSWER, token=None):
    data = {"reply-answer_html": answer, "reply-is_public": "y", "reply-public_question": question}
    if token:
        data["reply-csrf_token"] = token
    return client.post(f"/manage/queue/{item.id}/reply", data=data, follow_redirects=True)


def test_the_reply_form_starts_from_a_redacted_draft_beside_the_original(client, login, units, official, notice):
    item = make_item(units[1], notice=notice, text=ISSUE_TEXT, name="", phone="", email="", address="")
    login(official)

    page = client.get(f"/manage/queue/{item.id}").get_data(as_text=True)

    draft = _textarea(page, "reply-public_question")
    assert "[đã ẩn]" in draft and "Xin hoi khi nao ho dan duoc nhan tien boi thuong?" in draft
    for detail in DETAILS:
        assert detail not in draft
    assert html.escape(ISSUE_TEXT, quote=False) in page  # the original, beside the draft
    assert "Nguyên văn người gửi viết" in page
    assert "số điện thoại, email, số CMND/CCCD, họ tên và địa chỉ" in page  # what the draft hides
    assert "số điện thoại (3), email (1), số CMND/CCCD (1), họ tên (1), địa chỉ (1)" in page


def test_publishing_the_verbatim_text_is_refused_naming_each_detail(client, login, units, official, notice):
    item = make_item(units[1], notice=notice, text=ISSUE_TEXT, name="", phone="", email="", address="")
    login(official)

    page = _post_reply(client, item, ISSUE_TEXT).get_data(as_text=True)

    message = _flashes_and_errors(page)
    for detail in DETAILS:
        assert f"“{detail}”" in message
    db.session.expire_all()
    stored = db.session.get(Feedback, item.id)
    assert stored.status == "received" and not stored.is_public and stored.public_question == ""
    assert _textarea(page, "reply-public_question") == ISSUE_TEXT  # the official's input is kept to edit
    notice_page = client.get(f"/notices/{notice.id}").get_data(as_text=True)
    assert "Tran Thi Bich" not in notice_page and "0912 345 678" not in notice_page


@pytest.mark.parametrize(
    ("question", "answer", "detail"),
    [
        ("Khi nào chi trả cho hộ TRAN THI BICH?", ANSWER, "TRAN THI BICH"),  # the stated name, in capitals
        ("Khi nào thôn Đông được chi trả?", ANSWER, "thôn Đông"),  # the stated address, with diacritics
        ("Khi nào chi trả? Liên hệ 0988111222.", ANSWER, "0988111222"),
        ("Khi nào chi trả? Người khác: 0977 000 111.", ANSWER, "0977 000 111"),  # anyone's phone
        ("Khi nào chi trả?", "<p>Chào bà Trần Thị Bích, tháng 12.</p>", "Trần Thị Bích"),
        ("Khi nào chi trả?", "<p>Đã gửi văn bản tới tranthib.dt@gmail.com.</p>", "tranthib.dt@gmail.com"),
    ],
)
def test_the_service_refuses_while_question_or_answer_holds_a_detail(units, official, notice, question, answer, detail):
    item = make_item(units[1], notice=notice, text=ISSUE_TEXT, name="", phone="", email="", address="")

    with pytest.raises(actions.HandlingError) as refused:
        actions.reply(item, official, answer, is_public=True, public_question=question)

    assert f"“{detail}”" in refused.value.message
    assert item.status == "received" and not item.is_public


def test_the_unit_s_own_phone_number_may_be_published(units, official, notice):
    item = make_item(units[1], notice=notice, text=ISSUE_TEXT, name="", phone="", email="", address="")
    question = "Số 0204 3854 123 của cán bộ địa chính có trực vào thứ Bảy không?"

    actions.reply(item, official, "<p>Có, từ 7 giờ 30.</p>", is_public=True, public_question=question)

    assert item.is_public and item.public_question == question


def test_an_answer_may_name_the_unit_s_phone_and_a_private_answer_may_greet_the_sender(units, official, notice):
    public = make_item(units[1], notice=notice, text=ISSUE_TEXT, name="", phone="", email="", address="")
    private = make_item(units[1], notice=notice, text=ISSUE_TEXT, name="", phone="", email="", address="")

    actions.reply(public, official, "<p>Gọi 0204 3854 123.</p>", is_public=True, public_question="Khi nào chi trả?")
    actions.reply(private, official, "<p>Chào bà Tran Thi Bich.</p>", public_question=ISSUE_TEXT)

    assert public.is_public and not private.is_public and private.public_question == ""


def test_the_issue_s_example_end_to_end_from_the_api_to_the_notice_page(app, client, units, official, notice):
    """POST /api/v1/feedback with empty contact fields; the draft hides the five details; only it is published."""
    app.config["WTF_CSRF_ENABLED"] = True
    response = client.post(
        "/api/v1/feedback",
        json={
            "kind": "question",
            "notice": notice.id,
            "text": ISSUE_TEXT,
            "name": "",
            "phone": "",
            "email": "",
            "address": "",
        },
    )
    assert response.status_code == 201, response.get_data(as_text=True)
    item = db.session.query(Feedback).filter_by(tracking_code=response.get_json()["tracking_code"]).one()
    assert (item.submitter_name, item.submitter_phone, item.submitter_email) == ("", "", "")
    sign_in = {"username": official.username, "password": PASSWORD}
    signed_in = client.post(
        "/login", data={**sign_in, "csrf_token": csrf_token(client.get("/login").get_data(as_text=True))}
    )
    assert signed_in.status_code == 302

    page = client.get(f"/manage/queue/{item.id}").get_data(as_text=True)
    draft = _textarea(page, "reply-public_question")
    for detail in DETAILS:
        assert detail not in draft

    refused = _post_reply(client, item, ISSUE_TEXT, token=csrf_token(page)).get_data(as_text=True)
    message = _flashes_and_errors(refused)
    for detail in DETAILS:
        assert f"“{detail}”" in message

    published = _post_reply(client, item, draft, token=csrf_token(refused)).get_data(as_text=True)
    assert "Đã trả lời và công khai trên trang thông báo." in published
    notice_page = client.get(f"/notices/{notice.id}").get_data(as_text=True)
    api_notice = client.get(f"/api/v1/notices/{notice.id}").get_data(as_text=True)
    assert html.escape(draft, quote=False) in notice_page and "Quyết định số 987/QĐ-UBND" in notice_page
    for text in (notice_page, api_notice):
        for detail in (*DETAILS, "0912345678", "001203004567", "tranthib"):
            assert detail not in text
