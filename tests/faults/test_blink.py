"""A database that blinks for less than DB_RETRY_SECONDS: the request waits for it and goes through.

The "blink" is a SQLite database whose folder appears 1.5 s after the request began (until then it
cannot be opened): each request is run again until it can, and answers as if nothing happened. A run
again is not a new request for the rate limits: a citizen's submission counts once, however many times
it ran.
"""

import threading
import time

import pytest

from app import create_app
from app.extensions import db
from tests.faults.server import prepare_database

pytestmark = pytest.mark.faults

OUTAGE = 1.5
SUBMISSION = {"kind": "question", "unit": "07246", "text": "Đèn đường thôn Trại hỏng đã hai tuần."}


@pytest.fixture
def blinking_app(tmp_path):
    """An app on a database that is not there yet; `app.come_back()` puts it there OUTAGE seconds later."""
    ready, live = tmp_path / "ready", tmp_path / "live"
    ready.mkdir()
    prepare_database(f"sqlite:///{ready / 'congkhai.db'}", tmp_path)
    app = create_app(
        "testing",
        SQLALCHEMY_DATABASE_URI=f"sqlite:///{live / 'congkhai.db'}",
        NOTICES_DIR=str(tmp_path / "notices"),
        SEARCH_INDEX_DIR=str(tmp_path / "search_index"),
        OUTBOX_DIR=str(tmp_path / "outbox"),
        DB_RETRY_SECONDS=10,
        RATELIMIT_ENABLED=True,
        RATELIMIT_STORAGE_URI="memory://",
        FEEDBACK_RATE_LIMIT="2 per minute",
    )
    timer = threading.Timer(OUTAGE, ready.rename, args=(live,))
    app.come_back = timer.start
    yield app
    timer.cancel()
    timer.join()
    with app.app_context():
        db.engine.dispose()


def test_a_submission_during_a_blink_goes_through_and_counts_once_for_the_rate_limit(blinking_app):
    client = blinking_app.test_client()
    started = time.monotonic()
    blinking_app.come_back()
    first = client.post("/api/v1/feedback", json=SUBMISSION, headers={"Idempotency-Key": "blink-0000001"})
    waited = time.monotonic() - started
    assert first.status_code == 201, first.get_json()
    assert OUTAGE <= waited < OUTAGE + 5

    # The limit is 2 a minute: the first submission, run again several times, counted once.
    second = client.post("/api/v1/feedback", json=SUBMISSION, headers={"Idempotency-Key": "blink-0000002"})
    assert second.status_code == 201
    third = client.post("/api/v1/feedback", json=SUBMISSION, headers={"Idempotency-Key": "blink-0000003"})
    assert third.status_code == 429


def test_a_page_during_a_blink_waits_for_the_database(blinking_app):
    client = blinking_app.test_client()
    blinking_app.come_back()
    response = client.get("/api/v1/units?parent=24")
    assert response.status_code == 200
    assert any(unit["code"] == "07246" for unit in response.get_json()["items"])
