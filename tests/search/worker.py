"""A separate process for the concurrency and crash tests: `python -m tests.search.worker MODE ...`.

Each mode works on the database and index directory given on the command line, exactly as
a gunicorn worker or a CLI command of another process would.

    publish DB INDEX UNIT COUNT BARRIER NAME   wait for the barrier, then publish COUNT notices, each in
                                              its own POST request context (its teardown indexes it)
    publish-then-die DB INDEX UNIT             publish and commit outside a request, then SIGKILL itself
                                              before anything is indexed
    apply-then-die DB INDEX AFTER              apply pending changes; SIGKILL itself after AFTER documents
                                              were written, before the index commit
    rebuild-then-die DB INDEX AFTER            rebuild; SIGKILL itself after AFTER documents
"""

import os
import signal
import sys
import time
from pathlib import Path


def _app(database_url, index_dir):
    from app import create_app

    return create_app(
        "testing",
        SQLALCHEMY_DATABASE_URI=database_url,
        SEARCH_INDEX_DIR=index_dir,
        NOTICES_DIR=str(Path(index_dir).parent / "notices"),
        WTF_CSRF_ENABLED=False,
    )


def _die():
    sys.stdout.flush()
    os.kill(os.getpid(), signal.SIGKILL)


def _publish_one(unit_code, title):
    from app.accounts.models import AdministrativeUnit
    from app.extensions import db
    from app.notices import services
    from tests.factories import notice_fields

    unit = AdministrativeUnit.by_code(unit_code)
    notice = services.create_notice(unit, notice_fields(title=title), None)
    services.publish_notice(notice, None)
    db.session.commit()
    return notice.id


def _wait_for(barrier, name, parties=2, timeout=20):
    Path(barrier, name).touch()
    deadline = time.monotonic() + timeout
    while len(os.listdir(barrier)) < parties:
        if time.monotonic() > deadline:
            raise SystemExit("barrier timeout")
        time.sleep(0.01)


def publish(database_url, index_dir, unit_code, count, barrier, name):
    app = _app(database_url, index_dir)
    with app.app_context():
        _wait_for(barrier, name)
    for number in range(int(count)):
        # Like a gunicorn worker: one request context per publish; popping it runs the teardown.
        with app.test_request_context("/manage/notices/publish", method="POST"):
            notice_id = _publish_one(unit_code, f"Thông báo {name} số {number} về kênh mương nội đồng")
        print(notice_id, flush=True)


def publish_then_die(database_url, index_dir, unit_code):
    app = _app(database_url, index_dir)
    with app.app_context():
        print(_publish_one(unit_code, "Thông báo lịch tiêm phòng cúm gia cầm đợt hai"), flush=True)
        _die()


def apply_then_die(database_url, index_dir, after):
    from app.search import services, writing

    original = writing.Batch.update
    written = {"count": 0}

    def update_then_die(self, document):
        original(self, document)
        written["count"] += 1
        if written["count"] >= int(after):
            _die()

    writing.Batch.update = update_then_die
    app = _app(database_url, index_dir)
    with app.app_context():
        services.sync()


def rebuild_then_die(database_url, index_dir, after):
    from app.search import services

    def progress(done, total):
        if done >= int(after):
            _die()

    app = _app(database_url, index_dir)
    with app.app_context():
        services.rebuild(progress=progress)


MODES = {
    "publish": publish,
    "publish-then-die": publish_then_die,
    "apply-then-die": apply_then_die,
    "rebuild-then-die": rebuild_then_die,
}

if __name__ == "__main__":
    MODES[sys.argv[1]](*sys.argv[2:])
