"""Fixtures for the JSON API: a small unit tree, an official and a way to count SQL statements."""

import pytest
from sqlalchemy import event

from app.extensions import db
from tests.factories import make_unit, make_user


@pytest.fixture
def official(units):
    return make_user("official", units[1])


@pytest.fixture
def district_tree(units):
    """A former district under the province with one commune: (district, commune)."""
    province = units[0]
    district = make_unit("213", "Huyện Sơn Động (cũ)", "district", province)
    commune = make_unit("07600", "Xã An Lạc", "commune", district)
    db.session.commit()
    return district, commune


class StatementCounter:
    """Count the SELECT statements sent to the database while active (not BEGIN, PRAGMA...)."""

    def __init__(self):
        self.count = 0

    def __call__(self, connection, cursor, statement, *args):
        if statement.lstrip().upper().startswith("SELECT"):
            self.count += 1


@pytest.fixture
def count_statements(app):
    """Return a function that runs a callable and returns (result, number of SELECT statements).

    The session is emptied first, so the request starts like a real one: nothing loaded yet.
    """

    def run(function):
        db.session.remove()
        counter = StatementCounter()
        event.listen(db.engine, "before_cursor_execute", counter)
        try:
            result = function()
        finally:
            event.remove(db.engine, "before_cursor_execute", counter)
        return result, counter.count

    return run
