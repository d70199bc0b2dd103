"""Marking the rollups out of date: every flush that touches a queue item or a notice marks its unit and month.

The mark (a RollupChange row) is written in the same transaction as the change, for the unit and month
before and after it (a forwarded item leaves one unit for another), so the rollups can never miss a
change (see rollup_refresh.py for what a mark leads to).
"""

from sqlalchemy import inspect

from app.clock import to_local
from app.effects import transaction_memo
from app.feedback.models import Feedback
from app.inspection.models import RollupChange
from app.inspection.scope import month_start
from app.notices.models import Notice, NoticeVersion

QUEUE, NOTICES = "queue", "notices"  # RollupMonth.source, RollupChange.source


def month_of(moment):
    """The first day of the local month of a stored timestamp."""
    return to_local(moment).date().replace(day=1)


def _months(instance, unit_attribute, moment_attribute, to_month):
    """(unit id, month) of an instance now and before this flush (a forwarded item leaves a unit)."""
    state = inspect(instance)
    attrs = state.attrs
    units = {getattr(instance, unit_attribute), *(getattr(attrs, unit_attribute).history.deleted or ())}
    units |= {unit.id for unit in attrs.unit.history.deleted or () if unit is not None}
    moments = {getattr(instance, moment_attribute), *(getattr(attrs, moment_attribute).history.deleted or ())}
    return {(unit, to_month(moment)) for unit in units for moment in moments if unit and moment}


def _marks(instance):
    """{(source, unit id, month)} a changed queue item, notice or notice version makes out of date."""
    if isinstance(instance, Feedback):
        return {(QUEUE, *pair) for pair in _months(instance, "unit_id", "received_at", month_of)}
    if isinstance(instance, NoticeVersion):
        instance = instance.notice
    if isinstance(instance, Notice):
        return {(NOTICES, *pair) for pair in _months(instance, "unit_id", "posting_start", month_start)}
    return set()


def mark_changes(session, instances):
    """effects.on_flush handler: write a RollupChange for each unit and month the flush touched."""
    marks = set()
    for instance in instances:
        if isinstance(instance, (Feedback, Notice, NoticeVersion)):
            marks |= _marks(instance)
    # One mark per source, unit and month in a transaction, however many flushes it makes.
    marked = transaction_memo(session, "rollup_marks")
    marks -= marked
    if marks:
        rows = [{"source": source, "unit_id": unit, "month": month} for source, unit, month in sorted(marks)]
        session.connection().execute(RollupChange.__table__.insert(), rows)
        marked |= marks
