"""app.effects: work asked for in a transaction runs once after it commits, never after a rollback."""

import pytest

from app import effects
from app.accounts.models import AdministrativeUnit
from app.extensions import db
from tests.factories import make_unit

RAN = []


@pytest.fixture
def probe_effect(app):
    """Register a "test-effect" that notes each run; unregister it afterwards."""
    RAN.clear()
    effects.after_commit("test-effect", lambda: RAN.append("ran"))
    yield
    effects._commit_handlers.pop("test-effect", None)


def test_work_runs_once_after_commit_and_not_after_rollback(app, probe_effect):
    effects.due_after_commit("test-effect", db.session)
    db.session.rollback()
    effects.run_committed_effects()
    assert RAN == []  # the rollback forgot it

    make_unit("24", "Tỉnh Bắc Ninh", "province")
    effects.due_after_commit("test-effect", db.session)
    effects.due_after_commit("test-effect", db.session)  # asked twice in one transaction: runs once
    db.session.commit()
    assert RAN == []  # not before the request or command ends
    effects.run_committed_effects()
    effects.run_committed_effects()
    assert RAN == ["ran"]


def test_a_request_runs_what_it_committed_when_it_ends(app, probe_effect):
    @app.post("/effects-probe")
    def probe():
        make_unit("24", "Tỉnh Bắc Ninh", "province")
        effects.due_after_commit("test-effect", db.session)
        db.session.commit()
        return {"ran_before_response": list(RAN)}

    response = app.test_client().post("/effects-probe")
    assert response.json == {"ran_before_response": []}
    assert RAN == ["ran"]


def test_flush_handlers_see_the_changed_instances_and_write_in_the_same_transaction(app):
    seen = []

    def remember(session, instances):
        seen.extend(instance for instance in instances if isinstance(instance, AdministrativeUnit))
        marks = effects.transaction_memo(session, "test-marks")
        marks.update(instance.code for instance in instances if isinstance(instance, AdministrativeUnit))

    effects.on_flush(remember)
    effects.on_flush(remember)  # registering twice is harmless
    try:
        unit = make_unit("24", "Tỉnh Bắc Ninh", "province")
        assert seen.count(unit) == 1
        assert effects.transaction_memo(db.session, "test-marks") == {"24"}
        db.session.rollback()
        assert effects.transaction_memo(db.session, "test-marks") == set()  # gone with the transaction
    finally:
        effects._flush_handlers.remove(remember)


def test_work_waits_while_the_session_holds_uncommitted_changes(app, probe_effect):
    make_unit("24", "Tỉnh Bắc Ninh", "province")
    effects.due_after_commit("test-effect", db.session)
    db.session.commit()
    commune = make_unit("07627", "Xã Đại Sơn")  # flushed by the factory, not committed

    with app.test_request_context():  # a request ending inside the script's context
        pass

    assert RAN == []  # the work waits: its handler could end the transaction that holds the commune
    assert db.session.get(AdministrativeUnit, commune.id) is commune
    db.session.commit()
    effects.run_committed_effects()
    assert RAN == ["ran"]
