"""Writing the index: a batch of changes to the live generation, or every document into a new one.

Writers of the live generation take Whoosh's lock with a timeout, so concurrent workers queue
instead of failing.
"""

from contextlib import contextmanager
from datetime import UTC, datetime

from whoosh import index as whoosh_index
from whoosh.index import LockError

from app.search.index_errors import IndexBusy, IndexUnavailable
from app.search.parallel import RebuildFailed, rebuild_writer
from app.search.schema import SCHEMA_VERSION, document_fields, make_schema, read_state, state_fields


class Batch:
    """Changes to the live index made under its writer lock, committed together."""

    def __init__(self, writer, last_change_id):
        self._writer = writer
        self.last_change_id = last_change_id
        self.changed = False

    def update(self, document):
        self._writer.update_document(**document_fields(document))
        self.changed = True

    def delete(self, notice_id):
        self._writer.delete_by_term("id", str(notice_id))
        self.changed = True

    def applied(self, change_id):
        """Record that every change up to `change_id` is now in this batch."""
        if change_id > self.last_change_id:
            self.last_change_id = change_id
            self.changed = True


@contextmanager
def open_batch(path, timeout):
    """Yield a Batch on the generation at `path` (None: there is none); commit it on success, cancel it on error.

    Raises IndexUnavailable without an index and IndexBusy when the writer lock is not free within
    `timeout` seconds.
    """
    if path is None:
        raise IndexUnavailable("no index")
    try:
        ix = whoosh_index.open_dir(path)
    except Exception as error:
        raise IndexUnavailable(f"unreadable index: {error}") from error
    try:
        writer = ix.writer(timeout=timeout, delay=0.05)
    except LockError as error:
        raise IndexBusy(str(error)) from error
    except Exception as error:
        raise IndexUnavailable(f"unreadable index: {error}") from error
    # The schema version is checked on the writer's own reader: one opening of the segments, not two.
    try:
        with writer.searcher() as searcher:
            state = read_state(searcher)
    except Exception as error:
        writer.cancel()
        raise IndexUnavailable(f"unreadable index: {error}") from error
    if state.get("schema_version") != SCHEMA_VERSION:
        writer.cancel()
        raise IndexUnavailable(f"index schema {state.get('schema_version')}, expected {SCHEMA_VERSION}")
    try:
        batch = Batch(writer, int(state.get("last_change", 0)))
        yield batch
    except BaseException:
        writer.cancel()
        raise
    if not batch.changed:
        writer.cancel()
        return
    writer.update_document(**state_fields(batch.last_change_id, state.get("built_at")))
    writer.commit()


def build_generation(path, documents, last_change_id, progress, processes, memory_mb):
    """Write every document and the state into a new index at `path`; return the notice count.

    `progress(count)` is called after each document. `processes` sub-processes analyse the documents
    (one segment each) and share `memory_mb` of sort buffers. Raises RebuildFailed when the new
    index does not hold every document.
    """
    ix = whoosh_index.create_in(path, make_schema())
    # Separate files, not compound (see parallel.py); the small segments of later changes stay compound.
    writer = rebuild_writer(ix, processes, memory_mb)
    try:
        count = 0
        for document in documents:
            writer.add_document(**document_fields(document))
            count += 1
            if progress is not None:
                progress(count)
        writer.add_document(**state_fields(last_change_id, datetime.now(UTC).isoformat(timespec="seconds")))
    except BaseException:
        writer.cancel()
        raise
    # No merge: a fresh index has nothing to merge, and merging the segments of several
    # processes would write every posting again, in one process.
    writer.commit()
    _check_complete(path, count + 1)
    return count


def _check_complete(path, expected):
    """Raise RebuildFailed unless the index at `path` holds `expected` documents."""
    with whoosh_index.open_dir(path).reader() as reader:
        found = reader.doc_count()
    if found != expected:
        raise RebuildFailed(f"the new index holds {found} documents, {expected} expected")
