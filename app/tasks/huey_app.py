"""The Huey instance, its app context and its schedule helpers."""

import logging
import os
from contextlib import nullcontext
from datetime import datetime
from functools import wraps

from flask import has_app_context
from huey import RedisHuey, SqliteHuey, crontab

from app.clock import LOCAL_TZ

log = logging.getLogger(__name__)
DEFAULT_TASKS_DIR = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(__file__))), "instance")


def make_huey(url=None, directory=None):
    """RedisHuey for a redis:// TASKS_URL, SqliteHuey in TASKS_DIR/tasks.db otherwise."""
    url = os.environ.get("TASKS_URL", "") if url is None else url
    if url.startswith(("redis://", "rediss://", "unix://")):
        return RedisHuey("congkhai", url=url, results=False)
    if url:
        raise RuntimeError(f"TASKS_URL must be a redis:// address, not {url!r}")
    directory = directory or os.environ.get("TASKS_DIR") or DEFAULT_TASKS_DIR
    os.makedirs(directory, exist_ok=True)
    return SqliteHuey("congkhai", filename=os.path.join(directory, "tasks.db"), results=False)


huey = make_huey()
_app = None


def local_crontab(hour, minute):
    """A daily crontab at hh:mm Vietnam time (Huey reads crontabs in UTC; Vietnam has no summer time)."""
    moment = datetime(2026, 1, 1, hour, minute, tzinfo=LOCAL_TZ) - LOCAL_TZ.utcoffset(datetime(2026, 1, 1))
    return crontab(minute=str(moment.minute), hour=str(moment.hour))


def bind(app):
    """The application whose context the worker's tasks run in."""
    global _app
    _app = app


def with_app(function):
    """Run a task inside the application's context (the worker's app, or the request's in tests)."""

    @wraps(function)
    def wrapper(*args, **kwargs):
        context = nullcontext() if has_app_context() else _app.app_context()
        with context:
            return function(*args, **kwargs)

    return wrapper


def run_worker(workers):
    """Run the consumer (with the periodic tasks) until interrupted."""
    consumer = huey.create_consumer(
        workers=workers, worker_type="thread", periodic=True, initial_delay=0.05, backoff=1.5, max_delay=1.0
    )
    consumer.run()
