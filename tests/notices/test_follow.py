"""Citizens follow a notice or a commune by e-mail: double opt-in, one-click unsubscribe, no enumeration.

The mails go to a real SMTP server on 127.0.0.1 (tests/outbox_servers.py); with no MAIL_SERVER they
are .eml files in OUTBOX_DIR, which the worker writes outside any request.
"""

import re
import time
from datetime import date
from email import message_from_bytes, policy
from urllib.parse import urlsplit

import pytest
from itsdangerous import TimestampSigner, URLSafeTimedSerializer
from sqlalchemy import func, select

from app import create_app
from app.extensions import db
from app.notices import following
from app.notices import services as notice_services
from app.notices.followers import Follower
from app.outbox.crypto import unseal
from app.outbox.delivery import deliver_due
from app.outbox.models import Notification
from tests.factories import PASSWORD, make_notice, make_units, make_user, notice_fields

ADDRESS = "nguoidan@example.vn"
CONFIRM_LINK = re.compile(r"http://congkhai\.test(/follow/confirm/[A-Za-z0-9._-]+)")


@pytest.fixture
def units(app):
    """(province "24", commune "07627" Đại Sơn, commune "07615" Sơn Động)."""
    return make_units()


@pytest.fixture
def official(units):
    return make_user("official", units[1])


@pytest.fixture
def staff_client(app, official):
    """A second browser: the official of Đại Sơn, signed in."""
    client = app.test_client()
    assert client.post("/login", data={"username": official.username, "password": PASSWORD}).status_code == 302
    return client


def follow(client, email=ADDRESS, **target):
    """Send the /follow form for ?notice= or ?unit= as a citizen's phone would."""
    query = "&".join(f"{name}={value}" for name, value in target.items())
    return client.post(f"/follow?{query}", data={"email": email, **target})


def notifications(template=None):
    query = select(Notification).order_by(Notification.id)
    if template:
        query = query.where(Notification.template == template)
    return list(db.session.scalars(query))


def only_follower():
    (follower,) = db.session.scalars(select(Follower)).all()
    return follower


def confirmed_follower(unit=None, notice=None, email=ADDRESS):
    """A follower who has opened the confirmation link (through the services, as the link does)."""
    follower = following.follow(email, notice=notice, unit=unit)
    db.session.commit()
    following.confirm(following.confirm_token(follower))
    db.session.commit()
    return follower


def publish_through_the_form(staff_client, **fields):
    """The official drafts and publishes a notice in Đại Sơn through /manage; return its id."""
    data = {name: value.isoformat() if hasattr(value, "isoformat") else (value or "") for name, value in fields.items()}
    data["contact_phone"] = "0912 345 678"
    created = staff_client.post("/manage/notices/new", data=data)
    assert created.status_code == 302, created.get_data(as_text=True)
    notice_id = int(created.location.rsplit("/", 1)[1])
    assert staff_client.post(f"/manage/notices/{notice_id}/publish").status_code == 302
    return notice_id


# --- the form ------------------------------------------------------------------------------------


def test_notice_and_unit_pages_link_to_the_follow_form(client, official, units):
    notice = make_notice(units[1], official)
    assert f'href="/follow?notice={notice.id}"' in client.get(f"/notices/{notice.id}").get_data(as_text=True)
    assert 'href="/follow?unit=07627"' in client.get("/units/07627").get_data(as_text=True)
    page = client.get(f"/follow?notice={notice.id}").get_data(as_text=True)
    assert notice.title in page and f'name="notice" value="{notice.id}"' in page and "<select" not in page
    page = client.get("/follow?unit=07627").get_data(as_text=True)
    assert "Xã Đại Sơn" in page and 'name="unit" value="07627"' in page and "<select" not in page
    page = client.get("/follow").get_data(as_text=True)
    assert '<option value="24">' in page and '<option value="07627">Xã Đại Sơn</option>' in page


def test_following_queues_a_confirmation_and_keeps_the_address_encrypted(client, units):
    response = follow(client, "  NguoiDan@Example.vn ", unit="07627")
    assert response.status_code == 303 and response.location.startswith("/follow/sent")
    assert "Hãy kiểm tra hộp thư" in client.get(response.location).get_data(as_text=True)
    follower = only_follower()
    assert (follower.target, follower.unit_id, follower.notice_id) == (f"unit:{units[1].id}", units[1].id, None)
    assert follower.confirmed_at is None and follower.unsubscribed_at is None
    assert "example.vn" not in follower.email.lower() and unseal(follower.email) == "NguoiDan@Example.vn"
    assert follower.email_hash == following.email_hash("nguoidan@example.vn") and len(follower.email_hash) == 64
    (row,) = notifications()
    assert (row.template, row.channel, row.subject, row.unit_id) == (
        "follow.confirm",
        "email",
        f"follower:{follower.id}",
        units[1].id,
    )
    assert "example" not in repr(row.payload).lower() and "example" not in row.recipient.lower()


def test_the_page_after_the_form_never_tells_whether_the_address_already_followed(client, units):
    answers = []
    follow(client, "da.theo.doi@example.vn", unit="07627")
    following.confirm(following.confirm_token(only_follower()))
    db.session.commit()
    for email in ("moi@example.vn", "da.theo.doi@example.vn", "moi@example.vn"):
        response = follow(client, email, unit="07627")
        answers.append((response.status_code, response.location, client.get(response.location).get_data()))
    assert answers[0] == answers[1] == answers[2]
    # the same address and target stay one follower
    assert db.session.scalar(select(func.count(Follower.id))) == 2


@pytest.mark.parametrize(
    ("query", "data", "message"),
    [
        ("unit=07627", {"email": ""}, "Vui lòng nhập địa chỉ email để nhận thư báo."),
        ("unit=07627", {"email": "khong co a cong"}, "Email không hợp lệ; hãy nhập theo dạng ten@vidu.vn."),
        ("unit=07627", {"email": "a@b.vn\r\nBcc: x@y.vn"}, "Email không hợp lệ"),
        ("unit=07627", {"email": "a" * 250 + "@b.vn"}, "Email tối đa 254 ký tự."),
        ("", {"email": ADDRESS}, "Vui lòng chọn xã, phường hoặc tỉnh muốn theo dõi."),
        ("", {"email": ADDRESS, "unit": "99999"}, "Không có đơn vị hành chính mã “99999”"),
        ("", {"email": ADDRESS, "unit": "x" * 500}, "Không có đơn vị hành chính mã"),
        ("", {"email": ADDRESS, "notice": "99999999999999"}, "Không tìm thấy thông báo số 99999999999999"),
        ("", {"email": ADDRESS, "notice": "abc"}, "Không tìm thấy thông báo số abc"),
    ],
)
def test_form_errors_are_vietnamese_and_nothing_is_kept(client, units, query, data, message):
    response = client.post(f"/follow?{query}", data=data)
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(Follower.id))) == 0 and notifications() == []


def test_a_draft_or_a_former_unit_cannot_be_followed(client, official, units):
    draft = make_notice(units[1], official, publish=False)
    page = client.get(f"/follow?notice={draft.id}").get_data(as_text=True)
    assert "Không tìm thấy thông báo bạn chọn" in page and "<select" in page
    response = follow(client, notice=draft.id)
    assert f"Không tìm thấy thông báo số {draft.id}" in response.get_data(as_text=True)
    units[2].valid_to = date(2025, 6, 30)
    units[2].successor = units[1]
    db.session.commit()
    response = follow(client, unit="07615")
    assert "Xã Sơn Động không còn tồn tại sau khi sắp xếp đơn vị hành chính; hãy theo dõi Xã Đại Sơn" in (
        response.get_data(as_text=True)
    )
    assert db.session.scalar(select(func.count(Follower.id))) == 0


def test_a_robot_filling_the_hidden_field_is_thanked_and_forgotten(client, units):
    response = client.post("/follow?unit=07627", data={"email": ADDRESS, "unit": "07627", "website": "spam.example"})
    assert response.status_code == 303 and response.location == "/follow/sent"
    assert db.session.scalar(select(func.count(Follower.id))) == 0 and notifications() == []


def test_sending_the_form_again_soon_sends_one_confirmation(client, units):
    for _ in range(3):
        follow(client, unit="07627")
    assert len(notifications("follow.confirm")) == 1


def test_the_form_has_its_own_rate_limit(tmp_path, database_url):
    app = create_app(
        "testing",
        SQLALCHEMY_DATABASE_URI=database_url,
        RATELIMIT_ENABLED=True,
        FOLLOW_RATE_LIMIT="2 per minute",
        WTF_CSRF_ENABLED=False,
        OUTBOX_DIR=str(tmp_path / "outbox"),
        SEARCH_INDEX_DIR=str(tmp_path / "index"),
    )
    with app.app_context():
        try:
            make_units()
            client = app.test_client()
            statuses = [follow(client, f"n{number}@example.vn", unit="07627").status_code for number in range(3)]
            assert statuses == [303, 303, 429]
            assert client.get("/follow?unit=07627").status_code == 200  # reading the form is not limited
        finally:
            db.session.rollback()
            for table in reversed(db.metadata.sorted_tables):
                db.session.execute(table.delete())
            db.session.commit()
            db.session.remove()


# --- links: confirm, unsubscribe -----------------------------------------------------------------


def test_the_confirmation_link_starts_the_messages(client, units):
    follow(client, unit="07627")
    follower = only_follower()
    response = client.get(f"/follow/confirm/{following.confirm_token(follower)}")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Đã xác nhận theo dõi" in page and "Xã Đại Sơn" in page and "/follow/unsubscribe/" in page
    assert response.headers["Cache-Control"] == "private, no-store"
    assert response.headers["Referrer-Policy"] == "no-referrer"
    db.session.refresh(follower)
    assert follower.confirmed_at is not None and following.is_following(follower)


def test_an_expired_or_changed_confirmation_link_is_refused(client, app, units):
    follow(client, unit="07627")
    follower = only_follower()

    class EightDaysAgo(TimestampSigner):
        def get_timestamp(self):
            return int(time.time()) - 8 * 24 * 3600

    serializer = URLSafeTimedSerializer(app.config["SECRET_KEY"], salt="follow-confirm", signer=EightDaysAgo)
    old = serializer.dumps([follower.id, 0])
    response = client.get(f"/follow/confirm/{old}")
    assert response.status_code == 404 and "Đường dẫn đã hết hạn" in response.get_data(as_text=True)
    token = following.confirm_token(follower)
    for bad in (token[:-2] + "xx", "khong-phai-ma", following.unsubscribe_token(follower.id)):
        response = client.get(f"/follow/confirm/{bad}")
        assert response.status_code == 404 and "Đường dẫn không dùng được" in response.get_data(as_text=True)
    forged = URLSafeTimedSerializer(app.config["SECRET_KEY"], salt="follow-confirm").dumps([10**12, 0])
    assert client.get(f"/follow/confirm/{forged}").status_code == 404
    db.session.refresh(follower)
    assert follower.confirmed_at is None


def test_unsubscribe_page_asks_first_then_one_click_post_works_without_csrf(csrf_app, units):
    client = csrf_app.test_client()
    follower = confirmed_follower(unit=units[1])
    url = f"/follow/unsubscribe/{following.unsubscribe_token(follower.id)}"
    page = client.get(url)
    assert (
        page.status_code == 200
        and "Hủy theo dõi" in page.get_data(as_text=True)
        and "<form" in page.get_data(as_text=True)
    )
    db.session.refresh(follower)
    assert following.is_following(follower)  # a GET (a mail scanner's preview) changes nothing
    response = client.post(url, data="List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded")
    assert response.status_code == 200 and "Đã hủy theo dõi" in response.get_data(as_text=True)
    db.session.refresh(follower)
    assert follower.unsubscribed_at is not None and follower.email is None  # the address is erased
    assert client.post(url).status_code == 200  # twice is harmless
    assert client.post("/follow/unsubscribe/sai-ma").status_code == 404
    # every other form of the site still needs its token
    assert client.post("/follow?unit=07627", data={"email": ADDRESS, "unit": "07627"}).status_code == 400


def test_an_old_confirmation_link_does_not_undo_an_unsubscription_but_following_again_does(client, units):
    follow(client, unit="07627")
    follower = only_follower()
    old_link = f"/follow/confirm/{following.confirm_token(follower)}"
    assert client.get(old_link).status_code == 200
    client.post(f"/follow/unsubscribe/{following.unsubscribe_token(follower.id)}")
    response = client.get(old_link)
    assert response.status_code == 404 and "Đường dẫn đã hết hạn" in response.get_data(as_text=True)
    db.session.refresh(follower)
    assert not following.is_following(follower)

    follow(client, unit="07627")  # the same address again: a new confirmation, the same follower
    assert only_follower().id == follower.id
    db.session.refresh(follower)
    assert not following.is_following(follower) and unseal(follower.email) == ADDRESS
    assert client.get(f"/follow/confirm/{following.confirm_token(follower)}").status_code == 200
    db.session.refresh(follower)
    assert following.is_following(follower)


# --- who is told ---------------------------------------------------------------------------------


def test_a_new_notice_is_told_to_the_followers_of_its_commune_and_province_only(staff_client, units):
    province, dai_son, son_dong = units
    of_province = confirmed_follower(unit=province, email="tinh@example.vn")
    of_commune = confirmed_follower(unit=dai_son, email="xa@example.vn")
    confirmed_follower(unit=son_dong, email="xa.khac@example.vn")
    following.follow("chua.xac.nhan@example.vn", unit=dai_son)
    db.session.commit()
    notice_id = publish_through_the_form(staff_client, **notice_fields(title="Kế hoạch thu hồi đất thôn Đồng Đình"))
    rows = notifications("follow.notice_published")
    assert sorted(row.payload["follower_id"] for row in rows) == sorted([of_province.id, of_commune.id])
    for row in rows:
        assert row.payload["notice_id"] == notice_id and row.dedupe_key.startswith(f"notice:{notice_id}:v1:")
        assert row.status == "sent"  # delivered after the commit, as .eml files here
    assert {row.payload["followed"] for row in rows} == {"Tỉnh Bắc Ninh", "Xã Đại Sơn"}


def test_a_draft_tells_nobody_and_an_address_following_twice_is_told_once(app, official, units):
    follower = confirmed_follower(unit=units[1])
    notice = make_notice(units[1], official, publish=False)
    assert notifications("follow.notice_published") == []
    notice_services.publish_notice(notice, official)
    db.session.commit()
    confirmed_follower(notice=notice)  # the same address follows the notice too
    notice_services.correct_notice(notice, {"place": "Thôn Hạ"}, "Sai địa điểm", official)
    db.session.commit()
    (corrected,) = notifications("follow.notice_corrected")
    assert corrected.payload["followed"] is None  # told through the notice it follows, once
    assert corrected.payload["reason"] == "Sai địa điểm"
    assert following.notice_change_notifications(notice) == 0  # the same change again: nothing new
    assert [row.payload["follower_id"] for row in notifications("follow.notice_published")] == [follower.id]


def test_a_mail_queued_before_unsubscribing_is_not_sent(app, official, units):
    follower = confirmed_follower(unit=units[1])
    make_notice(units[1], official)  # queued, not yet delivered (no request has ended)
    following.unsubscribe(following.unsubscribe_token(follower.id))
    db.session.commit()
    deliver_due()
    (row,) = notifications("follow.notice_published")
    assert row.status == "suppressed"


def test_the_worker_writes_the_mail_outside_any_request_with_public_links(app, official, units, tmp_path):
    follower = confirmed_follower(unit=units[1])
    notice = make_notice(units[1], official, title="Dự toán ngân sách xã năm 2027")
    deliver_due()
    assert [row.status for row in notifications()] == ["sent", "sent"]  # the confirmation and the new notice
    (row,) = notifications("follow.notice_published")
    mails = [
        message_from_bytes(path.read_bytes(), policy=policy.default) for path in (tmp_path / "outbox").glob("*.eml")
    ]
    (mail,) = [mail for mail in mails if mail["X-Congkhai-Notification"] == str(row.id)]
    assert mail["Subject"] == "Thông báo mới của Xã Đại Sơn: Dự toán ngân sách xã năm 2027"
    text = mail.get_body(("plain",)).get_content()
    assert f"http://congkhai.test/notices/{notice.id}" in text and "Hủy theo dõi" in text
    unsubscribe = mail["List-Unsubscribe"].strip("<>")
    assert unsubscribe.startswith("http://congkhai.test/follow/unsubscribe/")
    assert following.find_unsubscribing(urlsplit(unsubscribe).path.rsplit("/", 1)[1]).id == follower.id
    assert mail["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    html = mail.get_body(("html",)).get_content()
    assert f'href="http://congkhai.test/notices/{notice.id}"' in html


def test_a_public_answer_is_told_to_the_notice_followers_once(app, official, units):
    notice = make_notice(units[1], official)
    of_notice = confirmed_follower(notice=notice)
    confirmed_follower(unit=units[1], email="xa@example.vn")
    url = "http://congkhai.test/track/HD-ABCD-EFGH-JKLM"
    assert following.notify_public_answer(notice, url) == 1
    assert following.notify_public_answer(notice, url) == 0
    (row,) = notifications("follow.public_answer")
    assert row.payload["follower_id"] == of_notice.id and row.payload["answer_url"] == url
    deliver_due()
    db.session.refresh(row)
    assert row.status == "sent"


# --- with a real SMTP server ---------------------------------------------------------------------


def _confirm_path(mail):
    match = CONFIRM_LINK.search(mail.get_body(("plain",)).get_content())
    assert match, "no confirmation link in the mail"
    return match.group(1)


def test_a_citizen_follows_a_commune_end_to_end_over_smtp(app, client, staff_client, units, smtp_server):
    app.config.update(smtp_server.config)
    assert follow(client, unit="07627").status_code == 303
    (confirmation,) = smtp_server.wait_for(1)
    assert smtp_server.envelopes[0][1] == [ADDRESS]
    assert confirmation["Subject"] == "Xác nhận theo dõi thông báo của Xã Đại Sơn"
    assert client.get(_confirm_path(confirmation)).status_code == 200

    notice_id = publish_through_the_form(staff_client, **notice_fields(title="Thông báo lấy ý kiến quy hoạch"))
    mails = smtp_server.wait_for(2)
    news = mails[1]
    assert smtp_server.envelopes[1][1] == [ADDRESS]
    assert news["Subject"] == "Thông báo mới của Xã Đại Sơn: Thông báo lấy ý kiến quy hoạch"
    assert f"http://congkhai.test/notices/{notice_id}" in news.get_body(("plain",)).get_content()

    # The mail program's one-click unsubscribe (RFC 8058): a POST to List-Unsubscribe, no session, no CSRF.
    app.config["WTF_CSRF_ENABLED"] = True
    mail_program = app.test_client()
    unsubscribe = urlsplit(news["List-Unsubscribe"].strip("<>")).path
    assert mail_program.post(unsubscribe, data={"List-Unsubscribe": "One-Click"}).status_code == 200
    app.config["WTF_CSRF_ENABLED"] = False
    publish_through_the_form(staff_client, **notice_fields(title="Một thông báo sau khi đã hủy"))
    time.sleep(0.2)
    assert len(smtp_server.messages) == 2


def test_an_unconfirmed_follower_gets_only_the_confirmation(app, client, staff_client, units, smtp_server):
    app.config.update(smtp_server.config)
    follow(client, unit="07627")
    smtp_server.wait_for(1)
    notice_id = publish_through_the_form(staff_client, **notice_fields())
    staff_client.post(f"/manage/notices/{notice_id}/withdraw", data={"reason": "Ban hành nhầm"})
    time.sleep(0.2)
    assert len(smtp_server.messages) == 1
    assert notifications("follow.notice_published") == notifications("follow.notice_withdrawn") == []


def test_a_notice_follower_hears_of_its_correction_and_withdrawal_over_smtp(
    app, client, staff_client, official, units, smtp_server
):
    notice = make_notice(units[1], official, title="Danh sách hộ nghèo năm 2027")
    app.config.update(smtp_server.config)
    follow(client, notice=notice.id)
    client.get(_confirm_path(smtp_server.wait_for(1)[0]))
    data = {
        name: value.isoformat() if hasattr(value, "isoformat") else (value or "")
        for name, value in notice_fields(
            title="Danh sách hộ nghèo năm 2027", place="Thôn Thượng", reason="Sai nơi niêm yết"
        ).items()
    }
    data["contact_phone"] = "0912 345 678"
    assert staff_client.post(f"/manage/notices/{notice.id}/correct", data=data).status_code == 302
    staff_client.post(f"/manage/notices/{notice.id}/withdraw", data={"reason": "Thay bằng danh sách mới"})
    _confirmation, corrected, withdrawn = smtp_server.wait_for(3)
    assert corrected["Subject"] == "Thông báo được đính chính: Danh sách hộ nghèo năm 2027"
    assert "Lý do đính chính: Sai nơi niêm yết" in corrected.get_body(("plain",)).get_content()
    assert withdrawn["Subject"] == "Thông báo đã bị thu hồi: Danh sách hộ nghèo năm 2027"
    assert "Lý do thu hồi: Thay bằng danh sách mới" in withdrawn.get_body(("plain",)).get_content()
    assert "thông báo này" in withdrawn.get_body(("plain",)).get_content()


def test_followers_who_never_confirm_are_forgotten_after_the_link_expires(app, units):
    from datetime import timedelta

    from app.clock import utcnow

    following.follow("quen@example.vn", unit=units[1])
    kept = confirmed_follower(unit=units[1], email="nho@example.vn")
    db.session.commit()
    assert following.forget_unconfirmed(now=utcnow() + timedelta(days=6)) == 0
    assert following.forget_unconfirmed(now=utcnow() + timedelta(days=8)) == 1
    db.session.commit()
    assert [follower.id for follower in db.session.scalars(select(Follower))] == [kept.id]
