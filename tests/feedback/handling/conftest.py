"""Fixtures for the officials' queue: two communes under a province, their staff, and queue items."""

import re
from datetime import UTC, datetime, time, timedelta

import pytest

from app.clock import LOCAL_TZ, local_today
from app.extensions import db
from app.feedback.calendar import initial_due_dates
from app.feedback.models import Feedback, FeedbackEvent
from tests.factories import make_notice, make_user

try:  # the citizens' side, when it is there: items are then made exactly as a citizen makes them
    from app.feedback.intake import submit_feedback
except ImportError:  # pragma: no cover
    submit_feedback = None

CITIZEN = {
    "name": "Nguyễn Thị Mai",
    "phone": "+84987654321",
    "email": "mai@example.vn",
    "address": "Thôn Đồng Đình, xã Đại Sơn",
}


@pytest.fixture(autouse=True)
def request_context(app):
    """The deadline engine names weekends through Flask-Babel, whose locale selector reads the request."""
    with app.test_request_context():
        yield


def local_noon(day):
    """A UTC moment at noon, Vietnam time, on `day`."""
    return datetime.combine(day, time(12), LOCAL_TZ).astimezone(UTC)


def make_item(unit, kind="question", notice=None, received_on=None, text=None, **contact):
    """A queue item as a citizen submits it (received today unless `received_on`), committed."""
    received_at = local_noon(received_on) if received_on else None
    text = text or "Xin hỏi khi nào thôn Đồng Đình được nhận tiền bồi thường? Tôi là Mai, số 0987 654 321."
    details = {**CITIZEN, **contact}
    if submit_feedback is not None:
        item = submit_feedback(
            kind=kind,
            unit=unit,
            text=text,
            notice=notice,
            has_consented=True,
            received_at=received_at,
            **details,
        )
    else:  # pragma: no cover
        received_at = received_at or datetime.now(UTC)
        acknowledge_due, resolve_due = initial_due_dates(kind, received_at)
        item = Feedback(
            tracking_code=f"{kind[:2].upper()}-TEST-{datetime.now(UTC).timestamp():.0f}",
            kind=kind,
            unit=unit,
            notice=notice,
            text=text,
            submitter_name=details["name"],
            submitter_phone=details["phone"],
            submitter_email=details["email"],
            submitter_address=details["address"],
            has_consented=True,
            received_at=received_at,
            acknowledge_due=acknowledge_due,
            resolve_due=resolve_due,
        )
        db.session.add(item)
        db.session.add(FeedbackEvent(feedback=item, action="receive", to_status="received", created_at=received_at))
    db.session.commit()
    return item


def days_ago(days):
    return local_today() - timedelta(days=days)


def csrf_token(html):
    """The first CSRF token in a page."""
    match = re.search(r'name="[\w-]*csrf_token" type="hidden" value="([^"]+)"', html) or re.search(
        r'name="csrf_token" value="([^"]+)"', html
    )
    assert match, "no CSRF token in the page"
    return match.group(1)


__all__ = ["CITIZEN", "csrf_token", "days_ago", "local_noon", "make_item", "make_notice", "make_user"]
