"""The deadline engine fed from the database: the admin's rules and holiday overrides."""

from sqlalchemy import event, select

from app import workdays
from app.clock import to_local
from app.extensions import db
from app.feedback.deadlines import (
    ACKNOWLEDGE,
    DEFAULT_RULES,
    RESOLVE,
    Override,
    Rule,
    WorkingCalendar,
    compute_due_date,
    rule_for,
)
from app.feedback.models import DeadlineRule, HolidayOverride

# Complaints and denunciations: the resolution period runs from acceptance, not receipt.
RESOLVE_FROM_ACCEPTANCE = frozenset({"complaint", "denunciation"})


def load_calendar():
    """Return the working calendar with every administrator override applied."""
    overrides = {
        row.day: Override(row.is_working_day, row.reason) for row in db.session.scalars(select(HolidayOverride))
    }
    return WorkingCalendar(overrides=overrides)


def override_days():
    """{date: True if a working day} of every administrator override: what app.workdays applies."""
    return dict(db.session.execute(select(HolidayOverride.day, HolidayOverride.is_working_day)).all())


@event.listens_for(HolidayOverride, "after_insert")
@event.listens_for(HolidayOverride, "after_update")
@event.listens_for(HolidayOverride, "after_delete")
def _overrides_changed(mapper, connection, target):
    workdays.forget_overrides()


def load_rules():
    """Return {(kind, step): Rule}: the database's rules over the statutory defaults."""
    rules = dict(DEFAULT_RULES)
    for row in db.session.scalars(select(DeadlineRule)):
        rules[(row.kind, row.step)] = Rule(row.amount, row.unit)
    return rules


def seed_default_rules():
    """Insert the statutory defaults that are not in the database yet; return how many."""
    existing = {(row.kind, row.step) for row in db.session.scalars(select(DeadlineRule))}
    added = 0
    for (kind, step), rule in DEFAULT_RULES.items():
        if (kind, step) not in existing:
            db.session.add(DeadlineRule(kind=kind, step=step, amount=rule.amount, unit=rule.unit))
            added += 1
    db.session.flush()
    return added


def due_date(kind, step, start_day, circumstance=None, calendar=None, rules=None):
    """Return the Deadline of a step starting the day after `start_day`, or None if no such step."""
    rule = rule_for(kind, step, circumstance, rules if rules is not None else load_rules())
    if rule is None:
        return None
    return compute_due_date(calendar or load_calendar(), start_day, rule)


def initial_due_dates(kind, received_at, calendar=None, rules=None):
    """Return (acknowledge_due, resolve_due) dates for an item received at `received_at`.

    Complaints and denunciations get their resolution date on acceptance.
    """
    calendar = calendar or load_calendar()
    rules = rules if rules is not None else load_rules()
    day = to_local(received_at).date()
    acknowledge = due_date(kind, ACKNOWLEDGE, day, calendar=calendar, rules=rules)
    resolve = None
    if kind not in RESOLVE_FROM_ACCEPTANCE:
        resolve = due_date(kind, RESOLVE, day, calendar=calendar, rules=rules)
    return (acknowledge.due_date if acknowledge else None, resolve.due_date if resolve else None)
