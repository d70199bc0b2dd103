"""A few public figures of a unit for its page /units/<code>: counts and rates only, never people.

Computed by the same SQL as the audit pages over the default twelve months, and kept for a few minutes
per process (config AUDIT_PUBLIC_SUMMARY_SECONDS, default 600; 0 turns the cache off), because the
page is public and a province's figures scan all its communes' items.
"""

import time
from dataclasses import dataclass
from datetime import date

from flask import current_app

from app.audit.disclosure import DisclosureFigures, disclosure_by_unit
from app.audit.figures import QueueFigures, count_rows, histogram_rows, prefer_table_scan, without_jit
from app.audit.report import workday_scale
from app.audit.scope import AuditScope, default_period
from app.clock import local_today

DEFAULT_CACHE_SECONDS = 600
MAX_CACHED_UNITS = 1024
_cache = {}


@dataclass(frozen=True)
class UnitSummary:
    start: date
    end: date
    queue: QueueFigures
    disclosure: DisclosureFigures


def _compute(unit, today):
    start, end = default_period(today)
    without_jit()
    scope = prefer_table_scan(AuditScope(unit, start, end))
    queue = QueueFigures()
    for row in count_rows(scope, [], today):
        queue.add_counts(row)
    scale = workday_scale(scope, today)
    for row in histogram_rows(scope, [], "answer_days", scale):
        queue.answer_days[int(row["value"])] += int(row["count"])
    disclosure = DisclosureFigures()
    for figures in disclosure_by_unit(scope, scale).values():
        disclosure.merge(figures)
    return UnitSummary(start, end, queue, disclosure)


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
