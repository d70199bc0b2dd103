"""flask seed-demo --feedback N: a believable 18-month queue, consistent with the state machine and engine."""

from collections import Counter
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app.clock import local_today, to_local
from app.extensions import db
from app.feedback.kinds import FEEDBACK_KINDS
from app.feedback.models import Feedback, FeedbackEvent
from app.feedback.states import next_status
from app.feedback.tracking import normalise_code

RUNNING = ("received", "accepted", "reopened")


def seed(runner, feedback, notices=60):
    result = runner.invoke(args=["seed-demo", "--notices", str(notices), "--feedback", str(feedback)])
    assert result.exit_code == 0, result.output
    return result


def total():
    return db.session.scalar(select(func.count()).select_from(Feedback))


@pytest.fixture
def queue(runner):
    result = seed(runner, 400)
    return result, db.session.scalars(select(Feedback).order_by(Feedback.id)).all()


def test_the_queue_has_every_kind_and_the_cases_inspectors_look_for(queue):
    result, items = queue
    today = local_today()
    assert len(items) == 400
    assert "Created 400 queue items" in result.stdout
    assert set(Counter(item.kind for item in items)) == set(FEEDBACK_KINDS)

    answered = [item for item in items if item.answered_at and item.resolve_due]
    on_time = [item for item in answered if to_local(item.answered_at).date() <= item.resolve_due]
    late = [item for item in answered if to_local(item.answered_at).date() > item.resolve_due]
    overdue = [item for item in items if item.status in RUNNING and item.resolve_due and item.resolve_due < today]
    still_open = [item for item in items if item.status in RUNNING and item.resolve_due and item.resolve_due >= today]
    assert on_time and late and overdue and still_open
    assert len(on_time) > len(late)  # most communes answer in time
    assert any(item.forwarded_from_id for item in items)
    assert any(item.rating for item in items)
    assert any(item.status == "closed" for item in items)
    assert any(item.reopen_count for item in items)
    assert any(item.is_public and item.notice_id and item.kind == "question" for item in items)


def test_items_spread_over_the_past_eighteen_months(queue):
    _, items = queue
    days = [to_local(item.received_at).date() for item in items]
    assert max(days) <= local_today()
    assert min(days) >= local_today() - timedelta(days=549)
    assert min(days) <= local_today() - timedelta(days=365)


def test_every_history_replays_through_the_state_machine(queue):
    _, items = queue
    for item in items:
        events = sorted(item.events, key=lambda event: (event.created_at, event.id))
        assert events[0].action == "receive" and events[0].to_status == "received"
        assert events[0].created_at == item.received_at
        status = "received"
        for event in events[1:]:
            assert event.from_status == status
            status = next_status(status, event.action)
            assert event.to_status == status
        assert item.status == status, item.tracking_code
        assert normalise_code(item.tracking_code) == item.tracking_code


def test_identity_is_there_where_the_kind_requires_it(queue):
    _, items = queue
    for item in items:
        if item.kind == "complaint":
            assert item.submitter_name and item.submitter_address, item.tracking_code
            assert len(item.submitter_id_number) == 12 and item.submitter_id_number.isdigit()
        if item.kind == "denunciation":  # sealed on arrival: nothing of it in clear
            assert item.sealed_identity and item.sealed_key_fingerprint, item.tracking_code
            assert not (item.submitter_name or item.submitter_address or item.submitter_id_number)
        if item.kind in ("question", "petition"):
            assert item.submitter_id_number == ""
        if item.has_identity or item.submitter_phone:
            assert item.has_consented


def test_seeding_again_adds_nothing_and_a_larger_n_tops_up(runner, queue):
    result = seed(runner, 400)
    assert "Demo queue already present: 400 items" in result.stdout
    assert total() == 400
    events = db.session.scalar(select(func.count()).select_from(FeedbackEvent))

    seed(runner, 450)

    assert total() == 450
    assert db.session.scalar(select(func.count()).select_from(FeedbackEvent)) > events


def test_a_seeded_item_can_be_tracked_by_its_code(client, queue):
    _, items = queue
    answered = next(item for item in items if item.answered_at and item.is_public)

    page = client.get(f"/track/{answered.tracking_code}")
    api = client.get(f"/api/v1/feedback/{answered.tracking_code}")

    assert page.status_code == 200 and api.status_code == 200
    assert api.get_json()["status"] == answered.status
