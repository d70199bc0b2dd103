"""When the database stays down past DB_RETRY_SECONDS: a 503 "please retry" in Vietnamese, never a 500.

The app points at a database that cannot be reached: a port of 127.0.0.1 where nothing listens
(PostgreSQL), a file in a folder that does not exist (SQLite). DB_RETRY_SECONDS is 0.5 s here, so
each request is run again for half a second before it gives up.
"""

import time

import pytest

from app import create_app
from app.extensions import db
from tests.faults.server import free_port

pytestmark = pytest.mark.faults

WINDOW = 0.5
MESSAGE = "Hệ thống đang bận hoặc tạm gián đoạn kết nối cơ sở dữ liệu. Vui lòng thử lại sau ít phút"


@pytest.fixture(params=["sqlite", "postgresql"])
def unreachable_app(request, tmp_path):
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'no-such-folder' / 'congkhai.db'}"  # cannot be opened
    else:
        url = f"postgresql+psycopg://postgres@127.0.0.1:{free_port()}/congkhai"  # nothing listens there
    app = create_app(
        "testing",
        SQLALCHEMY_DATABASE_URI=url,
        DB_RETRY_SECONDS=WINDOW,
        NOTICES_DIR=str(tmp_path / "notices"),
        SEARCH_INDEX_DIR=str(tmp_path / "search_index"),
        OUTBOX_DIR=str(tmp_path / "outbox"),
        WTF_CSRF_ENABLED=False,
    )
    yield app
    with app.app_context():
        db.engine.dispose()


def timed(call):
    started = time.monotonic()
    response = call()
    return response, time.monotonic() - started


def assert_unavailable(response, seconds):
    assert response.status_code == 503, response.get_data(as_text=True)[:500]
    assert response.headers["Retry-After"] == "5"
    # It ran the request again for about the window (0.5 s), not for the default 10 s, and then gave up.
    assert WINDOW * 0.5 <= seconds < 9


def test_a_page_answers_503_in_vietnamese_with_retry_after(unreachable_app):
    client = unreachable_app.test_client()
    for call in (
        lambda: client.get("/"),
        lambda: client.get("/feedback/new"),
        lambda: client.post(
            "/feedback/new",
            data={"kind": "question", "unit": "07246", "text": "Đèn đường hỏng.", "idempotency_key": "k" * 24},
        ),
    ):
        response, seconds = timed(call)
        assert_unavailable(response, seconds)
        assert response.mimetype == "text/html"
        page = response.get_data(as_text=True)
        assert MESSAGE in page
        assert "Lỗi 503" in page


def test_the_api_answers_json_503(unreachable_app):
    client = unreachable_app.test_client()
    for call in (
        lambda: client.get("/api/v1/units?parent=24"),
        lambda: client.post(
            "/api/v1/feedback",
            json={"kind": "question", "unit": "07246", "text": "Đèn đường hỏng."},
            headers={"Idempotency-Key": "fault-unavailable-0001"},
        ),
        lambda: client.post("/api/v1/feedback", json={"kind": "question", "unit": "07246", "text": "Không có khóa."}),
    ):
        response, seconds = timed(call)
        assert_unavailable(response, seconds)
        assert response.mimetype == "application/json"
        assert response.json["status"] == 503
        assert response.json["message"].startswith(MESSAGE)


def test_a_signed_in_official_gets_the_503_page_too(unreachable_app):
    """The session names a user: loading them needs the database, on the way in and on the error page."""
    client = unreachable_app.test_client()
    now = int(time.time())
    with client.session_transaction() as session:
        session["_user_id"] = "1:0"
        session["_fresh"] = True
        session["signed_in_at"] = session["seen_at"] = now
    for path in ("/manage/queue", "/"):
        response, seconds = timed(lambda path=path: client.get(path))
        assert_unavailable(response, seconds)
        assert MESSAGE in response.get_data(as_text=True)


def test_only_transient_sqlite_errors_count_as_a_lost_connection():
    import sqlite3

    from sqlalchemy.exc import OperationalError

    from app.resilience import is_connection_error

    def error(text):
        return OperationalError("SELECT 1", {}, sqlite3.OperationalError(text))

    assert is_connection_error(error("database is locked"))
    assert not is_connection_error(error("no such column: users.totp_secret"))  # a missed migration: no retry
