"""A connection the database drops after a request's work is done (a restart between the commit and the end of
the request) is discarded when the session closes, never raised: the citizen already has the answer."""

import pytest
from sqlalchemy import create_engine, text

from app.extensions import db


def test_a_connection_dropped_before_the_session_closes_is_discarded(app, database_url):
    if not database_url.startswith("postgresql"):
        pytest.skip("only a server can drop a connection from its side")
    with app.app_context():
        pid = db.session.scalar(text("SELECT pg_backend_pid()"))  # a transaction is open on that connection
        other = create_engine(database_url)
        with other.connect() as connection:
            connection.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
            connection.commit()
        other.dispose()
    # The context ended without an error; the next one gets a working connection.
    with app.app_context():
        assert db.session.scalar(text("SELECT 1")) == 1
