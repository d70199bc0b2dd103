"""Disclosure timeliness of notices, aggregated in SQL.

A notice counts for the period when it was published (status published or withdrawn) and its posting
started in the period, by a unit of the scope. Delays are working days from the legal document's issue
date to the first posting day (Decree 04/2015: within 3 working days); the posting period is
`posting_end - posting_start` in calendar days (at least 30, as the publishing form warns).
"""

from collections import Counter
from dataclasses import dataclass, field

from sqlalchemy import and_, case, func, literal_column, select

from app.extensions import db
from app.inspection.queue_figures import percentile, rate
from app.inspection.sqlcalendar import date_days
from app.notices.models import Notice, NoticeVersion

DISCLOSURE_WORKING_DAYS = 3
MINIMUM_POSTING_DAYS = 30
COUNTERS = ("posted", "with_issue_date", "posted_within_limit", "posting_long_enough", "corrections", "withdrawals")


@dataclass
class DisclosureFigures:
    """Disclosure figures of one group (a unit, or everything)."""

    posted: int = 0
    with_issue_date: int = 0
    posted_within_limit: int = 0  # delay <= 3 working days, among notices with an issue date
    posting_long_enough: int = 0  # posting period >= 30 days
    corrections: int = 0  # published corrections (versions after the first)
    withdrawals: int = 0
    delay_days: Counter = field(default_factory=Counter)

    def add_counts(self, row):
        for name in COUNTERS:
            value = row.get(name)
            if value:
                setattr(self, name, getattr(self, name) + int(value))

    def merge(self, other):
        self.add_counts({name: getattr(other, name) for name in COUNTERS})
        self.delay_days.update(other.delay_days)
        return self

    @property
    def posted_within_limit_rate(self):
        return rate(self.posted_within_limit, self.with_issue_date)

    @property
    def posting_long_enough_rate(self):
        return rate(self.posting_long_enough, self.posted)

    @property
    def delay_median(self):
        return percentile(self.delay_days, 50)

    def as_dict(self):
        return {
            "notices_posted": self.posted,
            "notices_with_issue_date": self.with_issue_date,
            "posting_delay_working_days_median": self.delay_median,
            "posted_within_3_working_days": self.posted_within_limit,
            "posted_within_3_working_days_pct": self.posted_within_limit_rate,
            "posting_period_30_days": self.posting_long_enough,
            "posting_period_30_days_pct": self.posting_long_enough_rate,
            "corrections": self.corrections,
            "withdrawals": self.withdrawals,
        }


def notice_conditions(scope):
    return [
        Notice.unit_id.in_(scope.unit_ids()),
        Notice.status.in_(("published", "withdrawn")),
        Notice.posting_start >= scope.start,
        Notice.posting_start <= scope.end,
    ]


def disclosure_rows(scope, scale):
    """Rows of (unit, delay, counters...) grouped by unit and delay in working days (NULL: no issue date)."""
    inner = (
        select(
            Notice.unit_id.label("unit"),
            Notice.status.label("status"),
            date_days(Notice.issued_on).label("issued"),
            date_days(Notice.posting_start).label("start"),
            date_days(Notice.posting_end).label("end"),
        )
        .where(*notice_conditions(scope))
        .offset(0)
        .subquery()
    )
    # The working-day ordinals once per row, in their own layer (OFFSET 0 keeps it from being folded in).
    ordinals = (
        select(
            inner.c.unit,
            inner.c.status,
            inner.c.issued,
            (inner.c.end - inner.c.start).label("posting_days"),
            scale.ordinal(inner.c.issued).label("issued_ordinal"),
            scale.ordinal(inner.c.start).label("start_ordinal"),
        )
        .offset(0)
        .subquery()
    )
    delay = case(
        (ordinals.c.issued.is_(None), None),
        else_=scale.difference(ordinals.c.issued_ordinal, ordinals.c.start_ordinal),
    )
    query = select(
        ordinals.c.unit,
        delay.label("delay"),
        func.count().label("posted"),
        func.count(ordinals.c.issued).label("with_issue_date"),
        func.sum(case((ordinals.c.posting_days >= MINIMUM_POSTING_DAYS, 1), else_=0)).label("posting_long_enough"),
        func.sum(case((ordinals.c.status == "withdrawn", 1), else_=0)).label("withdrawals"),
    ).group_by(ordinals.c.unit, literal_column("delay"))
    return [row._mapping for row in db.session.execute(query)]


def correction_rows(scope):
    """Rows of (unit, corrections): published versions after the first, of the scope's notices."""
    query = (
        select(Notice.unit_id.label("unit"), func.count().label("corrections"))
        .join(NoticeVersion, and_(NoticeVersion.notice_id == Notice.id, NoticeVersion.number > 1))
        .where(*notice_conditions(scope))
        .group_by(Notice.unit_id)
    )
    return [row._mapping for row in db.session.execute(query)]


def disclosure_by_unit(scope, scale):
    """{unit_id: DisclosureFigures} for the scope."""
    by_unit = {}
    for row in disclosure_rows(scope, scale):
        figures = by_unit.setdefault(row["unit"], DisclosureFigures())
        delay = row["delay"]
        counts = dict(row)
        if delay is not None:
            figures.delay_days[int(delay)] += int(row["posted"])
            if delay <= DISCLOSURE_WORKING_DAYS:
                counts["posted_within_limit"] = row["posted"]
        figures.add_counts(counts)
    for row in correction_rows(scope):
        by_unit.setdefault(row["unit"], DisclosureFigures()).add_counts(row)
    return by_unit
