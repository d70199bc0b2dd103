"""A commit whose outcome is unknown is run again only for a submission the view will recognise when it comes back.

The database commits the submission and then the connection reports an error ("database is locked"): the item
is written, but the request cannot know it. A submission with a well-formed idempotency key is run again and
finds its item; one whose key the form throws away (malformed) would make a second item, so it is not run
again: the citizen gets the "please retry" page.
"""

import sqlite3

import pytest
from sqlalchemy import event, func, select
from sqlalchemy.exc import OperationalError

from app.extensions import db
from app.feedback.models import Feedback
from tests.feedback.intake.conftest import form_data, photo_bytes, upload


@pytest.fixture
def commit_lost_once(app, units):
    """The next commit (after the units') is written and then reported as failed, once; the list says if it was."""
    if db.engine.dialect.name != "sqlite":
        pytest.skip("the lost commit is told in SQLite's words")
    app.config["DB_RETRY_SECONDS"] = 5
    lost = []

    def commit_then_fail(connection):
        if lost:
            return
        lost.append(True)
        connection.connection.dbapi_connection.commit()  # the row is written …
        raise OperationalError("COMMIT", {}, sqlite3.OperationalError("database is locked"))  # … but not known

    engine = db.engine  # shared by the tests of this process: the listener goes when the test ends
    event.listen(engine, "commit", commit_then_fail)
    yield lost
    event.remove(engine, "commit", commit_then_fail)


def item_count():
    db.session.rollback()
    return db.session.scalar(select(func.count()).select_from(Feedback))


def test_a_form_with_a_key_is_run_again_after_a_lost_commit_and_finds_its_item(client, units, commit_lost_once):
    response = client.post("/feedback/new", data=form_data(units, idempotency_key="k" * 24))
    assert commit_lost_once and response.status_code == 303
    assert item_count() == 1


def test_a_form_with_a_malformed_key_is_not_run_again_after_a_lost_commit(client, units, commit_lost_once):
    response = client.post("/feedback/new", data=form_data(units, idempotency_key="<b>bad key</b>"))
    assert commit_lost_once and response.status_code == 503
    assert "hãy gửi lại" in response.get_data(as_text=True)
    assert item_count() == 1  # the one the lost commit wrote; no second one


def test_the_api_with_a_key_is_run_again_after_a_lost_commit(client, units, commit_lost_once):
    body = {"kind": "question", "unit": units[1].code, "text": "Xin hỏi lịch thu phí vệ sinh?"}
    response = client.post("/api/v1/feedback", json=body, headers={"Idempotency-Key": "retry-after-lost-1"})
    assert commit_lost_once and response.status_code == 200
    assert response.headers["Idempotent-Replayed"] == "true"
    assert item_count() == 1


@pytest.mark.parametrize(
    ("path", "request_options"),
    [
        ("/api/v1/feedback", {"json": {"kind": "question", "unit": "07627", "text": "Không có khóa."}}),
        ("/feedback/new", {"data": {"kind": "question", "unit": "07627", "text": "Không có khóa."}}),
        # The page reads its key from the form only: a header it never reads makes no second run safe.
        (
            "/feedback/new",
            {
                "data": {"kind": "question", "unit": "07627", "text": "Khóa ở tiêu đề."},
                "headers": {"Idempotency-Key": "header-the-page-ignores"},
            },
        ),
    ],
)
def test_a_submission_without_a_key_is_not_run_again_after_a_lost_commit(
    client, units, commit_lost_once, path, request_options
):
    response = client.post(path, **request_options)
    assert commit_lost_once and response.status_code == 503
    assert item_count() == 1


@pytest.fixture
def commit_fails_once(app, units):
    """The next commit (after the units') fails before anything is written, once: the request runs again."""
    if db.engine.dialect.name != "sqlite":
        pytest.skip("the failed commit is told in SQLite's words")
    app.config["DB_RETRY_SECONDS"] = 5
    failed = []

    def fail_before_writing(connection):
        if not failed:
            failed.append(True)
            raise OperationalError("COMMIT", {}, sqlite3.OperationalError("database is locked"))

    engine = db.engine
    event.listen(engine, "commit", fail_before_writing)
    yield failed
    event.remove(engine, "commit", fail_before_writing)


def test_a_form_run_again_reads_its_photos_again(client, units, commit_fails_once):
    """The first run read the photo's bytes; the second must not find the upload empty, nor lose it."""
    data = form_data(units, idempotency_key="photo-retry-" + "k" * 12, photos=[upload(photo_bytes(), "anh.jpg")])
    response = client.post("/feedback/new", data=data, content_type="multipart/form-data")
    assert commit_fails_once and response.status_code == 303, response.get_data(as_text=True)[:2000]
    assert item_count() == 1
    item = db.session.scalar(select(Feedback))
    assert len(item.photos) == 1 and item.photos[0].size > 0
