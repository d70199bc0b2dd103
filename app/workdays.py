"""Working-day arithmetic for disclosure timeliness.

Simple on purpose: Vietnamese public holidays from the `holidays` package, weekends
off, official make-up Saturdays on. The statutory deadline engine of the feedback
queue replaces this module; keep callers to these two functions.
"""

from datetime import timedelta
from functools import lru_cache

import holidays


@lru_cache(maxsize=64)
def _calendar(year):
    return holidays.country_holidays("VN", years=range(year - 1, year + 2))


def is_working_day(day):
    """Return True if public offices work on this date."""
    return _calendar(day.year).is_working_day(day)


def working_days_between(start, end):
    """Count working days after `start` up to and including `end` (start day not counted)."""
    if end <= start:
        return 0
    count = 0
    day = start + timedelta(days=1)
    while day <= end:
        if is_working_day(day):
            count += 1
        day += timedelta(days=1)
    return count


def add_working_days(start, days):
    """Return the date `days` working days after `start` (the start day is not counted)."""
    day = start
    remaining = days
    while remaining > 0:
        day += timedelta(days=1)
        if is_working_day(day):
            remaining -= 1
    return day
