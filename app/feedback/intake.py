"""The citizen's side of the queue: take a submission in, find an item by its code, record a rating.

Services flush and never commit. The views commit the submission on its own first, and only then
store the photos, so that nothing that goes wrong with files can lose what the citizen wrote.
"""

import hashlib
from dataclasses import dataclass, field
from datetime import date, datetime

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from app.accounts.models import AdministrativeUnit, User
from app.clock import local_today, to_local, utcnow
from app.extensions import db
from app.feedback import notifications, sealed_photos
from app.feedback.calendar import initial_due_dates
from app.feedback.events import apply_action
from app.feedback.idempotency import KeyReused
from app.feedback.identities import columns_on_arrival, photo_key
from app.feedback.kinds import kind_label
from app.feedback.models import Feedback, FeedbackEvent, FeedbackPhoto
from app.feedback.offices import office_name
from app.feedback.sealing import Identity
from app.feedback.states import OPEN_STATUSES, STATUSES
from app.feedback.tracking import new_tracking_code, normalise_code
from app.ledger.chain import record

ANSWERED_STATUSES = frozenset({"answered", "closed"})
PAUSED_STATUS = "waiting_for_citizen"


class AlreadyRated(Exception):
    """The answer was rated before; a rating is given once."""


# --- submission ---------------------------------------------------------------------------------


def _is_code_taken(code):
    return db.session.scalar(select(Feedback.id).where(Feedback.tracking_code == code)) is not None


def submit_feedback(
    *,
    kind,
    unit,
    text,
    notice=None,
    name="",
    phone="",
    email="",
    address="",
    id_number="",
    has_consented=False,
    received_at=None,
    channel="web",
    notify_channel=None,
    notify_address=None,
    recorded_by=None,
    idempotency_key=None,
    idempotency_fingerprint=None,
):
    """Create a queue item with its tracking code, due dates, "received" event and audit entry.

    `received_at` is the server's time (an official recording a call or a visit may give an earlier
    one); tests pass a fixed moment instead of stopping the clock. `channel` is how it arrived (web, api,
    phone, walk_in, mail, open311). `notify_channel` ("email", "sms", "zalo") and `notify_address` are
    where the citizen asked to be told of progress (stored encrypted, apart from the identity); the
    receipt is queued in the same transaction. `recorded_by` is the official who typed it in.
    `idempotency_key` (the client's key) is kept hashed, with `idempotency_fingerprint` (what it came with,
    app.feedback.idempotency): `find_repeat` finds the item again by them.
    A denunciation's identity (name, address, phone, e-mail, CCCD `id_number`) is sealed here, on arrival,
    to the receiving unit's key, and never stored in clear (app.feedback.identities).
    """
    received_at = received_at or utcnow()
    acknowledge_due, resolve_due = initial_due_dates(kind, received_at)
    item = Feedback(
        tracking_code=new_tracking_code(kind, _is_code_taken),
        kind=kind,
        unit=unit,
        notice=notice,
        text=text,
        **columns_on_arrival(kind, unit, Identity(name, address, phone, email, id_number)),
        has_consented=has_consented,
        channel=channel,
        idempotency_key=key_digest(idempotency_key),
        idempotency_fingerprint=idempotency_fingerprint if idempotency_key else None,
        status="received",
        received_at=received_at,
        acknowledge_due=acknowledge_due,
        resolve_due=resolve_due,
    )
    db.session.add(item)
    db.session.add(
        FeedbackEvent(
            feedback=item,
            action="receive",
            from_status=None,
            to_status="received",
            created_at=received_at,
            is_public=True,
            actor_id=recorded_by.id if recorded_by is not None else None,
            data={"channel": channel} if channel != "web" else {},
        )
    )
    db.session.flush()
    # No personal details in the audit log: the code, the kind and where it went are enough.
    record(
        "feedback.received",
        item,
        f"{item.tracking_code}: {kind} → {unit.code}",
        {"kind": kind, "unit": unit.code, "notice": notice.id if notice is not None else None, "channel": channel},
        recorded_by,
    )
    notifications.follow_item(item, notify_channel, notify_address, in_their_language=recorded_by is None)
    notifications.item_received(item)
    return item


def key_digest(idempotency_key):
    """The stored form of a client's idempotency key (None for none)."""
    if not idempotency_key:
        return None
    return hashlib.sha256(f"feedback:{idempotency_key}".encode()).hexdigest()


def find_repeat(idempotency_key, fingerprint=None):
    """The item an earlier submission with this idempotency key created, or None.

    Raise KeyReused when that submission was another one (its fingerprint differs): a key someone else used
    must not hand over their item. An item kept before fingerprints (None) is a repeat, as it always was.
    """
    digest = key_digest(idempotency_key)
    if digest is None:
        return None
    item = db.session.scalar(select(Feedback).where(Feedback.idempotency_key == digest))
    if item is not None and item.idempotency_fingerprint is not None and item.idempotency_fingerprint != fingerprint:
        raise KeyReused()
    return item


def attach_photos(item, photos):
    """Write each re-encoded photo and add its row; return (stored names, how many failed).

    A denunciation's photos are sealed in memory to its identity's key first: only the sealed boxes
    reach the disk. A photo the disk refuses is logged and skipped: the item itself is already committed.
    """
    stored, failed = [], 0
    key = photo_key(item) if photos else None
    for photo in photos:
        try:
            columns = sealed_photos.store(photo, key)
        except OSError:
            current_app.logger.exception("Could not store a photo of %s", item.tracking_code)
            failed += 1
            continue
        stored.append(columns["stored_name"])
        db.session.add(FeedbackPhoto(feedback=item, created_at=utcnow(), **columns))
    if stored:
        db.session.flush()
        data = {"photos": len(stored), "failed": failed}
        if key is not None:
            data["key"] = key.fingerprint
        record("feedback.photos_added", item, f"{item.tracking_code}: {len(stored)} ảnh", data)
    return stored, failed


# --- lookup -------------------------------------------------------------------------------------


def find_by_code(text, for_update=False):
    """Return the item whose tracking code the citizen typed (any case, spacing, dashes), or None."""
    code = normalise_code(text)
    if code is None:
        return None
    query = select(Feedback).where(Feedback.tracking_code == code)
    if for_update:
        query = query.with_for_update()
    else:
        query = query.options(
            joinedload(Feedback.unit),
            joinedload(Feedback.notice),
            selectinload(Feedback.events).joinedload(FeedbackEvent.actor).joinedload(User.unit),
        )
    return db.session.scalar(query)


# --- rating -------------------------------------------------------------------------------------


def rate_answer(item, rating, comment=""):
    """Store the citizen's 1–5 rating of the answer, once (IllegalTransition before an answer)."""
    if item.rating is not None:
        raise AlreadyRated(item.tracking_code)
    if not 1 <= int(rating) <= 5:
        raise ValueError(f"rating {rating!r} is not between 1 and 5")
    event = apply_action(item, "rate", None, body="", is_public=True, data={"rating": int(rating)})
    item.rating = int(rating)
    item.rating_comment = comment or ""
    item.rated_at = event.created_at
    db.session.flush()
    return event


# --- what the public may see --------------------------------------------------------------------


def event_label(action):
    """The Vietnamese label of an event in the public history."""
    labels = {
        "receive": _("Đã tiếp nhận ý kiến"),
        "acknowledge": _("Đã thụ lý, đang xem xét giải quyết"),
        "reject": _("Không thụ lý"),
        "request_information": _("Đề nghị người gửi bổ sung thông tin"),
        "receive_information": _("Đã nhận thông tin bổ sung"),
        "reply": _("Đã trả lời"),
        "forward_internal": _("Chuyển đơn vị khác giải quyết"),
        "forward_external": _("Chuyển cơ quan có thẩm quyền"),
        "extend": _("Gia hạn thời gian giải quyết"),
        "close": _("Kết thúc"),
        "reopen": _("Mở lại để xem xét tiếp"),
        "note": _("Ghi chú"),
        "rate": _("Người gửi đánh giá câu trả lời"),
    }
    return labels.get(action, action)


@dataclass(frozen=True)
class PublicEvent:
    action: str
    label: str
    at: datetime
    by: str  # "UBND xã …", "Người gửi" or ""
    body: str  # plain text an official chose to make public ("" for replies: the answer is shown apart)
    rating: int | None = None


@dataclass(frozen=True)
class PublicItem:
    """Everything the tracking page and the public API show about an item, and nothing else."""

    tracking_code: str
    kind: str
    kind_label: str
    unit: AdministrativeUnit
    office: str  # "UBND xã …": who answers, never a person's name
    status: str
    status_label: str
    received_at: datetime
    acknowledge_due: date | None
    resolve_due: date | None
    is_acknowledge_overdue: bool
    is_resolve_overdue: bool
    is_answered_late: bool
    is_paused: bool
    answer_html: str
    answered_at: datetime | None
    notice: object | None
    rating: int | None
    rated_at: datetime | None
    events: list = field(default_factory=list)

    @property
    def can_rate(self):
        return self.status in ANSWERED_STATUSES and self.rating is None

    @property
    def is_resolve_due_pending_acceptance(self):
        """Complaints and denunciations get their resolution date when the commune accepts them."""
        return self.resolve_due is None and self.kind in ("complaint", "denunciation") and self.status == "received"


def _public_events(item):
    events = []
    for event in item.events:
        if not event.is_public:
            continue
        if event.action == "receive":
            by = ""
        elif event.action == "rate" or (event.action == "receive_information" and event.actor is None):
            by = _("Người gửi")
        else:
            by = office_name(event.actor.unit if event.actor is not None else item.unit)
        body = "" if event.action in ("reply", "rate") else (event.body or "")
        rating = (event.data or {}).get("rating") if event.action == "rate" else None
        events.append(PublicEvent(event.action, event_label(event.action), event.created_at, by, body, rating))
    return events


def public_view(item, today=None):
    """Return the PublicItem of a queue item: no contact details, no internal notes, no photos."""
    today = today or local_today()
    status = item.status
    is_paused = status == PAUSED_STATUS
    is_open = status in OPEN_STATUSES
    answered_day = to_local(item.answered_at).date() if item.answered_at else None
    has_answer = status in ANSWERED_STATUSES and bool(item.answer_html)
    notice = item.notice if item.notice is not None and item.notice.is_public else None
    return PublicItem(
        tracking_code=item.tracking_code,
        kind=item.kind,
        kind_label=str(kind_label(item.kind)),
        unit=item.unit,
        office=office_name(item.unit),
        status=status,
        status_label=str(STATUSES.get(status, status)),
        received_at=item.received_at,
        acknowledge_due=item.acknowledge_due,
        resolve_due=item.resolve_due,
        is_acknowledge_overdue=bool(
            item.acknowledge_due
            and status == "received"
            and item.acknowledged_at is None
            and today > item.acknowledge_due
        ),
        is_resolve_overdue=bool(item.resolve_due and is_open and not is_paused and today > item.resolve_due),
        is_answered_late=bool(item.resolve_due and answered_day and answered_day > item.resolve_due),
        is_paused=is_paused,
        answer_html=item.answer_html if has_answer else "",
        answered_at=item.answered_at if has_answer else None,
        notice=notice,
        rating=item.rating,
        rated_at=item.rated_at,
        events=_public_events(item),
    )
