"""What "on time" and "overdue" mean for a queue item, as SQL conditions shared by every figure and list."""

from sqlalchemy import and_, case, func, or_

from app.feedback.models import Feedback

# The statutory clock runs in these statuses (waiting_for_citizen pauses it).
CLOCK_RUNNING = ("received", "accepted", "reopened")


def acknowledged_moment():
    """When the citizen was first told their item had arrived: the acknowledgement, or any first response."""
    return func.coalesce(Feedback.acknowledged_at, Feedback.first_response_at)


def acknowledge_missed(today):
    """SQL: the acknowledgement deadline passed before today with no acknowledgement."""
    return and_(acknowledged_moment().is_(None), Feedback.acknowledge_due < today)


def overdue_condition(today):
    """SQL: the clock is running and a deadline passed (the acknowledgement's or the answer's)."""
    return and_(Feedback.status.in_(CLOCK_RUNNING), or_(Feedback.resolve_due < today, acknowledge_missed(today)))


def first_missed_deadline(today):
    """SQL: the first deadline an overdue item missed: the acknowledgement's if missed, else the answer's."""
    return case((acknowledge_missed(today), Feedback.acknowledge_due), else_=Feedback.resolve_due)
