"""Demo queue: about 18 months of questions, petitions, information requests, complaints and denunciations.

Each item is planned from its own generator seeded with (seed, index) as a history of events (received,
accepted, paused, extended, forwarded, answered, closed, reopened, rated), cut at the present moment, so
recent items are still open and old unanswered ones are overdue. Statuses come from the state machine and
due dates from replaying that history with the deadline engine: the same code as the live queue. Rows are
inserted in bulk, a batch per transaction, without audit entries (like the notices' demo); denunciations'
identities are sealed to their unit's key (seed-demo makes the demo units' keys first).

Here: the seeder. items.py plans one item, history.py and steps.py its events, texts.py its words.
"""

import time as timer
from collections import Counter
from dataclasses import dataclass, field

from flask_babel import force_locale
from sqlalchemy import func, insert, select, text

from app.accounts.models import AdministrativeUnit, User
from app.clock import local_today, to_local, utcnow
from app.extensions import db
from app.feedback.calendar import load_calendar, seed_default_rules
from app.feedback.demo.items import Context, plan_item
from app.feedback.due_dates import load_rule_book
from app.feedback.identities import seal_rows
from app.feedback.models import Feedback, FeedbackEvent
from app.notices.demo import DEFAULT_SEED, demo_communes
from app.notices.models import Notice

DEFAULT_FEEDBACK_COUNT = 1500
BATCH_SIZE = 5000
STAFF_ROLES = ("official", "leader")


@dataclass
class QueueSeedResult:
    before: int = 0
    created: int = 0
    statuses: Counter = field(default_factory=Counter)
    kinds: Counter = field(default_factory=Counter)
    overdue: int = 0
    public_answers: int = 0
    seconds: float = 0.0


def _context(seed, communes, weights):
    staff = {}
    for user in db.session.scalars(select(User).where(User.role.in_(STAFF_ROLES), User.is_active.is_(True))):
        if user.role == "official" or user.unit_id not in staff:
            staff[user.unit_id] = user.id
    notices = {}
    rows = db.session.execute(
        select(Notice.unit_id, Notice.published_at, Notice.id)
        .where(Notice.published_at.is_not(None), Notice.unit_id.in_([commune.unit_id for commune in communes]))
        .order_by(Notice.published_at)
    )
    for unit_id, published_at, notice_id in rows:
        notices.setdefault(unit_id, []).append((to_local(published_at).date(), notice_id))
    return Context(
        communes=communes,
        weights=weights,
        today=local_today(),
        now=utcnow(),
        notices=notices,
        staff=staff,
        calendar=load_calendar(),
        book=load_rule_book(),
        used_codes=set(),
    )


def _allocate_ids(count):
    """Reserve consecutive item ids (see app.notices.demo._allocate_notice_ids for why)."""
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(text("LOCK TABLE feedback IN EXCLUSIVE MODE"))
    first = (db.session.scalar(select(func.max(Feedback.id))) or 0) + 1
    return range(first, first + count)


def _insert_batch(plans):
    try:
        ids = _allocate_ids(len(plans))
        rows, events = [], []
        for (row, event_rows), item_id in zip(plans, ids, strict=True):
            rows.append({**row, "id": item_id})
            events.extend({**event, "feedback_id": item_id} for event in event_rows)
        # Denunciations' identities sealed to their unit's key, as they would be on arrival.
        unit_ids = {row["unit_id"] for row in rows}
        units = db.session.scalars(select(AdministrativeUnit).where(AdministrativeUnit.id.in_(unit_ids)))
        rows = seal_rows(rows, {unit.id: unit for unit in units})
        db.session.execute(insert(Feedback.__table__), rows)
        db.session.execute(insert(FeedbackEvent.__table__), events)
        if db.session.get_bind().dialect.name == "postgresql":
            db.session.execute(
                text("SELECT setval(pg_get_serial_sequence('feedback', 'id'), (SELECT max(id) FROM feedback))")
            )
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise


def seed_demo_feedback(count=DEFAULT_FEEDBACK_COUNT, seed=DEFAULT_SEED, progress=None):
    """Top the demo queue up to `count` items over the notices demo's communes (units must be loaded)."""
    communes, weights = demo_communes(seed)
    with force_locale("vi"):  # weekends and holidays are named through Flask-Babel, even from the CLI
        return seed_feedback(count, seed, communes, weights, progress)


def summary(result, asked):
    """One line for the CLI."""
    if result.created == 0:
        return f"Demo queue already present: {result.before:,} items (asked for {asked:,})."
    statuses = ", ".join(f"{count:,} {status}" for status, count in result.statuses.most_common())
    return (
        f"Created {result.created:,} queue items in {result.seconds:.1f} s ({statuses}; {result.overdue:,} overdue, "
        f"{result.public_answers:,} public answers); {result.before + result.created:,} in total"
    )


def seed_feedback(count, seed, communes, weights, progress=None):
    """Top the queue up to `count` items over the demo communes; commit per batch."""
    started = timer.perf_counter()
    result = QueueSeedResult()
    seed_default_rules()
    db.session.commit()
    result.before = db.session.scalar(select(func.count()).select_from(Feedback))
    if result.before >= count:
        result.seconds = timer.perf_counter() - started
        return result
    ctx = _context(seed, communes, weights)
    for batch_start in range(result.before, count, BATCH_SIZE):
        batch_end = min(batch_start + BATCH_SIZE, count)
        plans = [plan_item(index, seed, ctx) for index in range(batch_start, batch_end)]
        _insert_batch(plans)
        for row, _ in plans:
            result.statuses[row["status"]] += 1
            result.kinds[row["kind"]] += 1
            result.public_answers += row["is_public"]
            due = row["resolve_due"] if row["acknowledged_at"] else row["acknowledge_due"] or row["resolve_due"]
            open_status = row["status"] in ("received", "accepted", "reopened")
            result.overdue += bool(open_status and due and due < ctx.today)
        result.created += len(plans)
        if progress is not None:
            progress(batch_end - result.before, count - result.before)
    result.seconds = timer.perf_counter() - started
    return result
