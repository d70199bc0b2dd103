"""Fixtures for short URLs, QR codes and posters: a commune with an official and notices."""

import pytest

from tests.factories import make_notice, make_user


@pytest.fixture
def official(units):
    return make_user("official", units[1])


@pytest.fixture
def notice(units, official):
    """A published notice of commune A."""
    return make_notice(units[1], official)


@pytest.fixture
def draft(units, official):
    """A draft of commune A (no short code yet)."""
    return make_notice(units[1], official, publish=False, title="Bản nháp chưa công bố về quỹ đất công ích")
