"""The statutory clock of a queue item: its due dates replayed from its history.

Due dates are never edited by hand: they are *replayed* from the item's history (receipt, acceptance,
pauses, extensions, forwards, reopenings) with the deadline engine, by the same code whether an
official acts (app.feedback.actions), an administrator changes a holiday, or the demo plans an item.
"""

from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta

from sqlalchemy import or_, select
from sqlalchemy.orm import selectinload

from app.clock import LOCAL_TZ, local_today, to_local
from app.extensions import db
from app.feedback.calendar import RESOLVE_FROM_ACCEPTANCE, load_calendar, load_rules
from app.feedback.deadlines import ACKNOWLEDGE, RESOLVE, Rule, compute_due_date, resume_after_pause, rule_for
from app.feedback.models import Feedback
from app.feedback.states import OPEN_STATUSES
from app.ledger.chain import record
from app.ledger.models import AuditEntry

RECOMPUTE_BATCH = 500
RULE_CHANGE_ACTION = "deadline_rule.updated"  # written by app.feedback.admin.set_rule


@dataclass
class Period:
    """One statutory period: a rule from a start day, then pauses and added time, in order."""

    start: object  # date
    rule: Rule
    changes: list = field(default_factory=list)  # ("pause", paused_on, resumed_on) or ("add", Rule)

    def deadline(self, calendar):
        """Return (the rule's Deadline from the start, the due date after pauses and additions)."""
        base = compute_due_date(calendar, self.start, self.rule)
        due = base.due_date
        for change in self.changes:
            if change[0] == "pause":
                _, paused_on, resumed_on = change
                # A period already over when the clock stopped is not revived by the pause.
                if due >= paused_on:
                    due = resume_after_pause(calendar, due, paused_on, resumed_on, self.rule.unit)
            else:
                due = compute_due_date(calendar, due, change[1]).due_date
        return base, due


@dataclass
class Clock:
    """Where an item's periods stand after its history."""

    acknowledge: Period | None
    resolve: Period | None
    is_acknowledged: bool = False
    circumstance: str | None = None
    paused_on: object = None  # date

    def due_dates(self, calendar):
        """Return (acknowledge_due, resolve_due)."""
        return (
            self.acknowledge.deadline(calendar)[1] if self.acknowledge else None,
            self.resolve.deadline(calendar)[1] if self.resolve else None,
        )


def _fresh_clock(kind, day, rules):
    """The periods that start when a unit receives an item (on receipt, or on an internal forward)."""
    acknowledge_rule = rule_for(kind, ACKNOWLEDGE, None, rules)
    resolve_rule = None if kind in RESOLVE_FROM_ACCEPTANCE else rule_for(kind, RESOLVE, None, rules)
    return Clock(
        acknowledge=Period(day, acknowledge_rule) if acknowledge_rule else None,
        resolve=Period(day, resolve_rule) if resolve_rule else None,
    )


def _accept(clock, kind, day, rules):
    clock.is_acknowledged = True
    if clock.resolve is None and kind in RESOLVE_FROM_ACCEPTANCE:
        rule = rule_for(kind, RESOLVE, clock.circumstance, rules)
        clock.resolve = Period(day, rule) if rule else None


def _advance(clock, kind, action, day, data, rules):
    """Move the clock through one event on `day` (a local date). Returns the clock (possibly a new one)."""
    if action == "acknowledge":
        if data.get("circumstance"):
            clock.circumstance = data["circumstance"]
        _accept(clock, kind, day, rules)
    elif action == "request_information":
        clock.paused_on = day
    elif action == "receive_information":
        if clock.paused_on is not None:
            pause = ("pause", clock.paused_on, day)
            if clock.acknowledge is not None and not clock.is_acknowledged:
                clock.acknowledge.changes.append(pause)
            if clock.resolve is not None:
                clock.resolve.changes.append(pause)
            clock.paused_on = None
        if not clock.is_acknowledged:
            _accept(clock, kind, day, rules)  # the state machine accepts the item here
    elif action == "extend":
        step = data.get("step")
        period = clock.acknowledge if step == ACKNOWLEDGE else clock.resolve
        circumstance = data.get("circumstance")
        if step == RESOLVE and circumstance:
            clock.circumstance = circumstance
        if period is not None:
            if circumstance:
                period.rule = rule_for(kind, step, circumstance, rules) or period.rule
            if data.get("add"):
                period.changes.append(("add", Rule(data["add"]["amount"], data["add"]["unit"])))
    elif action == "forward_internal":
        return _fresh_clock(kind, day, rules)
    elif action == "reopen":
        rule = rule_for(kind, RESOLVE, clock.circumstance, rules)
        clock.resolve = Period(day, rule) if rule else None
        clock.paused_on = None
    return clock


def _local_day(moment):
    return to_local(moment).date()


@dataclass
class RuleBook:
    """The rules in force at any moment: today's, with each administrator's change undone before its time.

    A rule change applies to the steps taken after it, never to periods already running; replaying an
    old item (after a holiday override, say) therefore uses the rules of the day each period started.
    """

    current: dict
    changes: dict  # (kind, step) -> [(moment, Rule before the change), ...] oldest first

    def at(self, moment):
        rules = dict(self.current)
        for key, changes in self.changes.items():
            later = [before for changed_at, before in changes if changed_at > moment]
            if later:
                rules[key] = later[0]
        return rules


def load_rule_book():
    """Today's rules and the history of their changes (from the audit entries of set_rule)."""
    changes = {}
    entries = db.session.scalars(
        select(AuditEntry).where(AuditEntry.action == RULE_CHANGE_ACTION).order_by(AuditEntry.id)
    )
    for entry in entries:
        data = entry.data or {}
        before = data.get("before")
        if data.get("kind") and data.get("step") and before:
            changes.setdefault((data["kind"], data["step"]), []).append((entry.created_at, Rule(*before)))
    return RuleBook(load_rules(), changes)


def replay_clock(item, book=None):
    """Return the item's Clock after every event of its history."""
    book = book or load_rule_book()
    clock = _fresh_clock(item.kind, _local_day(item.received_at), book.at(item.received_at))
    for event in sorted(item.events, key=lambda event: event.id or 0):
        day = _local_day(event.created_at)
        clock = _advance(clock, item.kind, event.action, day, event.data or {}, book.at(event.created_at))
    return clock


def due_date_explanations(item, calendar=None, book=None):
    """For the item page: each running period with its start, rule, skipped days and final due date."""
    calendar = calendar or load_calendar()
    clock = replay_clock(item, book)
    explained = []
    for step, period in ((ACKNOWLEDGE, clock.acknowledge), (RESOLVE, clock.resolve)):
        if period is None:
            continue
        base, due = period.deadline(calendar)
        explained.append(
            {
                "step": step,
                "start": period.start,
                "rule": period.rule,
                "base_due": base.due_date,
                "skipped": base.skipped,
                "pauses": [change[1:] for change in period.changes if change[0] == "pause"],
                "additions": [change[1] for change in period.changes if change[0] == "add"],
                "due": due,
            }
        )
    return explained


def iso_day(day):
    """A date as stored in event and audit data ("2026-03-06"); None stays None."""
    return day.isoformat() if day else None


def due_dates_after(item, action, data):
    """Return (acknowledge_due, resolve_due) once `action` (with its event data) is taken today."""
    book = load_rule_book()
    clock = _advance(replay_clock(item, book), item.kind, action, local_today(), data, book.current)
    return clock.due_dates(load_calendar())


# --- holiday overrides ----------------------------------------------------------------------


def recompute_due_dates_for_override(day, actor=None):
    """Replay the due dates of open items whose periods may span `day`; return how many changed.

    Called after a holiday override for `day` was added, changed or removed (and flushed).
    """
    calendar, book = load_calendar(), load_rule_book()
    end_of_day = datetime.combine(day + timedelta(days=1), time(), LOCAL_TZ).astimezone(UTC)
    ids = db.session.scalars(
        select(Feedback.id)
        .where(
            Feedback.status.in_(OPEN_STATUSES),
            Feedback.received_at < end_of_day,
            or_(Feedback.acknowledge_due >= day, Feedback.resolve_due >= day),
        )
        .order_by(Feedback.id)
    ).all()
    changed = 0
    for start in range(0, len(ids), RECOMPUTE_BATCH):
        batch = db.session.scalars(
            select(Feedback)
            .where(Feedback.id.in_(ids[start : start + RECOMPUTE_BATCH]))
            .options(selectinload(Feedback.events))
            .order_by(Feedback.id)
        ).all()
        for item in batch:
            acknowledge_due, resolve_due = replay_clock(item, book).due_dates(calendar)
            if (acknowledge_due, resolve_due) == (item.acknowledge_due, item.resolve_due):
                continue
            before = [iso_day(item.acknowledge_due), iso_day(item.resolve_due)]
            item.acknowledge_due, item.resolve_due = acknowledge_due, resolve_due
            record(
                "feedback.due_dates_recomputed",
                item,
                f"{item.tracking_code}: {day.isoformat()}",
                {"day": day.isoformat(), "before": before, "after": [iso_day(acknowledge_due), iso_day(resolve_due)]},
                actor,
            )
            changed += 1
        db.session.flush()
    return changed
