"""Database engine tuning: SQLite WAL and writer serialisation; nothing else."""

import sqlite3
from contextlib import contextmanager
from contextvars import ContextVar

from flask import has_request_context, request
from sqlalchemy import event, text
from sqlalchemy.engine import Engine

READ_ONLY_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
# Not /audit/: those pages only read (app/inspection/views.py), and a province's figures can take seconds
# on a large queue; holding the write lock meanwhile would stall every writer and every other inspector.
STAFF_PATH_PREFIXES = ("/manage/",)


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
    cursor.execute("PRAGMA busy_timeout=30000")
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
    else:
        connection.exec_driver_sql("BEGIN IMMEDIATE")
