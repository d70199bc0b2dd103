"""Statutory deadlines: pure functions, no database.

Counting follows the Civil Code 2015, Art. 147–148: the day of the event is not counted;
a period ends at 24:00 of its last day; a last day that is not a working day moves to the
next working day. Working days exclude Saturdays, Sundays and public holidays and include
the government's make-up working Saturdays (the `holidays` package, country VN), with an
override table for the yearly announcements the package does not know yet.
"""

from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache

import holidays
from flask_babel import lazy_gettext as _l

from app import workdays

WORKING_DAYS = "working_days"
CALENDAR_DAYS = "days"
ACKNOWLEDGE = "acknowledge"
RESOLVE = "resolve"


@dataclass(frozen=True)
class Rule:
    """How long a step may take: an amount of working days or of calendar days."""

    amount: int
    unit: str  # WORKING_DAYS or CALENDAR_DAYS


# Defaults of design §5, keyed (kind, step). The database copy is what an admin edits.
DEFAULT_RULES = {
    ("question", RESOLVE): Rule(10, WORKING_DAYS),
    ("petition", ACKNOWLEDGE): Rule(3, WORKING_DAYS),
    ("petition", RESOLVE): Rule(15, WORKING_DAYS),
    ("information_request", RESOLVE): Rule(3, WORKING_DAYS),
    ("complaint", ACKNOWLEDGE): Rule(10, CALENDAR_DAYS),
    ("complaint", RESOLVE): Rule(30, CALENDAR_DAYS),
    ("denunciation", ACKNOWLEDGE): Rule(7, WORKING_DAYS),
    ("denunciation", RESOLVE): Rule(30, CALENDAR_DAYS),
}
# Longer periods the law allows in named circumstances, keyed (kind, step, circumstance).
SPECIAL_RULES = {
    ("information_request", RESOLVE, "complex"): Rule(15, WORKING_DAYS),  # Access to Information Art. 31
    ("complaint", RESOLVE, "complex"): Rule(45, CALENDAR_DAYS),  # Complaints Art. 28
    ("complaint", RESOLVE, "remote"): Rule(45, CALENDAR_DAYS),
    ("complaint", RESOLVE, "complex_remote"): Rule(60, CALENDAR_DAYS),
    ("denunciation", ACKNOWLEDGE, "extended"): Rule(10, WORKING_DAYS),  # 7 + 3
}
MAX_DENUNCIATION_EXTENSIONS = 2
DENUNCIATION_EXTENSION = Rule(30, CALENDAR_DAYS)

SATURDAY, SUNDAY = 5, 6


@lru_cache(maxsize=32)
def _official_holidays(year):
    return holidays.country_holidays("VN", years=year, language="vi")


@dataclass(frozen=True)
class Override:
    """An administrator's correction of one day: working or not, and why."""

    is_working_day: bool
    reason: str


@dataclass
class WorkingCalendar:
    """Vietnamese public-office working days, with administrator overrides on top."""

    overrides: dict = field(default_factory=dict)  # date -> Override

    def non_working_reason(self, day):
        """Return why public offices are closed on `day`, or None if it is a working day."""
        override = self.overrides.get(day)
        if override is not None:
            return None if override.is_working_day else override.reason
        official = _official_holidays(day.year)
        if day in official.weekend_workdays:
            return None
        name = official.get(day)
        if name:
            return name
        if day.weekday() == SATURDAY:
            return str(_l("Thứ Bảy"))
        if day.weekday() == SUNDAY:
            return str(_l("Chủ nhật"))
        return None

    def is_working_day(self, day):
        """The same answer as `non_working_reason(day) is None`, without naming the day (no translation):
        calendars of two years of days are built per report."""
        override = self.overrides.get(day)
        if override is not None:
            return override.is_working_day
        return workdays.is_official_working_day(day)


@dataclass(frozen=True)
class Deadline:
    """A computed due date (the period ends at 24:00 of it) and the days it skipped."""

    due_date: date
    skipped: tuple  # ((date, reason), ...) non-working days passed over, in order


def compute_due_date(calendar, start, rule):
    """Return the Deadline `rule` gives for an event on `start` (the start day is not counted)."""
    skipped = []
    day = start
    if rule.unit == WORKING_DAYS:
        remaining = rule.amount
        while remaining > 0:
            day += timedelta(days=1)
            reason = calendar.non_working_reason(day)
            if reason is None:
                remaining -= 1
            else:
                skipped.append((day, reason))
    elif rule.unit == CALENDAR_DAYS:
        day = start + timedelta(days=rule.amount)
        reason = calendar.non_working_reason(day)
        while reason is not None:
            skipped.append((day, reason))
            day += timedelta(days=1)
            reason = calendar.non_working_reason(day)
    else:
        raise ValueError(f"unknown rule unit {rule.unit!r}")
    return Deadline(day, tuple(skipped))


def rule_for(kind, step, circumstance=None, rules=None):
    """Return the rule for a kind and step (None where the law sets no such step)."""
    rules = DEFAULT_RULES if rules is None else rules
    if circumstance:
        special = SPECIAL_RULES.get((kind, step, circumstance))
        if special is not None:
            return special
    return rules.get((kind, step))


def working_days_between(calendar, start, end):
    """Count working days after `start` up to and including `end`."""
    count = 0
    day = start
    while day < end:
        day += timedelta(days=1)
        if calendar.is_working_day(day):
            count += 1
    return count


def resume_after_pause(calendar, due_date, paused_on, resumed_on, unit):
    """Return the new due date after the clock was paused from `paused_on` to `resumed_on`.

    What was left of the period on the day the official asked the citizen for more
    information is granted again from the day the answer arrived.
    """
    if resumed_on <= paused_on:
        return due_date
    if unit == WORKING_DAYS:
        remaining = working_days_between(calendar, paused_on, due_date)
    else:
        remaining = max((due_date - paused_on).days, 0)
    # Nothing left (paused on the last day): the period ends on the next working day.
    rule = Rule(remaining, unit) if remaining else Rule(0, CALENDAR_DAYS)
    return compute_due_date(calendar, resumed_on, rule).due_date
