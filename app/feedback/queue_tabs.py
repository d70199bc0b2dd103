"""The queue's tabs, in the order an official works through them, and how many items each holds.

A tab is a view of the open items, not a box: an item received weeks ago and never accepted is both
"new" and "overdue", and shows in both; "the rest" is every open item in none of the first three.
"Tomorrow" is the next working day, on the calendar the due dates themselves are computed with.
"""

from datetime import timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, case, func, not_, or_, select

from app.extensions import db
from app.feedback.deadline_flags import PAUSED_STATUS, next_due_column
from app.feedback.models import Feedback
from app.feedback.states import OPEN_STATUSES

TABS = {
    "new": _l("Mới nhận / chưa tiếp nhận"),
    "due": _l("Đến hạn hôm nay và ngày mai"),
    "overdue": _l("Quá hạn"),
    "rest": _l("Còn lại"),
}
NEW_STATUS = "received"


def next_working_day(calendar, today):
    """The first working day after `today`."""
    day = today + timedelta(days=1)
    while not calendar.is_working_day(day):
        day += timedelta(days=1)
    return day


def tab_conditions(today, tomorrow):
    """Return {tab: SQL condition on Feedback}; none of them is ever NULL."""
    due = next_due_column()
    running = and_(Feedback.status.in_(OPEN_STATUSES - {PAUSED_STATUS}), due.is_not(None))
    conditions = {
        "new": Feedback.status == NEW_STATUS,
        "due": and_(running, due >= today, due <= tomorrow),
        "overdue": and_(running, due < today),
    }
    conditions["rest"] = and_(Feedback.status.in_(OPEN_STATUSES), not_(or_(*conditions.values())))
    return conditions


def tab_counts(unit_ids, conditions):
    """Return {tab: number of items} among the units `unit_ids` (a subquery), in one query."""
    columns = [func.coalesce(func.sum(case((condition, 1), else_=0)), 0) for condition in conditions.values()]
    values = db.session.execute(select(*columns).where(Feedback.unit_id.in_(unit_ids))).one()
    return dict(zip(conditions, (int(value) for value in values), strict=True))


def tab_order(tab):
    """The order of a tab's list: the newest first among new items, else the nearest due date first."""
    if tab == "new":
        return (Feedback.received_at.desc(), Feedback.id.desc())
    return None
