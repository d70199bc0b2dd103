"""The change log that carries every notice change from the database to each node's index.

1. `record_change(notice)` adds a SearchChange row in the caller's transaction: the change
   and the note that the index must follow commit (or roll back) together.
2. After a commit that recorded changes, the request (or command) applies them before it ends
   (`apply_committed`, an app.effects after-commit effect), so an official who has just
   published finds the notice.
3. Every search first applies what this node has not applied yet (a crash between commit
   and indexing, another worker's or another node's changes).

Applying reads the notices' current state from the database, so it is idempotent: a row
applied twice, or late, does no harm. Row ids are handed out in commit order (SQLite has
one writer at a time; on PostgreSQL `record_change` takes a transaction lock first), so a
node that has applied up to id N can never later see a committed row below N.
"""

import logging

from flask import current_app
from sqlalchemy import delete, func, select, text
from sqlalchemy.orm import joinedload

from app.accounts.models import AdministrativeUnit
from app.clock import utcnow
from app.effects import due_after_commit
from app.extensions import db
from app.notices.models import Notice
from app.search.documents import INDEXED_STATUSES, notice_document, unit_info
from app.search.index_errors import IndexBusy, IndexUnavailable
from app.search.models import SearchChange

log = logging.getLogger(__name__)

# Serialises change-log appends across PostgreSQL sessions until commit (ids in commit order).
_CHANGE_LOG_LOCK_KEY = 0x636B73  # "cks"
EFFECT = "search"  # the after-commit effect that applies the log to this node's index
APPLY_BATCH = 500


def record_change(notice):
    """Add a change-log row for the notice to the current transaction."""
    session = db.session
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _CHANGE_LOG_LOCK_KEY})
    session.add(SearchChange(notice_id=notice.id, created_at=utcnow()))
    session.flush()
    due_after_commit(EFFECT, session)


def latest_change_id(session):
    """Return the id of the newest change-log row (0 if none)."""
    return session.scalar(select(func.max(SearchChange.id))) or 0


def pending_count(session, last_applied):
    """Return how many change-log rows are newer than `last_applied`."""
    return session.scalar(select(func.count()).select_from(SearchChange).where(SearchChange.id > last_applied)) or 0


def _load_notices(session, notice_ids):
    notices = session.scalars(
        select(Notice)
        .options(joinedload(Notice.unit).joinedload(AdministrativeUnit.parent))
        .where(Notice.id.in_(notice_ids))
    )
    return {notice.id: notice for notice in notices}


def _pending_documents(session, last_change_id):
    """Return (rows, documents, deletions) for the change-log rows after `last_change_id`."""
    rows = session.execute(
        select(SearchChange.id, SearchChange.notice_id)
        .where(SearchChange.id > last_change_id)
        .order_by(SearchChange.id)
        .limit(APPLY_BATCH)
    ).all()
    notice_ids = {row.notice_id for row in rows}
    notices = _load_notices(session, notice_ids) if notice_ids else {}
    documents, deletions = [], []
    for notice_id in sorted(notice_ids):
        document = notice_document(notices.get(notice_id))
        if document is None:
            deletions.append(notice_id)
        else:
            documents.append(document)
    return rows, documents, deletions


def apply_pending(index, timeout, end_transactions=False):
    """Apply this node's pending change-log rows to its index; return how many rows were applied.

    Reads with the request's session. With `end_transactions` (a finished request, a CLI
    command), its read transaction is ended before each index write and each wait for the
    writer lock, so this process never waits for the index while holding the database
    (on SQLite, a writer's lock). Raises IndexUnavailable (no index) and IndexBusy (writer
    lock not free in time). Rows and notices are read after the writer lock is taken, so a
    batch never writes a notice older than the rows it claims (see the module docstring).
    """
    session = db.session
    applied = 0
    while True:
        with index.batch(timeout=timeout) as batch:
            rows, documents, deletions = _pending_documents(session, batch.last_change_id)
            if end_transactions:
                session.rollback()
            for document in documents:
                batch.update(document)
            for notice_id in deletions:
                batch.delete(notice_id)
            if rows:
                batch.applied(rows[-1].id)
        applied += len(rows)
        if len(rows) < APPLY_BATCH:
            return applied


def apply_if_pending(index, timeout, end_transactions=False):
    """Apply pending rows if the index is behind the log (one cheap query otherwise).

    Returns the number applied; a busy or missing index is logged, never raised.
    """
    try:
        behind = latest_change_id(db.session) > index.last_change_id()
        if end_transactions:
            db.session.rollback()
        return apply_pending(index, timeout, end_transactions) if behind else 0
    except (IndexBusy, IndexUnavailable) as error:
        log.info("search index not updated now: %s", error)
        return 0


def apply_committed(index_factory, timeout):
    """After commit: apply the changes the request or command committed (errors are logged, never raised).

    The request is over, so its transaction is ended first: this process must never wait
    for the index writer while holding the database.
    """
    try:
        db.session.rollback()
        apply_if_pending(index_factory(), timeout, end_transactions=True)
    except Exception:
        current_app.logger.exception("Applying search changes after the request failed")
    finally:
        db.session.rollback()


def all_documents(session, batch_size=1000):
    """Yield the documents of every indexed notice, each batch read in its own short transaction.

    Short transactions matter on SQLite: a rebuild of 100,000 notices must not hold the
    database for minutes while officials publish and citizens write.
    """
    units = session.scalars(select(AdministrativeUnit)).all()
    infos = {unit.id: unit_info(unit) for unit in units}
    session.rollback()
    last_id = 0
    while True:
        notices = session.scalars(
            select(Notice)
            .where(Notice.status.in_(INDEXED_STATUSES), Notice.id > last_id)
            .order_by(Notice.id)
            .limit(batch_size)
        ).all()
        if not notices:
            session.rollback()
            return
        documents = [notice_document(notice, unit=infos[notice.unit_id]) for notice in notices]
        last_id = notices[-1].id
        session.rollback()
        yield from (document for document in documents if document is not None)


def count_indexable(session):
    """Return how many notices a rebuild indexes."""
    return session.scalar(select(func.count()).select_from(Notice).where(Notice.status.in_(INDEXED_STATUSES)))


def prune(session, older_than):
    """Delete change-log rows created before `older_than`, always keeping the newest row."""
    newest = latest_change_id(session)
    result = session.execute(delete(SearchChange).where(SearchChange.created_at < older_than, SearchChange.id < newest))
    return result.rowcount
