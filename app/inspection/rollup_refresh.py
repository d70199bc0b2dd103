"""Refreshing the audit figures precomputed per unit and month: the queue's (QueueRollup), the notices' (NoticeRollup).

A province's report over a million items would read every item; it reads a few thousand rollup rows
instead. The rollups are computed by the same SQL as the live figures (figures.count_rows and
histogram_rows over one month's items, disclosure.disclosure_by_unit over one month's notices), so
both give the same numbers, and they are kept exact:

- every flush that adds, changes or deletes a queue item or a notice writes a RollupChange for its
  unit and month (old and new, for a forwarded item) in the same transaction (rollup_marks.py);
- the counters that depend on "today" (due, overdue) hold from the day they were computed until
  the first pending deadline passes (RollupMonth.valid_until); an overdue item's age is kept as
  its missed deadline's day number, so it follows for any later day;
- the day histograms depend on the working-day calendar: a change of holidays changes the fingerprint.

A report first recomputes whatever of its scope is out of date (`ensure_fresh`, in its own short
write transaction), then adds up the rollups (rollup_reading.py). Usually that is nothing, or the few months with
deadlines still pending once a day; `flask audit refresh` does it ahead of time (e.g. nightly).
"""

import hashlib
import json
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import timedelta

import holidays
from sqlalchemy import and_, case, delete, func, literal_column, or_, select, text

from app.accounts.models import AdministrativeUnit
from app.clock import local_today, utcnow
from app.database import write_transactions
from app.extensions import db
from app.feedback.models import Feedback, HolidayOverride
from app.feedback.states import OPEN_STATUSES
from app.inspection.deadline_conditions import (
    CLOCK_RUNNING,
    acknowledgement_pending,
    first_missed_deadline,
    overdue_condition,
)
from app.inspection.disclosure import COUNTERS as DISCLOSURE_COUNTERS
from app.inspection.disclosure import disclosure_by_unit, notice_conditions
from app.inspection.figures import count_rows, group_columns, histogram_rows, item_conditions, workday_scale
from app.inspection.models import NoticeRollup, QueueRollup, QueueRollupTotal, RollupChange, RollupMonth
from app.inspection.queue_figures import COUNTERS, HISTOGRAMS
from app.inspection.rollup_marks import NOTICES, QUEUE, month_of
from app.inspection.scope import AuditScope, month_end, month_range, month_start
from app.inspection.sqlcalendar import EPOCH, date_days, epoch_ms, local_day
from app.notices.models import Notice

ADVISORY_LOCK = 7_270_301  # PostgreSQL: one refresher at a time (SQLite's BEGIN IMMEDIATE does the same)
ROLLUP_COUNTERS = tuple(name for name in COUNTERS if name != "overdue_age_total")
HOURS = ("first_response_hours", "answer_hours")  # also kept per subtree (QueueRollupTotal)
# Raised whenever a figure's definition changes. 2: "overdue" is the queue's (a first response is no
# acknowledgement of a forwarded item).
DEFINITIONS_VERSION = 2


@dataclass(frozen=True)
class UnitsScope(AuditScope):
    """An AuditScope over an explicit list of unit ids (no descendants): one refresh of one month."""

    ids: tuple = ()

    def unit_ids(self):
        return list(self.ids)


def _day(number):
    return None if number is None else EPOCH + timedelta(days=int(number))


def queue_months(last):
    """The local months from the first queue item's to `last`."""
    first = db.session.scalar(select(func.min(Feedback.received_at)))
    return month_range(month_of(first) if first is not None else None, last)


def add_pairs(counter, encoded):
    """Add a JSON histogram ("[[value, count], …]") to a Counter."""
    for value, count in json.loads(encoded):
        counter[value] += count


def calendar_fingerprint():
    """Changes whenever the working-day calendar may have (the holidays package or an override), or the
    way the rollups are computed (DEFINITIONS_VERSION): every rollup computed before is then out of date."""
    overrides = db.session.execute(
        select(HolidayOverride.day, HolidayOverride.is_working_day).order_by(HolidayOverride.day)
    ).all()
    described = ";".join(f"{day.isoformat()}:{int(working)}" for day, working in overrides)
    return hashlib.sha256(f"{DEFINITIONS_VERSION}|{holidays.__version__}|{described}".encode()).hexdigest()


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
    # Not yet acknowledged by the unit holding it (a forwarded item's first response does not count).
    pending_acknowledgement = case((acknowledgement_pending(today), date_days(Feedback.acknowledge_due)), else_=None)
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
    if not groups:  # no item in these units this month: nothing to measure, zero rows to write
        _replace_rows(QueueRollup, scope, [])
        return valid_until
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
                add_pairs(sums[(unit_id, kind, name)], encoded)
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
    if db.session.scalar(select(Notice.id).where(*notice_conditions(scope)).limit(1)) is None:
        _replace_rows(NoticeRollup, scope, [])  # nothing posted: no working-day calendar to build
        return {}
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
            month_range(
                *db.session.execute(select(func.min(Notice.posting_start), func.max(Notice.posting_start))).one()
            ),
        ),
    }
    return ensure_fresh(needs, today)
