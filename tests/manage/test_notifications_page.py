"""The outbox of the official's unit (/manage/notifications): who sees which rows, filters, pages, "Gửi lại".

Rows are written with app.outbox.queue.notify as the domains write them. The retry is checked end to end
against a real SMTP server on loopback (tests/outbox_servers.py): down for the first try, up when the
official presses "Gửi lại". No page ever shows any part of a recipient's address.
"""

import re
from datetime import UTC, datetime, time, timedelta

import pytest
from sqlalchemy import func, select

from app.clock import LOCAL_TZ, local_today, utcnow
from app.extensions import db
from app.feedback.models import Feedback
from app.ledger.models import AuditEntry
from app.outbox import delivery, queue
from app.outbox.messages import Message, register_template
from app.outbox.models import Notification
from app.workspaces.notifications import retry_notification
from tests.factories import PASSWORD, make_user
from tests.manage.conftest import csrf_token

EMAIL = "tran.thi.mai@example.vn"
PHONE = "+84987654321"
TEMPLATE = "test.outbox_page"  # registered below: the retry test sends it for real


def _render(payload, language):
    return Message(
        subject="Ý kiến PA-TEST đã có trả lời", text="Ủy ban xã đã trả lời ý kiến của bạn.", short="Da tra loi"
    )


register_template(TEMPLATE, _render)


@pytest.fixture
def leader(units):
    return make_user("leader", units[1], username="lanhdao.a")


@pytest.fixture
def admin(units):
    return make_user("admin", units[0], username="quantri")


def _item(unit, code):
    """A queue item of `unit` (built directly: intake would write notifications of its own)."""
    received = datetime.combine(local_today(), time(9), tzinfo=LOCAL_TZ).astimezone(UTC)
    item = Feedback(
        tracking_code=code,
        kind="petition",
        unit=unit,
        text="Đường thôn Đồng Đình bị sạt lở sau mưa.",
        received_at=received,
        acknowledge_due=local_today() + timedelta(days=3),
        resolve_due=local_today() + timedelta(days=15),
        status="received",
    )
    db.session.add(item)
    db.session.flush()
    return item


def _notify(unit, template=TEMPLATE, channel="email", recipient=EMAIL, minutes_ago=0, **fields):
    """A notification as a domain writes it, then set to the state the test needs (not committed)."""
    row = queue.notify(
        channel=channel,
        recipient=recipient,
        template=template,
        unit_id=unit.id if unit is not None else None,
        subject=fields.pop("subject", ""),
        fallback_channel=fields.pop("fallback_channel", None),
    )
    row.created_at = utcnow() - timedelta(minutes=minutes_ago)
    for name, value in fields.items():
        setattr(row, name, value)
    return row


def _rows(page):
    """The ids of the notifications listed, in order."""
    return [int(number) for number in re.findall(r'<tr id="notification-(\d+)"', page)]


def _row(page, row):
    start = page.index(f'id="notification-{row.id}"')
    return page[start : page.index("</tr>", start)]


def _no_address(page):
    for text in (EMAIL, "tran.thi", "example.vn", "t***", PHONE, "987654321", "0987", "654 321"):
        assert text not in page, text


def test_the_official_sees_the_units_outbox_newest_first_and_never_an_address(client, login, units, official):
    province, commune_a, commune_b = units
    item = _item(commune_a, "PA-ABCD-EFGH-0001")
    moved = _item(commune_b, "PA-ABCD-EFGH-0002")  # forwarded away since: not this official's to open
    receipt = _notify(commune_a, "feedback.receipt", subject=f"feedback:{item.id}", minutes_ago=30)
    answer = _notify(
        commune_a,
        "feedback.answered",
        channel="zalo",
        recipient=PHONE,
        fallback_channel="sms",
        subject=f"feedback:{item.id}",
        minutes_ago=10,
        status="sent",
        attempts=1,
        sent_channel="sms",
        sent_at=utcnow(),
        next_attempt_at=None,
    )
    digest = _notify(commune_a, "staff.digest", subject="user:7", minutes_ago=5, status="suppressed")
    odd = _notify(commune_a, "village.loudspeaker", subject=f"feedback:{moved.id}", minutes_ago=1)
    other = _notify(commune_b, "feedback.receipt", subject=f"feedback:{moved.id}")
    nowhere = _notify(None, "follow.confirm", subject="follower:3")
    db.session.commit()
    login(official)

    page = client.get("/manage/notifications").get_data(as_text=True)

    assert _rows(page) == [odd.id, digest.id, answer.id, receipt.id]  # newest first, commune A only
    assert other.id not in _rows(page) and nowhere.id not in _rows(page)
    first = _row(page, receipt)
    assert "Báo đã nhận ý kiến" in first and "E-mail" in first and "Đang chờ" in first
    assert f'href="/manage/queue/{item.id}"' in first and item.tracking_code in first
    local = receipt.created_at.astimezone(LOCAL_TZ)
    assert local.strftime("%d/%m/%Y") in first and local.strftime("%H:%M") in first
    sent = _row(page, answer)
    assert "Báo đã có trả lời" in sent and "Zalo" in sent and "đã gửi qua SMS" in sent and "Đã gửi" in sent
    assert "Bản tin hằng ngày cho cán bộ" in _row(page, digest) and "Đã bỏ" in _row(page, digest)
    unknown = _row(page, odd)
    assert "village.loudspeaker" in unknown  # a template the page has no name for, by its identifier
    assert moved.tracking_code not in page and f"Ý kiến số {moved.id}" in unknown
    # "Gửi lại" for what waits or failed only.
    assert f"/manage/notifications/{receipt.id}/retry" in first
    assert "/retry" not in sent and "/retry" not in _row(page, digest)
    _no_address(page)
    for row in (receipt, answer):
        assert row.recipient[:20] not in page  # nor the sealed token


def test_leaders_see_their_commune_and_admins_everything(client, login, units, leader, admin):
    province, commune_a, commune_b = units
    mine = _notify(commune_a, minutes_ago=3)
    theirs = _notify(commune_b, minutes_ago=2)
    unitless = _notify(None, minutes_ago=1)
    db.session.commit()

    login(leader)
    assert _rows(client.get("/manage/notifications").get_data(as_text=True)) == [mine.id]
    client.post("/logout")
    login(admin)
    assert _rows(client.get("/manage/notifications").get_data(as_text=True)) == [unitless.id, theirs.id, mine.id]


def test_the_outbox_is_for_signed_in_staff_only(client, login, units, official):
    row = _notify(units[1])
    db.session.commit()

    response = client.get("/manage/notifications")
    assert response.status_code == 302 and response.location.startswith("/login")
    assert client.post(f"/manage/notifications/{row.id}/retry").status_code == 302
    inspector = make_user("inspector", units[0], username="thanhtra")
    login(inspector)
    assert client.get("/manage/notifications").status_code == 403
    assert client.post(f"/manage/notifications/{row.id}/retry").status_code == 403
    assert db.session.scalar(select(func.count()).select_from(AuditEntry).where(AuditEntry.action.like("notif%"))) == 0


def test_filters_by_status_and_channel(client, login, units, official):
    commune = units[1]
    failed = _notify(commune, status="failed", attempts=2, last_error="email: connection refused", minutes_ago=4)
    queued = _notify(commune, minutes_ago=3)
    by_sms = _notify(commune, channel="sms", recipient=PHONE, status="sent", sent_channel="sms", minutes_ago=2)
    fallback = _notify(
        commune, channel="zalo", recipient=PHONE, fallback_channel="sms", status="sent", sent_channel="sms"
    )
    db.session.commit()
    login(official)

    def listed(query):
        return _rows(client.get(f"/manage/notifications?{query}").get_data(as_text=True))

    assert listed("status=failed") == [failed.id]
    assert listed("status=queued") == [queued.id]
    assert listed("status=sent") == [fallback.id, by_sms.id]
    assert listed("channel=email") == [queued.id, failed.id]
    assert listed("channel=sms") == [fallback.id, by_sms.id]  # Zalo's fallback went through SMS
    assert listed("channel=zalo") == [fallback.id]
    assert listed("status=sent&channel=email") == []
    page = client.get("/manage/notifications?status=bogus&channel=fax").get_data(as_text=True)
    assert "Trạng thái lọc không hợp lệ" in page and "Kênh gửi không hợp lệ" in page
    assert len(_rows(page)) == 4
    assert '<option value="failed" selected>' in client.get("/manage/notifications?status=failed").get_data(
        as_text=True
    )


def test_fifty_rows_a_page_with_page_links_that_keep_the_filters(client, login, units, official):
    commune = units[1]
    rows = [_notify(commune, status="failed", minutes_ago=minutes) for minutes in range(55)]
    _notify(commune, status="sent", minutes_ago=100)
    db.session.commit()
    login(official)

    first = client.get("/manage/notifications?status=failed").get_data(as_text=True)
    second = client.get("/manage/notifications?status=failed&page=2").get_data(as_text=True)

    assert _rows(first) == [row.id for row in rows[:50]]
    assert _rows(second) == [row.id for row in rows[50:]]
    assert "55 tin" in first
    assert 'href="/manage/notifications?page=2&amp;status=failed"' in first
    assert 'href="/manage/notifications?page=1&amp;status=failed"' in second
    assert "Trang này không có tin nào." in client.get("/manage/notifications?page=9").get_data(as_text=True)


def test_retrying_queues_the_row_now_and_writes_the_audit_entry(units, official):
    row = _notify(units[1], status="failed", attempts=6, last_error="email: refused", next_attempt_at=None)
    sent = _notify(units[1], status="sent", attempts=1, next_attempt_at=None)
    db.session.commit()
    before = utcnow()

    assert retry_notification(row, official) is True
    assert retry_notification(sent, official) is False

    assert row.status == "queued" and row.claimed_until is None
    assert before <= row.next_attempt_at <= utcnow()  # due now, no more back-off
    assert row.attempts == 6  # the tries so far stay counted
    assert sent.status == "sent" and sent.next_attempt_at is None
    entries = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "notification.retry")).all()
    assert [(entry.object_type, entry.object_id, entry.actor_id) for entry in entries] == [
        ("Notification", str(row.id), official.id)
    ]
    assert entries[0].data["before"] == {"status": "failed"} and entries[0].data["after"] == {"status": "queued"}
    assert EMAIL not in str(entries[0].data) and EMAIL not in entries[0].summary


def test_a_row_a_worker_is_sending_is_not_queued_twice(client, login, units, official):
    row = _notify(units[1], status="queued", attempts=1, claimed_until=utcnow() + timedelta(minutes=4))
    db.session.commit()
    login(official)

    response = client.post(f"/manage/notifications/{row.id}/retry", follow_redirects=True)

    assert "Tin này đang được gửi" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Notification, row.id).claimed_until is not None  # the worker's lease stands
    assert db.session.scalar(select(func.count()).select_from(AuditEntry).where(AuditEntry.action.like("notif%"))) == 0


def test_gui_lai_sends_a_mail_that_failed_while_the_server_was_down(app, client, login, units, official, smtp_server):
    app.config.update(smtp_server.config)
    smtp_server.stop()
    row = _notify(units[1])
    db.session.commit()
    assert delivery.deliver(row.id) == "failed"  # nothing listens on the port: a real refusal
    db.session.refresh(row)
    assert row.attempts == 1 and row.last_error.startswith("email:")
    login(official)
    page = client.get("/manage/notifications?status=failed&channel=email").get_data(as_text=True)
    assert "Lỗi" in _row(page, row) and row.last_error[:30] in _row(page, row)

    smtp_server.start()
    response = client.post(
        f"/manage/notifications/{row.id}/retry",
        data={"status": "failed", "channel": "email", "page": "1"},
    )

    assert response.status_code == 302
    assert response.location == "/manage/notifications?status=failed&channel=email"
    db.session.expire_all()
    row = db.session.get(Notification, row.id)
    assert row.status == "sent" and row.attempts == 2 and row.sent_channel == "email"
    assert [rcpt for _sender, rcpt in smtp_server.envelopes] == [[EMAIL]]
    assert smtp_server.messages[0]["Subject"] == "Ý kiến PA-TEST đã có trả lời"
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "notification.retry"))
    assert entry.actor_id == official.id and entry.object_id == str(row.id)
    page = client.get(response.location).get_data(as_text=True)
    assert f"Đã đưa tin số {row.id} vào hàng gửi" in page
    assert row.id not in _rows(page)  # sent now: no longer among the failed
    sent_page = client.get("/manage/notifications?status=sent").get_data(as_text=True)
    assert "Đã gửi" in _row(sent_page, row)
    _no_address(sent_page)


def test_another_units_row_is_not_found_and_a_sent_row_is_not_sent_again(client, login, units, official):
    theirs = _notify(units[2], status="failed", attempts=6, next_attempt_at=None)
    sent = _notify(units[1], status="sent", attempts=1, next_attempt_at=None)
    db.session.commit()
    login(official)

    assert client.post(f"/manage/notifications/{theirs.id}/retry").status_code == 404
    assert client.post("/manage/notifications/999999/retry").status_code == 404
    assert client.post(f"/manage/notifications/{2**63}/retry").status_code == 404  # no 5xx on odd input
    assert client.get("/manage/notifications?page=x&status=" + "q" * 5000).status_code == 200
    response = client.post(f"/manage/notifications/{sent.id}/retry", data={"status": "sent"}, follow_redirects=True)

    assert "không gửi lại được" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Notification, theirs.id).status == "failed"
    assert db.session.get(Notification, theirs.id).attempts == 6
    assert db.session.get(Notification, sent.id).attempts == 1
    assert db.session.scalar(select(func.count()).select_from(AuditEntry).where(AuditEntry.action.like("notif%"))) == 0


def test_an_error_a_server_echoed_an_address_in_is_shown_without_it(client, login, units, official):
    error = f"email: 550 5.1.1 <{EMAIL}> mailbox unavailable; sms: {PHONE} rejected by the gateway " + "x" * 60
    row = _notify(units[1], status="failed", attempts=3, last_error=error)
    db.session.commit()
    login(official)

    page = client.get("/manage/notifications").get_data(as_text=True)

    cell = _row(page, row)
    assert "550 5.1.1" in cell and "mailbox unavailable" in cell
    assert re.search(r'title="[^"]*rejected by the gateway x+"', cell)  # the whole error on hover
    assert "…</span>" in cell  # and a short one in the cell
    _no_address(page)


def test_the_navigation_counts_the_failed_rows_of_the_users_units(client, login, units, official):
    for minutes in range(2):
        _notify(units[1], status="failed", minutes_ago=minutes)
    _notify(units[1], status="sent")
    _notify(units[2], status="failed")
    db.session.commit()
    login(official)

    page = client.get("/manage/notifications").get_data(as_text=True)

    link = re.search(r'<a href="/manage/notifications" data-area="notifications"[^>]*>(.*?)</a>', page, re.S)
    assert link and re.search(r'class="nav-badge">2<span class="visually-hidden"> tin gửi lỗi</span>', link[1])
    client.post("/logout")
    login(make_user("official", units[2]))
    other = client.get("/manage/").get_data(as_text=True)
    assert 'class="nav-badge">1<' in other


def test_the_retry_form_carries_a_csrf_token(csrf_app, units, official):
    row = _notify(units[1], status="failed", attempts=6, next_attempt_at=None)
    db.session.commit()
    client = csrf_app.test_client()
    login_page = client.get("/login").get_data(as_text=True)
    client.post(
        "/login",
        data={"username": official.username, "password": PASSWORD, "csrf_token": csrf_token(login_page)},
    )
    page = client.get("/manage/notifications").get_data(as_text=True)

    refused = client.post(f"/manage/notifications/{row.id}/retry")
    assert refused.status_code == 400
    db.session.expire_all()
    assert db.session.get(Notification, row.id).status == "failed"
    accepted = client.post(f"/manage/notifications/{row.id}/retry", data={"csrf_token": csrf_token(page)})
    assert accepted.status_code == 302
    assert (
        db.session.scalar(select(func.count()).select_from(AuditEntry).where(AuditEntry.action == "notification.retry"))
        == 1
    )
