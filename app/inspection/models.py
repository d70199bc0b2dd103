"""Inspectors' precomputed figures: monthly rollups per unit, kind and official, and their change log."""

from datetime import date, datetime

from sqlalchemy import BigInteger, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.clock import utcnow
from app.extensions import db
from app.types import UTCDateTime


class QueueRollup(db.Model):
    """The queue figures of the items one unit received in one local month, of one kind and official.

    Maintained by app/inspection/rollup_refresh.py from the feedback table, so that a province's report
    adds up a few thousand of these rows instead of reading a million items. Counters are those of
    `figures.counter_columns` as of `QueueRollupMonth.as_of`; histograms are JSON lists of
    [value, count] pairs; `settled_months` is [["YYYY-MM", count], …] of the items answered or closed.
    """

    __tablename__ = "queue_rollups"
    __table_args__ = (UniqueConstraint("unit_id", "month", "kind", "official_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("administrative_units.id"))
    month: Mapped[date]  # the first day of the local month the items were received in
    kind: Mapped[str] = mapped_column(String(30))
    official_id: Mapped[int] = mapped_column(default=0)  # the assigned official's user id; 0 = nobody
    received: Mapped[int] = mapped_column(default=0)
    acknowledge_due: Mapped[int] = mapped_column(default=0)
    acknowledged_on_time: Mapped[int] = mapped_column(default=0)
    answer_due: Mapped[int] = mapped_column(default=0)
    answered_on_time: Mapped[int] = mapped_column(default=0)
    answered: Mapped[int] = mapped_column(default=0)
    open_now: Mapped[int] = mapped_column(default=0)
    overdue_now: Mapped[int] = mapped_column(default=0)
    # Day numbers (days since 1970-01-01) of the first deadline each overdue item missed: its age on
    # any later day follows without recomputing (today - deadline).
    overdue_deadline_total: Mapped[int] = mapped_column(BigInteger, default=0)
    overdue_deadline_min: Mapped[int | None]
    settled: Mapped[int] = mapped_column(default=0)
    reopened: Mapped[int] = mapped_column(default=0)
    rating_total: Mapped[int] = mapped_column(default=0)
    rating_count: Mapped[int] = mapped_column(default=0)
    forwarded_in: Mapped[int] = mapped_column(default=0)
    forwarded_out: Mapped[int] = mapped_column(default=0)
    first_response_days: Mapped[str] = mapped_column(Text, default="[]")
    answer_days: Mapped[str] = mapped_column(Text, default="[]")
    first_response_hours: Mapped[str] = mapped_column(Text, default="[]")
    answer_hours: Mapped[str] = mapped_column(Text, default="[]")
    settled_months: Mapped[str] = mapped_column(Text, default="[]")


class QueueRollupTotal(db.Model):
    """The hour histograms of the items one unit *and its descendants* received in one month, per kind.

    The hours take many distinct values: a province's report would otherwise decode them for every
    commune, kind and official. Recomputed from QueueRollup whenever a unit below changes that month.
    """

    __tablename__ = "queue_rollup_totals"

    unit_id: Mapped[int] = mapped_column(ForeignKey("administrative_units.id"), primary_key=True)
    month: Mapped[date] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(30), primary_key=True)
    first_response_hours: Mapped[str] = mapped_column(Text, default="[]")
    answer_hours: Mapped[str] = mapped_column(Text, default="[]")


class NoticeRollup(db.Model):
    """The disclosure figures of the notices one unit started posting in one month (see QueueRollup)."""

    __tablename__ = "notice_rollups"
    __table_args__ = (UniqueConstraint("unit_id", "month"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("administrative_units.id"))
    month: Mapped[date]  # the first day of the month of posting_start
    posted: Mapped[int] = mapped_column(default=0)
    with_issue_date: Mapped[int] = mapped_column(default=0)
    posted_within_limit: Mapped[int] = mapped_column(default=0)
    posting_long_enough: Mapped[int] = mapped_column(default=0)
    corrections: Mapped[int] = mapped_column(default=0)
    withdrawals: Mapped[int] = mapped_column(default=0)
    delay_days: Mapped[str] = mapped_column(Text, default="[]")


class RollupMonth(db.Model):
    """That the rollups of one source ("queue" or "notices"), unit and month were computed, and until when.

    The queue's today-dependent counters (due, overdue) stay true from `as_of` up to `valid_until`, the
    last day before a pending deadline passes (None: no pending deadline). `calendar` fingerprints the
    working-day calendar the day histograms were computed with.
    """

    __tablename__ = "rollup_months"

    source: Mapped[str] = mapped_column(String(10), primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("administrative_units.id"), primary_key=True)
    month: Mapped[date] = mapped_column(primary_key=True)
    as_of: Mapped[date]
    valid_until: Mapped[date | None]
    calendar: Mapped[str] = mapped_column(String(64))
    computed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class RollupChange(db.Model):
    """A queue item or notice of this unit and month changed: its rollups are out of date.

    Written in the transaction of the change; removed by the refresh that recomputes the month.
    """

    __tablename__ = "rollup_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    source: Mapped[str] = mapped_column(String(10))
    unit_id: Mapped[int]
    month: Mapped[date]
