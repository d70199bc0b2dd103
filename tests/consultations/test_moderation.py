"""Comments are public only once an official approves them; approving runs the personal-data check of a
public answer; a hidden comment is not shown but its opinion still counts."""

from sqlalchemy import select

from app.consultations.models import Opinion
from app.consultations.tallies import live_tallies
from app.extensions import db
from tests.consultations.conftest import give_opinion_api

COMMENT = (
    "Tôi là Nguyễn Văn Bình ở thôn Đông, đề nghị xã hỗ trợ thêm cho các hộ phải di dời. "
    "Liên hệ 0987 654 321 hoặc binh.nv@example.vn."
)


def _comment(client, app, consultation, phone="0987654321", choice="disagree", comment=COMMENT, name="Nguyễn Văn Bình"):
    response = give_opinion_api(client, app, consultation, phone, "+84" + phone[1:], choice, comment=comment, name=name)
    assert response.status_code in (200, 201)
    return db.session.scalar(select(Opinion).where(Opinion.comment == comment))


def test_a_comment_waits_for_moderation_before_it_is_shown(client, app, auth, consultation, official):
    opinion = _comment(client, app, consultation)
    assert opinion.comment_status == "pending"
    page = client.get(f"/notices/{consultation.notice_id}").get_data(as_text=True)
    assert "đề nghị xã hỗ trợ thêm" not in page
    assert client.get(f"/api/v1/notices/{consultation.notice_id}/consultation").get_json()["comments"] == []


def test_approving_starts_from_a_redacted_draft_and_refuses_personal_details(client, app, auth, consultation, official):
    opinion = _comment(client, app, consultation)
    auth.login(official.username)
    listing = client.get(f"/manage/notices/{consultation.notice_id}/consultation/comments").get_data(as_text=True)
    assert "[đã ẩn]" in listing
    url = f"/manage/notices/{consultation.notice_id}/consultation/comments/{opinion.id}/approve"
    refused = client.post(url, data={f"o{opinion.id}-public_comment": COMMENT})
    assert refused.status_code == 400
    text = refused.get_data(as_text=True)
    assert "Nội dung còn chứa thông tin cá nhân" in text
    assert "số điện thoại “0987 654 321”" in text and "email “binh.nv@example.vn”" in text
    db.session.refresh(opinion)
    assert opinion.comment_status == "pending"

    clean = "Tôi là [đã ẩn] ở [đã ẩn], đề nghị xã hỗ trợ thêm cho các hộ phải di dời."
    approved = client.post(url, data={f"o{opinion.id}-public_comment": clean})
    assert approved.status_code == 302
    page = client.get(f"/notices/{consultation.notice_id}").get_data(as_text=True)
    assert "đề nghị xã hỗ trợ thêm cho các hộ phải di dời" in page
    assert "Nguyễn Văn Bình" not in page and "0987 654 321" not in page and "binh.nv@example.vn" not in page


def test_the_name_given_in_the_form_is_refused_even_written_without_diacritics(
    client, app, auth, consultation, official
):
    opinion = _comment(
        client,
        app,
        consultation,
        comment="Gia đình ông Hoàng Minh Tuấn xin giữ lại lối đi chung.",
        name="Hoàng Minh Tuấn",
    )
    auth.login(official.username)
    url = f"/manage/notices/{consultation.notice_id}/consultation/comments/{opinion.id}/approve"
    refused = client.post(
        url, data={f"o{opinion.id}-public_comment": "Gia đình ông HOANG MINH TUAN xin giữ lại lối đi chung."}
    )
    assert refused.status_code == 400
    assert "họ tên" in refused.get_data(as_text=True)


def test_a_hidden_comment_is_not_shown_but_is_counted(client, app, auth, consultation, official):
    opinion = _comment(client, app, consultation, choice="disagree", comment="Nội dung xúc phạm cán bộ thôn.")
    give_opinion_api(client, app, consultation, "0912000009", "+84912000009", "agree")
    auth.login(official.username)
    url = f"/manage/notices/{consultation.notice_id}/consultation/comments/{opinion.id}/hide"
    assert client.post(url, data={f"h{opinion.id}-reason": ""}).status_code == 400
    hidden = client.post(url, data={f"h{opinion.id}-reason": "Lời lẽ xúc phạm"})
    assert hidden.status_code == 302
    db.session.refresh(opinion)
    assert (opinion.comment_status, opinion.hidden_reason) == ("hidden", "Lời lẽ xúc phạm")
    page = client.get(f"/notices/{consultation.notice_id}").get_data(as_text=True)
    assert "xúc phạm cán bộ thôn" not in page
    assert "1 ý kiến bình luận không được công khai" in page
    assert live_tallies(consultation).by_choice == {"disagree": 1, "agree": 1}
    api = client.get(f"/api/v1/notices/{consultation.notice_id}/consultation").get_json()
    assert api["total"] == 2 and api["comments"] == []


def test_a_new_opinion_from_the_same_phone_goes_back_to_moderation(client, app, auth, consultation, official):
    opinion = _comment(client, app, consultation, comment="Đồng ý, nhưng cần làm rãnh thoát nước.")
    auth.login(official.username)
    url = f"/manage/notices/{consultation.notice_id}/consultation/comments/{opinion.id}/approve"
    client.post(url, data={f"o{opinion.id}-public_comment": "Đồng ý, nhưng cần làm rãnh thoát nước."})
    auth.logout()
    give_opinion_api(
        client, app, consultation, "0987654321", "+84987654321", "agree", comment="Tôi đổi ý: đồng ý hoàn toàn."
    )
    db.session.refresh(opinion)
    assert (opinion.comment_status, opinion.public_comment) == ("pending", "")
    assert "rãnh thoát nước" not in client.get(f"/notices/{consultation.notice_id}").get_data(as_text=True)
