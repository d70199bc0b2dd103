"""A few public figures of a unit for its page /units/<code>: counts and rates only, never people.

Computed by the same SQL as the audit pages over the default twelve months, and kept for a few minutes
per process (config AUDIT_PUBLIC_SUMMARY_SECONDS, default 600; 0 turns the cache off), because the
page is public.
"""

import time
from dataclasses import dataclass
from datetime import date

from flask import current_app

from app.clock import local_today
from app.inspection.disclosure import DisclosureFigures
from app.inspection.queue_figures import QueueFigures
from app.inspection.report import compute_figures
from app.inspection.scope import AuditScope, default_period

DEFAULT_CACHE_SECONDS = 600
MAX_CACHED_UNITS = 1024
_cache = {}


@dataclass(frozen=True)
class UnitSummary:
    start: date  # the period of the figures of received items and posted notices
    end: date
    today: date  # the day of the open and overdue items, whenever received
    queue: QueueFigures
    disclosure: DisclosureFigures


def _compute(unit, today):
    start, end = default_period(today)
    report = compute_figures(AuditScope(unit, start, end), officials=False, hours_by_unit=False, today=today)
    return UnitSummary(start, end, today, report.total, report.disclosure)


def _cache_seconds():
    default = 0 if current_app.testing else DEFAULT_CACHE_SECONDS
    return int(current_app.config.get("AUDIT_PUBLIC_SUMMARY_SECONDS", default))


def unit_summary(unit, today=None):
    """The public summary of `unit` and its descendants over the last twelve months."""
    today = today or local_today()
    seconds = _cache_seconds()
    if seconds <= 0:
        return _compute(unit, today)
    key = (current_app.config["SQLALCHEMY_DATABASE_URI"], unit.id, today)
    cached = _cache.get(key)
    now = time.monotonic()
    if cached is not None and cached[0] > now:
        return cached[1]
    summary = _compute(unit, today)
    if len(_cache) >= MAX_CACHED_UNITS:
        _cache.clear()
    _cache[key] = (now + seconds, summary)
    return summary
