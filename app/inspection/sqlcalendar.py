"""Day numbers, hours and working days computed inside SQL, the same way on SQLite and PostgreSQL.

Every figure about time is computed in the database from three portable pieces:

- `epoch_ms(ts)`: a stored UTC timestamp as whole milliseconds since 1970-01-01 00:00 UTC
  (SQLite `julianday`, PostgreSQL `EXTRACT(EPOCH ...)`), so later arithmetic is exact integer math;
- `local_day(ms)`: the Vietnam-local date of such an instant as a whole day number (UTC+7;
  Vietnam has had no daylight saving since 1975, so the offset is fixed); `whole_hours(a, b)`;
- `date_days(d)`: a DATE column as a whole day number.

Working days between two day numbers are `W(end) - W(start)`, where `W(n)` counts the working days
from a fixed Monday up to day n: five per whole week by arithmetic, minus the weekday holidays and plus
the make-up working weekend days up to n. Those exceptions come from the same WorkingCalendar as the
deadline engine (the `holidays` package plus the administrator's overrides) and enter the SQL as a
small balanced CASE tree over their day numbers, so the result equals
`app.feedback.deadlines.working_days_between` for every pair of days inside the calendar's range.
"""

from datetime import date, timedelta

from sqlalchemy import BigInteger, Boolean, Integer, case, literal_column
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.expression import ColumnElement, FunctionElement

EPOCH = date(1970, 1, 1)
MS_PER_HOUR = 3_600_000
MS_PER_DAY = 24 * MS_PER_HOUR
LOCAL_OFFSET_MS = 7 * MS_PER_HOUR  # Asia/Ho_Chi_Minh, UTC+7 all year
# 1969-12-29 was a Monday: day number -3. Counting weeks from it keeps every operand positive.
MONDAY_SHIFT = 3


def day_number(day):
    """Return the day number (days since 1970-01-01) of a Python date."""
    return (day - EPOCH).days


class epoch_ms(FunctionElement):  # noqa: N801 (SQL function style)
    """A UTC timestamp column as whole milliseconds since the Unix epoch (exact, no rounding drift)."""

    type = BigInteger()
    inherit_cache = True


@compiles(epoch_ms, "sqlite")
def _epoch_ms_sqlite(element, compiler, **kw):
    # julianday() keeps whole milliseconds internally; rounding the double recovers them exactly.
    return f"CAST(round((julianday({compiler.process(element.clauses, **kw)}) - 2440587.5) * 86400000.0) AS INTEGER)"


@compiles(epoch_ms, "postgresql")
def _epoch_ms_postgresql(element, compiler, **kw):
    return f"CAST(FLOOR(EXTRACT(EPOCH FROM {compiler.process(element.clauses, **kw)}) * 1000) AS BIGINT)"


class date_days(FunctionElement):  # noqa: N801
    """A DATE column as a whole day number since 1970-01-01."""

    type = Integer()
    inherit_cache = True


@compiles(date_days, "sqlite")
def _date_days_sqlite(element, compiler, **kw):
    return f"CAST(julianday({compiler.process(element.clauses, **kw)}) - 2440587.5 AS INTEGER)"


@compiles(date_days, "postgresql")
def _date_days_postgresql(element, compiler, **kw):
    return f"({compiler.process(element.clauses, **kw)} - DATE '1970-01-01')"


class int_div(ColumnElement):  # noqa: N801
    """Integer division of two non-negative integer expressions (SQL `/` on integers)."""

    type = Integer()
    inherit_cache = True

    def __init__(self, numerator, denominator):
        self.numerator = numerator
        self.denominator = denominator


@compiles(int_div)
def _int_div(element, compiler, **kw):
    numerator = compiler.process(element.numerator, **kw)
    denominator = compiler.process(element.denominator, **kw)
    return f"(({numerator}) / ({denominator}))"


class on_or_before_local_day(FunctionElement):  # noqa: N801
    """Whether a UTC timestamp falls on or before a local date (NULL, hence false, without a timestamp).

    The local day D ends at D 24:00 in Vietnam, which is D 17:00 UTC: the test is `ts < D 17:00 UTC`.
    """

    type = Boolean()
    inherit_cache = True


@compiles(on_or_before_local_day, "sqlite")
def _on_or_before_local_day_sqlite(element, compiler, **kw):
    timestamp, day = (compiler.process(clause, **kw) for clause in element.clauses)
    # SQLite stores timestamps as 'YYYY-MM-DD HH:MM:SS.ffffff' (UTC) and dates as 'YYYY-MM-DD':
    # a text comparison with 'YYYY-MM-DD 17:00:00' is exact and avoids parsing every row.
    return f"({timestamp} < ({day} || ' 17:00:00'))"


@compiles(on_or_before_local_day, "postgresql")
def _on_or_before_local_day_postgresql(element, compiler, **kw):
    timestamp, day = (compiler.process(clause, **kw) for clause in element.clauses)
    return f"({timestamp} < ((CAST({day} AS TIMESTAMP) + INTERVAL '17 hours') AT TIME ZONE 'UTC'))"


def local_day(epoch_ms_expression):
    """The Vietnam-local day number of an instant given in epoch milliseconds (after 1970)."""
    return int_div(epoch_ms_expression + _number(LOCAL_OFFSET_MS), _number(MS_PER_DAY))


def whole_hours(start_ms_expression, end_ms_expression):
    """Whole hours from one instant to a later one (0 if the end is not later)."""
    difference = end_ms_expression - start_ms_expression
    return case((difference < _number(0), _number(0)), else_=int_div(difference, _number(MS_PER_HOUR)))


def _number(value):
    # Whole numbers we computed ourselves, inlined so the statement stays small and cacheable per range.
    return literal_column(str(int(value)), Integer())


class WorkdayScale:
    """Turns day numbers into working-day ordinals in SQL, for days from `first` to `last`.

    Outside that range the weekday arithmetic still holds but holidays are not subtracted; callers
    choose a range that covers every day they compare (see `for_range`).
    """

    def __init__(self, calendar, first, last):
        self.first = first
        self.last = last
        # (day number, running total of weekday holidays minus make-up weekend days up to it).
        self.steps = []
        total = 0
        day = first
        while day <= last:
            is_weekday = day.weekday() < 5
            if is_weekday != calendar.is_working_day(day):
                total += 1 if is_weekday else -1
                self.steps.append((day_number(day), total))
            day += timedelta(days=1)

    @classmethod
    def for_range(cls, calendar, first, last):
        """A scale covering `first`..`last` (dates)."""
        return cls(calendar, first, last)

    def python_ordinal(self, day):
        """W(day) computed in Python: for tests and for the few values used outside SQL."""
        number = day_number(day)
        shifted = number + MONDAY_SHIFT
        weekdays = 5 * (shifted // 7) + min(shifted % 7 + 1, 5)
        correction = 0
        for step_day, total in self.steps:
            if step_day <= number:
                correction = total
        return weekdays - correction

    def ordinal(self, day_number_expression):
        """SQL: W(n) for an integer day-number expression (a column of a subquery, ideally)."""
        shifted = day_number_expression + _number(MONDAY_SHIFT)
        weekdays = _number(5) * int_div(shifted, _number(7)) + case(
            (shifted % _number(7) >= _number(4), _number(5)), else_=shifted % _number(7) + _number(1)
        )
        return weekdays - self._correction(day_number_expression)

    def _correction(self, n):
        if not self.steps:
            return _number(0)

        def tree(low, high):
            # Segment i (1-based) starts at steps[i-1]; segment 0 is before the first step.
            if low == high:
                return _number(self.steps[low - 1][1] if low else 0)
            middle = (low + high + 1) // 2
            return case((n < _number(self.steps[middle - 1][0]), tree(low, middle - 1)), else_=tree(middle, high))

        return tree(0, len(self.steps))

    def between(self, start_expression, end_expression):
        """SQL: working days after start up to and including end (0 when end is not after start).

        Each ordinal is written out twice here; over many rows, compute them once in a subquery
        (`ordinal()` columns) and compare those with `difference()`.
        """
        return self.difference(self.ordinal(start_expression), self.ordinal(end_expression))

    @staticmethod
    def difference(start_ordinal, end_ordinal):
        """SQL: working days between two W() ordinals (0 when end is not after start)."""
        difference = end_ordinal - start_ordinal
        return case((difference < _number(0), _number(0)), else_=difference)
