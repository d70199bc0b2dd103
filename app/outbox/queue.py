"""Write a notification in the caller's transaction; after commit, wake the worker that delivers it."""

from contextlib import contextmanager

from flask import current_app, g, has_app_context
from sqlalchemy.exc import IntegrityError

from app.clock import utcnow
from app.effects import after_commit, due_after_commit
from app.extensions import db
from app.outbox.crypto import seal, seal_json
from app.outbox.models import CHANNELS, Notification

_dispatcher = None


def set_dispatcher(function):
    """`function()` is called once after each commit that wrote notifications (the task queue's)."""
    global _dispatcher
    _dispatcher = function


def _wake_worker():
    if _dispatcher is not None:
        _dispatcher()


after_commit("outbox", _wake_worker)


@contextmanager
def paused():
    """Write no notifications inside this block (the demo's history of made-up items)."""
    g.outbox_paused = True
    try:
        yield
    finally:
        g.outbox_paused = False


def _paused():
    if not has_app_context():
        return False
    return g.get("outbox_paused", False) or not current_app.config.get("NOTIFICATIONS_ENABLED", True)


def notify(
    *,
    channel,
    recipient=None,
    template,
    payload=None,
    private=None,
    language="vi",
    subject="",
    unit_id=None,
    dedupe_key=None,
    fallback_channel=None,
    sealed_recipient=None,
):
    """Add a queued notification to the current transaction; return it (None for a repeated dedupe_key).

    `recipient` (an e-mail address or an E.164 number) and `private` (a dict) are stored encrypted;
    `payload` must hold nothing personal: the outbox page shows it to officials. `sealed_recipient` is
    an address already encrypted with crypto.seal (kept encrypted on its way from the item to the row).
    """
    if channel not in CHANNELS:
        raise ValueError(f"unknown channel {channel!r}")
    if not (recipient or sealed_recipient) or _paused():
        return None
    now = utcnow()
    row = Notification(
        channel=channel,
        fallback_channel=fallback_channel,
        template=template,
        language=language or "vi",
        recipient=sealed_recipient or seal(recipient),
        payload=payload or {},
        private=seal_json(private),
        subject=subject,
        unit_id=unit_id,
        dedupe_key=dedupe_key,
        status="queued",
        attempts=0,
        created_at=now,
        updated_at=now,
        next_attempt_at=now,
    )
    if dedupe_key is None:
        db.session.add(row)  # flushed with the rest of the transaction: no statement of its own now
    else:
        try:
            # No SELECT first: the unique key finds a repeat (another worker wrote the same digest: keep
            # theirs), and a query per notification costs every submission (benchmarks/notifications.py).
            with db.session.begin_nested():
                db.session.add(row)
        except IntegrityError:
            current_app.logger.info("Notification %s already written", dedupe_key)
            return None
    due_after_commit("outbox", db.session)
    return row


def retry(notification):
    """An official's "send again": due now, with its tries counted on."""
    if notification.status not in ("failed", "queued"):
        return False
    if notification.claimed_until is not None and notification.claimed_until > utcnow():
        return False  # a worker is sending it now: freeing it could send it twice
    notification.status = "queued"
    notification.next_attempt_at = utcnow()
    notification.claimed_until = None
    notification.updated_at = utcnow()
    db.session.flush()
    due_after_commit("outbox", db.session)
    return True


def erase_recipient(notifications):
    """Forget the address (and private part) of these notifications; unsent ones are suppressed."""
    for row in notifications:
        row.recipient = None
        row.private = None
        if row.status in ("queued", "failed"):
            row.status = "suppressed"
            row.next_attempt_at = None
        row.updated_at = utcnow()
    db.session.flush()
