"""/manage/queue/new: an official records a phone call, a visit or a letter, received when it was.

The deadline clocks start from the moment given (never in the future); an item recorded as received more
than ten minutes before it was typed in is audited as back-dated; the unit is one of the official's; the
citizen form's rules (identity, consent, phone in E.164) apply unchanged; the citizen's own channels
(web, api) are recorded too.
"""

import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app.clock import local_today, to_local, utcnow
from app.extensions import db
from app.feedback.calendar import initial_due_dates
from app.feedback.models import Feedback, FeedbackEvent
from app.inspection.report import build_report, compute_figures
from app.inspection.scope import AuditScope
from app.ledger.models import AuditEntry
from app.outbox.crypto import unseal
from app.outbox.models import Notification
from tests.factories import PASSWORD
from tests.feedback.handling.conftest import csrf_token, make_item

TEXT = "Bà Hoa ở thôn Đồng Đình gọi hỏi bao giờ xã sửa đèn đường liên thôn."


def local_now():
    return to_local(utcnow()).replace(second=0, microsecond=0)


def received(moment):
    """The form's date and time fields for a local moment."""
    return {"received_day": moment.strftime("%d/%m/%Y"), "received_time": moment.strftime("%H:%M")}


def call(units, moment=None, **overrides):
    """What an official types for a phone call: an anonymous question, nothing to send."""
    data = {
        "channel": "phone",
        "kind": "question",
        "unit": units[1].code,
        "text": TEXT,
        "notify_by": "none",
        **received(moment or local_now()),
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def item_count():
    db.session.rollback()
    return db.session.scalar(select(func.count()).select_from(Feedback))


def newest_item():
    db.session.rollback()
    return db.session.scalar(select(Feedback).order_by(Feedback.id.desc()).limit(1))


def audit_actions(item):
    return db.session.scalars(
        select(AuditEntry.action)
        .where(AuditEntry.object_type == "Feedback", AuditEntry.object_id == str(item.id))
        .order_by(AuditEntry.id)
    ).all()


def test_the_queue_links_to_the_form_which_opens_at_now(client, units, official, login):
    login(official)
    queue = client.get("/manage/queue").get_data(as_text=True)
    assert 'href="/manage/queue/new"' in queue and "Ghi nhận cuộc gọi/tiếp dân" in queue

    before = local_now()
    page = client.get("/manage/queue/new").get_data(as_text=True)
    assert re.search(r'<input checked id="channel-\d" name="channel" type="radio" value="phone">', page)
    assert f'value="{before.strftime("%d/%m/%Y")}"' in page or f'value="{local_now().strftime("%d/%m/%Y")}"' in page
    times = {before.strftime("%H:%M"), local_now().strftime("%H:%M")}
    assert any(f'value="{value}"' in page for value in times)
    assert f'<option value="{units[1].code}" selected>' in page
    assert units[2].code not in page  # another commune is not offered


def test_an_official_records_a_call_and_reads_out_the_code(client, units, official, login):
    login(official)
    response = client.post(
        "/manage/queue/new",
        data=call(units, name="Trần Thị Hoa", phone="0912 345 678", consent="y", notify_by="sms"),
    )
    assert response.status_code == 303
    item = newest_item()
    assert response.headers["Location"].endswith(f"/manage/queue/{item.id}/recorded")
    assert (item.channel, item.kind, item.unit_id, item.text) == ("phone", "question", units[1].id, TEXT)
    assert (item.submitter_name, item.submitter_phone, item.has_consented) == ("Trần Thị Hoa", "+84912345678", True)
    assert item.notify_channel == "sms" and unseal(item.notify_address) == "+84912345678"
    receive = db.session.scalar(select(FeedbackEvent).where(FeedbackEvent.feedback_id == item.id))
    assert receive.action == "receive" and receive.actor_id == official.id and receive.data == {"channel": "phone"}
    assert audit_actions(item) == ["feedback.received"]  # typed in at once: not back-dated

    receipt = db.session.scalar(
        select(Notification).where(Notification.subject == f"feedback:{item.id}", Notification.channel == "sms")
    )
    assert receipt is not None and receipt.template == "feedback.receipt"
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert 'class="tracking-code"' in page
    for group in item.tracking_code.split("-"):
        assert f'<span class="code-group">{group}</span>' in page
    assert "tin nhắn SMS có mã theo dõi" in page
    assert f'href="/manage/queue/{item.id}"' in page and 'href="/manage/queue/new"' in page
    assert "Điện thoại" in client.get(f"/manage/queue/{item.id}").get_data(as_text=True)


def test_automatic_texts_a_mobile_and_never_a_landline(client, units, official, login):
    login(official)
    page = client.get("/manage/queue/new").get_data(as_text=True)
    assert '<input checked id="notify_by-0" name="notify_by" type="radio" value="">' in page
    client.post("/manage/queue/new", data=call(units, phone="0912 345 678", consent="y", notify_by=""))
    assert newest_item().notify_channel == "sms"
    client.post("/manage/queue/new", data=call(units, phone="024 3825 3536", consent="y", notify_by=""))
    item = newest_item()
    assert item.submitter_phone == "+842438253536" and item.notify_channel is None
    # A mobile and an e-mail: the code goes by SMS; a landline and an e-mail: by e-mail.
    both = {"email": "hoa.tran@example.vn", "consent": "y", "notify_by": ""}
    client.post("/manage/queue/new", data=call(units, phone="0912 345 678", **both))
    assert newest_item().notify_channel == "sms"
    client.post("/manage/queue/new", data=call(units, phone="024 3825 3536", **both))
    assert newest_item().notify_channel == "email"


def test_without_contact_nothing_is_sent_and_the_page_says_so(client, units, official, login):
    login(official)
    response = client.post("/manage/queue/new", data=call(units, channel="walk_in"))
    item = newest_item()
    assert item.channel == "walk_in" and item.notify_channel is None and item.submitter_name == ""
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Không gửi tin nhắn cho người dân" in page


def test_a_time_in_the_future_is_refused(client, units, official, login):
    login(official)
    before = item_count()
    response = client.post("/manage/queue/new", data=call(units, local_now() + timedelta(hours=2)))
    assert response.status_code == 200
    assert "Thời điểm nhận không được sau lúc này" in response.get_data(as_text=True)
    assert item_count() == before


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"received_day": "31/02/2026"}, "Ngày phải có dạng dd/mm/yyyy"),
        ({"received_time": "25:10"}, "Giờ không hợp lệ"),
        ({"received_day": ""}, "Vui lòng nhập ngày nhận."),
        ({"received_time": ""}, "Vui lòng nhập giờ nhận."),
        ({"channel": "web"}, "Hãy chọn điện thoại, trực tiếp tại UBND hoặc thư/đơn giấy."),
        ({"text": ""}, "Vui lòng viết nội dung"),
        ({"text": "x" * 20_001}, "Nội dung tối đa 20.000 ký tự"),
        ({"kind": "complaint"}, "Khiếu nại cần ghi họ và tên người gửi."),
        ({"name": "Trần Thị Hoa"}, "vui lòng đánh dấu ô đồng ý"),
        ({"phone": "12345", "consent": "y"}, "Số điện thoại không hợp lệ"),
        ({"notify_by": "sms"}, "vui lòng nhập số điện thoại ở trên"),
        ({"notify_by": "zalo", "phone": "024 3825 3536", "consent": "y"}, "là số cố định"),
        ({"notify_by": "email", "phone": "0912345678", "consent": "y"}, "vui lòng nhập email ở trên"),
        ({"notify_by": "fax"}, "Cách nhận thông báo không hợp lệ"),
        ({"notice": "424242"}, "Không tìm thấy thông báo số 424242"),
    ],
)
def test_the_form_explains_what_to_fix_and_stores_nothing(client, units, official, login, fields, message):
    login(official)
    before = item_count()
    response = client.post("/manage/queue/new", data=call(units, **fields))
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    assert item_count() == before


def test_a_year_typed_wrong_does_not_put_an_item_years_back(client, units, official, login):
    login(official)
    response = client.post("/manage/queue/new", data=call(units, local_now().replace(year=local_now().year - 3)))
    assert "Chỉ ghi nhận được ý kiến nhận trong vòng một năm qua" in response.get_data(as_text=True)


def test_a_call_recorded_a_week_later_keeps_its_time_its_deadlines_and_is_audited(client, units, official, login):
    login(official)
    moment = local_now() - timedelta(days=7)
    response = client.post("/manage/queue/new", data=call(units, moment, kind="petition", channel="mail"))
    assert response.status_code == 303
    item = newest_item()
    assert to_local(item.received_at) == moment
    # The clocks run from the call, not from the typing.
    assert (item.acknowledge_due, item.resolve_due) == initial_due_dates("petition", item.received_at)
    assert (item.acknowledge_due, item.resolve_due) != initial_due_dates("petition", utcnow())
    assert sorted(audit_actions(item)) == ["feedback.backdated", "feedback.received"]
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "feedback.backdated"))
    assert entry.actor_id == official.id and entry.data["channel"] == "mail"
    assert 7 * 24 * 60 - 1 <= entry.data["minutes_earlier"] <= 7 * 24 * 60 + 1
    assert item.tracking_code in entry.summary


def test_the_inspectors_figures_count_a_call_recorded_into_a_month_already_summed_up(client, units, official, login):
    scope = AuditScope(units[0], local_today() - timedelta(days=60), local_today())
    make_item(units[1], received_on=local_today() - timedelta(days=40))
    assert build_report(scope).total.received == 1  # the rollups of those months are computed now
    login(official)
    client.post("/manage/queue/new", data=call(units, local_now() - timedelta(days=35), channel="walk_in"))
    report = build_report(scope)
    assert report.total.received == 2
    assert report.total == compute_figures(scope, False, False, local_today(), use_rollups=False).total


def test_a_few_minutes_earlier_is_not_back_dating(client, units, official, login):
    login(official)
    client.post("/manage/queue/new", data=call(units, local_now() - timedelta(minutes=5)))
    assert audit_actions(newest_item()) == ["feedback.received"]


def test_a_notice_of_the_commune_links_the_item(client, units, official, login):
    from tests.factories import make_notice

    notice = make_notice(units[1], official)
    login(official)
    client.post("/manage/queue/new", data=call(units, notice=str(notice.id)))
    assert newest_item().notice_id == notice.id


def test_an_email_receipt_keeps_the_address_encrypted(client, units, official, login):
    login(official)
    client.post(
        "/manage/queue/new",
        data=call(units, email="hoa.tran@example.vn", consent="y", notify_by="email", channel="walk_in"),
    )
    item = newest_item()
    assert item.notify_channel == "email" and "hoa.tran" not in item.notify_address
    assert unseal(item.notify_address) == "hoa.tran@example.vn"


def test_another_commune_is_refused(client, units, official, official_b, login):
    login(official_b)
    before = item_count()
    assert client.post("/manage/queue/new", data=call(units)).status_code == 403  # commune A is not theirs
    assert item_count() == before
    client.post("/logout")
    login(official)
    client.post("/manage/queue/new", data=call(units))
    item = newest_item()
    client.post("/logout")
    login(official_b)
    assert client.get(f"/manage/queue/{item.id}/recorded").status_code == 403
    assert client.get("/manage/queue/999999/recorded").status_code == 404


def test_a_notice_of_another_commune_is_refused(client, units, official, official_b, login):
    from tests.factories import make_notice

    notice = make_notice(units[2], official_b)
    login(official)
    response = client.post("/manage/queue/new", data=call(units, notice=str(notice.id)))
    assert response.status_code == 200
    assert "Thông báo này của Xã Sơn Động" in response.get_data(as_text=True)
    response = client.post("/manage/queue/new", data=call(units, notice=str(notice.id), unit=""))
    assert "Xã Sơn Động không thuộc đơn vị của bạn" in response.get_data(as_text=True)
    assert item_count() == 0


def test_inspectors_read_the_queue_but_record_nothing(client, units, inspector, login):
    login(inspector)
    assert "/manage/queue/new" not in client.get("/manage/queue").get_data(as_text=True)
    assert client.get("/manage/queue/new").status_code == 403
    assert client.post("/manage/queue/new", data=call(units)).status_code == 403


def test_a_province_admin_records_for_a_commune_below(client, units, admin, login):
    login(admin)
    page = client.get("/manage/queue/new").get_data(as_text=True)
    assert units[1].code in page and units[2].code in page and f'value="{units[0].code}"' not in page
    client.post("/manage/queue/new", data=call(units, unit=units[2].code))
    assert newest_item().unit_id == units[2].id


def test_signed_out_is_sent_to_sign_in(client, units):
    for response in (client.get("/manage/queue/new"), client.post("/manage/queue/new", data=call(units))):
        assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_the_form_needs_its_csrf_token(csrf_app, client, units, official):
    page = client.get("/login").get_data(as_text=True)
    client.post("/login", data={"username": official.username, "password": PASSWORD, "csrf_token": csrf_token(page)})
    before = item_count()
    assert client.post("/manage/queue/new", data=call(units)).status_code == 400
    assert item_count() == before
    token = csrf_token(client.get("/manage/queue/new").get_data(as_text=True))
    assert client.post("/manage/queue/new", data={**call(units), "csrf_token": token}).status_code == 303
    assert item_count() == before + 1


def test_the_citizen_form_and_the_api_record_their_channels(client, units):
    client.post("/feedback/new", data={"kind": "question", "unit": units[1].code, "text": "Hỏi qua trang web."})
    assert newest_item().channel == "web"
    response = client.post("/api/v1/feedback", json={"kind": "question", "unit": units[1].code, "text": "Hỏi qua API."})
    assert response.status_code == 201
    item = newest_item()
    assert item.channel == "api" and item.tracking_code == response.get_json()["tracking_code"]
    assert "channel" not in response.get_json()  # the API's answer is unchanged


def test_the_record_form_takes_a_cccd_number(client, units, official, login):
    login(official)
    page = client.get("/manage/queue/new").get_data(as_text=True)
    assert 'name="id_number"' in page and "Số căn cước (12 chữ số)" in page
