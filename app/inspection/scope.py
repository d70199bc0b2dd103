"""What a figure is about: a unit with its descendants, a period of local days, optionally one kind and one channel."""

from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import or_, select

from app.accounts.models import AdministrativeUnit
from app.clock import LOCAL_TZ, local_today

DEFAULT_MONTHS = 12
COMMUNE_KINDS = ("commune", "ward", "special_zone")
MAX_PERIOD_DAYS = 10 * 366  # ten years: enough for any report, small enough to keep queries bounded


def local_midnight_utc(day):
    """The UTC instant at which the Vietnam-local `day` begins."""
    return datetime.combine(day, time.min, tzinfo=LOCAL_TZ).astimezone(UTC)


def month_start(day):
    return day.replace(day=1)


def next_month(day):
    """The first day of the month after `day`'s month."""
    return (day.replace(day=28) + timedelta(days=4)).replace(day=1)


def month_end(day):
    """The last day of `day`'s month."""
    return next_month(day) - timedelta(days=1)


def month_range(first, last):
    """The first days of the months from `first`'s to `last`'s (none if either is None)."""
    months = []
    if first is None or last is None:
        return months
    day = month_start(first)
    while day <= last:
        months.append(day)
        day = next_month(day)
    return months


def default_period(today=None):
    """The current month and the eleven before it, up to today."""
    today = today or local_today()
    start = month_start(today)
    for _ in range(DEFAULT_MONTHS - 1):
        start = month_start(start - timedelta(days=1))
    return start, today


@dataclass(frozen=True)
class AuditScope:
    """Items received (and notices posted) by `unit` or its descendants between two local days, inclusive."""

    unit: AdministrativeUnit
    start: date
    end: date
    kind: str | None = None
    official_id: int | None = None  # only the items assigned to this user
    # How, not what: read the whole items table instead of its unit and date indexes (see
    # figures.prefer_table_scan); the figures are the same either way.
    table_scan: bool = False
    channel: str | None = None  # only the items that arrived this way (web, api, phone, walk_in, mail, open311)

    @property
    def start_utc(self):
        return local_midnight_utc(self.start)

    @property
    def end_utc(self):
        """The first instant after the period (exclusive bound)."""
        return local_midnight_utc(self.end + timedelta(days=1))

    def unit_ids(self):
        """SELECT of the ids of the unit and its descendants."""
        return select(AdministrativeUnit.id).where(self.unit.subtree_clause())

    def commune_ids(self):
        """SELECT of the ids of the scope's communes, wards and special zones that existed at some time in the
        period: each has its figures, even with nothing received or posted."""
        return select(AdministrativeUnit.id).where(
            self.unit.subtree_clause(),
            AdministrativeUnit.kind.in_(COMMUNE_KINDS),
            or_(AdministrativeUnit.valid_from.is_(None), AdministrativeUnit.valid_from <= self.end),
            or_(AdministrativeUnit.valid_to.is_(None), AdministrativeUnit.valid_to >= self.start),
        )

    def months(self):
        """The first day of every month the period touches, in order."""
        months = []
        day = month_start(self.start)
        while day <= self.end:
            months.append(day)
            day = next_month(day)
        return months

    def month_bounds_utc(self):
        """UTC instants where each month after the first begins (for bucketing timestamps by month)."""
        return [local_midnight_utc(day) for day in self.months()[1:]]

    def month_ends(self):
        """The last local day of every month of the period (the period's end for the last month)."""
        return [min(next_month(day) - timedelta(days=1), self.end) for day in self.months()]

    def with_unit(self, unit):
        return replace(self, unit=unit)

    def with_official(self, official_id):
        return replace(self, official_id=official_id)

    def period_args(self):
        """Query arguments of the period, kind and channel only (for links to another unit or official)."""
        return {key: value for key, value in self.as_args().items() if key not in ("unit", "official")}

    def as_args(self):
        """Query arguments that reproduce this scope (for links and exports)."""
        args = {"unit": self.unit.code, "from": self.start.isoformat(), "to": self.end.isoformat()}
        if self.kind:
            args["kind"] = self.kind
        if self.channel:
            args["channel"] = self.channel
        if self.official_id:
            args["official"] = self.official_id
        return args
