"""`flask tasks worker` as `make run` starts it: it finds and sends what the web processes committed, with
nothing enqueued for it (OUTBOX_POLL_SECONDS), and it gives way to the web workers (TASKS_WORKER_NICE)."""

import os
import subprocess
import sys
import time

import pytest
from sqlalchemy import select

from app.extensions import db
from app.outbox import queue
from app.outbox.models import Notification
from app.tasks import jobs
from tests.factories import make_units


def _start(env, *options):
    command = [sys.executable, "-m", "flask", "--app", "app", "tasks", "worker", *options]
    return subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)  # noqa: S603


def _worker_priority(env, *options):
    """Start `flask tasks worker`, wait until its priority changes from ours (or 20 s), stop it; return it."""
    own = os.getpriority(os.PRIO_PROCESS, 0)
    process = _start(env, *options)
    try:
        deadline = time.monotonic() + 20
        priority = own
        while time.monotonic() < deadline and process.poll() is None:
            priority = os.getpriority(os.PRIO_PROCESS, process.pid)
            if priority != own:
                break
            time.sleep(0.1)
        assert process.poll() is None, process.stderr.read().decode()
        return priority - own
    finally:
        process.terminate()
        process.wait(timeout=20)


@pytest.fixture
def worker_env(app, tmp_path):
    env = dict(os.environ)
    env.update(
        FLASK_CONFIG="development",
        DATABASE_URL=app.config["SQLALCHEMY_DATABASE_URI"],
        TASKS_DIR=str(tmp_path),
        OUTBOX_DIR=str(tmp_path / "outbox"),
        DATA_ENCRYPTION_KEY=app.config["DATA_ENCRYPTION_KEY"],
    )
    env.pop("TASKS_WORKER_NICE", None)
    return env


@pytest.mark.skipif(os.getpriority(os.PRIO_PROCESS, 0) > 9, reason="already at the lowest priorities")
def test_the_worker_lowers_its_priority_by_ten_unless_told_otherwise(worker_env):
    assert _worker_priority(worker_env) == 10
    assert _worker_priority(worker_env | {"TASKS_WORKER_NICE": "4"}, "--workers", "1") == 4


def test_the_running_worker_sends_what_was_committed_without_being_woken(app, client, worker_env, smtp_server):
    make_units()
    queue.set_dispatcher(None)  # as in a web process with the demo's settings: nothing is enqueued
    try:
        response = client.post(
            "/api/v1/feedback",
            json={
                "kind": "question",
                "unit": "07627",
                "text": "Khi nào đổ bê tông đường thôn Đông?",
                "email": "le.van.nam@example.vn",
                "consent": True,
            },
        )
    finally:
        queue.set_dispatcher(jobs.deliver_outbox)
    assert response.status_code == 201, response.get_data(as_text=True)
    code = response.get_json()["tracking_code"]
    receipt = db.session.scalars(select(Notification).where(Notification.template == "feedback.receipt")).one()
    assert receipt.status == "queued" and smtp_server.messages == []
    db.session.commit()  # this test's session lets go of the database, as a finished request does

    mail = {
        key: str(value).lower() if isinstance(value, bool) else str(value) for key, value in smtp_server.config.items()
    }
    env = worker_env | mail | {"OUTBOX_POLL_SECONDS": "0.2"}
    process = _start(env, "--workers", "1")
    try:
        mails = smtp_server.wait_for(1, timeout=30)
        assert code in mails[0].get_body(("plain",)).get_content()
        assert smtp_server.to("le.van.nam@example.vn")
        deadline = time.monotonic() + 20  # the worker records what it sent right after sending
        while _status(receipt) != "sent" and time.monotonic() < deadline:
            time.sleep(0.1)
        assert _status(receipt) == "sent"
    finally:
        process.terminate()
        process.wait(timeout=20)


def _status(row):
    status = db.session.scalar(select(Notification.status).where(Notification.id == row.id))
    db.session.commit()  # no transaction left open while the worker writes
    return status
