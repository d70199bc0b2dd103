"""Which date a queue item must meet next, and whether it is overdue, due soon or paused."""

from sqlalchemy import and_, case

from app.feedback.deadlines import working_days_between
from app.feedback.models import Feedback
from app.feedback.states import OPEN_STATUSES

DUE_SOON_WORKING_DAYS = 2
PAUSED_STATUS = "waiting_for_citizen"


def next_due_column():
    """The date the item must next meet: acceptance while not accepted, else resolution."""
    return case(
        (and_(Feedback.acknowledged_at.is_(None), Feedback.acknowledge_due.is_not(None)), Feedback.acknowledge_due),
        else_=Feedback.resolve_due,
    )


def next_due(item):
    """Python twin of next_due_column."""
    if item.acknowledged_at is None and item.acknowledge_due is not None:
        return item.acknowledge_due
    return item.resolve_due


def deadline_flag(item, today, calendar):
    """Return ("overdue" | "due_soon" | "paused" | None, the due date it is about)."""
    if item.status not in OPEN_STATUSES:
        return None, None
    due = next_due(item)
    if item.status == PAUSED_STATUS:
        return "paused", due
    if due is None:
        return None, None
    if due < today:
        return "overdue", due
    if working_days_between(calendar, today, due) <= DUE_SOON_WORKING_DAYS:
        return "due_soon", due
    return None, due
