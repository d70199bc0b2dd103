"""Demo queue: about 18 months of questions, petitions, information requests, complaints and denunciations.

Each item is planned from its own generator seeded with (seed, index) as a history of events (received,
accepted, paused, extended, forwarded, answered, closed, reopened, rated), cut at the present moment, so
recent items are still open and old unanswered ones are overdue. Statuses come from the state machine and
due dates from replaying that history with the deadline engine: the same code as the live queue. Rows are
inserted in bulk, a batch per transaction, without audit entries (like the notices' demo).
"""

import random
import time as timer
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta
from types import SimpleNamespace

from flask_babel import force_locale
from sqlalchemy import func, insert, select, text

from app.accounts.models import User
from app.clock import LOCAL_TZ, local_today, to_local, utcnow
from app.extensions import db
from app.feedback.calendar import load_calendar, seed_default_rules
from app.feedback.deadlines import DENUNCIATION_EXTENSION, RESOLVE
from app.feedback.demo.texts import (
    AGENCIES,
    ANSWERS,
    CITIZEN_TEXTS,
    EXTENSION_REASONS,
    FORWARD_REASONS,
    PUBLIC_QUESTIONS,
    QUESTIONS,
    RATING_COMMENTS,
    REJECT_REASONS,
    REOPEN_REASONS,
    REQUESTS,
    SUPPLIED,
    fill,
)
from app.feedback.handling import load_rule_book, replay_clock
from app.feedback.kinds import FEEDBACK_KINDS
from app.feedback.models import Feedback, FeedbackEvent
from app.feedback.states import next_status
from app.feedback.tracking import ALPHABET, RANDOM_LENGTH, format_code
from app.notices.demo import DEFAULT_SEED, demo_communes
from app.notices.demo.places import mobile_number, person
from app.notices.models import Notice

DEFAULT_FEEDBACK_COUNT = 1500
BATCH_SIZE = 5000
HISTORY_DAYS = 548
KIND_WEIGHTS = {"question": 34, "petition": 36, "information_request": 8, "complaint": 14, "denunciation": 8}
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


@dataclass
class Context:
    """What every plan reads: the communes, the notices to ask about, the staff, the calendar."""

    communes: list
    weights: list
    today: object
    now: datetime
    notices: dict  # unit_id -> sorted [(publish day, notice id)]
    staff: dict  # unit_id -> user id
    calendar: object
    book: object
    used_codes: set


def _moment(rng, day, earliest, hours=(7, 17)):
    """A moment on `day` between the given local hours, after `earliest`."""
    start = datetime.combine(day, time(hours[0]), tzinfo=LOCAL_TZ)
    moment = (start + timedelta(minutes=rng.randint(0, (hours[1] - hours[0]) * 60))).astimezone(UTC)
    return max(moment, earliest + timedelta(minutes=rng.randint(5, 90)))


def _working_day_on_or_after(calendar, day):
    while not calendar.is_working_day(day):
        day += timedelta(days=1)
    return day


class History:
    """The events of one item as they are planned; due dates by replaying them."""

    def __init__(self, kind, received_at, ctx):
        self.kind = kind
        self.ctx = ctx
        self.received_at = received_at
        self.events = [SimpleNamespace(id=1, action="receive", created_at=received_at, data={}, actor_id=None)]
        self.events[0].body, self.events[0].is_public = "", True

    @property
    def last(self):
        return self.events[-1].created_at

    def last_day(self):
        return to_local(self.last).date()

    def due_dates(self):
        item = SimpleNamespace(kind=self.kind, received_at=self.received_at, events=self.events)
        return replay_clock(item, self.ctx.book).due_dates(self.ctx.calendar)

    def add(self, rng, action, day, actor_id=None, body="", is_public=True, data=None):
        day = max(day, self.last_day())
        event = SimpleNamespace(
            id=len(self.events) + 1,
            action=action,
            created_at=_moment(rng, day, self.last),
            data=data or {},
            actor_id=actor_id,
            body=body,
            is_public=is_public,
        )
        self.events.append(event)
        return event

    def day_for(self, rng, due, late, spread=None):
        """A working day for the next step: before `due` (or a little after it when `late`)."""
        start = self.last_day()
        if due is None:
            due = start + timedelta(days=spread or 5)
        if late:
            day = due + timedelta(days=rng.randint(1, 20))
        else:
            day = start + timedelta(days=rng.randint(0, max(0, (due - start).days)))
        day = _working_day_on_or_after(self.ctx.calendar, day)
        return min(day, due) if not late and due >= start else day


def _notice_for(rng, ctx, unit_id, day):
    """A notice of the unit published on or before `day`, or None."""
    candidates = ctx.notices.get(unit_id) or []
    candidates = [notice_id for published, notice_id in candidates if published <= day]
    return rng.choice(candidates[-40:]) if candidates else None


def _plan_handling(rng, history, kind, commune, ctx, row):
    """Append the officials' steps; returns the unit that handles the item in the end."""
    unit, actor = commune, ctx.staff.get(commune.unit_id)
    late = rng.random() < 0.18
    outcome = rng.choices(["answer", "reject", "external", "forward", "abandon"], [78, 5, 3, 6, 8])[0]
    acknowledge_due, _ = history.due_dates()
    has_acceptance = acknowledge_due is not None or rng.random() < 0.5
    if outcome == "reject":
        reason = fill(rng.choice(REJECT_REASONS), rng, unit)
        history.add(rng, "reject", history.day_for(rng, acknowledge_due, late, 3), actor, reason)
        _maybe_close(rng, history, actor)
        return unit, outcome
    if outcome == "forward":
        target = rng.choice([candidate for candidate in ctx.communes if candidate.unit_id != unit.unit_id])
        history.add(
            rng,
            "forward_internal",
            history.day_for(rng, acknowledge_due, False, 3),
            actor,
            fill(rng.choice(FORWARD_REASONS), rng, unit, target),
            data={"from_unit": unit.code, "to_unit": target.code},
        )
        row["forwarded_from_id"] = unit.unit_id
        unit, actor = target, ctx.staff.get(target.unit_id)
        acknowledge_due, _ = history.due_dates()
        late = rng.random() < 0.18
    if has_acceptance:
        data = {}
        if kind == "complaint" and rng.random() < 0.25:
            data["circumstance"] = rng.choice(("remote", "complex"))
        day = history.day_for(rng, acknowledge_due, late and rng.random() < 0.5, 3)
        history.add(rng, "acknowledge", day, actor, data=data)
    if outcome == "external":
        agency = rng.choice(AGENCIES)
        body = f"Chuyển đến {agency}. Lý do: nội dung thuộc thẩm quyền của {agency}."
        day = history.last_day() + timedelta(days=rng.randint(0, 5))
        history.add(rng, "forward_external", day, actor, body, data={"agency": agency})
        _maybe_close(rng, history, actor)
        return unit, outcome
    if rng.random() < 0.1:
        asked = history.last_day() + timedelta(days=rng.randint(0, 4))
        history.add(rng, "request_information", asked, actor, rng.choice(REQUESTS))
        if rng.random() < 0.15:
            return unit, "waiting"
        supplied = history.last_day() + timedelta(days=rng.randint(2, 12))
        history.add(rng, "receive_information", supplied, actor)
        note = fill(rng.choice(SUPPLIED), rng, unit)
        history.add(rng, "note", supplied, actor, note, False, {"information_received": True})
    _plan_extensions(rng, history, kind, actor)
    if outcome == "abandon":
        return unit, outcome
    _plan_answer(rng, history, kind, unit, actor, late, row)
    return unit, outcome


def _maybe_close(rng, history, actor, chance=0.5):
    if rng.random() < chance:
        history.add(rng, "close", history.last_day() + timedelta(days=rng.randint(1, 10)), actor)


def _extend(rng, history, day, actor, reason, option, circumstance=None, add=None):
    data = {"step": RESOLVE, "option": option, "circumstance": circumstance, "add": add}
    history.add(rng, "extend", day, actor, reason, data=data)


def _plan_extensions(rng, history, kind, actor):
    accepted = any(event.action in ("acknowledge", "receive_information") for event in history.events)
    if not accepted:
        return
    reason = rng.choice(EXTENSION_REASONS)
    day = history.last_day() + timedelta(days=rng.randint(3, 20))
    if kind == "denunciation" and rng.random() < 0.25:
        for _ in range(2 if rng.random() < 0.3 else 1):
            add = {"amount": DENUNCIATION_EXTENSION.amount, "unit": DENUNCIATION_EXTENSION.unit}
            _extend(rng, history, day, actor, reason, "resolve", add=add)
            day += timedelta(days=rng.randint(15, 30))
    elif kind == "information_request" and rng.random() < 0.2:
        _extend(rng, history, history.last_day(), actor, reason, "complex", "complex")
    elif kind == "complaint" and rng.random() < 0.15:
        current = next(
            (event.data.get("circumstance") for event in history.events if event.action == "acknowledge"), None
        )
        option = "complex" if current != "complex" else "remote"
        circumstance = "complex_remote" if current in ("complex", "remote") else option
        _extend(rng, history, day, actor, reason, option, circumstance)


def _plan_answer(rng, history, kind, unit, actor, late, row):
    _, resolve_due = history.due_dates()
    is_public = kind == "question" and row["notice_id"] is not None and rng.random() < 0.4
    answer = fill(rng.choice(ANSWERS[kind]), rng, unit)
    day = history.day_for(rng, resolve_due, late, 10)
    reply = history.add(rng, "reply", day, actor, answer, data={"is_public": is_public})
    if is_public:
        row["public_question"] = PUBLIC_QUESTIONS[QUESTIONS.index(row["_template"])]
    if rng.random() < 0.45:
        rating = rng.choices([1, 2, 3, 4, 5], [6, 8, 18, 34, 34])[0]
        history.add(rng, "rate", history.last_day() + timedelta(days=rng.randint(0, 15)), None, data={"rating": rating})
        row["rating_comment"] = rng.choice(RATING_COMMENTS)
    if rng.random() < 0.65:
        history.add(rng, "close", to_local(reply.created_at).date() + timedelta(days=rng.randint(1, 10)), actor)
        if rng.random() < 0.05:
            reopened = history.last_day() + timedelta(days=rng.randint(2, 20))
            history.add(rng, "reopen", reopened, actor, rng.choice(REOPEN_REASONS))
            if rng.random() < 0.7:
                _, resolve_due = history.due_dates()
                again = fill(rng.choice(ANSWERS[kind]), rng, unit)
                day = history.day_for(rng, resolve_due, rng.random() < 0.2, 10)
                history.add(rng, "reply", day, actor, again, data={"is_public": is_public})


def _submitter(rng, kind, commune):
    if kind in ("question", "petition") and rng.random() < 0.45:
        anonymous = {"submitter_name": "", "submitter_phone": "", "submitter_email": "", "submitter_address": ""}
        return {**anonymous, "has_consented": False}
    name, _ = person(rng)
    return {
        "submitter_name": name,
        "submitter_phone": mobile_number(rng),
        "submitter_email": f"nguoidan{rng.randint(100, 99999)}@example.vn" if rng.random() < 0.3 else "",
        "submitter_address": f"{rng.choice(commune.villages).capitalize()}, {commune.label}",
        "has_consented": True,
    }


def _tracking_code(rng, kind, used):
    while True:
        characters = "".join(rng.choice(ALPHABET) for _ in range(RANDOM_LENGTH))
        code = format_code(FEEDBACK_KINDS[kind].code_prefix, characters)
        if code not in used:
            used.add(code)
            return code


def plan_item(index, seed, ctx):
    """Plan item number `index`: (its row without id, its event rows without feedback_id)."""
    rng = random.Random(f"{seed}:feedback:{index}")
    commune = rng.choices(ctx.communes, ctx.weights)[0]
    kinds = list(KIND_WEIGHTS)
    kind = kinds[index] if index < len(kinds) else rng.choices(kinds, list(KIND_WEIGHTS.values()))[0]
    # More items lately than 18 months ago, as people learn the site exists.
    received_day = ctx.today - timedelta(days=int(HISTORY_DAYS * rng.random() ** 1.5))
    citizens_hour = datetime.combine(received_day, time(6), tzinfo=LOCAL_TZ) + timedelta(
        minutes=rng.randint(0, 16 * 60)
    )
    received_at = min(citizens_hour.astimezone(UTC), ctx.now - timedelta(minutes=rng.randint(2, 600)))
    template = rng.choice(CITIZEN_TEXTS[kind])
    notice_id = None
    if rng.random() < {"question": 0.75, "petition": 0.15}.get(kind, 0.0):
        notice_id = _notice_for(rng, ctx, commune.unit_id, to_local(received_at).date())
    row = {
        "tracking_code": _tracking_code(rng, kind, ctx.used_codes),
        "kind": kind,
        "notice_id": notice_id,
        "text": fill(template, rng, commune),
        **_submitter(rng, kind, commune),
        "received_at": received_at,
        "forwarded_from_id": None,
        "public_question": "",
        "rating_comment": "",
        "_template": template,
    }
    history = History(kind, received_at, ctx)
    unit, _ = _plan_handling(rng, history, kind, commune, ctx, row)
    # What has not happened yet is not history: recent items stay open.
    history.events = [event for event in history.events if event.created_at <= ctx.now]
    if not any(event.action == "forward_internal" for event in history.events):
        unit, row["forwarded_from_id"] = commune, None
    return _finish(row, history, unit)


def _finish(row, history, unit):
    """Derive the row's status and fields from its events, as the services would have set them."""
    row.pop("_template")
    status, event_rows = None, []
    fields = {
        "unit_id": unit.unit_id,
        "circumstance": None,
        "assigned_to_id": None,
        "acknowledged_at": None,
        "first_response_at": None,
        "answered_at": None,
        "closed_at": None,
        "paused_at": None,
        "extension_count": 0,
        "reopen_count": 0,
        "answer_html": "",
        "is_public": False,
        "rating": None,
        "rated_at": None,
    }
    for event in history.events:
        before = status
        status = "received" if event.action == "receive" else next_status(status, event.action)
        _apply(fields, event, status)
        event_rows.append(
            {
                "action": event.action,
                "from_status": before,
                "to_status": status,
                "actor_id": event.actor_id,
                "created_at": event.created_at,
                "is_public": event.is_public,
                "body": event.body,
                "data": event.data,
            }
        )
    if not fields["is_public"]:
        row["public_question"] = ""
    if fields["rating"] is None:
        row["rating_comment"] = ""
    fields["acknowledge_due"], fields["resolve_due"] = history.due_dates()
    row.update(fields, status=status)
    return row, event_rows


def _apply(fields, event, status):
    moment, action, data = event.created_at, event.action, event.data
    if action in ("acknowledge", "receive_information") and fields["acknowledged_at"] is None:
        fields["acknowledged_at"] = moment
    if action in ("acknowledge", "reject", "request_information", "reply", "forward_internal", "forward_external"):
        fields["first_response_at"] = fields["first_response_at"] or moment
    if action in ("acknowledge", "request_information", "receive_information", "reply") and event.actor_id:
        fields["assigned_to_id"] = fields["assigned_to_id"] or event.actor_id
    if action == "acknowledge" and data.get("circumstance"):
        fields["circumstance"] = data["circumstance"]
    elif action == "extend":
        fields["extension_count"] += 1
        fields["circumstance"] = data.get("circumstance") or fields["circumstance"]
    elif action == "request_information":
        fields["paused_at"] = moment
    elif action == "receive_information":
        fields["paused_at"] = None
    elif action == "reply":
        fields.update(answer_html=event.body, answered_at=moment, is_public=bool(data.get("is_public")))
    elif action == "close":
        fields["closed_at"] = moment
    elif action == "reopen":
        fields.update(closed_at=None, paused_at=None, reopen_count=fields["reopen_count"] + 1)
    elif action == "forward_internal":
        fields.update(assigned_to_id=None, acknowledged_at=None, paused_at=None, circumstance=None)
    elif action == "rate":
        fields.update(rating=data["rating"], rated_at=moment)


# --- the seeder -------------------------------------------------------------------------------


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
