"""Response figures of the citizens' queue, aggregated in SQL.

Every figure counts the items *received* in the scope's period by the scope's unit or its descendants
(optionally of one kind), as they stand now. The database does the counting with GROUP BY over a few
grouping keys (unit, kind, month, official); Python only adds up those pre-aggregated rows into the
breakdowns a page shows (queue_figures.QueueFigures), so rolled-up totals always equal the sum of
their parts.

Durations come as histograms built in SQL: one row per (group, whole number of working days or whole
hours) with its count, from which the percentiles are read. Never a row per item.
"""

from dataclasses import replace
from datetime import timedelta

from flask_babel import force_locale
from sqlalchemy import and_, case, exists, func, literal_column, or_, select, text
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.expression import ColumnElement
from sqlalchemy.sql.visitors import InternalTraversal

from app.extensions import db
from app.feedback.calendar import load_calendar
from app.feedback.models import Feedback, FeedbackEvent
from app.feedback.states import OPEN_STATUSES
from app.inspection.deadline_conditions import (
    CLOCK_RUNNING,
    acknowledged_moment,
    first_missed_deadline,
    overdue_condition,
)
from app.inspection.sqlcalendar import (
    WorkdayScale,
    date_days,
    day_number,
    epoch_ms,
    local_day,
    on_or_before_local_day,
    whole_hours,
)

# Working days before the period that the calendar must cover: a notice's document may be older.
CALENDAR_LOOKBACK_DAYS = 2 * 366


def workday_scale(scope, today):
    """The working-day calendar covering every day the scope's figures compare."""
    first = scope.start - timedelta(days=CALENDAR_LOOKBACK_DAYS)
    last = max(scope.end, today) + timedelta(days=1)
    # The calendar names non-working days through gettext; outside a request (CLI) there is no locale yet.
    with force_locale("vi"):
        return WorkdayScale.for_range(load_calendar(), first, last)


def without_jit():
    """PostgreSQL: no JIT compilation for the rest of this transaction (the report's queries).

    These statements carry large CASE trees (months, working days); PostgreSQL's JIT spent more time
    compiling them (about a second per statement on a million items) than it saved executing them.
    """
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(text("SET LOCAL jit = off"))


def bucket_index(column, bounds):
    """SQL: how many of the sorted `bounds` are <= column (0..len(bounds)), as a balanced CASE tree."""

    def tree(low, high):
        if low == high:
            return literal_column(str(low))
        middle = (low + high + 1) // 2
        return case((column < bounds[middle - 1], tree(low, middle - 1)), else_=tree(middle, high))

    return tree(0, len(bounds))


class unindexed(ColumnElement):  # noqa: N801 (SQL function style)
    """A column the query planner should not reach through an index: `+column` on SQLite, else the column."""

    inherit_cache = True
    _traverse_internals = [("column", InternalTraversal.dp_clauseelement)]

    def __init__(self, column):
        self.column = column
        self.type = column.type


@compiles(unindexed)
def _unindexed(element, compiler, **kw):
    return compiler.process(element.column, **kw)


@compiles(unindexed, "sqlite")
def _unindexed_sqlite(element, compiler, **kw):
    return f"+{compiler.process(element.column, **kw)}"


def prefer_table_scan(scope):
    """SQLite: the scope with `table_scan` set when it holds over a third of all items, else the scope.

    SQLite reaches a scope's items through the (unit_id, received_at) index and a table lookup per item:
    right for a commune, but for a province that holds most of the items a plain scan of the table is
    about twice as fast (1,000,000 items: 6 s instead of 12 s per report). The count below reads the
    index only (about 25 ms at that size). PostgreSQL chooses between the two itself.
    """
    if db.session.get_bind().dialect.name != "sqlite" or scope.table_scan:
        return scope
    in_scope = db.session.scalar(
        select(func.count()).where(
            Feedback.unit_id.in_(scope.unit_ids()),
            Feedback.received_at >= scope.start_utc,
            Feedback.received_at < scope.end_utc,
        )
    )
    total = db.session.scalar(select(func.count()).select_from(Feedback))
    return replace(scope, table_scan=True) if in_scope * 3 > total else scope


def _kind_and_official(scope):
    conditions = []
    if scope.kind:
        conditions.append(Feedback.kind == scope.kind)
    if scope.channel:
        conditions.append(Feedback.channel == scope.channel)
    if scope.official_id:
        conditions.append(Feedback.assigned_to_id == scope.official_id)
    return conditions


def item_conditions(scope):
    """WHERE conditions: received in the period by a unit of the scope (and of its kind, channel and official)."""
    unit_id, received_at = Feedback.unit_id, Feedback.received_at
    if scope.table_scan:
        unit_id, received_at = unindexed(unit_id), unindexed(received_at)
    return [
        unit_id.in_(scope.unit_ids()),
        received_at >= scope.start_utc,
        received_at < scope.end_utc,
        *_kind_and_official(scope),
    ]


def unit_conditions(scope):
    """WHERE conditions: an item of a unit of the scope (and of its kind, channel and official), whenever received."""
    return [Feedback.unit_id.in_(scope.unit_ids()), *_kind_and_official(scope)]


def group_columns(scope, keys, unit_column=Feedback.unit_id):
    """Labelled SQL expressions for the grouping keys: unit, kind, month (index), official."""
    columns = {
        "unit": unit_column,
        "kind": Feedback.kind,
        "official": Feedback.assigned_to_id,
        "month": bucket_index(Feedback.received_at, scope.month_bounds_utc()),
    }
    return [columns[key].label(key) for key in keys]


def _total(condition):
    return func.sum(case((condition, 1), else_=0))


def counter_columns(today):
    """The aggregate columns of QueueFigures' counters, as of `today` (a local date)."""
    item = Feedback
    acknowledged = acknowledged_moment()
    running = item.status.in_(CLOCK_RUNNING)
    overdue = overdue_condition(today)
    age = case((overdue, literal_column(str(day_number(today))) - date_days(first_missed_deadline(today))), else_=None)
    forwarded_outside = exists().where(FeedbackEvent.feedback_id == item.id, FeedbackEvent.action == "forward_external")
    has_acknowledge_step = item.acknowledge_due.is_not(None)
    has_answer_deadline = item.resolve_due.is_not(None)
    answered = item.answered_at.is_not(None)
    conditions = {
        "acknowledge_due": and_(has_acknowledge_step, or_(acknowledged.is_not(None), item.acknowledge_due < today)),
        "acknowledged_on_time": and_(has_acknowledge_step, on_or_before_local_day(acknowledged, item.acknowledge_due)),
        "answer_due": and_(has_answer_deadline, or_(answered, and_(running, item.resolve_due < today))),
        "answered_on_time": and_(has_answer_deadline, on_or_before_local_day(item.answered_at, item.resolve_due)),
        "answered": answered,
        "open_now": item.status.in_(OPEN_STATUSES),
        "overdue_now": overdue,
        "settled": or_(answered, item.closed_at.is_not(None)),
        "reopened": item.reopen_count > 0,
        "forwarded_in": item.forwarded_from_id.is_not(None),
        "forwarded_out": or_(
            item.status == "forwarded",
            and_(item.status == "closed", item.answered_at.is_(None), forwarded_outside),
        ),
    }
    return [
        func.count().label("received"),
        *[_total(condition).label(name) for name, condition in conditions.items()],
        func.sum(age).label("overdue_age_total"),
        func.max(age).label("overdue_age_max"),
        func.sum(item.rating).label("rating_total"),
        func.count(item.rating).label("rating_count"),
    ]


def count_rows(scope, keys, today, extra=()):
    """Rows of (keys..., counters..., extra...) for items in the scope, grouped by `keys`."""
    groups = group_columns(scope, keys)
    query = select(*groups, *counter_columns(today), *extra).where(*item_conditions(scope))
    if groups:
        query = query.group_by(*[literal_column(key) for key in keys])
    return [row._mapping for row in db.session.execute(query)]


def forwarded_out_rows(scope, keys):
    """Rows of (keys..., forwarded_out) for items moved from a unit of the scope to another unit.

    The item now belongs to the receiver (counted there as forwarded in); `forwarded_from_id` is the sender.
    """
    keys = [key for key in keys if key != "official"]
    # Few items are forwarded: the (forwarded_from_id, received_at) index finds them, whatever the scope.
    conditions = item_conditions(replace(scope, table_scan=False))
    conditions[0] = Feedback.forwarded_from_id.in_(scope.unit_ids())
    groups = group_columns(scope, keys, unit_column=Feedback.forwarded_from_id)
    query = select(*groups, func.count().label("forwarded_out")).where(*conditions)
    if groups:
        query = query.group_by(*[literal_column(key) for key in keys])
    return keys, [row._mapping for row in db.session.execute(query)]


def histogram_rows(scope, keys, metric, scale):
    """Rows of (keys..., value, count) for one duration metric of the items in the scope.

    `metric` is one of HISTOGRAMS: working days (local dates, via the WorkdayScale) or whole hours
    from receipt to the first response or to the answer; items without that moment are left out.
    """
    moment = Feedback.first_response_at if metric.startswith("first_response") else Feedback.answered_at
    groups = group_columns(scope, keys)
    # The subquery computes each timestamp's number once; OFFSET 0 keeps both databases from folding it in.
    inner = (
        select(
            *groups,
            epoch_ms(Feedback.received_at).label("received"),
            epoch_ms(moment).label("moment"),
        )
        .where(*item_conditions(scope), moment.is_not(None))
        .offset(0)
        .subquery()
    )
    if metric.endswith("_days"):
        # Two more layers kept apart by OFFSET 0: local day numbers, then their working-day ordinals,
        # so each row evaluates each CASE tree once (folded in, SQL would repeat it up to four times).
        # Explicit FROMs: without grouping keys no selected column would name the subquery.
        days = (
            select(
                *[inner.c[key] for key in keys],
                local_day(inner.c.received).label("received_day"),
                local_day(inner.c.moment).label("moment_day"),
            )
            .select_from(inner)
            .offset(0)
            .subquery()
        )
        ordinals = (
            select(
                *[days.c[key] for key in keys],
                scale.ordinal(days.c.received_day).label("received_ordinal"),
                scale.ordinal(days.c.moment_day).label("moment_ordinal"),
            )
            .select_from(days)
            .offset(0)
            .subquery()
        )
        value = scale.difference(ordinals.c.received_ordinal, ordinals.c.moment_ordinal)
        source = ordinals
    else:
        value = whole_hours(inner.c.received, inner.c.moment)
        source = inner
    query = (
        select(*[source.c[key] for key in keys], value.label("value"), func.count().label("count"))
        .select_from(source)
        .group_by(*[source.c[key] for key in keys], literal_column("value"))
    )
    return [row._mapping for row in db.session.execute(query)]
