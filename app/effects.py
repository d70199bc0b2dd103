"""Effects of a change (core): rows written in its transaction, work done once it is committed.

A lower layer never imports the layers that must follow its changes; they register here at start-up:

- `on_flush(handler)`: `handler(session, instances)` runs after every flush with the instances added,
  changed or deleted, and may write rows of its own in the same transaction (the inspectors' rollup
  change rows). A row written with the change commits or rolls back with it: nothing is ever missed.
- `after_commit(name, handler)` names work that must wait for the commit (bring the search index up to
  date, hand notifications to the worker); `due_after_commit(name)` asks for it in the current
  transaction. It runs once, when the request or the application context (a command) ends,
  only if that transaction committed; a rollback forgets it. A failing handler is logged, never raised:
  what it does is derived from committed rows, so a later run catches up.
- `transaction_memo(session, key)`: a set that lives as long as the current transaction, for handlers
  that write one row per key however many flushes the transaction makes.
"""

import itertools
import logging

from flask import g, has_app_context
from sqlalchemy import event
from sqlalchemy.orm import Session

from app.extensions import db

log = logging.getLogger(__name__)

_flush_handlers = []
_commit_handlers = {}
_MEMO_KEY = "effects_memo"
_DUE_KEY = "effects_due"
_FLUSHED_KEY = "effects_flushed"  # the current transaction has written something


def on_flush(handler):
    """Call `handler(session, instances)` after every flush (registering twice is harmless)."""
    if handler not in _flush_handlers:
        _flush_handlers.append(handler)
    return handler


def after_commit(name, handler):
    """Register `handler()` as the work named `name`, run after a commit that asked for it."""
    _commit_handlers[name] = handler


def due_after_commit(name, session):
    """Ask for the work `name` to run once the session's current transaction has committed."""
    session.info.setdefault(_DUE_KEY, set()).add(name)


def transaction_memo(session, key):
    """Return a set kept for the session's current transaction (emptied on commit and rollback)."""
    return session.info.setdefault(_MEMO_KEY, {}).setdefault(key, set())


@event.listens_for(Session, "after_flush")
def _run_flush_handlers(session, flush_context):
    session.info[_FLUSHED_KEY] = True
    if not _flush_handlers:
        return
    instances = list(itertools.chain(session.new, session.dirty, session.deleted))
    for handler in _flush_handlers:
        handler(session, instances)


@event.listens_for(Session, "after_commit")
def _note_committed(session):
    session.info.pop(_MEMO_KEY, None)
    session.info.pop(_FLUSHED_KEY, None)
    due = session.info.pop(_DUE_KEY, None)
    if due and has_app_context():
        g.setdefault("committed_effects", set()).update(due)


@event.listens_for(Session, "after_soft_rollback")
def _forget(session, previous_transaction):
    session.info.pop(_MEMO_KEY, None)  # a mark written in a rolled-back savepoint must be written again
    if not previous_transaction.nested:
        session.info.pop(_DUE_KEY, None)
        session.info.pop(_FLUSHED_KEY, None)


def _holds_uncommitted_work(session):
    return bool(session.new or session.dirty or session.deleted or session.info.get(_FLUSHED_KEY))


def run_committed_effects(_error=None):
    """Teardown: run the work committed transactions asked for, each once, errors logged."""
    if "committed_effects" not in g or _holds_uncommitted_work(db.session):
        return
    due = g.pop("committed_effects")
    for name in sorted(due or ()):
        try:
            _commit_handlers[name]()
        except Exception:
            log.exception("Running %r after commit failed", name)


def init_effects(app):
    """Run committed effects when each request, and each application context (CLI commands), ends."""
    # Both: a request inside an application context already pushed (tests, a script) ends without
    # tearing that context down; the second call finds nothing left to run.
    app.teardown_request(run_committed_effects)
    app.teardown_appcontext(run_committed_effects)
