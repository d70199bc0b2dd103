"""What GET requests shows of queue items: the public's part only, by public reference "CK-<id>".

Never a contact, a tracking code, a denunciation, or the citizen's own words: `description` is the
question an official edited and published, `status_notes` the public answer as plain text; both empty
unless the answer was made public (app.feedback.public_answers). One query for the items and one for
their last events, both on indexes (received_at; feedback_events.feedback_id).
"""

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import Index, and_, func, select

from app.accounts.models import AdministrativeUnit
from app.clock import LOCAL_TZ
from app.extensions import db
from app.feedback.models import Feedback, FeedbackEvent
from app.feedback.public_answers import public_answer_conditions
from app.feedback.states import OPEN_STATUSES
from app.open311.formats import local_moment
from app.sanitize import html_to_text

MAX_REQUESTS = 1000
MAX_WINDOW = timedelta(days=90)
REFERENCE = re.compile(r"^CK-([1-9][0-9]{0,9})$", re.IGNORECASE)
HIDDEN_KINDS = ("denunciation",)

# GET requests?service_code=…: one kind's items in a window, newest first.
Index("ix_feedback_kind_received_at", Feedback.kind, Feedback.received_at)


class BadQuery(ValueError):
    """A parameter the client must fix (400); the message says which."""


def reference(item_id):
    return f"CK-{item_id}"


def item_id(text):
    """The id in a public reference "CK-123", or None."""
    match = REFERENCE.match((text or "").strip())
    return int(match.group(1)) if match and int(match.group(1)) < 2**31 else None


@dataclass(frozen=True)
class Window:
    start: datetime
    end: datetime


def parse_moment(text, name):
    """A W3C date-time (2026-12-01T00:00:00Z, …+07:00) or a date; naive means Vietnam time."""
    try:
        moment = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError as error:
        raise BadQuery(f"{name}: ngày giờ không hợp lệ, hãy ghi theo dạng 2026-12-01T00:00:00+07:00.") from error
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=LOCAL_TZ)
    return moment.astimezone(UTC)


def window(start_text, end_text, now):
    """The window asked for: at most 90 days; without dates the last 90 days up to now."""
    end = parse_moment(end_text, "end_date") if end_text else None
    start = parse_moment(start_text, "start_date") if start_text else None
    if end is None:
        end = now if start is None else min(now, start + MAX_WINDOW)
    if start is None:
        start = end - MAX_WINDOW
    if start > end:
        raise BadQuery("start_date phải trước end_date.")
    if end - start > MAX_WINDOW:
        raise BadQuery("Khoảng start_date – end_date tối đa 90 ngày.")
    return Window(start, end)


def _columns():
    return (
        Feedback.id,
        Feedback.kind,
        Feedback.status,
        Feedback.received_at,
        Feedback.resolve_due,
        AdministrativeUnit.name.label("unit_name"),
        and_(*public_answer_conditions()).label("is_published"),
        Feedback.public_question,
        Feedback.answer_html,
    )


def _base():
    return (
        select(*_columns())
        .join(AdministrativeUnit, AdministrativeUnit.id == Feedback.unit_id)
        .where(Feedback.kind.not_in(HIDDEN_KINDS))
    )


def _last_changes(ids):
    if not ids:
        return {}
    rows = db.session.execute(
        select(FeedbackEvent.feedback_id, func.max(FeedbackEvent.created_at))
        .where(FeedbackEvent.feedback_id.in_(ids))
        .group_by(FeedbackEvent.feedback_id)
    )
    return dict(rows.all())


def _request(row, updated):
    published = bool(row.is_published)
    return {
        "service_request_id": reference(row.id),
        "status": "open" if row.status in OPEN_STATUSES else "closed",
        "status_notes": html_to_text(row.answer_html) if published else "",
        "service_name": None,  # filled by the view (the kind's label, in the request's language)
        "service_code": row.kind,
        "description": row.public_question if published else "",
        "agency_responsible": row.unit_name,
        "service_notice": "",
        "requested_datetime": local_moment(row.received_at),
        "updated_datetime": local_moment(updated or row.received_at),
        "expected_datetime": local_moment(row.resolve_due),
        "address": "",
        "address_id": "",
        "zipcode": "",
        "lat": None,
        "long": None,
        "media_url": "",
    }


def _requests(rows):
    rows = list(rows)
    changes = _last_changes([row.id for row in rows])
    return [_request(row, changes.get(row.id)) for row in rows]


def find_requests(ids=None, kinds=None, statuses=None, span=None):
    """The requests asked for, newest first, at most 1,000; `ids` (public references) override the rest."""
    query = _base()
    if ids is not None:
        query = query.where(Feedback.id.in_(ids[:MAX_REQUESTS]))
    else:
        query = query.where(Feedback.received_at >= span.start, Feedback.received_at <= span.end)
        if kinds:
            query = query.where(Feedback.kind.in_(kinds))
        if statuses == {"open"}:
            query = query.where(Feedback.status.in_(OPEN_STATUSES))
        elif statuses == {"closed"}:
            query = query.where(Feedback.status.not_in(OPEN_STATUSES))
    # received_at alone: a backward walk of its index that stops at 1,000 rows, with no sort of the window.
    query = query.order_by(Feedback.received_at.desc()).limit(MAX_REQUESTS)
    return _requests(db.session.execute(query))


def find_request(text):
    """One request by its public reference, or None (never a denunciation)."""
    identifier = item_id(text)
    if identifier is None:
        return None
    rows = db.session.execute(_base().where(Feedback.id == identifier))
    found = _requests(rows)
    return found[0] if found else None
