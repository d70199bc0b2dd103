"""What one group of queue figures holds (a unit, a kind, a month, an official, or everything) and derives.

The counters are filled from SQL rows (figures.py, or the rollups); rates, averages and percentiles
are derived here. Percentiles (median, 90th) use the nearest-rank definition on histograms.
"""

from collections import Counter
from dataclasses import dataclass, field

COUNTERS = (
    "received",
    "acknowledge_due",
    "acknowledged_on_time",
    "answer_due",
    "answered_on_time",
    "answered",
    "open_now",
    "overdue_now",
    "overdue_age_total",
    "settled",
    "reopened",
    "rating_total",
    "rating_count",
    "forwarded_in",
    "forwarded_out",
)
_COUNTER_NAMES = frozenset(COUNTERS)
HISTOGRAMS = ("first_response_days", "answer_days", "first_response_hours", "answer_hours")


def percentile(histogram, percent):
    """Nearest-rank percentile of a {value: count} histogram; None when it is empty."""
    total = sum(histogram.values())
    if not total:
        return None
    rank = max(1, (percent * total + 99) // 100)  # ceil(percent% of total) in whole numbers
    seen = 0
    for value in sorted(histogram):
        seen += histogram[value]
        if seen >= rank:
            return value
    return None


def rate(numerator, denominator):
    """A percentage with one decimal, or None when nothing was counted."""
    return round(100 * numerator / denominator, 1) if denominator else None


@dataclass
class QueueFigures:
    """The queue figures of one group (a unit, a kind, a month, an official, or everything)."""

    received: int = 0
    acknowledge_due: int = 0  # items whose acknowledgement was due (done, or deadline passed)
    acknowledged_on_time: int = 0
    answer_due: int = 0  # items whose answer was due (answered, or deadline passed with the clock running)
    answered_on_time: int = 0
    answered: int = 0
    open_now: int = 0
    overdue_now: int = 0
    overdue_age_total: int = 0  # calendar days past the first missed deadline, summed
    overdue_age_max: int = 0
    settled: int = 0  # answered or closed: the items that could have been reopened
    reopened: int = 0
    rating_total: int = 0
    rating_count: int = 0
    forwarded_in: int = 0
    forwarded_out: int = 0
    first_response_days: Counter = field(default_factory=Counter)
    answer_days: Counter = field(default_factory=Counter)
    first_response_hours: Counter = field(default_factory=Counter)
    answer_hours: Counter = field(default_factory=Counter)

    def add_counts(self, row):
        """Add one SQL row of counters (a mapping; missing or NULL values count as zero)."""
        # Over the row's own keys: looking up a missing key of a SQL row raises and catches inside.
        for name, value in row.items():
            if value and name in _COUNTER_NAMES:
                setattr(self, name, getattr(self, name) + int(value))
        age = row.get("overdue_age_max")
        if age is not None and age > self.overdue_age_max:
            self.overdue_age_max = int(age)

    def merge(self, other):
        """Add another group's figures into this one."""
        self.add_counts({name: getattr(other, name) for name in COUNTERS} | {"overdue_age_max": other.overdue_age_max})
        for name in HISTOGRAMS:
            getattr(self, name).update(getattr(other, name))
        return self

    @property
    def acknowledged_on_time_rate(self):
        return rate(self.acknowledged_on_time, self.acknowledge_due)

    @property
    def answered_on_time_rate(self):
        return rate(self.answered_on_time, self.answer_due)

    @property
    def reopened_rate(self):
        return rate(self.reopened, self.settled)

    @property
    def rating_average(self):
        return round(self.rating_total / self.rating_count, 2) if self.rating_count else None

    @property
    def overdue_age_average(self):
        return round(self.overdue_age_total / self.overdue_now, 1) if self.overdue_now else None

    def median(self, histogram):
        return percentile(getattr(self, histogram), 50)

    def p90(self, histogram):
        return percentile(getattr(self, histogram), 90)

    def as_dict(self):
        """JSON-ready figures (the API's and the exports' field names)."""
        data = {
            "received": self.received,
            "acknowledge_due": self.acknowledge_due,
            "acknowledged_on_time": self.acknowledged_on_time,
            "acknowledged_on_time_pct": self.acknowledged_on_time_rate,
            "answer_due": self.answer_due,
            "answered_on_time": self.answered_on_time,
            "answered_on_time_pct": self.answered_on_time_rate,
            "answered": self.answered,
            "open_now": self.open_now,
            "overdue_now": self.overdue_now,
            "overdue_age_days_max": self.overdue_age_max if self.overdue_now else None,
            "overdue_age_days_mean": self.overdue_age_average,
            "reopened": self.reopened,
            "reopened_pct": self.reopened_rate,
            "rating_average": self.rating_average,
            "rating_count": self.rating_count,
            "forwarded_in": self.forwarded_in,
            "forwarded_out": self.forwarded_out,
        }
        for histogram in HISTOGRAMS:
            data[f"{histogram}_median"] = self.median(histogram)
            data[f"{histogram}_p90"] = self.p90(histogram)
        return data
