"""Reading the rollups: how a report adds up the precomputed months instead of scanning every item.

`plan` says which months of a scope come from the rollups (after bringing them up to date) and which
parts are computed live; the other functions add the planned months into a report.
"""

import json
from collections import Counter, defaultdict
from dataclasses import dataclass, replace
from datetime import timedelta

from sqlalchemy import func, select

from app.clock import local_today
from app.extensions import db
from app.inspection.disclosure import COUNTERS as DISCLOSURE_COUNTERS
from app.inspection.disclosure import DisclosureFigures, disclosure_by_unit
from app.inspection.models import NoticeRollup, QueueRollup, QueueRollupTotal
from app.inspection.queue_figures import HISTOGRAMS, QueueFigures
from app.inspection.rollup_marks import NOTICES, QUEUE
from app.inspection.rollup_refresh import HOURS, ROLLUP_COUNTERS, add_pairs, ensure_fresh, queue_months
from app.inspection.scope import AuditScope, month_end, month_start, next_month
from app.inspection.sqlcalendar import EPOCH

OPEN = "open"


@dataclass
class Plan:
    """How a report uses the rollups: which months come from them, which parts are computed live."""

    unit_ids: list
    months: list  # the period's whole months, for the queue
    history: list  # every month up to the period's last one or today's (older and later items count too)
    partial: AuditScope | None  # the period's first month when the period starts after its first day
    notice_months: list  # the months wholly inside the period, for the notices
    notice_partials: list  # the period's parts outside those months (notices may be posted ahead)


def plan(scope, today):
    """The rollup plan of a scope, or None when its figures must be computed from the items.

    The rollups hold whole months; the period may start on any day (that first month is computed
    live) but must end on a month's last day or on or after today, when no item can follow it.
    Notices may be posted ahead, so a partial last month of notices is computed live as well.
    """
    if not (scope.end == month_end(scope.end) or scope.end >= local_today()):
        return None
    months = [month for month in scope.months() if month >= scope.start]
    partial = None
    if scope.start.day != 1:
        partial = replace(scope, end=min(scope.end, month_end(scope.start)))
    # Up to the period's last month or today's, whichever is later: the backlog counts the items received
    # before the period, today's figures every open item.
    last = max(scope.months()[-1], month_start(today))
    history = sorted(set(queue_months(last)) | set(months))
    notice_months = [month for month in months if month_end(month) <= scope.end]
    notice_partials = []
    if not notice_months:
        notice_partials.append(scope)
    else:
        if scope.start < notice_months[0]:
            notice_partials.append(replace(scope, end=notice_months[0] - timedelta(days=1)))
        after = next_month(notice_months[-1])
        if after <= scope.end:
            notice_partials.append(replace(scope, start=after))
    unit_ids = db.session.scalars(scope.unit_ids()).all()
    ensure_fresh({QUEUE: (unit_ids, history), NOTICES: (unit_ids, notice_months)}, today)
    return Plan(unit_ids, months, history, partial, notice_months, notice_partials)


def today_months(scope, today):
    """(unit ids, months) of the rollups that hold every item of the scope's units, up to date for today."""
    unit_ids = db.session.scalars(scope.unit_ids()).all()
    months = queue_months(month_start(today))
    ensure_fresh({QUEUE: (unit_ids, months)}, today)
    return unit_ids, months


def open_item_rows(scope, unit_ids, months, today):
    """The rows of today_figures.open_item_rows, added up from the rollups of every month.

    Only the (unit, kind, official) groups that hold open items: a few rows per unit, whatever the period.
    """
    conditions = [QueueRollup.unit_id.in_(unit_ids), QueueRollup.month.in_(months), QueueRollup.open_now > 0]
    if scope.kind:
        conditions.append(QueueRollup.kind == scope.kind)
    if scope.official_id:
        conditions.append(QueueRollup.official_id == scope.official_id)
    groups = [QueueRollup.unit_id, QueueRollup.kind, QueueRollup.official_id]
    query = (
        select(
            QueueRollup.unit_id.label("unit"),
            QueueRollup.kind.label("kind"),
            QueueRollup.official_id.label("official"),
            func.sum(QueueRollup.open_now).label("open_now"),
            func.sum(QueueRollup.overdue_now).label("overdue_now"),
            func.sum(QueueRollup.overdue_deadline_total).label("overdue_deadline_total"),
            func.min(QueueRollup.overdue_deadline_min).label("overdue_deadline_min"),
        )
        .where(*conditions)
        .group_by(*groups)
    )
    rows = []
    for row in db.session.execute(query):
        values = _with_ages(dict(row._mapping), today)
        values["official"] = values["official"] or None  # 0 in the rollups: nobody assigned
        rows.append(values)
    return rows


def _conditions(scope, plan, months):
    conditions = [QueueRollup.unit_id.in_(plan.unit_ids), QueueRollup.month.in_(months)]
    if scope.kind:
        conditions.append(QueueRollup.kind == scope.kind)
    if scope.official_id:
        conditions.append(QueueRollup.official_id == scope.official_id)
    return conditions


def _counter_rows(scope, plan, key, today):
    """Summed counters of the period's rollups, grouped by one key (None: everything)."""
    columns = {
        "unit": QueueRollup.unit_id,
        "kind": QueueRollup.kind,
        "month": QueueRollup.month,
        "official": QueueRollup.official_id,
    }
    groups = [columns[key].label(key)] if key else []
    query = select(
        *groups,
        *[func.sum(getattr(QueueRollup, name)).label(name) for name in ROLLUP_COUNTERS],
        func.sum(QueueRollup.overdue_deadline_total).label("overdue_deadline_total"),
        func.min(QueueRollup.overdue_deadline_min).label("overdue_deadline_min"),
    ).where(*_conditions(scope, plan, plan.months))
    if groups:
        query = query.group_by(*groups)
    for row in db.session.execute(query):
        values = dict(row._mapping)
        if values["received"] is None:
            continue
        yield _with_ages(values, today)


def _with_ages(values, today):
    """Summed rollup counters with the overdue ages on `today`, from the missed deadlines' day numbers."""
    today_number = (today - EPOCH).days
    overdue = int(values["overdue_now"] or 0)
    values["overdue_age_total"] = overdue * today_number - int(values["overdue_deadline_total"] or 0)
    oldest = values["overdue_deadline_min"]
    values["overdue_age_max"] = today_number - int(oldest) if overdue and oldest is not None else None
    return values


def add_figures(report, scope, plan, today, officials=False, hours_by_unit=False):
    """Add the period's whole months from the rollups to the report's total and breakdowns."""
    month_index = {month: index for index, month in enumerate(scope.months())}
    for row in _counter_rows(scope, plan, None, today):
        report.total.add_counts(row)
    for row in _counter_rows(scope, plan, "unit", today):
        report.by_unit.setdefault(row["unit"], QueueFigures()).add_counts(row)
    for row in _counter_rows(scope, plan, "kind", today):
        report.by_kind.setdefault(row["kind"], QueueFigures()).add_counts(row)
    for row in _counter_rows(scope, plan, "month", today):
        report.by_month[month_index[row["month"]]].add_counts(row)
    if officials:
        for row in _counter_rows(scope, plan, "official", today):
            report.by_official.setdefault(row["official"] or None, QueueFigures()).add_counts(row)
    _add_histograms(report, scope, plan, officials, hours_by_unit)


def _add_histograms(report, scope, plan, officials, hours_by_unit):
    # The hours of the total and the kinds come from the scope unit's subtree totals when nothing
    # finer is asked for: a province then decodes one row per month and kind, not one per commune.
    from_totals = scope.unit is not None and not (officials or hours_by_unit or scope.official_id)
    names = [name for name in HISTOGRAMS if not (from_totals and name in HOURS)]
    if from_totals:
        query = select(QueueRollupTotal.kind, *[getattr(QueueRollupTotal, name) for name in HOURS]).where(
            QueueRollupTotal.unit_id == scope.unit.id, QueueRollupTotal.month.in_(plan.months)
        )
        if scope.kind:
            query = query.where(QueueRollupTotal.kind == scope.kind)
        rows = ((kind, None, *histograms) for kind, *histograms in db.session.execute(query))
        _add_decoded(report, _decode(rows, HOURS), officials=False, by_unit=False)
    query = select(
        QueueRollup.kind, QueueRollup.unit_id, QueueRollup.official_id, *[getattr(QueueRollup, name) for name in names]
    ).where(*_conditions(scope, plan, plan.months))
    rows = (
        (kind, (unit_id, official_id if officials else 0), *histograms)
        for kind, unit_id, official_id, *histograms in db.session.execute(query)
    )
    _add_decoded(report, _decode(rows, names), officials, hours_by_unit)


def _decode(rows, names):
    """{(kind, key, histogram name): Counter} from rows of (kind, key, *JSON histograms).

    The key is (unit id, official id) for QueueRollup rows, None for subtree totals.
    """
    encoded = defaultdict(list)
    for kind, extra, *histograms in rows:
        for name, text_ in zip(names, histograms, strict=True):
            if text_ != "[]":
                encoded[(kind, extra, name)].append(text_[1:-1])
    # Decoded once per group: its months' JSON arrays joined into one.
    decoded = {}
    for key, parts in encoded.items():
        add_pairs(decoded.setdefault(key, Counter()), "[" + ",".join(parts) + "]")
    return decoded


def _add_decoded(report, decoded, officials, by_unit):
    """Add decoded histograms to the total and the breakdowns, each breakdown's sum once."""
    sums = defaultdict(Counter)
    for (kind, extra, name), counter in decoded.items():
        targets = [("kind", kind)]
        if extra is not None:
            unit_id, official = extra
            if name.endswith("_days") or by_unit:
                targets.append(("unit", unit_id))
            if officials:
                targets.append(("official", official or None))
        for target in targets:
            sums[(*target, name)].update(counter)
    breakdowns = {"kind": report.by_kind, "unit": report.by_unit, "official": report.by_official}
    for (breakdown, key, name), counter in sums.items():
        getattr(breakdowns[breakdown].setdefault(key, QueueFigures()), name).update(counter)
        if breakdown == "kind":  # every row has exactly one kind: the kinds add up to the total
            getattr(report.total, name).update(counter)


def backlog(scope, plan):
    """Items not yet answered or closed at the end of each month of the period, from the rollups."""
    conditions = [QueueRollup.unit_id.in_(plan.unit_ids), QueueRollup.month.in_(plan.history)]
    if scope.kind:
        conditions.append(QueueRollup.kind == scope.kind)
    # (month received, month settled or OPEN) -> items
    counts = Counter()
    for month, open_now, settled in db.session.execute(
        select(QueueRollup.month, QueueRollup.open_now, QueueRollup.settled_months).where(*conditions)
    ):
        received = month.strftime("%Y-%m")
        if open_now:
            counts[(received, OPEN)] += open_now
        for settled_month, count in json.loads(settled):
            counts[(received, settled_month)] += count
    series = []
    for month in scope.months():
        label = month.strftime("%Y-%m")
        still_open = (
            count
            for (received, settled), count in counts.items()
            if received <= label and (settled == OPEN or settled > label)
        )
        series.append(sum(still_open))
    return series


def disclosure(scope, plan, scale):
    """{unit id: DisclosureFigures}: the period's whole months from the rollups, the rest from the notices."""
    by_unit = {}
    for part in plan.notice_partials:
        for unit_id, figures in disclosure_by_unit(part, scale).items():
            by_unit.setdefault(unit_id, DisclosureFigures()).merge(figures)
    if plan.notice_months:
        columns = [getattr(NoticeRollup, name) for name in DISCLOSURE_COUNTERS]
        query = select(NoticeRollup.unit_id, NoticeRollup.delay_days, *columns).where(
            NoticeRollup.unit_id.in_(plan.unit_ids), NoticeRollup.month.in_(plan.notice_months)
        )
        for unit_id, delays, *counts in db.session.execute(query):
            figures = by_unit.setdefault(unit_id, DisclosureFigures())
            figures.add_counts(dict(zip(DISCLOSURE_COUNTERS, counts, strict=True)))
            add_pairs(figures.delay_days, delays)
    return by_unit
