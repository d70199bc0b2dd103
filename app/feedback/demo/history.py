"""The planned events of one demo item, and its due dates replayed from them by the live queue's engine."""

from datetime import UTC, datetime, time, timedelta
from types import SimpleNamespace

from app.clock import LOCAL_TZ, to_local
from app.feedback.due_dates import replay_clock


def _moment(rng, day, earliest, hours=(7, 17)):
    """A moment on `day` between the given local hours, after `earliest`."""
    start = datetime.combine(day, time(hours[0]), tzinfo=LOCAL_TZ)
    moment = (start + timedelta(minutes=rng.randint(0, (hours[1] - hours[0]) * 60))).astimezone(UTC)
    return max(moment, earliest + timedelta(minutes=rng.randint(5, 90)))


def _working_day_on_or_after(calendar, day):
    while not calendar.is_working_day(day):
        day += timedelta(days=1)
    return day


class History:
    """The events of one item as they are planned; due dates by replaying them."""

    def __init__(self, kind, received_at, ctx):
        self.kind = kind
        self.ctx = ctx
        self.received_at = received_at
        self.events = [SimpleNamespace(id=1, action="receive", created_at=received_at, data={}, actor_id=None)]
        self.events[0].body, self.events[0].is_public = "", True

    @property
    def last(self):
        return self.events[-1].created_at

    def last_day(self):
        return to_local(self.last).date()

    def due_dates(self):
        item = SimpleNamespace(kind=self.kind, received_at=self.received_at, events=self.events)
        return replay_clock(item, self.ctx.book).due_dates(self.ctx.calendar)

    def add(self, rng, action, day, actor_id=None, body="", is_public=True, data=None):
        day = max(day, self.last_day())
        event = SimpleNamespace(
            id=len(self.events) + 1,
            action=action,
            created_at=_moment(rng, day, self.last),
            data=data or {},
            actor_id=actor_id,
            body=body,
            is_public=is_public,
        )
        self.events.append(event)
        return event

    def day_for(self, rng, due, late, spread=None):
        """A working day for the next step: before `due` (or a little after it when `late`)."""
        start = self.last_day()
        if due is None:
            due = start + timedelta(days=spread or 5)
        if late:
            day = due + timedelta(days=rng.randint(1, 20))
        else:
            day = start + timedelta(days=rng.randint(0, max(0, (due - start).days)))
        day = _working_day_on_or_after(self.ctx.calendar, day)
        return min(day, due) if not late and due >= start else day
