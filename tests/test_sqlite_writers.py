"""SQLite's one write lock: a request's writer waits for it by trying again every half millisecond, as long
as before; the worker and commands keep SQLite's own wait, which backs off and leaves the lock to requests."""

import secrets
import sqlite3
import threading
from contextlib import nullcontext

import pytest
from sqlalchemy import text
from sqlalchemy.exc import OperationalError

from app import database
from app.extensions import db


@pytest.fixture
def sqlite_file(app):
    if db.engine.dialect.name != "sqlite":
        pytest.skip("only SQLite has one write lock for the whole database")
    return db.engine.url.database


def hold_write_lock(path):
    """Another connection (another gunicorn worker) that holds the write lock until told to let go."""
    other = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    other.execute("BEGIN IMMEDIATE")
    return other


def busy_timeout():
    return db.session.execute(text("PRAGMA busy_timeout")).scalar()


@pytest.mark.parametrize("where", ["request", "worker"])
def test_a_writer_waits_for_the_lock_and_writes_once_the_other_lets_go(app, sqlite_file, where):
    table = f"waited_{where}_{secrets.token_hex(4)}"
    other = hold_write_lock(sqlite_file)
    release = threading.Timer(0.3, other.execute, args=("ROLLBACK",))
    release.start()
    try:
        with app.test_request_context(method="POST") if where == "request" else nullcontext():
            db.session.execute(text(f"CREATE TABLE {table} (id INTEGER)"))
            assert busy_timeout() == database.BUSY_TIMEOUT_MS  # later statements keep SQLite's own wait
            db.session.commit()
    finally:
        release.join()
        other.close()
    assert db.session.execute(text(f"SELECT count(*) FROM {table}")).scalar() == 0


def test_a_lock_held_past_the_busy_timeout_is_sqlalchemys_database_is_locked(app, sqlite_file, monkeypatch):
    monkeypatch.setattr(database, "BUSY_TIMEOUT_MS", 50)
    other = hold_write_lock(sqlite_file)
    try:
        with app.test_request_context(method="POST"), pytest.raises(OperationalError, match="database is locked"):
            db.session.execute(text(f"CREATE TABLE never_{secrets.token_hex(4)} (id INTEGER)"))
        db.session.rollback()
    finally:
        other.execute("ROLLBACK")
        other.close()
    with app.test_request_context(method="POST"):  # the lock free again, the same session writes
        db.session.execute(text(f"CREATE TABLE later_{secrets.token_hex(4)} (id INTEGER)"))
        assert busy_timeout() == 50  # the connection's wait for later statements restored
        db.session.commit()


def test_end_reading_ends_the_read_on_sqlite_and_keeps_one_transaction_elsewhere(app):
    with database.read_transactions():
        db.session.execute(text("SELECT 1"))
        database.end_reading(db.session)
    assert db.session().in_transaction() is (db.engine.dialect.name != "sqlite")
    db.session.rollback()
