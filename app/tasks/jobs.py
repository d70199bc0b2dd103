"""The tasks themselves and `flask tasks …`; each only calls a service of the layer that owns the work."""

import logging
import threading
import time
from collections import Counter

import click
from flask.cli import AppGroup
from huey import crontab

from app.tasks.huey_app import huey, local_crontab, run_worker, with_app

log = logging.getLogger(__name__)
_delivering = threading.Lock()  # one thread of this worker delivers at a time
tasks_cli = AppGroup("tasks", help="Background tasks: run the worker, deliver the outbox, send the digest.")


def _deliver_due_one_thread_at_a_time():
    """Deliver what is due unless another thread of this worker is at it (then it is left to that thread).

    The delivering thread goes on until nothing is due, and looks once more after letting go, for what was
    committed meanwhile. Two threads walking the same due rows would each fail to claim half of them: on
    SQLite each failed claim is a write transaction that submissions wait behind.
    """
    from app.outbox.delivery import deliver_due, due_ids

    counts = Counter()
    while _delivering.acquire(blocking=False):
        try:
            while batch := deliver_due():
                counts.update(batch)
        finally:
            _delivering.release()
        if not due_ids():
            break
    return dict(counts)


def poll_outbox(app, seconds):
    """The worker's own delivery loop (OUTBOX_POLL_SECONDS): what is due is sent, then it looks again.

    With it the web processes enqueue nothing after a commit: on SQLite every enqueue is a write to the task
    database that a submission waits for, 2,000 of them for 2,000 submissions. A look is one indexed read.
    """
    while True:
        try:
            with app.app_context():
                delivered = _deliver_due_one_thread_at_a_time()
        except Exception:  # a database that blinks: look again later
            log.exception("Delivering the outbox failed")
            delivered = None
        if not delivered:
            time.sleep(seconds)


@huey.task()
@with_app
def deliver_outbox():
    """Deliver every notification that is due (enqueued after each commit that wrote one)."""
    return _deliver_due_one_thread_at_a_time()


@huey.periodic_task(crontab(minute="*"))
@with_app
def sweep_outbox():
    """Every minute: what a crash left queued, and failed deliveries whose next try has come."""
    return _deliver_due_one_thread_at_a_time()


@huey.periodic_task(local_crontab(7, 0))
@with_app
def morning_digest():
    """07:00 Vietnam time on working days: each official's and leader's items due soon or overdue."""
    from app.feedback.digests import queue_digests

    return queue_digests()


@huey.periodic_task(local_crontab(0, 5))
@with_app
def refresh_audit():
    """00:05 Vietnam time: bring the inspectors' figures up to the new day."""
    from app.extensions import db
    from app.inspection.rollup_refresh import refresh_all

    count = refresh_all()
    db.session.commit()
    return count


@huey.periodic_task(local_crontab(3, 0))
@with_app
def forget_unconfirmed_followers():
    """03:00 Vietnam time: erase the addresses of followers who never confirmed (links last 7 days)."""
    from app.extensions import db
    from app.notices.following import forget_unconfirmed

    count = forget_unconfirmed()
    db.session.commit()
    return count


@tasks_cli.command("worker")
@click.option("--workers", type=click.IntRange(1, 32), default=None, help="Threads running tasks (TASKS_WORKERS).")
@click.option(
    "--nice", type=click.IntRange(0, 19), default=None, help="Lower the CPU priority by this much (TASKS_WORKER_NICE)."
)
def worker_command(workers, nice):
    """Run the worker: deliveries, the sweep, the 07:00 digest and the 00:05 audit refresh."""
    import os

    from flask import current_app

    from app.extensions import db
    from app.outbox.delivery import deliver_due

    os.nice(current_app.config["TASKS_WORKER_NICE"] if nice is None else nice)
    seconds = current_app.config["OUTBOX_POLL_SECONDS"]
    if seconds > 0:  # its first look delivers what waited while no worker ran
        app = current_app._get_current_object()
        threading.Thread(target=poll_outbox, args=(app, seconds), name="outbox", daemon=True).start()
    else:
        deliver_due()  # what waited while no worker ran
        db.session.remove()  # the tasks use sessions of their own
    run_worker(workers or current_app.config["TASKS_WORKERS"])


@tasks_cli.command("deliver")
def deliver_command():
    """Deliver every due notification now, in this process."""
    from app.outbox.delivery import deliver_due

    counts = deliver_due()
    click.echo(", ".join(f"{status}: {count}" for status, count in sorted(counts.items())) or "nothing due")


@tasks_cli.command("digest")
def digest_command():
    """Write today's digests now (once per user and day, however often it runs)."""
    from app.extensions import db
    from app.feedback.digests import queue_digests

    count = queue_digests(force=True)
    db.session.commit()
    click.echo(f"{count} digests queued")
