"""Audit figures precomputed per unit and month: the queue's (QueueRollup) and the notices' (NoticeRollup).

A province's report over a million items would read every item; it reads a few thousand rollup rows
instead. The rollups are computed by the same SQL as the live figures (figures.count_rows and
histogram_rows over one month's items, disclosure.disclosure_by_unit over one month's notices), so
both give the same numbers, and they are kept exact:

- every flush that adds, changes or deletes a queue item or a notice writes a RollupChange for its
  unit and month (old and new, for a forwarded item) in the same transaction;
- the counters that depend on "today" (due, overdue) hold from the day they were computed until
  the first pending deadline passes (RollupMonth.valid_until); an overdue item's age is kept as
  its missed deadline's day number, so it follows for any later day;
- the day histograms depend on the working-day calendar: a change of holidays changes the fingerprint.

A report first recomputes whatever of its scope is out of date (`ensure_fresh`, in its own short
write transaction), then adds up the rollups. Usually that is nothing, or the few months with
deadlines still pending once a day; `flask audit refresh` does it ahead of time (e.g. nightly).
"""

import hashlib
import json
from collections import Counter, defaultdict
from dataclasses import dataclass, replace
from datetime import timedelta

import holidays
from sqlalchemy import and_, case, delete, func, inspect, literal_column, or_, select, text

from app.accounts.models import AdministrativeUnit
from app.clock import local_today, to_local, utcnow
from app.database import write_transactions
from app.effects import transaction_memo
from app.extensions import db
from app.feedback.models import Feedback, HolidayOverride
from app.feedback.states import OPEN_STATUSES
from app.inspection.disclosure import COUNTERS as DISCLOSURE_COUNTERS
from app.inspection.disclosure import DisclosureFigures, disclosure_by_unit
from app.inspection.figures import (
    CLOCK_RUNNING,
    COUNTERS,
    HISTOGRAMS,
    QueueFigures,
    acknowledged_moment,
    count_rows,
    first_missed_deadline,
    group_columns,
    histogram_rows,
    item_conditions,
    overdue_condition,
    workday_scale,
)
from app.inspection.models import NoticeRollup, QueueRollup, QueueRollupTotal, RollupChange, RollupMonth
from app.inspection.scope import AuditScope, month_start, next_month
from app.inspection.sqlcalendar import EPOCH, date_days, epoch_ms, local_day
from app.notices.models import Notice, NoticeVersion

ADVISORY_LOCK = 7_270_301  # PostgreSQL: one refresher at a time (SQLite's BEGIN IMMEDIATE does the same)
ROLLUP_COUNTERS = tuple(name for name in COUNTERS if name != "overdue_age_total")
OPEN = "open"
HOURS = ("first_response_hours", "answer_hours")  # also kept per subtree (QueueRollupTotal)
QUEUE, NOTICES = "queue", "notices"  # RollupMonth.source, RollupChange.source


@dataclass(frozen=True)
class UnitsScope(AuditScope):
    """An AuditScope over an explicit list of unit ids (no descendants): one refresh of one month."""

    ids: tuple = ()

    def unit_ids(self):
        return list(self.ids)


def month_of(moment):
    """The first day of the local month of a stored timestamp."""
    return to_local(moment).date().replace(day=1)


def month_end(day):
    return next_month(day) - timedelta(days=1)


def _day(number):
    return None if number is None else EPOCH + timedelta(days=int(number))


# ---------------------------------------------------------------------------------------------
# Marking: every flush that touches a queue item marks its unit and month.


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


# ---------------------------------------------------------------------------------------------
# Freshness and refreshing.


def calendar_fingerprint():
    """Changes whenever the working-day calendar may have: the holidays package or an override."""
    overrides = db.session.execute(
        select(HolidayOverride.day, HolidayOverride.is_working_day).order_by(HolidayOverride.day)
    ).all()
    described = ";".join(f"{day.isoformat()}:{int(working)}" for day, working in overrides)
    return hashlib.sha256(f"{holidays.__version__}|{described}".encode()).hexdigest()


def stale_months(source, unit_ids, months, today, fingerprint):
    """The (unit id, month) pairs of a source whose rollups are missing or out of date for `today`."""
    wanted = {(unit_id, month) for unit_id in unit_ids for month in months}
    if not wanted:
        return set()
    fresh = set()
    rows = db.session.execute(
        select(
            RollupMonth.unit_id, RollupMonth.month, RollupMonth.as_of, RollupMonth.valid_until, RollupMonth.calendar
        ).where(RollupMonth.source == source, RollupMonth.unit_id.in_(unit_ids), RollupMonth.month.in_(months))
    )
    for unit_id, month, as_of, valid_until, calendar in rows:
        if calendar == fingerprint and as_of <= today and (valid_until is None or today <= valid_until):
            fresh.add((unit_id, month))
    changed = db.session.execute(
        select(RollupChange.unit_id, RollupChange.month).where(RollupChange.source == source).distinct()
    )
    return (wanted - fresh) | (wanted & set(changed.all()))


def ensure_fresh(needs, today):
    """Recompute the out-of-date rollups of {source: (unit ids, months)}; return how many unit-months.

    Ends the caller's transaction first (a report only reads) and refreshes in a write transaction
    of its own, one refresher at a time; what another refresher did meanwhile is not done twice.
    """
    fingerprint = calendar_fingerprint()
    if not any(stale_months(source, *need, today, fingerprint) for source, need in needs.items()):
        return 0
    db.session.commit()
    done = 0
    with write_transactions():
        try:
            if db.session.get_bind().dialect.name == "postgresql":
                db.session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": ADVISORY_LOCK})
                db.session.execute(text("SET LOCAL jit = off"))
            for source, need in needs.items():
                stale = stale_months(source, *need, today, fingerprint)
                refresh(source, stale, today, fingerprint)
                done += len(stale)
            db.session.commit()
        except BaseException:
            db.session.rollback()
            raise
    return done


def refresh(source, pairs, today, fingerprint):
    """Recompute a source's rollups of these (unit id, month) pairs as of `today` (in the caller's transaction)."""
    by_month = defaultdict(set)
    for unit_id, month in pairs:
        by_month[month].add(unit_id)
    for month, unit_ids in sorted(by_month.items()):
        unit_ids = sorted(unit_ids)
        change_ids = db.session.scalars(
            select(RollupChange.id).where(
                RollupChange.source == source, RollupChange.unit_id.in_(unit_ids), RollupChange.month == month
            )
        ).all()
        scope = UnitsScope(unit=None, start=month, end=month_end(month), ids=tuple(unit_ids))
        valid_until = REFRESHERS[source](scope, today)
        db.session.execute(
            delete(RollupMonth).where(
                RollupMonth.source == source, RollupMonth.unit_id.in_(unit_ids), RollupMonth.month == month
            )
        )
        db.session.execute(
            RollupMonth.__table__.insert(),
            [
                {
                    "source": source,
                    "unit_id": unit_id,
                    "month": month,
                    "as_of": today,
                    "valid_until": valid_until.get(unit_id),
                    "calendar": fingerprint,
                    "computed_at": utcnow(),
                }
                for unit_id in unit_ids
            ],
        )
        if change_ids:
            db.session.execute(delete(RollupChange).where(RollupChange.id.in_(change_ids)))
        if source == QUEUE:
            _refresh_totals(month, unit_ids)


def _extra_columns(today):
    """Per group: the overdue items' missed deadlines, and the first deadline still to pass."""
    overdue_deadline = case((overdue_condition(today), date_days(first_missed_deadline(today))), else_=None)
    pending_acknowledgement = case(
        (and_(acknowledged_moment().is_(None), Feedback.acknowledge_due >= today), date_days(Feedback.acknowledge_due)),
        else_=None,
    )
    pending_answer = case(
        (and_(Feedback.status.in_(CLOCK_RUNNING), Feedback.resolve_due >= today), date_days(Feedback.resolve_due)),
        else_=None,
    )
    return [
        func.sum(overdue_deadline).label("overdue_deadline_total"),
        func.min(overdue_deadline).label("overdue_deadline_min"),
        func.min(pending_acknowledgement).label("pending_acknowledgement"),
        func.min(pending_answer).label("pending_answer"),
    ]


def _settled_rows(scope, keys):
    """Rows of (keys..., local day number of the answer or closing, count) of the settled items."""
    settled_at = func.coalesce(Feedback.answered_at, Feedback.closed_at)
    query = (
        select(*group_columns(scope, keys), local_day(epoch_ms(settled_at)).label("day"), func.count().label("count"))
        .where(*item_conditions(scope), Feedback.status.not_in(OPEN_STATUSES), settled_at.is_not(None))
        .group_by(*[literal_column(key) for key in keys], literal_column("day"))
    )
    return [row._mapping for row in db.session.execute(query)]


def _group_key(row):
    return (row["unit"], row["kind"], row["official"] or 0)


def _refresh_queue(scope, today):
    """Recompute the queue rollups of one month's units; return {unit id: valid until}."""
    month = scope.start
    keys = ["unit", "kind", "official"]
    groups = {}
    valid_until = {}
    for row in count_rows(scope, keys, today, extra=_extra_columns(today)):
        groups[_group_key(row)] = {name: int(row[name] or 0) for name in ROLLUP_COUNTERS} | {
            "overdue_deadline_total": int(row["overdue_deadline_total"] or 0),
            "overdue_deadline_min": row["overdue_deadline_min"],
            "settled_months": Counter(),
            **{name: [] for name in HISTOGRAMS},
        }
        pending = [day for day in (row["pending_acknowledgement"], row["pending_answer"]) if day is not None]
        if pending:
            until = _day(min(pending))
            valid_until[row["unit"]] = min(until, valid_until.get(row["unit"], until))
    scale = workday_scale(scope, today)
    for metric in HISTOGRAMS:
        for row in histogram_rows(scope, keys, metric, scale):
            groups[_group_key(row)][metric].append([int(row["value"]), int(row["count"])])
    for row in _settled_rows(scope, keys):
        groups[_group_key(row)]["settled_months"][_day(row["day"]).strftime("%Y-%m")] += int(row["count"])
    rows = [
        {
            "unit_id": unit_id,
            "month": month,
            "kind": kind,
            "official_id": official_id,
            **values,
            **{name: json.dumps(sorted(values[name])) for name in HISTOGRAMS},
            "settled_months": json.dumps(sorted(values["settled_months"].items())),
        }
        for (unit_id, kind, official_id), values in groups.items()
    ]
    _replace_rows(QueueRollup, scope, rows)
    return valid_until


def _refresh_totals(month, unit_ids):
    """Recompute the month's subtree hour histograms of these units and of all their ancestors."""
    paths = db.session.scalars(select(AdministrativeUnit.path).where(AdministrativeUnit.id.in_(unit_ids))).all()
    # A unit's path ("/24/07627/") starts with each of its ancestors' paths ("/24/").
    prefixes = {path[: end + 1] for path in paths for end, char in enumerate(path) if char == "/" and end}
    targets = dict(
        db.session.execute(
            select(AdministrativeUnit.path, AdministrativeUnit.id).where(AdministrativeUnit.path.in_(prefixes))
        ).all()
    )
    roots = [path for path in targets if not any(path != other and path.startswith(other) for other in targets)]
    sums = defaultdict(Counter)  # (target unit id, kind, histogram) -> value -> count
    rows = db.session.execute(
        select(AdministrativeUnit.path, QueueRollup.kind, *[getattr(QueueRollup, name) for name in HOURS])
        .join(AdministrativeUnit, AdministrativeUnit.id == QueueRollup.unit_id)
        .where(QueueRollup.month == month, or_(*[AdministrativeUnit.path.startswith(root) for root in roots]))
    )
    for path, kind, *histograms in rows:
        above = [unit_id for target, unit_id in targets.items() if path.startswith(target)]
        for name, encoded in zip(HOURS, histograms, strict=True):
            if encoded == "[]":
                continue
            for unit_id in above:
                _add_pairs(sums[(unit_id, kind, name)], encoded)
    totals = defaultdict(dict)
    for (unit_id, kind, name), counter in sums.items():
        totals[(unit_id, kind)][name] = json.dumps(sorted(counter.items()))
    db.session.execute(
        delete(QueueRollupTotal).where(QueueRollupTotal.unit_id.in_(targets.values()), QueueRollupTotal.month == month)
    )
    if totals:
        db.session.execute(
            QueueRollupTotal.__table__.insert(),
            [
                {"unit_id": unit_id, "month": month, "kind": kind, **dict.fromkeys(HOURS, "[]"), **histograms}
                for (unit_id, kind), histograms in totals.items()
            ],
        )


def _replace_rows(model, scope, rows):
    """Replace a rollup table's rows of the scope's units and month (scope.start) with `rows`."""
    db.session.execute(delete(model).where(model.unit_id.in_(scope.unit_ids()), model.month == scope.start))
    if rows:
        db.session.execute(model.__table__.insert(), rows)


def _refresh_notices(scope, today):
    """Recompute the notice rollups of one month's units (nothing here depends on today)."""
    by_unit = disclosure_by_unit(scope, workday_scale(scope, today))
    rows = [
        {
            "unit_id": unit_id,
            "month": scope.start,
            **{name: getattr(figures, name) for name in DISCLOSURE_COUNTERS},
            "delay_days": json.dumps(sorted(figures.delay_days.items())),
        }
        for unit_id, figures in by_unit.items()
    ]
    _replace_rows(NoticeRollup, scope, rows)
    return {}


REFRESHERS = {QUEUE: _refresh_queue, NOTICES: _refresh_notices}


def refresh_all(today=None, rebuild=False):
    """Bring every unit's rollups up to date (`rebuild`: recompute all); return the unit-months done."""
    today = today or local_today()
    if rebuild:
        db.session.execute(delete(RollupMonth))
        db.session.execute(delete(RollupChange))
        db.session.commit()
    unit_ids = db.session.scalars(select(AdministrativeUnit.id)).all()
    needs = {
        QUEUE: (unit_ids, queue_months(month_start(today))),
        NOTICES: (
            unit_ids,
            _month_range(
                *db.session.execute(select(func.min(Notice.posting_start), func.max(Notice.posting_start))).one()
            ),
        ),
    }
    return ensure_fresh(needs, today)


# ---------------------------------------------------------------------------------------------
# Reading: what a report adds up.


@dataclass
class Plan:
    """How a report uses the rollups: which months come from them, which parts are computed live."""

    unit_ids: list
    months: list  # the period's whole months, for the queue
    history: list  # every month up to the period's last one (the backlog counts older items too)
    partial: AuditScope | None  # the period's first month when the period starts after its first day
    notice_months: list  # the months wholly inside the period, for the notices
    notice_partials: list  # the period's parts outside those months (notices may be posted ahead)


def _month_range(first, last):
    """The first days of the months from `first`'s to `last`'s (none if either is None)."""
    months = []
    if first is None or last is None:
        return months
    day = month_start(first)
    while day <= last:
        months.append(day)
        day = next_month(day)
    return months


def queue_months(last):
    """The local months from the first queue item's to `last`."""
    first = db.session.scalar(select(func.min(Feedback.received_at)))
    return _month_range(month_of(first) if first is not None else None, last)


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
    last = scope.months()[-1]
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
    today_number = (today - EPOCH).days
    for row in db.session.execute(query):
        values = dict(row._mapping)
        if values["received"] is None:
            continue
        overdue = int(values["overdue_now"] or 0)
        values["overdue_age_total"] = overdue * today_number - int(values["overdue_deadline_total"] or 0)
        oldest = values["overdue_deadline_min"]
        values["overdue_age_max"] = today_number - int(oldest) if overdue and oldest is not None else None
        yield values


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


def _add_pairs(counter, encoded):
    """Add a JSON histogram ("[[value, count], …]") to a Counter."""
    for value, count in json.loads(encoded):
        counter[value] += count


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
        _add_pairs(decoded.setdefault(key, Counter()), "[" + ",".join(parts) + "]")
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
            _add_pairs(figures.delay_days, delays)
    return by_unit
