"""On SQLite, giving an opinion reads the consultation and checks the opinion without the database's one write
lock: a refusal is answered at once while another worker writes; only spending the code and writing wait.
The API and the notice page's form (no JavaScript) alike."""

import sqlite3
from contextlib import contextmanager

import pytest

from app import database
from app.extensions import db

PHONE = "0912345678"


@pytest.fixture
def lock_held_elsewhere(app, monkeypatch):
    """A context in which another connection holds SQLite's write lock; a request that needs it fails (503)."""
    if db.engine.dialect.name != "sqlite":
        pytest.skip("only SQLite has one write lock for the whole database")
    app.config["DB_RETRY_SECONDS"] = 0  # a request that needed the lock would fail (503), not wait
    monkeypatch.setattr(database, "BUSY_TIMEOUT_MS", 50)

    @contextmanager
    def held():
        db.session.commit()  # the test's own transaction ends: only the other connection holds the lock
        other = sqlite3.connect(db.engine.url.database, isolation_level=None, check_same_thread=False)
        other.execute("BEGIN IMMEDIATE")
        try:
            yield
        finally:
            other.execute("ROLLBACK")
            other.close()

    return held


def test_the_api_checks_an_opinion_while_another_worker_holds_the_write_lock(client, consultation, lock_held_elsewhere):
    opinions = f"/api/v1/consultations/{consultation.id}/opinions"
    with lock_held_elsewhere():
        refused = client.post(opinions, json={"phone": PHONE, "code": "123456", "choice": "maybe"})
        locked_out = client.post(opinions, json={"phone": PHONE, "code": "123456", "choice": "agree"})
    assert refused.status_code == 422 and list(refused.get_json()["errors"]) == ["choice"]
    assert locked_out.status_code == 503  # spending a code writes: that one needed the lock


def test_the_page_checks_an_opinion_while_another_worker_holds_the_write_lock(
    client, notice, consultation, lock_held_elsewhere
):
    step_two = f"/notices/{notice.id}/consultation/opinion"
    with lock_held_elsewhere():
        bad_choice = client.post(step_two, data={"choice": "maybe", "phone": PHONE, "code": "123456"})
        bad_phone = client.post(step_two, data={"choice": "agree", "phone": "0241234567", "code": "123456"})
        locked_out = client.post(step_two, data={"choice": "agree", "phone": PHONE, "code": "123456"})
    # A changed hidden field sends the citizen back to step one, the message under its field.
    assert bad_choice.status_code == 422 and "Phương án không hợp lệ" in bad_choice.get_data(as_text=True)
    assert bad_phone.status_code == 422 and "Số điện thoại di động không hợp lệ" in bad_phone.get_data(as_text=True)
    assert locked_out.status_code == 503  # a code is spent or its wrong try counted: that one needed the lock
