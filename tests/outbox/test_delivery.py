"""The outbox end to end: notify in a transaction, deliver after commit through real servers, retry, fall back."""

import logging
import sqlite3
from datetime import timedelta
from pathlib import Path

import pytest
from flask import g
from sqlalchemy import select, text, update

from app import effects
from app.clock import utcnow
from app.extensions import db
from app.outbox import queue
from app.outbox.crypto import unseal, unseal_json
from app.outbox.delivery import LEASE, deliver, deliver_due
from app.outbox.messages import Message, register_template
from app.outbox.models import Notification

ADDRESS = "tran.thi.binh@example.vn"
PHONE = "+84912345845"
CODE = "DS-2026-000321"
sent_log = []


def render_receipt(payload, language):
    code = payload["code"]
    return Message(
        subject=f"Phản ánh {code} đã được tiếp nhận",
        text=f"Kính gửi {payload.get('name', 'ông/bà')},\nUBND xã đã tiếp nhận phản ánh. Mã tra cứu: {code}.",
        short=f"Công khai: đã tiếp nhận phản ánh, mã tra cứu {code}.",
        html=f"<p>Mã tra cứu: <b>{code}</b></p>",
        unsubscribe_url=f"http://congkhai.test/unsubscribe/{code}",
        data={"code": code, "status": "Đã tiếp nhận"},
        mask_recipient=bool(payload.get("denunciation")),
    )


def still_wanted(notification, payload):
    return not payload.get("unsubscribed")


def remember_sent(notification, payload):
    sent_log.append(notification.id)


def render_broken(payload, language):
    raise KeyError("a field the template needs")


@pytest.fixture(autouse=True)
def templates():
    register_template("test.outbox.receipt", render_receipt, is_wanted=still_wanted, on_sent=remember_sent)
    register_template("test.outbox.broken", render_broken)
    sent_log.clear()


def notify(channel="email", recipient=ADDRESS, **fields):
    fields.setdefault("payload", {"code": CODE})
    return queue.notify(channel=channel, recipient=recipient, template="test.outbox.receipt", **fields)


def reload(row):
    return db.session.get(Notification, row.id, populate_existing=True)


def test_the_recipient_and_private_part_are_stored_encrypted(app):
    row = notify(private={"name": "Trần Thị Bình"}, subject="feedback:1")
    db.session.commit()

    stored = db.session.execute(text("SELECT recipient, private, payload FROM notifications")).one()
    assert ADDRESS not in stored.recipient and "example.vn" not in stored.recipient
    assert "Bình" not in stored.private and "Binh" not in stored.private
    assert unseal(stored.recipient) == ADDRESS
    assert unseal_json(stored.private) == {"name": "Trần Thị Bình"}
    assert reload(row).payload == {"code": CODE}


def test_a_committed_notification_is_delivered_once_the_transaction_ends(app, smtp_server):
    app.config.update(smtp_server.config)
    row = notify(private={"name": "bà Trần Thị Bình"})
    effects.run_committed_effects()  # nothing committed yet: nothing goes out
    assert smtp_server.messages == []

    db.session.commit()
    effects.run_committed_effects()  # what the request's teardown runs

    [mail] = smtp_server.wait_for(1)
    assert mail["Subject"] == f"Phản ánh {CODE} đã được tiếp nhận"
    assert "Kính gửi bà Trần Thị Bình" in mail.get_body(("plain",)).get_content()
    assert mail["X-Congkhai-Notification"] == str(row.id)
    row = reload(row)
    assert (row.status, row.sent_channel, row.attempts, row.last_error) == ("sent", "email", 1, "")
    assert row.sent_at is not None and row.next_attempt_at is None and row.claimed_until is None
    assert sent_log == [row.id]
    assert deliver_due(now=utcnow() + timedelta(hours=2)) == {}
    assert len(smtp_server.messages) == 1


def test_a_rolled_back_notification_is_never_written_nor_sent(app, smtp_server):
    app.config.update(smtp_server.config)
    notify()
    db.session.rollback()
    effects.run_committed_effects()

    assert db.session.scalar(select(Notification.id)) is None
    assert deliver_due() == {}
    assert smtp_server.messages == []


def test_a_failure_is_recorded_and_tried_again_after_the_back_off(app, smtp_server):
    app.config.update(smtp_server.config)
    delays = [timedelta(minutes=minutes) for minutes in app.config["DELIVERY_RETRY_MINUTES"]]
    smtp_server.stop()
    row = notify()
    db.session.commit()

    before = utcnow()
    assert deliver_due() == {"failed": 1}
    row = reload(row)
    assert (row.status, row.attempts) == ("failed", 1)
    assert row.last_error.startswith("email: ") and ADDRESS not in row.last_error
    assert before + delays[0] <= row.next_attempt_at <= utcnow() + delays[0]
    assert row.claimed_until is None and row.sent_at is None

    assert deliver_due() == {}  # not due before the back-off has passed
    assert reload(row).attempts == 1

    smtp_server.start()
    assert deliver_due(now=utcnow() + delays[0] + timedelta(seconds=1)) == {"sent": 1}
    row = reload(row)
    assert (row.status, row.attempts, row.last_error) == ("sent", 2, "")
    assert len(smtp_server.wait_for(1)) == 1


def test_after_the_last_try_it_waits_for_an_official_to_send_it_again(app, smtp_server, caplog):
    caplog.set_level(logging.WARNING, logger="app.outbox.delivery")
    app.config.update(smtp_server.config)
    tries = len(app.config["DELIVERY_RETRY_MINUTES"]) + 1
    assert tries >= 5
    smtp_server.stop()
    row = notify()
    db.session.commit()

    later = utcnow()
    for attempt in range(1, tries + 1):
        assert deliver_due(now=later) == {"failed": 1}
        row = reload(row)
        assert row.attempts == attempt
        if attempt < tries:
            assert row.next_attempt_at is not None
            later = row.next_attempt_at + timedelta(seconds=1)
    assert row.status == "failed" and row.next_attempt_at is None
    assert deliver_due(now=utcnow() + timedelta(days=1)) == {}
    # Every failure is in the log, not only the last one the row keeps; never the address.
    failures = [record.getMessage() for record in caplog.records if f"Notification {row.id} " in record.getMessage()]
    assert [f"failed on try {attempt}:" in line for attempt, line in enumerate(failures, 1)] == [True] * tries
    assert failures[-1].endswith("no try left") and not any(ADDRESS in line for line in failures)

    smtp_server.start()
    assert queue.retry(row) is True
    db.session.commit()
    effects.run_committed_effects()
    smtp_server.wait_for(1)
    row = reload(row)
    assert (row.status, row.attempts) == ("sent", tries + 1)
    assert queue.retry(row) is False  # a sent notification is not sent again


def test_when_the_server_comes_back_the_sweep_delivers_each_row_exactly_once(app, smtp_server):
    app.config.update(smtp_server.config)
    smtp_server.stop()
    rows = [
        notify(recipient=f"nguoi{index}@example.vn", payload={"code": f"DS-2026-{index:06d}"}) for index in range(5)
    ]
    db.session.commit()
    effects.run_committed_effects()  # the immediate delivery fails: the server is down
    assert {reload(row).status for row in rows} == {"failed"}

    smtp_server.start()
    later = utcnow() + timedelta(minutes=2)
    assert deliver_due(now=later) == {"sent": 5}
    assert deliver_due(now=later + timedelta(hours=1)) == {}

    mails = smtp_server.wait_for(5)
    assert len(mails) == 5
    assert sorted(rcpt for _, [rcpt] in smtp_server.envelopes) == sorted(f"nguoi{i}@example.vn" for i in range(5))


def test_a_claimed_row_is_not_sent_twice(app, smtp_server):
    app.config.update(smtp_server.config)
    row = notify()
    db.session.commit()
    now = utcnow()
    # Another worker holds it (its lease is running).
    db.session.execute(update(Notification).where(Notification.id == row.id).values(claimed_until=now + LEASE))
    db.session.commit()

    assert deliver(row.id, now) is None
    assert deliver_due(now=now) == {}
    assert smtp_server.messages == []

    # That worker died: once its lease has run out, the row is sent, and only once.
    after_lease = now + LEASE + timedelta(seconds=1)
    assert deliver(row.id, after_lease) == "sent"
    assert deliver(row.id, after_lease) is None
    assert deliver_due(now=after_lease + timedelta(hours=1)) == {}
    assert len(smtp_server.wait_for(1)) == 1
    assert reload(row).attempts == 1


def test_zalo_is_used_when_it_answers(app, zalo_gateway, sms_gateway):
    app.config.update(zalo_gateway.config, **sms_gateway.config)
    row = notify("zalo", PHONE, fallback_channel="sms")
    db.session.commit()

    assert deliver_due() == {"sent": 1}
    assert reload(row).sent_channel == "zalo"
    [request] = zalo_gateway.requests
    assert request.json["phone"] == "84912345845"
    assert request.json["template_id"] == "test.outbox.receipt"
    assert request.json["template_data"] == {"code": CODE, "status": "Đã tiếp nhận"}
    assert request.json["tracking_id"] == str(row.id)
    assert sms_gateway.requests == []


def test_a_zalo_failure_falls_back_to_sms(app, zalo_gateway, sms_gateway):
    app.config.update(zalo_gateway.config, **sms_gateway.config)
    zalo_gateway.refuse(error=-124)
    row = notify("zalo", PHONE, fallback_channel="sms")
    db.session.commit()

    assert deliver_due() == {"sent": 1}
    row = reload(row)
    assert (row.status, row.sent_channel) == ("sent", "sms")
    assert len(zalo_gateway.requests) == 1
    [sms] = sms_gateway.requests
    assert sms.json == {
        "to": PHONE,
        "text": f"Cong khai: da tiep nhan phan anh, ma tra cuu {CODE}.",
        "reference": str(row.id),
    }


def test_when_zalo_and_sms_both_fail_both_reasons_are_kept(app, zalo_gateway, sms_gateway):
    app.config.update(zalo_gateway.config, **sms_gateway.config)
    zalo_gateway.fail(502)
    sms_gateway.fail(503)
    row = notify("zalo", PHONE, fallback_channel="sms")
    db.session.commit()

    assert deliver_due() == {"failed": 1}
    row = reload(row)
    assert "zalo: the gateway answered HTTP 502" in row.last_error
    assert "sms: the gateway answered HTTP 503" in row.last_error
    assert "912345845" not in row.last_error and row.sent_channel is None


def test_sms_log_of_a_denouncer_shows_the_number_masked(app):
    row = notify("sms", PHONE, payload={"code": CODE, "denunciation": True})
    db.session.commit()

    assert deliver_due() == {"sent": 1}
    [line] = (Path(app.config["OUTBOX_DIR"]) / "sms.log").read_text(encoding="utf-8").splitlines()
    assert line.split("\t")[1:] == ["+84 9** *** 845", f"Cong khai: da tiep nhan phan anh, ma tra cuu {CODE}."]
    assert reload(row).sent_channel == "sms"


def test_a_notification_no_longer_wanted_is_suppressed(app, smtp_server):
    app.config.update(smtp_server.config)
    row = notify(payload={"code": CODE, "unsubscribed": True})
    db.session.commit()

    assert deliver_due() == {"suppressed": 1}
    row = reload(row)
    assert (row.status, row.next_attempt_at, row.sent_at) == ("suppressed", None, None)
    assert smtp_server.messages == [] and sent_log == []


def test_a_template_that_cannot_render_fails_the_row_not_the_caller(app, smtp_server):
    app.config.update(smtp_server.config)
    row = queue.notify(channel="email", recipient=ADDRESS, template="test.outbox.broken", payload={})
    db.session.commit()
    effects.run_committed_effects()

    row = reload(row)
    assert (row.status, row.attempts) == ("failed", 1)
    assert "a field the template needs" in row.last_error
    assert smtp_server.messages == []


def test_a_dedupe_key_makes_the_second_notify_a_no_op(app):
    first = notify(dedupe_key="digest:3:2026-01-05")
    second = notify(dedupe_key="digest:3:2026-01-05")
    db.session.commit()
    third = notify(dedupe_key="digest:3:2026-01-05")
    db.session.commit()

    assert first is not None and second is None and third is None
    assert db.session.scalars(select(Notification.id)).all() == [first.id]


def test_notify_refuses_an_unknown_channel_and_skips_a_missing_recipient(app):
    with pytest.raises(ValueError, match="unknown channel"):
        notify("fax")
    assert notify(recipient="") is None and notify(recipient=None) is None
    db.session.commit()
    assert db.session.scalar(select(Notification.id)) is None


def test_erasing_the_recipient_forgets_the_address_and_suppresses_what_was_unsent(app, smtp_server):
    app.config.update(smtp_server.config)
    sent = notify(private={"name": "Trần Thị Bình"})
    db.session.commit()
    assert deliver_due() == {"sent": 1}
    waiting = notify(private={"name": "Trần Thị Bình"})
    db.session.commit()

    queue.erase_recipient([reload(sent), reload(waiting)])
    db.session.commit()

    stored = db.session.execute(text("SELECT status, recipient, private FROM notifications ORDER BY id")).all()
    assert [tuple(row) for row in stored] == [("sent", None, None), ("suppressed", None, None)]
    assert deliver_due(now=utcnow() + timedelta(hours=1)) == {}
    assert len(smtp_server.messages) == 1


def test_an_unknown_template_fails_its_row_and_the_others_still_go(app, smtp_server):
    from app.outbox.delivery import deliver_due
    from app.outbox.models import Notification
    from app.outbox.queue import notify

    app.config.update(smtp_server.config)
    register_template("test.known", lambda payload, language: Message("Chủ đề", "Nội dung", "Ngắn"))
    stray = notify(channel="email", recipient="a@example.vn", template="test.never-registered")
    good = notify(channel="email", recipient="b@example.vn", template="test.known")
    db.session.commit()
    assert deliver_due() == {"failed": 1, "sent": 1}
    assert db.session.get(Notification, stray.id).last_error and smtp_server.to("b@example.vn")
    assert db.session.get(Notification, good.id).status == "sent"


def test_a_batch_is_claimed_sent_and_recorded_together_and_a_slow_one_gives_the_rest_back(
    app, smtp_server, monkeypatch
):
    app.config.update(smtp_server.config)
    rows = [notify(recipient=f"dan{index}@example.vn", payload={"code": f"DS-2026-{index:06d}"}) for index in range(6)]
    db.session.commit()  # no after-commit delivery here: the rows wait for the worker
    taken = utcnow()
    db.session.execute(update(Notification).where(Notification.id == rows[5].id).values(claimed_until=taken + LEASE))
    db.session.commit()

    # Five due rows and one another worker holds: the five are sent and recorded, the held one left alone.
    assert deliver_due(now=taken) == {"sent": 5}
    assert [reload(row).status for row in rows] == ["sent"] * 5 + ["queued"]
    assert {reload(row).attempts for row in rows[:5]} == {1} and sent_log == [row.id for row in rows[:5]]
    assert len(smtp_server.wait_for(5)) == 5

    # A server so slow that half the lease goes by: the rows not yet tried are given back, due at once,
    # their attempt not counted, and the next run sends them.
    more = [
        notify(recipient=f"cham{index}@example.vn", payload={"code": f"DS-2026-1{index:05d}"}) for index in range(3)
    ]
    db.session.commit()
    g.pop("committed_effects")  # the worker runs it, not this commit's after-commit delivery
    monkeypatch.setattr("app.outbox.delivery.LEASE", timedelta(milliseconds=1))
    assert deliver_due() == {"sent": 1}
    assert [reload(row).status for row in more] == ["sent", "queued", "queued"]
    assert [reload(row).attempts for row in more] == [1, 0, 0] and reload(more[1]).claimed_until is None
    monkeypatch.setattr("app.outbox.delivery.LEASE", LEASE)
    assert deliver_due() == {"sent": 2}
    assert len(smtp_server.wait_for(8)) == 8


def _waiting(app, smtp_server, count, refused=()):
    """`count` committed e-mail rows waiting for the worker (the after-commit delivery is left to it)."""
    app.config.update(smtp_server.config)
    rows = [
        notify(recipient=f"dan{index}@example.vn", payload={"code": f"DS-2026-{index:06d}"}) for index in range(count)
    ]
    smtp_server.refused.update(refused)
    db.session.commit()
    g.pop("committed_effects")
    return rows


def test_a_batch_goes_over_one_smtp_connection_and_a_refused_recipient_does_not_break_it(app, smtp_server):
    rows = _waiting(app, smtp_server, 6, refused={"dan2@example.vn"})

    assert deliver_due() == {"sent": 5, "failed": 1}
    assert len(smtp_server.wait_for(5)) == 5
    assert len(set(smtp_server.peers)) == 1  # one connection carried all five, the refusal included
    assert [reload(row).status for row in rows] == ["sent", "sent", "failed", "sent", "sent", "sent"]
    assert "550" in reload(rows[2]).last_error and "dan2@example.vn" not in reload(rows[2]).last_error

    # The next batch opens a connection of its own: none is left open between batches.
    _waiting(app, smtp_server, 1)
    smtp_server.refused.clear()
    assert deliver_due() == {"sent": 1}
    smtp_server.wait_for(6)
    assert len(set(smtp_server.peers)) == 2


def test_a_connection_the_server_closed_between_two_mails_is_replaced_and_nothing_is_lost(
    app, smtp_server, monkeypatch
):
    rows = _waiting(app, smtp_server, 3)
    restarted = []

    def restart_after_the_first(notification, payload):
        remember_sent(notification, payload)
        if not restarted:  # the server goes away and comes back: the kept connection is dead
            smtp_server.stop()
            smtp_server.start()
            restarted.append(notification.id)

    register_template("test.outbox.receipt", render_receipt, is_wanted=still_wanted, on_sent=restart_after_the_first)
    monkeypatch.setattr("app.outbox.delivery.RECORD_SECONDS", 0)  # record (and run on_sent) after each mail

    assert deliver_due() == {"sent": 3}
    assert restarted == [rows[0].id]
    assert len(smtp_server.wait_for(3)) == 3
    assert len(set(smtp_server.peers)) == 2  # the first mail's connection, then a new one for the other two
    assert [reload(row).status for row in rows] == ["sent"] * 3


def test_while_the_worker_renders_a_batch_a_submission_can_write(app, smtp_server):
    """On SQLite the worker renders its mails in a read-only transaction: the write lock stays free."""
    if db.engine.dialect.name != "sqlite":
        pytest.skip("only SQLite has one write lock for the whole database")
    seen = []

    def render_while_a_citizen_submits(payload, language):
        other = sqlite3.connect(db.engine.url.database, timeout=0)  # no waiting: a held lock fails at once
        try:
            other.execute("BEGIN IMMEDIATE")
            other.execute("ROLLBACK")
            seen.append("written")
        except sqlite3.OperationalError as error:
            seen.append(str(error))
        finally:
            other.close()
        return render_receipt(payload, language)

    register_template("test.outbox.receipt", render_while_a_citizen_submits)
    rows = _waiting(app, smtp_server, 2)
    assert deliver_due() == {"sent": 2}
    assert seen == ["written", "written"]
    assert [reload(row).status for row in rows] == ["sent", "sent"]


def test_a_preload_gets_the_whole_batch_once_and_its_failure_costs_no_message(app, smtp_server):
    app.config.update(smtp_server.config)
    batches = []

    def preload(payloads):
        batches.append(sorted(payload["code"] for payload in payloads))
        if len(batches) > 1:
            db.session.execute(text("SELECT * FROM no_such_table"))  # its query fails: on PostgreSQL that
        return []  # would end the transaction the batch is rendered in, but for the savepoint around it

    def still_there(notification, payload):  # reads the database after the preload, as the queue's do
        return db.session.scalar(select(Notification.id).where(Notification.id == notification.id)) is not None

    register_template("test.outbox.receipt", render_receipt, is_wanted=still_there, preload=preload)
    codes = [f"DS-2026-{index:06d}" for index in range(3)]
    for code in codes:
        notify(recipient=f"{code.lower()}@example.vn", payload={"code": code})
    db.session.commit()  # no after-commit delivery here: the rows wait for the worker

    assert deliver_due() == {"sent": 3}
    assert batches == [codes]  # one call for the batch, every payload in it

    notify(payload={"code": "DS-2026-000009"})
    db.session.commit()
    assert deliver_due() == {"sent": 1}  # the preload failed: the row is read on its own and sent
    assert len(batches) == 2 and len(smtp_server.wait_for(4)) == 4


def test_a_row_given_up_runs_the_templates_on_given_up_hook_once(app, smtp_server):
    """Suppressed, or failed with no try left: the template hears it will never be sent (to forget what it
    kept for it); a failure with tries left, or a row sent, does not call it."""
    given_up = []
    register_template(
        "test.outbox.receipt",
        render_receipt,
        is_wanted=still_wanted,
        on_given_up=lambda row, _: given_up.append(row.id),
    )
    app.config.update(smtp_server.config)
    app.config["DELIVERY_RETRY_MINUTES"] = (1,)  # two tries
    unwanted = notify(payload={"code": CODE, "unsubscribed": True})
    db.session.commit()
    assert deliver_due() == {"suppressed": 1} and given_up == [unwanted.id]

    smtp_server.stop()
    failing = notify()
    db.session.commit()
    assert deliver_due() == {"failed": 1} and given_up == [unwanted.id]  # one try left
    assert deliver_due(now=utcnow() + timedelta(minutes=2)) == {"failed": 1}
    assert given_up == [unwanted.id, failing.id]

    smtp_server.start()
    notify()
    db.session.commit()
    assert deliver_due() == {"sent": 1} and given_up == [unwanted.id, failing.id]
