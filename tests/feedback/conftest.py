"""Staff of the queue's tests: commune A's officials and leader, commune B's official, the province's
inspector and administrator (units from tests/conftest.py)."""

import pytest

from tests.factories import make_user


@pytest.fixture
def official(units):
    return make_user("official", units[1], username="canbo.a")


@pytest.fixture
def colleague(units):
    """A second official of commune A."""
    return make_user("official", units[1], username="canbo.a2")


@pytest.fixture
def leader(units):
    return make_user("leader", units[1], username="lanhdao.a")


@pytest.fixture
def official_b(units):
    return make_user("official", units[2], username="canbo.b")


@pytest.fixture
def inspector(units):
    return make_user("inspector", units[0], username="thanhtra")


@pytest.fixture
def admin(units):
    return make_user("admin", units[0], username="quantri")
