"""The queue state machine refuses what the law's workflow does not allow."""

import pytest

from app.feedback.states import STATUSES, TRANSITIONS, IllegalTransition, allowed_actions, next_status


def test_happy_path_from_receipt_to_closure():
    status = "received"
    for action, expected in [
        ("acknowledge", "accepted"),
        ("request_information", "waiting_for_citizen"),
        ("receive_information", "accepted"),
        ("reply", "answered"),
        ("close", "closed"),
        ("reopen", "reopened"),
        ("reply", "answered"),
    ]:
        status = next_status(status, action)
        assert status == expected


@pytest.mark.parametrize(
    ("status", "action"),
    [
        ("closed", "reply"),
        ("received", "close"),
        ("answered", "acknowledge"),
        ("rejected", "reply"),
        ("waiting_for_citizen", "reply"),
        ("waiting_for_citizen", "extend"),
        ("answered", "extend"),
        ("received", "rate"),
    ],
)
def test_illegal_transitions_raise(status, action):
    with pytest.raises(IllegalTransition):
        next_status(status, action)


def test_every_transition_leads_to_a_known_status():
    for allowed_from, target in TRANSITIONS.values():
        assert allowed_from <= set(STATUSES)
        assert target is None or target in STATUSES


def test_closed_items_can_only_be_reopened_noted_or_rated():
    assert sorted(allowed_actions("closed")) == ["note", "rate", "reopen"]
