"""Today's figures: every item open today, whenever it was received, whatever the period.

"Open now", "overdue now" and the overdue ages describe the queue as it stands today, so they count every
open item of the scope's units (and kind, and official), not only the items received in the period: an
item received two years ago and still unanswered is overdue today in every report, as in the officials'
queue. The period's own figures (received, answered, on time …) stay tied to the items received in it;
per month of receipt, the today figures stay those of the month's items.
"""

from sqlalchemy import case, func, literal_column, select

from app.extensions import db
from app.feedback.models import Feedback
from app.feedback.states import OPEN_STATUSES
from app.inspection.deadline_conditions import first_missed_deadline, overdue_condition
from app.inspection.figures import unit_conditions
from app.inspection.queue_figures import QueueFigures
from app.inspection.sqlcalendar import date_days, day_number

# The QueueFigures fields that describe today; every other figure describes the period.
TODAY_FIELDS = ("open_now", "overdue_now", "overdue_age_total", "overdue_age_max")
# Their names in the API and the exports (QueueFigures.as_dict).
TODAY_KEYS = ("open_now", "overdue_now", "overdue_age_days_max", "overdue_age_days_mean")


def open_item_rows(scope, today):
    """Rows of (unit, kind, official, open_now, overdue_now, overdue_age_total, overdue_age_max), read from the items.

    Open items only, through the (unit_id, status) index: a handful per unit, whatever the queue's size.
    """
    overdue = overdue_condition(today)
    age = case((overdue, literal_column(str(day_number(today))) - date_days(first_missed_deadline(today))), else_=None)
    groups = [Feedback.unit_id.label("unit"), Feedback.kind.label("kind"), Feedback.assigned_to_id.label("official")]
    query = (
        select(
            *groups,
            func.count().label("open_now"),
            func.sum(case((overdue, 1), else_=0)).label("overdue_now"),
            func.sum(age).label("overdue_age_total"),
            func.max(age).label("overdue_age_max"),
        )
        .where(*unit_conditions(scope), Feedback.status.in_(OPEN_STATUSES))
        .group_by(*[literal_column(column.name) for column in groups])
    )
    return [row._mapping for row in db.session.execute(query)]


def set_today_figures(report, rows):
    """Replace the today figures of the report's total, units, kinds and officials by those of `rows`."""
    breakdowns = [report.by_unit, report.by_kind] + ([report.by_official] if report.by_official is not None else [])
    for figures in [report.total, *[figures for breakdown in breakdowns for figures in breakdown.values()]]:
        for name in TODAY_FIELDS:
            setattr(figures, name, 0)
    for row in rows:
        counts = {name: row[name] for name in TODAY_FIELDS}
        report.total.add_counts(counts)
        report.by_unit.setdefault(row["unit"], QueueFigures()).add_counts(counts)
        report.by_kind.setdefault(row["kind"], QueueFigures()).add_counts(counts)
        if report.by_official is not None:
            report.by_official.setdefault(row["official"] or None, QueueFigures()).add_counts(counts)
