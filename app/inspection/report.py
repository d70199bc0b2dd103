"""Put the SQL aggregates together: totals and breakdowns, backlog, disclosure and the ranking.

The pages, the exports, the annual report and the API all call `build_report`, so they show the
same figures computed by the same code.
"""

import time
from dataclasses import dataclass, field, replace

from flask import current_app
from sqlalchemy import and_, case, func, literal_column, not_, or_, select

from app.accounts.models import AdministrativeUnit, User
from app.clock import local_today, utcnow
from app.extensions import db
from app.feedback.models import Feedback
from app.feedback.states import OPEN_STATUSES
from app.inspection import rollup_reading
from app.inspection.disclosure import DisclosureFigures, disclosure_by_unit
from app.inspection.figures import (
    bucket_index,
    count_rows,
    forwarded_out_rows,
    histogram_rows,
    prefer_table_scan,
    unindexed,
    without_jit,
    workday_scale,
)
from app.inspection.queue_figures import HISTOGRAMS, QueueFigures
from app.inspection.today_figures import open_item_rows, set_today_figures

DEFAULT_RANKING_MIN_ITEMS = 10
# Response-time distribution bars, in working days: (first, last) inclusive; None = no upper bound.
RESPONSE_BINS = ((0, 1), (2, 3), (4, 5), (6, 10), (11, 15), (16, 20), (21, 30), (31, None))
# Reports the pages and the API reuse for a few minutes per process (see build_report's `cached`).
DEFAULT_REPORT_CACHE_SECONDS = 300
MAX_CACHED_REPORTS = 256
_report_cache = {}


def ranking_min_items():
    """The fewest items a unit needs to be ranked (config AUDIT_RANKING_MIN_ITEMS, default 10)."""
    return int(current_app.config.get("AUDIT_RANKING_MIN_ITEMS", DEFAULT_RANKING_MIN_ITEMS))


def report_cache_seconds():
    """How long a process reuses a computed report (config AUDIT_REPORT_CACHE_SECONDS; 0 turns it off)."""
    default = 0 if current_app.testing else DEFAULT_REPORT_CACHE_SECONDS
    return int(current_app.config.get("AUDIT_REPORT_CACHE_SECONDS", default))


@dataclass
class RankedUnit:
    rank: int | None
    unit: AdministrativeUnit
    figures: QueueFigures


@dataclass
class Report:
    """Everything the audit pages show for one scope."""

    scope: object
    today: object
    computed_at: object
    total: QueueFigures = field(default_factory=QueueFigures)
    by_unit: dict = field(default_factory=dict)  # unit id -> QueueFigures
    by_kind: dict = field(default_factory=dict)  # kind -> QueueFigures
    by_month: list = field(default_factory=list)  # aligned with scope.months()
    by_official: dict | None = None  # user id (None: not assigned) -> QueueFigures
    backlog: list = field(default_factory=list)  # open items at each month end, aligned with scope.months()
    disclosure: DisclosureFigures = field(default_factory=DisclosureFigures)
    disclosure_by_unit: dict = field(default_factory=dict)
    units: dict = field(default_factory=dict)  # unit id -> AdministrativeUnit
    officials: dict = field(default_factory=dict)  # user id -> User
    ranking: list = field(default_factory=list)  # RankedUnit, best first
    unranked: list = field(default_factory=list)  # RankedUnit with fewer items than the minimum
    ranking_min_items: int = DEFAULT_RANKING_MIN_ITEMS

    def unit_rows(self):
        """(unit, queue figures, disclosure figures) of every commune and ward and every unit with items or
        notices, by name."""
        ids = set(self.by_unit) | set(self.disclosure_by_unit)
        rows = [
            (self.units[unit_id], self.by_unit.get(unit_id, QueueFigures()), self.disclosure_by_unit.get(unit_id))
            for unit_id in ids
            if unit_id in self.units
        ]
        return sorted(rows, key=lambda row: (row[0].name, row[0].code))

    def response_distribution(self):
        """[(label_first, label_last, count)] of working days to answer, in RESPONSE_BINS."""
        histogram = self.total.answer_days
        bars = []
        for first, last in RESPONSE_BINS:
            count = sum(n for value, n in histogram.items() if value >= first and (last is None or value <= last))
            bars.append((first, last, count))
        return bars


def _roll_up(report, rows, keys, apply):
    """Apply one SQL row to the total and to each breakdown named in `keys`."""
    months = len(report.by_month)
    for row in rows:
        apply(report.total, row)
        if "unit" in keys:
            apply(report.by_unit.setdefault(row["unit"], QueueFigures()), row)
        if "kind" in keys:
            apply(report.by_kind.setdefault(row["kind"], QueueFigures()), row)
        if "month" in keys and 0 <= row["month"] < months:
            apply(report.by_month[row["month"]], row)


def _add_histogram(name):
    def apply(figures, row):
        getattr(figures, name)[int(row["value"])] += int(row["count"])

    return apply


def _add_counts(figures, row):
    figures.add_counts(row)


def backlog_series(scope):
    """Items not yet answered or closed at the end of each month of the period (all received before it)."""
    month_bounds = scope.month_bounds_utc()
    settled_at = func.coalesce(Feedback.answered_at, Feedback.closed_at)
    is_open = Feedback.status.in_(OPEN_STATUSES)
    received_index = bucket_index(Feedback.received_at, [scope.start_utc, *month_bounds])
    # An open item is settled "never"; otherwise by the month its answer or closing fell in.
    never = len(month_bounds) + 2
    settled_index = bucket_index(settled_at, [scope.start_utc, *month_bounds, scope.end_utc])
    unit_id, received_at = Feedback.unit_id, Feedback.received_at
    if scope.table_scan:
        unit_id, received_at = unindexed(unit_id), unindexed(received_at)
    conditions = [
        unit_id.in_(scope.unit_ids()),
        received_at < scope.end_utc,
        or_(is_open, and_(settled_at.is_not(None), not_(settled_at < scope.start_utc))),
    ]
    if scope.kind:
        conditions.append(Feedback.kind == scope.kind)
    if scope.channel:
        conditions.append(Feedback.channel == scope.channel)
    settled_column = case((is_open, literal_column(str(never))), else_=settled_index)
    query = (
        select(received_index.label("received"), settled_column.label("settled"), func.count().label("count"))
        .where(*conditions)
        .group_by(literal_column("received"), literal_column("settled"))
    )
    rows = db.session.execute(query).all()
    series = []
    for month in range(1, len(month_bounds) + 2):
        # Open at the end of month m: received by then (index <= m) and settled after it (index > m).
        series.append(sum(count for received, settled, count in rows if received <= month < settled))
    return series


def rank_units(report, min_items):
    """Rank units with at least `min_items` items: answered on time, then acknowledged on time, then speed."""
    eligible, unranked = [], []
    for unit_id, figures in report.by_unit.items():
        unit = report.units.get(unit_id)
        if unit is None:
            continue
        (eligible if figures.received >= min_items else unranked).append(RankedUnit(None, unit, figures))

    def score(entry):
        figures = entry.figures
        answered = figures.answered_on_time_rate
        acknowledged = figures.acknowledged_on_time_rate
        return (
            -1 if answered is None else answered,
            -1 if acknowledged is None else acknowledged,
        )

    eligible.sort(
        key=lambda entry: (
            tuple(-value for value in score(entry)),
            entry.figures.median("answer_days") if entry.figures.median("answer_days") is not None else 10**6,
            -entry.figures.received,
            entry.unit.name,
        )
    )
    previous, rank = None, 0
    for position, entry in enumerate(eligible, start=1):
        if score(entry) != previous:
            rank, previous = position, score(entry)
        entry.rank = rank
    unranked.sort(key=lambda entry: (entry.unit.name, entry.unit.code))
    return eligible, unranked


def build_report(scope, officials=False, hours_by_unit=False, today=None, cached=False):
    """Compute every figure of `scope`: totals, by unit, kind, month (and official), backlog, disclosure, ranking.

    With `cached`, figures computed for the same scope in the last AUDIT_REPORT_CACHE_SECONDS by this
    process are reused (the report's `computed_at` tells when they were computed; the pages show it).
    """
    today = today or local_today()
    seconds = report_cache_seconds() if cached else 0
    if seconds <= 0:
        figures = compute_figures(scope, officials, hours_by_unit, today)
    else:
        key = (
            current_app.config["SQLALCHEMY_DATABASE_URI"],
            scope.unit.id,
            scope.start,
            scope.end,
            scope.kind,
            scope.channel,
            scope.official_id,
            officials,
            hours_by_unit,
            today,
        )
        now = time.monotonic()
        entry = _report_cache.get(key)
        if entry is not None and entry[0] > now:
            figures = entry[1]
        else:
            figures = compute_figures(scope, officials, hours_by_unit, today)
            if len(_report_cache) >= MAX_CACHED_REPORTS:
                _report_cache.clear()
            _report_cache[key] = (now + seconds, figures)
    return _finish_report(replace(figures, scope=scope))


def compute_figures(scope, officials, hours_by_unit, today, use_rollups=True):
    """The SQL part of a report: every figure, without the units, officials and ranking (plain data only).

    Whole months come from the rollups (app/inspection/rollup_reading.py), a period's partial first month from the
    items themselves; periods the rollups cannot serve (ending in the past, mid-month) read the items,
    as does `use_rollups=False` (the same figures, the slow way). Today's figures count every open item,
    whatever the period (today_figures.py): from the rollups of every month, or from the open items.
    Every commune and ward of the scope has its figures, zeros when nothing was received or posted.
    """
    # The rollups are kept per unit, month, kind and official, not per channel: a channel's figures come
    # from the items themselves (the same SQL), indexed by (channel, received_at).
    use_rollups = use_rollups and not scope.channel
    scale = workday_scale(scope, today)
    report = Report(scope=scope, today=today, computed_at=utcnow())
    report.by_month = [QueueFigures() for _ in scope.months()]
    if officials:
        report.by_official = {}
    # Both may commit a refresh of the rollups: before the report's own transaction settings.
    plan = rollup_reading.plan(scope, today) if use_rollups else None
    if use_rollups:
        open_months = (plan.unit_ids, plan.history) if plan else rollup_reading.today_months(scope, today)
    without_jit()
    if plan is None:
        scope = prefer_table_scan(scope)
        _add_item_figures(report, scope, officials, hours_by_unit, today, scale)
        report.backlog = backlog_series(scope)
    else:
        if plan.partial is not None:
            _add_item_figures(report, plan.partial, officials, hours_by_unit, today, scale)
        rollup_reading.add_figures(report, scope, plan, today, officials, hours_by_unit)
        report.backlog = rollup_reading.backlog(scope, plan)
    keys = ["unit", "kind", "month"]
    out_keys, out_rows = forwarded_out_rows(scope, keys)
    _roll_up(report, out_rows, out_keys, _add_counts)
    if plan is None:
        report.disclosure_by_unit = disclosure_by_unit(scope, scale)
    else:
        report.disclosure_by_unit = rollup_reading.disclosure(scope, plan, scale)
    for figures in report.disclosure_by_unit.values():
        report.disclosure.merge(figures)
    if use_rollups:
        open_items = rollup_reading.open_item_rows(scope, *open_months, today)
    else:
        open_items = open_item_rows(scope, today)
    set_today_figures(report, open_items)
    for unit_id in db.session.scalars(scope.commune_ids()):
        report.by_unit.setdefault(unit_id, QueueFigures())
        report.disclosure_by_unit.setdefault(unit_id, DisclosureFigures())
    return report


def _add_item_figures(report, scope, officials, hours_by_unit, today, scale):
    """Add the figures of the scope's items, read from the items themselves."""
    keys = ["unit", "kind", "month"]
    _roll_up(report, count_rows(scope, keys, today), keys, _add_counts)
    day_keys = ["unit", "kind"]
    for metric in ("first_response_days", "answer_days"):
        _roll_up(report, histogram_rows(scope, day_keys, metric, scale), day_keys, _add_histogram(metric))
    hour_keys = ["unit", "kind"] if hours_by_unit else ["kind"]
    for metric in ("first_response_hours", "answer_hours"):
        _roll_up(report, histogram_rows(scope, hour_keys, metric, scale), hour_keys, _add_histogram(metric))
    if officials:
        for row in count_rows(scope, ["official"], today):
            report.by_official.setdefault(row["official"], QueueFigures()).add_counts(row)
        for metric in HISTOGRAMS:
            for row in histogram_rows(scope, ["official"], metric, scale):
                _add_histogram(metric)(report.by_official.setdefault(row["official"], QueueFigures()), row)


def _finish_report(report):
    """Load the units and officials the figures name (in this session) and rank the units."""
    unit_ids = set(report.by_unit) | set(report.disclosure_by_unit)
    units = db.session.scalars(select(AdministrativeUnit).where(AdministrativeUnit.id.in_(unit_ids)))
    report.units = {unit.id: unit for unit in units}
    if report.by_official is not None:
        ids = [user_id for user_id in report.by_official if user_id is not None]
        report.officials = {user.id: user for user in db.session.scalars(select(User).where(User.id.in_(ids)))}
    report.ranking_min_items = ranking_min_items()
    report.ranking, report.unranked = rank_units(report, report.ranking_min_items)
    return report
