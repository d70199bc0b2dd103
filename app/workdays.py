"""Working days for every layer: Vietnamese public holidays (the `holidays` package), weekends off, official
make-up Saturdays on, and the administrators' overrides (a day off for a typhoon, a make-up day) once the
layer that keeps them has registered them with `use_overrides` (the feedback package does, at start-up).
The feedback queue's statutory engine (app.feedback.deadlines) applies the same overrides, so a commune's
consultation deadlines and disclosure delays count the days its queue's deadlines count.
"""

from datetime import timedelta
from functools import lru_cache

import holidays
from flask import g, has_app_context

_overrides_loader = None  # () -> {date: True if a working day}


def use_overrides(loader):
    """Apply `loader()`'s overrides ({date: is a working day}) to every count here; read once per app context."""
    global _overrides_loader
    _overrides_loader = loader


def forget_overrides():
    """The overrides changed: read them again at the next count."""
    if has_app_context():
        g.pop("workday_overrides", None)


def _overrides():
    if _overrides_loader is None or not has_app_context():
        return {}
    if "workday_overrides" not in g:
        g.workday_overrides = _overrides_loader()
    return g.workday_overrides


@lru_cache(maxsize=64)
def _calendar(year):
    return holidays.country_holidays("VN", years=range(year - 1, year + 2))


def is_official_working_day(day):
    """Whether public offices work on this date by law (holidays, weekends, make-up Saturdays), before any
    administrator's override: the one place that asks the `holidays` package (feedback.deadlines too)."""
    return _calendar(day.year).is_working_day(day)


def is_working_day(day, overrides=None):
    """Return True if public offices work on this date."""
    override = (_overrides() if overrides is None else overrides).get(day)
    if override is not None:
        return override
    return is_official_working_day(day)


def working_days_between(start, end):
    """Count working days after `start` up to and including `end` (start day not counted)."""
    if end <= start:
        return 0
    overrides = _overrides()
    count = 0
    day = start + timedelta(days=1)
    while day <= end:
        if is_working_day(day, overrides):
            count += 1
        day += timedelta(days=1)
    return count


def add_working_days(start, days):
    """Return the date `days` working days after `start` (the start day is not counted)."""
    overrides = _overrides()
    day = start
    remaining = days
    while remaining > 0:
        day += timedelta(days=1)
        if is_working_day(day, overrides):
            remaining -= 1
    return day
