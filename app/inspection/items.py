"""Queue items as inspectors list and read them: filtered lists, overdue lists, one item's timeliness.

Per-item flags follow the same definitions as the SQL aggregates in figures.py (a test checks that the
flags of every item add up to the aggregate counts).
"""

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from app.clock import local_today, to_local
from app.extensions import db
from app.feedback.deadlines import working_days_between
from app.feedback.models import Feedback, FeedbackEvent
from app.inspection.deadline_conditions import CLOCK_RUNNING, first_missed_deadline, overdue_condition
from app.inspection.figures import item_conditions, unit_conditions

LIST_LOADING = (joinedload(Feedback.unit), joinedload(Feedback.assigned_to), joinedload(Feedback.forwarded_from))


def items_where(*conditions):
    """SELECT of the items meeting `conditions`, newest first, with what a list shows loaded."""
    query = select(Feedback).options(*LIST_LOADING).where(*conditions)
    return query.order_by(Feedback.received_at.desc(), Feedback.id.desc())


def item_list_query(scope, status=None, overdue=False, today=None):
    """SELECT of the scope's items (newest first), optionally of one status or overdue only.

    Received in the period, except the overdue ones: every item overdue today, whenever it was received
    (as "overdue now" counts them).
    """
    today = today or local_today()
    if overdue:
        conditions = [*unit_conditions(scope), overdue_condition(today)]
    else:
        conditions = item_conditions(scope)
    if status:
        conditions.append(Feedback.status == status)
    return items_where(*conditions)


def overdue_items_query(scope, today=None):
    """SELECT of every item of the scope overdue today, whenever received, the longest overdue first."""
    today = today or local_today()
    return (
        select(Feedback)
        .options(*LIST_LOADING)
        .where(*unit_conditions(scope), overdue_condition(today))
        .order_by(first_missed_deadline(today), Feedback.id)
    )


def item_with_history(item_id):
    """The item with its unit, people and events (and their actors) loaded; None if unknown."""
    return db.session.scalar(
        select(Feedback)
        .options(
            *LIST_LOADING,
            joinedload(Feedback.notice),
            selectinload(Feedback.events).joinedload(FeedbackEvent.actor),
        )
        .where(Feedback.id == item_id)
    )


def _local_date(moment):
    return to_local(moment).date() if moment else None


@dataclass(frozen=True)
class Timeliness:
    """One item judged by the definitions of the figures."""

    acknowledged_on_time: bool | None  # None: no acknowledgement step, or not due yet
    answered_on_time: bool | None  # None: not counted (no deadline, not due, rejected, forwarded, paused)
    overdue_since: object  # the first missed deadline (date) when overdue now, else None
    overdue_days: int | None
    first_response_working_days: int | None
    answer_working_days: int | None
    first_response_hours: int | None
    answer_hours: int | None


def _hours(start, end):
    if start is None or end is None:
        return None
    return max(int((end - start).total_seconds() // 3600), 0)


def timeliness(item, calendar, today=None):
    """Judge one item as the figures do (see app/inspection/definitions.py)."""
    today = today or local_today()
    received_day = _local_date(item.received_at)
    acknowledged = item.acknowledged_at or item.first_response_at
    acknowledged_on_time = None
    if item.acknowledge_due is not None:
        if acknowledged is not None:
            acknowledged_on_time = _local_date(acknowledged) <= item.acknowledge_due
        elif item.acknowledge_due < today:
            acknowledged_on_time = False
    running = item.status in CLOCK_RUNNING
    answered_on_time = None
    if item.resolve_due is not None:
        if item.answered_at is not None:
            answered_on_time = _local_date(item.answered_at) <= item.resolve_due
        elif running and item.resolve_due < today:
            answered_on_time = False
    # The deadline the queue shows next (deadline_conditions.next_deadline): not met by a first response.
    acknowledging = item.acknowledged_at is None and item.acknowledge_due is not None
    next_due = item.acknowledge_due if acknowledging else item.resolve_due
    overdue_since = next_due if running and next_due is not None and next_due < today else None

    def working_days(moment):
        return working_days_between(calendar, received_day, _local_date(moment)) if moment else None

    return Timeliness(
        acknowledged_on_time=acknowledged_on_time,
        answered_on_time=answered_on_time,
        overdue_since=overdue_since,
        overdue_days=(today - overdue_since).days if overdue_since else None,
        first_response_working_days=working_days(item.first_response_at),
        answer_working_days=working_days(item.answered_at),
        first_response_hours=_hours(item.received_at, item.first_response_at),
        answer_hours=_hours(item.received_at, item.answered_at),
    )
