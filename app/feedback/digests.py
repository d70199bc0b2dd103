"""The morning digest: at 07:00 on working days, each official's and leader's items overdue or due soon.

An official gets the items of their unit; a leader those of their unit and every unit under it. "Due
soon" is the next due date (acceptance while not accepted, else resolution) within the next two working
days, on the same calendar the due dates are computed with; items waiting for the citizen are paused and
left out. Nothing to report, no digest. One digest per user and day (dedupe key), however often it runs.
"""

from datetime import timedelta

from sqlalchemy import and_, select
from sqlalchemy.orm import joinedload

from app.accounts.models import AdministrativeUnit, User
from app.clock import local_today
from app.extensions import db
from app.feedback.calendar import load_calendar
from app.feedback.deadline_flags import DUE_SOON_WORKING_DAYS, PAUSED_STATUS, next_due, next_due_column
from app.feedback.kinds import kind_label
from app.feedback.models import Feedback
from app.feedback.notifications import staff_address
from app.feedback.states import OPEN_STATUSES
from app.outbox.queue import notify

DIGEST_ROLES = ("official", "leader")
MAX_LISTED = 50  # items named in one digest; the counts are always complete


def working_days_ahead(calendar, today, count):
    """The date `count` working days after `today`."""
    day = today
    while count > 0:
        day += timedelta(days=1)
        if calendar.is_working_day(day):
            count -= 1
    return day


def _scope(user):
    """An official's own unit; a leader's unit and every unit under it."""
    if user.role == "official":
        return Feedback.unit_id == user.unit_id
    return Feedback.unit_id.in_(select(AdministrativeUnit.id).where(user.unit.subtree_clause()))


def _rows(scope, today, horizon):
    due = next_due_column()
    query = (
        select(Feedback)
        .options(joinedload(Feedback.unit))
        .where(
            scope,
            Feedback.status.in_(OPEN_STATUSES - {PAUSED_STATUS}),
            and_(due.is_not(None), due <= horizon),
        )
        .order_by(due, Feedback.id)
    )
    overdue, soon = [], []
    for item in db.session.scalars(query):
        day = next_due(item)
        row = {
            "code": item.tracking_code,
            "kind_label": str(kind_label(item.kind)),
            "unit": item.unit.name,
            "due": day.isoformat(),
        }
        (overdue if day < today else soon).append(row)
    return overdue, soon


def queue_digests(today=None, force=False):
    """Queue today's digests (working days only, unless `force`); return how many were written."""
    today = today or local_today()
    calendar = load_calendar()
    if not force and not calendar.is_working_day(today):
        return 0
    horizon = working_days_ahead(calendar, today, DUE_SOON_WORKING_DAYS)
    users = db.session.scalars(
        select(User)
        .options(joinedload(User.unit))
        .where(User.is_active.is_(True), User.role.in_(DIGEST_ROLES), User.notify_by != "none")
        .order_by(User.id)
    )
    written = 0
    for user in users:
        channel, address = staff_address(user)
        if channel is None:
            continue
        overdue, soon = _rows(_scope(user), today, horizon)
        if not overdue and not soon:
            continue
        row = notify(
            channel=channel,
            recipient=address,
            template="staff.digest",
            payload={
                "user_id": user.id,
                "unit": user.unit.name,
                "day": today.isoformat(),
                "overdue": overdue[:MAX_LISTED],
                "due": soon[:MAX_LISTED],
                "overdue_count": len(overdue),
                "due_count": len(soon),
            },
            subject=f"user:{user.id}",
            unit_id=user.unit_id,
            dedupe_key=f"digest:{user.id}:{today.isoformat()}",
        )
        written += row is not None
    db.session.commit()
    return written
