"""Background tasks on Huey: delivering the outbox, the officials' morning digest, the audit refresh.

The queue is SQLite under TASKS_DIR by default (`make run`, one machine) and Redis when TASKS_URL is
`redis://…` (several app nodes and workers). The web processes only enqueue; `flask tasks worker` (which
`make run` starts beside gunicorn) runs the tasks and the periodic ones. In tests (TASKS_IMMEDIATE) a
task runs in the process that enqueues it, as soon as it is enqueued.

Every task is idempotent: delivering claims each notification before sending it, the digest writes one
notification per user and day (dedupe key), and the refresh recomputes what is out of date.
"""

from app.tasks import huey_app, jobs


def init_tasks(app):
    """Bind the tasks to `app`; the worker finds new notifications itself (it looks every
    OUTBOX_POLL_SECONDS), or, with that at 0 and in tests (TASKS_IMMEDIATE), each commit that wrote one
    enqueues a delivery."""
    huey_app.bind(app)
    huey_app.huey.immediate = bool(app.config.get("TASKS_IMMEDIATE"))
    from app.outbox.queue import set_dispatcher

    polled = app.config.get("OUTBOX_POLL_SECONDS", 0) > 0 and not app.config.get("TASKS_IMMEDIATE")
    set_dispatcher(None if polled else jobs.deliver_outbox)
    app.cli.add_command(jobs.tasks_cli)
