"""Database engine tuning: SQLite WAL and writer serialisation; nothing else."""

import sqlite3
import time
from contextlib import contextmanager
from contextvars import ContextVar

from flask import has_request_context, request
from sqlalchemy import event, text
from sqlalchemy.engine import Engine

READ_ONLY_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
# Not /audit/: those pages only read (app/inspection/views.py), and a province's figures can take seconds
# on a large queue; holding the write lock meanwhile would stall every writer and every other inspector.
STAFF_PATH_PREFIXES = ("/manage/",)
BUSY_TIMEOUT_MS = 30_000  # how long a statement waits for a lock before "database is locked"
LOCK_POLL_SECONDS = 0.0005  # how often a writer waiting for the write lock tries again


# Set by `write_transactions()`: the next transactions queue for SQLite's write lock even on a GET.
_writing = ContextVar("writing", default=False)
# Set by `read_transactions()`: the next transactions only read, even outside a GET (the outbox worker).
_reading = ContextVar("reading", default=False)


@contextmanager
def write_transactions():
    """Within this block, SQLite transactions begin IMMEDIATE (they will write), whatever the request."""
    token = _writing.set(True)
    try:
        yield
    finally:
        _writing.reset(token)


@contextmanager
def read_transactions():
    """Within this block, SQLite transactions begin deferred: they read a snapshot and take no write lock,
    so a submission never waits for them (WAL). Only for work that writes nothing: a deferred transaction
    that writes after another writer committed fails at once instead of queueing."""
    token = _reading.set(True)
    try:
        yield
    finally:
        _reading.reset(token)


def end_reading(session):
    """End the reads of a `read_transactions()` block before the request writes. On SQLite this is what lets
    the writes that follow take the write lock on their own; elsewhere (no such lock) the reads stay in the
    request's one transaction, and nothing is expired or begun again."""
    if session.get_bind().dialect.name == "sqlite":
        session.commit()


def _is_staff_path(path):
    return path.startswith(STAFF_PATH_PREFIXES)


@event.listens_for(Engine, "connect")
def _configure_sqlite(dbapi_connection, connection_record):
    if not isinstance(dbapi_connection, sqlite3.Connection):
        return
    # Let SQLAlchemy's "begin" event decide how a transaction starts (see below).
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    # Wait for locks before anything else, including the journal-mode switch.
    cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def refresh_statistics(session):
    """Let the query planner know the tables' sizes after a bulk load (ANALYZE, SQLite and PostgreSQL).

    Without statistics SQLite guesses, and on a large notices table it picks a range scan over
    the covering per-commune index for the home page's counts (100 ms instead of 2 ms).
    """
    session.execute(text("ANALYZE"))
    session.commit()


@event.listens_for(Engine, "begin")
def _begin_sqlite(connection):
    if connection.dialect.name != "sqlite":
        return
    # A deferred transaction that reads and then writes fails at once with "database is
    # locked" when another writer got in between; BEGIN IMMEDIATE queues for the write
    # lock instead. Public reads keep the cheap deferred BEGIN; staff pages may write an
    # audit entry even on GET (e.g. viewing a denouncer's identity), so they queue too.
    reading = _reading.get() or (
        has_request_context() and request.method in READ_ONLY_METHODS and not _is_staff_path(request.path)
    )
    if reading and not _writing.get():
        connection.exec_driver_sql("BEGIN")
    elif has_request_context():  # someone is waiting for the answer: take the lock as soon as it is free
        _begin_immediate(connection)
    else:  # the worker, a command: SQLite's own wait, which backs off and leaves the lock to requests
        connection.exec_driver_sql("BEGIN IMMEDIATE")


def _begin_immediate(connection):
    """BEGIN IMMEDIATE, trying again every LOCK_POLL_SECONDS while another writer holds the lock.

    SQLite's own busy handler sleeps 1, 2, 5, 10, 15, 20, 25 … ms between tries: a writer that just missed
    a lock held for 3 ms slept up to 25 ms, and with two gunicorn workers taking turns that sleep was
    most of a submission's time. Polling takes the lock within half a millisecond of its release; the
    wait is as long as before (BUSY_TIMEOUT_MS), and every later statement keeps SQLite's handler. The last
    try goes through SQLAlchemy, so that a lock never released raises its OperationalError, as before
    (which app.resilience answers with a retry or a 503).
    """
    dbapi_connection = connection.connection.dbapi_connection
    deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
    dbapi_connection.execute("PRAGMA busy_timeout=0")
    try:
        while time.monotonic() < deadline:
            try:
                dbapi_connection.execute("BEGIN IMMEDIATE")
                return
            except sqlite3.OperationalError as error:
                if "locked" not in str(error):
                    break
            time.sleep(LOCK_POLL_SECONDS)
        connection.exec_driver_sql("BEGIN IMMEDIATE")
    finally:
        dbapi_connection.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
