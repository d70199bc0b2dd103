"""Officials hear of new and forwarded items and, at 07:00 on working days, of what is due and overdue."""

from datetime import UTC, date, datetime, timedelta

from sqlalchemy import func, select

from app.extensions import db
from app.feedback import actions, intake
from app.feedback.digests import queue_digests
from app.feedback.models import Feedback
from app.outbox.delivery import deliver_due
from app.outbox.models import Notification
from app.tasks.jobs import morning_digest, refresh_audit
from tests.factories import make_user
from tests.feedback.notify.conftest import OFFICIAL_EMAIL, plain

TUESDAY = date(2026, 12, 8)  # a working day; Wednesday the 9th is "tomorrow"


def _item(units, received, **due):
    item = intake.submit_feedback(
        kind="petition", unit=units[1], text="Đèn đường thôn Đồng Đình hỏng.", received_at=received
    )
    for name, value in due.items():
        setattr(item, name, value)
    return item


def test_the_digest_runs_at_seven_vietnam_time():
    # Huey reads crontabs in UTC: 07:00 in Hà Nội is 00:00 UTC; 00:05 is 17:05 UTC the day before.
    digest = morning_digest.s()
    assert digest.validate_datetime(datetime(2026, 12, 8, 0, 0))
    assert not digest.validate_datetime(datetime(2026, 12, 7, 23, 59))
    assert not digest.validate_datetime(datetime(2026, 12, 8, 7, 0))
    assert refresh_audit.s().validate_datetime(datetime(2026, 12, 7, 17, 5))


def test_digest_lists_one_item_due_tomorrow_and_one_overdue(app, units, official, mail):
    received = datetime(2026, 11, 20, 2, 0, tzinfo=UTC)
    soon = _item(units, received, acknowledge_due=TUESDAY + timedelta(days=1))
    late = _item(units, received, acknowledge_due=TUESDAY - timedelta(days=4))
    later = _item(units, received, acknowledge_due=TUESDAY + timedelta(days=10))
    db.session.commit()
    deliver_due()
    mail.clear()

    assert queue_digests(today=TUESDAY) == 1
    assert queue_digests(today=TUESDAY) == 0  # once per user and day
    deliver_due()
    [digest] = mail.to(OFFICIAL_EMAIL)
    body = plain(digest)
    assert "1 quá hạn, 1 sắp đến hạn" in digest["Subject"]
    assert soon.tracking_code in body and late.tracking_code in body and later.tracking_code not in body
    assert "09/12/2026" in body and "04/12/2026" in body


def test_no_digest_on_a_sunday_or_with_nothing_due(app, units, official, mail):
    _item(units, datetime(2026, 11, 20, 2, 0, tzinfo=UTC), acknowledge_due=TUESDAY)
    db.session.commit()
    assert queue_digests(today=date(2026, 12, 6)) == 0  # Sunday
    assert queue_digests(today=date(2026, 11, 2)) == 0  # nothing due within two working days


def test_a_leader_gets_the_digest_of_the_commune_and_an_official_who_chose_none_gets_nothing(
    app, units, official, mail
):
    leader = make_user("leader", units[1])
    leader.email = "lanhdao@example.vn"
    official.notify_by = "none"
    _item(units, datetime(2026, 11, 20, 2, 0, tzinfo=UTC), acknowledge_due=TUESDAY)
    db.session.commit()
    assert queue_digests(today=TUESDAY) == 1
    deliver_due()
    assert len(mail.to("lanhdao@example.vn")) == 1 and mail.to(OFFICIAL_EMAIL) == []


def test_an_item_forwarded_in_tells_the_receiving_unit(app, units, official, mail):
    other = make_user("official", units[2])
    other.email = "canbo.sondong@example.vn"
    item = _item(units, datetime(2026, 12, 1, 2, 0, tzinfo=UTC))
    db.session.commit()
    actions.forward(item, official, units[2], "Thuộc địa bàn xã Sơn Động.")
    db.session.commit()
    deliver_due()
    [told] = mail.to("canbo.sondong@example.vn")
    assert "được chuyển đến Xã Sơn Động từ Xã Đại Sơn" in plain(told)


def test_a_mail_server_down_during_twenty_submissions_loses_nothing(client, units, official, mail):
    mail.stop()
    for number in range(20):
        response = client.post(
            "/feedback/new",
            data={
                "kind": "question",
                "unit": units[1].code,
                "text": f"Câu hỏi số {number} về đường liên thôn",
                "email": f"nguoidan{number}@example.vn",
                "consent": "y",
            },
        )
        assert response.status_code == 303
    assert db.session.scalar(select(func.count()).select_from(Feedback)) == 20
    rows = db.session.scalars(select(Notification)).all()
    assert len(rows) == 40  # 20 receipts and 20 new-item mails
    assert {row.status for row in rows} <= {"queued", "failed"}
    assert all(row.last_error for row in rows if row.status == "failed")

    mail.start()
    later = datetime.now(UTC) + timedelta(hours=2)
    assert deliver_due(now=later) == {"sent": 40}
    assert deliver_due(now=later) == {}
    delivered = mail.wait_for(40)
    ids = [message["X-Congkhai-Notification"] for message in delivered]
    assert len(ids) == 40 and len(set(ids)) == 40
    assert sorted(len(mail.to(f"nguoidan{number}@example.vn")) for number in range(20)) == [1] * 20
