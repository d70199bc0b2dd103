"""The worker's side of the outbox: claim due notifications, send them, record what happened.

Rows are claimed in batches (a short lease in `claimed_until`, committed) before they are sent, so two
workers never send one twice; a worker that dies while sending leaves leases that run out, and those rows
are tried again. Sending happens with no transaction open, and what happened is recorded for several rows
at once (at least every RECORD_SECONDS): on SQLite every write transaction takes the one write lock that
citizens' submissions wait for, so the worker takes it a few times a second, not twice per message. The
price: a worker killed after sending and before recording sends those few messages again (at least once,
never lost). A failure never reaches whoever caused the notification: it is recorded on the row (attempts,
last error) and tried again after DELIVERY_RETRY_MINUTES; after the last try the row stays "failed" until
an official presses "send again".
"""

import logging
import time
from contextlib import nullcontext
from dataclasses import dataclass
from datetime import timedelta
from types import SimpleNamespace

from flask import current_app, has_request_context
from flask_babel import force_locale
from sqlalchemy import or_, select, update

from app.clock import utcnow
from app.database import read_transactions
from app.extensions import db
from app.outbox.channels import DeliveryError, get_channel, shared_connections
from app.outbox.crypto import unseal, unseal_json
from app.outbox.messages import template
from app.outbox.models import Notification

log = logging.getLogger(__name__)
LEASE = timedelta(minutes=5)
BATCH = 50  # rows claimed at once: all sent well within the lease
RECORD_SECONDS = 0.5  # what was sent is recorded at least this often
DUE_STATUSES = ("queued", "failed")


def _due(now):
    return (
        Notification.status.in_(DUE_STATUSES),
        Notification.next_attempt_at.is_not(None),
        Notification.next_attempt_at <= now,
        or_(Notification.claimed_until.is_(None), Notification.claimed_until < now),
    )


def _url_context():
    """Renderers build links with url_for: give the worker (no request) a request context to do so."""
    return nullcontext() if has_request_context() else current_app.test_request_context("/")


def _claim(notification_ids, now):
    """Lease the rows of `notification_ids` that are still due; return the ids this worker got."""
    claimed = db.session.execute(
        update(Notification)
        .where(Notification.id.in_(notification_ids), *_due(now))
        .values(claimed_until=now + LEASE, attempts=Notification.attempts + 1, updated_at=now)
        .returning(Notification.id)
        .execution_options(synchronize_session=False)
    )
    ids = set(claimed.scalars())
    db.session.commit()
    return ids


def _release(notification_ids):
    """Give back claimed rows that were not tried: due again at once, the attempt not counted."""
    db.session.execute(
        update(Notification)
        .where(Notification.id.in_(notification_ids))
        .values(claimed_until=None, attempts=Notification.attempts - 1)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()


def _values(row):
    """The row's columns as plain attributes: what a channel reads while no transaction is open."""
    return SimpleNamespace(**{column.key: getattr(row, column.key) for column in Notification.__table__.columns})


def _retry_delays():
    return [timedelta(minutes=minutes) for minutes in current_app.config["DELIVERY_RETRY_MINUTES"]]


def _send(row, message):
    """Send through the row's channel, then its fallback; return the channel that delivered it."""
    recipient = unseal(row.recipient)
    try:
        get_channel(row.channel).send(recipient, message, row)
        return row.channel
    except DeliveryError as error:
        if not row.fallback_channel:
            raise
        log.warning("Notification %s: %s failed (%s), trying %s", row.id, row.channel, error, row.fallback_channel)
        try:
            get_channel(row.fallback_channel).send(recipient, message, row)
        except DeliveryError as fallback_error:
            raise DeliveryError(f"{row.channel}: {error}; {row.fallback_channel}: {fallback_error}") from None
        return row.fallback_channel


def _fail(row, error, now):
    delays = _retry_delays()
    row.status = "failed"
    row.last_error = str(error)[:1000] or error.__class__.__name__
    row.next_attempt_at = now + delays[row.attempts - 1] if row.attempts <= len(delays) else None
    row.claimed_until = None
    row.updated_at = now
    # The row keeps the last error; the log keeps every one (no address: the row's id names it).
    log.warning(
        "Notification %s (%s, %s) failed on try %s: %s; %s",
        row.id,
        row.template,
        row.channel,
        row.attempts,
        row.last_error,
        f"next try at {row.next_attempt_at:%Y-%m-%d %H:%M} UTC" if row.next_attempt_at else "no try left",
    )


@dataclass
class _Outcome:
    status: str  # sent, failed, suppressed
    channel: str | None = None  # the channel that delivered it
    error: Exception | None = None
    entry: object = None  # its template entry, for on_sent and on_given_up
    payload: dict | None = None


def _prepare(rows):
    """Render each claimed row: ({id: (plain values, message, template entry, payload)} to send,
    {id: _Outcome} already decided: suppressed, or failed to render)."""
    to_send, decided, readable = {}, {}, []
    for row in rows:
        try:
            entry = template(row.template)  # an unknown template fails this row, never the others
            readable.append((row, entry, {**(row.payload or {}), **unseal_json(row.private)}))
        except Exception as error:  # a row that cannot be read is the row's problem, never the others'
            log.exception("Notification %s could not be read", row.id)
            decided[row.id] = _Outcome("failed", error=error)
    preloaded = _preload(readable)  # held here: the session keeps rows only while someone does
    with _url_context():
        for row, entry, payload in readable:
            try:
                if row.recipient is None or (entry.is_wanted is not None and not entry.is_wanted(row, payload)):
                    decided[row.id] = _Outcome("suppressed", entry=entry, payload=payload)
                    continue
                with force_locale(row.language or "vi"):
                    message = entry.render(payload, row.language or "vi")
                to_send[row.id] = (_values(row), message, entry, payload)
            except Exception as error:  # a rendering problem is the row's, never the caller's
                log.exception("Notification %s could not be rendered", row.id)
                decided[row.id] = _Outcome("failed", error=error, entry=entry, payload=payload)
    del preloaded
    return to_send, decided


def _preload(readable):
    """Each template's rows for the whole batch in one query (see Template.preload); a failure only costs
    the per-row lookups it would have saved."""
    payloads = {}
    for _row, entry, payload in readable:
        if entry.preload is not None:
            payloads.setdefault(entry.preload, []).append(payload)
    loaded = []
    for preload, batch in payloads.items():
        try:
            with db.session.begin_nested():  # a failed query must not end the batch's transaction
                loaded.append(preload(batch))
        except Exception:
            log.exception("Preloading a batch's rows failed; they are read one by one")
    return loaded


def _record(outcomes):
    """Write what happened to each row in one transaction, then run the templates' on_sent / on_given_up hooks,
    in the order the rows were sent."""
    if not outcomes:
        return
    now = utcnow()
    rows = db.session.scalars(
        select(Notification).where(Notification.id.in_(outcomes)).execution_options(populate_existing=True)
    )
    given_up = set()
    for row in rows:
        outcome = outcomes[row.id]
        if outcome.status == "failed":
            _fail(row, outcome.error, now)
        elif outcome.status == "suppressed":
            row.status, row.next_attempt_at, row.claimed_until, row.updated_at = "suppressed", None, None, now
        else:
            row.sent_channel = outcome.channel
            row.status, row.sent_at, row.last_error = "sent", now, ""
            row.next_attempt_at, row.claimed_until, row.updated_at = None, None, now
        if row.status != "sent" and row.next_attempt_at is None:
            given_up.add(row.id)
    db.session.commit()
    for notification_id, outcome in outcomes.items():  # not the rows' order: PostgreSQL returns them in any
        hook = _hook(outcome, given_up=notification_id in given_up)
        if hook is None:
            continue
        try:
            hook(db.session.get(Notification, notification_id), outcome.payload)
            db.session.commit()
        except Exception:
            db.session.rollback()
            log.exception("After settling notification %s", notification_id)


def _hook(outcome, given_up):
    """The template's hook for what became of the row: on_sent, on_given_up (never to be sent), or None."""
    entry = outcome.entry
    if entry is None or outcome.payload is None:
        return None
    if outcome.status == "sent":
        return entry.on_sent
    return entry.on_given_up if given_up else None


def deliver_batch(notification_ids, now=None):
    """Try to send the notifications of `notification_ids` that are due; return {id: status afterwards}."""
    now = now or utcnow()
    claimed = _claim(notification_ids, now)
    if not claimed:
        return {}
    # Rendering reads (the templates look up items and units) in a read-only transaction: on SQLite an
    # ordinary one would hold the write lock while fifty mails are rendered, and submissions would wait.
    with read_transactions():
        rows = db.session.scalars(
            select(Notification)
            .where(Notification.id.in_(claimed))
            .order_by(Notification.id)
            .execution_options(populate_existing=True)
        ).all()
        to_send, outcomes = _prepare(rows)
        # Send outside any transaction (the claims keep other workers off).
        db.session.commit()
    statuses = {notification_id: outcome.status for notification_id, outcome in outcomes.items()}
    claimed_at = recorded_at = time.monotonic()
    with shared_connections():  # one SMTP connection for the batch's mails
        for notification_id, (values, message, entry, payload) in to_send.items():
            if time.monotonic() - claimed_at > LEASE.total_seconds() / 2:  # a slow server: give the rest back
                _release([row_id for row_id in to_send if row_id not in statuses])
                break
            try:
                outcomes[notification_id] = _Outcome("sent", _send(values, message), entry=entry, payload=payload)
            except Exception as error:  # a delivery problem is the row's, never the caller's
                if not isinstance(error, DeliveryError | OSError):
                    log.exception("Notification %s could not be sent", notification_id)
                outcomes[notification_id] = _Outcome("failed", error=error, entry=entry, payload=payload)
            statuses[notification_id] = outcomes[notification_id].status
            if time.monotonic() - recorded_at >= RECORD_SECONDS:
                _record(outcomes)
                outcomes, recorded_at = {}, time.monotonic()
    _record(outcomes)
    return statuses


def deliver(notification_id, now=None):
    """Try to send one notification if it is due; return its status afterwards (None if not due)."""
    return deliver_batch([notification_id], now).get(notification_id)


def due_ids(now=None, limit=500):
    now = now or utcnow()
    query = select(Notification.id).where(*_due(now)).order_by(Notification.id).limit(limit)
    with read_transactions():
        ids = list(db.session.scalars(query))
        db.session.commit()  # end the read: a worker must never sit in a transaction
    return ids


def deliver_due(now=None, limit=500):
    """Send every due notification (the sweep, and the task run after each commit); return {status: n}."""
    counts = {}
    ids = due_ids(now, limit)
    for start in range(0, len(ids), BATCH):
        for status in deliver_batch(ids[start : start + BATCH], now).values():
            counts[status] = counts.get(status, 0) + 1
    return counts
