"""The citizen who left an address is told of every step, by real mail, SMS or Zalo; one link stops it."""

from datetime import timedelta

import pytest
from sqlalchemy import event, func, select, text

from app.clock import utcnow
from app.extensions import db
from app.feedback import actions
from app.outbox import queue
from app.outbox.delivery import deliver_due
from app.outbox.models import Notification
from tests.feedback.intake.conftest import EMAIL, PHONE_E164, form_data, identity, newest_item
from tests.feedback.notify.conftest import OFFICIAL_EMAIL, plain
from tests.outbox_servers import free_port

QUESTION = "Xin hỏi bao giờ xã sửa đường liên thôn Đồng Đình?"


def _submit(client, units, **fields):
    response = client.post("/feedback/new", data=form_data(units, text=QUESTION, **identity(**fields)))
    assert response.status_code == 303
    return newest_item()


def test_receipt_then_answer_reach_the_citizen_by_mail(client, units, official, mail):
    item = _submit(client, units)
    mail.wait_for(2)
    [receipt] = mail.to(EMAIL)
    code = item.tracking_code
    assert code in receipt["Subject"] and "đã tiếp nhận" in receipt["Subject"]
    body = plain(receipt)
    assert f"http://congkhai.test/track/{code}" in body and "UBND xã Đại Sơn" in body
    assert receipt["List-Unsubscribe"] == f"<http://congkhai.test/track/{code}/unsubscribe>"
    assert receipt.get_body(("html",)) is not None

    # The official is told of the new item, without the citizen's words or contact.
    [new_item] = mail.to(OFFICIAL_EMAIL)
    assert code in plain(new_item) and QUESTION not in new_item.as_string() and EMAIL not in new_item.as_string()
    assert f"/manage/queue/{item.id}" in plain(new_item)

    actions.reply(item, official, "<p>Xã sẽ sửa đường trong tháng 3 năm 2027.</p>")
    db.session.commit()
    deliver_due()
    answer = mail.to(EMAIL)[-1]
    assert "đã có trả lời" in answer["Subject"] and "tháng 3 năm 2027" in plain(answer)
    assert code in plain(answer)

    # The tracking page says a mail was sent, never to where.
    page = client.get(f"/track/{code}").get_data(as_text=True)
    assert "Đã gửi một email cho bạn lúc" in page and EMAIL not in page


def test_addresses_are_encrypted_at_rest(client, units, official, mail):
    _submit(client, units)
    mail.wait_for(2)
    recipients = db.session.execute(text("SELECT recipient FROM notifications")).scalars().all()
    assert len(recipients) == 2 and all(EMAIL not in value and "@" not in value for value in recipients)
    stored = db.session.execute(text("SELECT notify_address FROM feedback")).scalar_one()
    assert EMAIL not in stored and "@" not in stored


def test_no_address_or_no_choice_means_no_message(client, units, official, mail):
    client.post("/feedback/new", data=form_data(units, text=QUESTION, **identity(notify_by="none")))
    mail.wait_for(1)  # only the official's
    assert mail.to(EMAIL) == [] and len(mail.to(OFFICIAL_EMAIL)) == 1


def test_unsubscribe_stops_the_next_message(client, units, official, mail):
    item = _submit(client, units)
    mail.wait_for(2)
    page = client.get(f"/track/{item.tracking_code}/unsubscribe").get_data(as_text=True)
    assert "Ngừng nhận thông báo" in page
    # A mail client's one-click POST (RFC 8058) carries no form token.
    assert client.post(f"/track/{item.tracking_code}/unsubscribe").status_code == 303
    actions.acknowledge(item, official)
    db.session.commit()
    deliver_due()
    assert len(mail.to(EMAIL)) == 1
    assert "đã ngừng nhận thông báo" in client.get(f"/track/{item.tracking_code}").get_data(as_text=True)


def test_a_message_written_before_unsubscribing_is_suppressed(client, units, official, mail):
    item = _submit(client, units)
    mail.wait_for(2)
    mail.stop()
    actions.acknowledge(item, official)
    db.session.commit()
    deliver_due()  # the server is down: the acceptance waits
    mail.start()
    client.post(f"/track/{item.tracking_code}/unsubscribe")
    deliver_due(now=utcnow() + timedelta(hours=2))
    assert len(mail.to(EMAIL)) == 1
    statuses = db.session.scalars(select(Notification.status).where(Notification.template == "feedback.acknowledged"))
    assert list(statuses) == ["suppressed"]


def test_a_denouncer_is_told_of_progress_only_if_they_ask(client, units, official, mail):
    """Their contact is sealed with the identity: nothing is copied out to notify them unless they choose."""
    item = _submit(client, units, kind="denunciation")
    assert item.notify_address is None and item.notify_channel is None
    mail.wait_for(1)  # the officials' new-item message
    actions.acknowledge(item, official)
    db.session.commit()
    deliver_due()
    assert mail.to(EMAIL) == []


def test_a_denunciation_is_never_quoted_and_its_address_is_erased_after_closing(client, units, official, mail):
    item = _submit(client, units, kind="denunciation", notify_by="email")
    mail.wait_for(2)
    actions.acknowledge(item, official)
    actions.reply(item, official, "<p>Kết luận: ông Trần Văn B đã vi phạm quy định.</p>")
    actions.close(item, official)
    db.session.commit()
    deliver_due()
    mails = mail.to(EMAIL)
    assert [m["Subject"].split()[-1] for m in mails][-1] == "thúc"  # "… đã kết thúc"
    for message in mails:
        assert QUESTION not in message.as_string() and "Trần Văn B" not in plain(message)
    db.session.refresh(item)
    assert item.notify_address is None and item.notify_stopped_at is not None
    leftover = db.session.scalars(select(Notification.recipient).where(Notification.subject == f"feedback:{item.id}"))
    assert all(value is None for value in leftover)
    # Reopened, it is followed by its tracking code only.
    actions.reopen(item, official, "Có thêm chứng cứ mới.")
    db.session.commit()
    deliver_due()
    assert len(mail.to(EMAIL)) == len(mails)


def test_sms_receipt_is_short_unaccented_and_reaches_the_gateway(client, app, units, official, sms_gateway):
    app.config.update(sms_gateway.config)
    item = _submit(client, units, email="", notify_by="sms")
    [request] = sms_gateway.wait_for(1)
    assert request.json["to"] == PHONE_E164
    message = request.json["text"]
    assert len(message) <= 160 and message.isascii() and item.tracking_code in message


def test_zalo_falls_back_to_sms_when_it_fails(client, app, units, official, sms_gateway, zalo_gateway):
    app.config.update(sms_gateway.config, **zalo_gateway.config)
    zalo_gateway.refuse()
    item = _submit(client, units, email="", notify_by="zalo")
    [request] = sms_gateway.wait_for(1)
    assert item.tracking_code in request.json["text"]
    row = db.session.scalar(select(Notification).where(Notification.template == "feedback.receipt"))
    assert row.channel == "zalo" and row.sent_channel == "sms" and row.status == "sent"


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"email": "", "notify_by": "email"}, "vui lòng nhập email"),
        ({"phone": "", "notify_by": "sms"}, "vui lòng nhập số điện thoại"),
        ({"notify_by": "fax"}, "Cách nhận thông báo không hợp lệ"),
    ],
)
def test_a_channel_without_its_address_is_refused_with_a_reason(client, units, fields, message):
    response = client.post("/feedback/new", data=form_data(units, text=QUESTION, **identity(**fields)))
    assert response.status_code == 200 and message in response.get_data(as_text=True)
    assert newest_item() is None


def test_followers_of_a_notice_hear_of_an_answer_made_public_on_it(client, units, official, mail):
    from app.notices import following
    from tests.factories import make_notice

    notice = make_notice(units[1], official, title="Kế hoạch thu hồi đất mở rộng đường liên thôn")
    follower = following.follow("theodoi@example.vn", notice=notice)
    follower.confirmed_at = utcnow()
    db.session.commit()
    client.post("/feedback/new", data=form_data(units, notice=str(notice.id), text=QUESTION))
    item = newest_item()
    actions.reply(
        item,
        official,
        "<p>Xã sẽ sửa đường trong tháng 3 năm 2027.</p>",
        is_public=True,
        public_question="Bao giờ xã sửa đường liên thôn?",
    )
    db.session.commit()
    deliver_due()
    told = mail.to("theodoi@example.vn")[-1]  # after the confirmation link's mail
    assert f"/notices/{notice.id}#hoi-dap" in plain(told)
    assert QUESTION not in told.as_string()


def test_a_citizen_who_wrote_in_english_reads_every_message_in_english(client, units, official, mail):
    response = client.post("/feedback/new?lang=en", data=form_data(units, text=QUESTION, **identity()))
    assert response.status_code == 303
    item = newest_item()
    assert item.notify_language == "en"
    mail.wait_for(2)
    [receipt] = mail.to(EMAIL)
    assert receipt["Subject"].endswith(f"{item.tracking_code} received")

    # The official answers later, in a Vietnamese session of their own: the citizen still reads English.
    actions.reply(item, official, "<p>Xã sẽ sửa đường trong tháng 3 năm 2027.</p>")
    db.session.commit()
    deliver_due()
    answer = mail.to(EMAIL)[-1]
    assert answer["Subject"].endswith(f"{item.tracking_code} answered")
    assert "Answer:" in plain(answer) and "tháng 3 năm 2027" in plain(answer)
    # The official's own mail stays in Vietnamese.
    assert "Trả lời" not in plain(answer) and "[Công khai]" in mail.to(OFFICIAL_EMAIL)[0]["Subject"]


def test_an_item_an_official_types_in_for_a_caller_is_followed_in_vietnamese(app, units, official):
    from app.feedback.intake import submit_feedback

    with app.test_request_context("/manage/queue/new?lang=en"):
        item = submit_feedback(
            kind="question",
            unit=units[1],
            text=QUESTION,
            email=EMAIL,
            has_consented=True,
            channel="phone",
            notify_channel="email",
            notify_address=EMAIL,
            recorded_by=official,
        )
    assert item.notify_language == "vi"


def test_a_batch_reads_its_items_and_officials_once_not_once_per_message(client, units, official, mail, monkeypatch):
    monkeypatch.setattr(queue, "_dispatcher", None)  # as in a web process: the worker's poll delivers later
    items = [_submit(client, units, email=f"nguoi.dan.{number}@example.vn") for number in range(3)]
    assert db.session.scalar(select(func.count()).select_from(Notification)) == 6  # 3 receipts, 3 to the official
    statements = []

    def remember(conn, cursor, statement, parameters, context, executemany):
        statements.append(" ".join(statement.split()))

    event.listen(db.engine, "before_cursor_execute", remember)
    try:
        assert deliver_due() == {"sent": 6}
    finally:
        event.remove(db.engine, "before_cursor_execute", remember)

    mail.wait_for(6)
    for number, item in enumerate(items):
        [receipt] = mail.to(f"nguoi.dan.{number}@example.vn")
        assert item.tracking_code in receipt["Subject"]
    told = " ".join(plain(message) for message in mail.to(OFFICIAL_EMAIL))
    assert all(item.tracking_code in told for item in items)
    reads = [s for s in statements if s.startswith("SELECT")]
    assert sum(" FROM feedback " in s for s in reads) == 1, reads
    assert sum(" FROM users " in s for s in reads) == 1, reads


def test_a_denouncer_who_stops_the_messages_has_their_address_erased_at_once(client, units, official, mail):
    item = _submit(client, units, kind="denunciation", notify_by="email")
    mail.wait_for(2)
    assert client.post(f"/track/{item.tracking_code}/unsubscribe").status_code in (200, 302, 303)
    db.session.refresh(item)
    assert item.notify_address is None and item.notify_stopped_at is not None
    leftover = db.session.scalars(select(Notification.recipient).where(Notification.subject == f"feedback:{item.id}"))
    assert all(value is None for value in leftover)


def test_a_denouncers_address_is_erased_when_the_closing_message_fails_for_good(client, app, units, official, mail):
    item = _submit(client, units, kind="denunciation", notify_by="email")
    mail.wait_for(2)
    app.config["DELIVERY_RETRY_MINUTES"] = ()  # one try only: a failure is final
    app.config["MAIL_PORT"] = free_port()  # nothing listens there: the closing mail fails
    actions.acknowledge(item, official)
    actions.reply(item, official, "<p>Đã xác minh và xử lý theo quy định.</p>")
    actions.close(item, official)
    db.session.commit()
    deliver_due()
    db.session.refresh(item)
    closing = db.session.scalar(select(Notification).where(Notification.template == "feedback.closed"))
    # Tried once and refused; then, with the address erased, never to be tried again.
    assert closing.attempts == 1 and "refused" in closing.last_error
    assert (closing.status, closing.next_attempt_at, closing.recipient) == ("suppressed", None, None)
    assert item.notify_address is None


def test_a_denouncer_told_of_an_extension_reads_the_new_due_date_and_why(client, units, official, mail):
    """Extended before it is accepted: the new date is the one to accept it by (no answer date exists yet)."""
    item = _submit(client, units, kind="denunciation", notify_by="email")
    mail.wait_for(2)
    before = item.acknowledge_due
    actions.extend(item, official, "Cần thêm thời gian xác minh thẩm quyền.")
    db.session.commit()
    deliver_due()
    assert item.acknowledge_due > before and item.resolve_due is None
    extended = mail.to(EMAIL)[-1]
    body = plain(extended)
    assert f"Hạn mới: {item.acknowledge_due:%d/%m/%Y}." in body
    assert "Cần thêm thời gian xác minh thẩm quyền." in body and QUESTION not in body
