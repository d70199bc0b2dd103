"""What "on time" and "overdue" mean for a queue item, as SQL conditions shared by every figure and list."""

from sqlalchemy import and_, case, func

from app.feedback.models import Feedback

# The statutory clock runs in these statuses (waiting_for_citizen pauses it).
CLOCK_RUNNING = ("received", "accepted", "reopened")


def acknowledged_moment():
    """When the citizen was first told their item had arrived: the acknowledgement, or any first response."""
    return func.coalesce(Feedback.acknowledged_at, Feedback.first_response_at)


def next_deadline():
    """SQL: the deadline the item must meet next, as the officials' queue shows it.

    The acknowledgement's while the unit holding the item has not acknowledged it, else the answer's.
    Not the first response: a forwarded item keeps the first unit's response, yet the unit it was
    forwarded to must acknowledge it afresh.
    """
    return case(
        (and_(Feedback.acknowledged_at.is_(None), Feedback.acknowledge_due.is_not(None)), Feedback.acknowledge_due),
        else_=Feedback.resolve_due,
    )


def overdue_condition(today):
    """SQL: the clock is running and the next deadline passed before today (the queue's "overdue")."""
    return and_(Feedback.status.in_(CLOCK_RUNNING), next_deadline() < today)


def first_missed_deadline(today):
    """SQL: the deadline an overdue item missed (its next deadline, which passed)."""
    return next_deadline()


def acknowledgement_pending(today):
    """SQL: the acknowledgement is still to come and not yet due: the item may become overdue later."""
    return and_(Feedback.acknowledged_at.is_(None), Feedback.acknowledge_due >= today)
