"""Rate limits per IP (from the configuration) and CSRF on the citizen's form."""

import pytest

from app import create_app
from app.extensions import db
from tests.factories import make_units
from tests.feedback.intake.conftest import counts, csrf_token, form_data, newest_item


@pytest.fixture
def limited_app(database_url, tmp_path):
    """A fresh application with rate limits on: 2 submissions and 3 lookups a minute per IP."""
    app = create_app(
        "testing",
        SQLALCHEMY_DATABASE_URI=database_url,
        NOTICES_DIR=str(tmp_path / "notices"),
        SEARCH_INDEX_DIR=str(tmp_path / "search_index"),
        WTF_CSRF_ENABLED=False,
        RATELIMIT_ENABLED=True,
        RATELIMIT_STORAGE_URI="memory://",
        FEEDBACK_RATE_LIMIT="2 per minute",
        TRACKING_RATE_LIMIT="3 per minute",
    )
    with app.app_context():
        yield app
        db.session.rollback()
        from tests.conftest import _empty_tables

        _empty_tables()
        db.session.remove()
        db.engine.dispose()


def test_the_third_submission_in_a_minute_gets_429_in_vietnamese(limited_app):
    units = make_units()
    client = limited_app.test_client()
    assert client.get("/feedback/new").status_code == 200  # reading the form is not limited
    assert client.post("/feedback/new", data=form_data(units)).status_code == 303
    assert client.post("/api/v1/feedback", json=form_data(units)).status_code == 201  # one budget for both
    before = counts(limited_app)
    refused = client.post("/feedback/new", data=form_data(units))
    assert refused.status_code == 429
    assert "Bạn thao tác quá nhanh" in refused.get_data(as_text=True)
    api = client.post("/api/v1/feedback", json=form_data(units))
    assert api.status_code == 429 and "Bạn thao tác quá nhanh" in api.get_json()["message"]
    assert counts(limited_app) == before
    other_ip = limited_app.test_client()
    assert (
        other_ip.post("/feedback/new", data=form_data(units), environ_base={"REMOTE_ADDR": "10.0.0.9"}).status_code
        == 303
    )


def test_lookups_by_code_are_limited_whatever_the_code(limited_app):
    units = make_units()
    client = limited_app.test_client()
    client.post("/feedback/new", data=form_data(units))
    code = newest_item().tracking_code
    assert client.get(f"/track/{code}").status_code == 200
    assert client.get("/track/PA-7K4Q-M2XD-9WTR").status_code == 404
    assert client.get("/api/v1/feedback/PA-7K4Q-M2XD-9WTR").status_code == 404
    assert client.get(f"/track/{code}").status_code == 429
    assert client.get(f"/api/v1/feedback/{code}").status_code == 429


def test_rate_limits_can_be_switched_off(database_url, tmp_path):
    app = create_app(
        "testing",
        SQLALCHEMY_DATABASE_URI=database_url,
        NOTICES_DIR=str(tmp_path / "notices"),
        RATELIMIT_ENABLED=False,
        FEEDBACK_RATE_LIMIT="1 per minute",
        WTF_CSRF_ENABLED=False,
    )
    with app.app_context():
        try:
            units = make_units()
            client = app.test_client()
            assert [client.post("/feedback/new", data=form_data(units)).status_code for _ in range(3)] == [303] * 3
        finally:
            db.session.rollback()
            from tests.conftest import _empty_tables

            _empty_tables()
            db.session.remove()
            db.engine.dispose()


def test_the_form_needs_its_csrf_token(csrf_app, client, units):
    before = counts(csrf_app)
    refused = client.post("/feedback/new", data=form_data(units))
    assert refused.status_code == 400
    assert "Phiên làm việc đã hết hạn hoặc biểu mẫu không hợp lệ" in refused.get_data(as_text=True)
    assert counts(csrf_app) == before

    page = client.get("/feedback/new").get_data(as_text=True)
    accepted = client.post("/feedback/new", data=form_data(units, csrf_token=csrf_token(page)))
    assert accepted.status_code == 303
    assert newest_item() is not None


def test_rating_needs_the_csrf_token_too(csrf_app, client, units, official):
    from app.feedback.events import apply_action

    page = client.get("/feedback/new").get_data(as_text=True)
    client.post("/feedback/new", data=form_data(units, csrf_token=csrf_token(page)))
    item = newest_item()
    apply_action(item, "reply", official, is_public=True)
    item.answer_html = "<p>Đã sửa.</p>"
    db.session.commit()
    assert client.post(f"/track/{item.tracking_code}/rating", data={"rating": "5"}).status_code == 400
    track = client.get(f"/track/{item.tracking_code}").get_data(as_text=True)
    response = client.post(f"/track/{item.tracking_code}/rating", data={"rating": "5", "csrf_token": csrf_token(track)})
    assert response.status_code == 303
    db.session.refresh(item)
    assert item.rating == 5
