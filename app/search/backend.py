"""This node's Whoosh index: layout on disk, schema, writing; queries are built in ranking.py.

Layout of SEARCH_INDEX_DIR:
    CURRENT            the name of the live generation (replaced atomically by a rebuild)
    gen-<stamp>/       a complete Whoosh index; the live one and the one before it are kept
    building-<stamp>/  a rebuild in progress (renamed to gen-… when complete)

Each generation holds, as a special document committed together with the notices, the id
of the last change-log row it reflects (`last_change`): an index can never claim a change
it does not contain. Writers take Whoosh's lock with a timeout, so concurrent workers
queue instead of failing.
"""

import logging
import os
import secrets
import shutil
import threading
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime

from whoosh import index as whoosh_index
from whoosh.columns import NumericColumn
from whoosh.fields import COLUMN, ID, KEYWORD, NUMERIC, STORED, Schema
from whoosh.filedb.filestore import FileStorage
from whoosh.index import LockError

from app.search import ranking
from app.search.analysis import (
    IndexedWords,
    code_analyzer,
    code_terms,
    folded_analyzer,
    folded_terms,
    marked_analyzer,
    marked_terms,
    pair_terms,
    pairs_analyzer,
)
from app.search.docsets import DocSets
from app.search.documents import UNIT_LEVELS
from app.search.parallel import RebuildFailed, rebuild_writer

log = logging.getLogger(__name__)

SCHEMA_VERSION = 3
STATE_ID = "~state"
POINTER = "CURRENT"


class IndexUnavailable(Exception):
    """The index is missing, outdated or unreadable."""


class IndexBusy(Exception):
    """Another process held the index writer for longer than the timeout."""


class RebuildRunning(Exception):
    """Another rebuild of this node's index is in progress."""


def make_schema():
    """Return the schema of a notice document (see ranking.py for how each field is used)."""
    folded = folded_analyzer()
    schema = Schema(
        id=ID(stored=True, unique=True),
        # The notice id is only read as a column (newest-first order): not indexed.
        nid=COLUMN(NumericColumn("Q")),
        # Everything a citizen may search for, folded, with positions for quoted phrases.
        all_folded=IndexedWords(folded, folded_terms, phrase=True),
        title_folded=IndexedWords(folded, folded_terms),
        summary_folded=IndexedWords(folded, folded_terms),
        exact=IndexedWords(marked_analyzer(), marked_terms),  # title and summary: words with diacritics
        pairs=IndexedWords(pairs_analyzer(), pair_terms),  # title and summary, words two by two
        codes=IndexedWords(code_analyzer(), code_terms),
        category=ID(sortable=True),
        status=ID,
        units=KEYWORD(lowercase=False, scorable=False),
        # Date ordinals (about 740,000) fit 32 bits: 8 indexed terms per value for ranges, not 16.
        posting_start=NUMERIC(int, bits=32, sortable=True),
        posting_end=NUMERIC(int, bits=32),
        last_change=NUMERIC(int, bits=64, stored=True),
        schema_version=NUMERIC(int, stored=True),
        built_at=STORED,
    )
    for level in range(UNIT_LEVELS):
        schema.add(f"unit_l{level}", ID(sortable=True))
    return schema


def document_fields(document):
    """Return the Whoosh fields of a NoticeDocument."""
    lead = f"{document.title}\n{document.summary}"
    fields = {
        "id": str(document.notice_id),
        "nid": document.notice_id,
        "all_folded": "\n".join([document.title, document.summary, document.body, document.meta, document.codes]),
        "title_folded": document.title,
        "summary_folded": document.summary,
        "exact": lead,
        "pairs": lead,
        "codes": document.codes,
        "category": document.category,
        "status": document.status,
        "units": " ".join(document.unit_codes),
        "posting_start": document.posting_start,
        "posting_end": document.posting_end,
    }
    for level, code in enumerate(document.unit_codes[:UNIT_LEVELS]):
        fields[f"unit_l{level}"] = code
    return fields


@dataclass
class IndexStatus:
    """What `flask search status` reports about this node's index."""

    directory: str
    healthy: bool
    problem: str = ""
    generation: str | None = None
    indexed: int = 0
    last_change_id: int = 0
    built_at: str | None = None


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


def _read_state(searcher):
    return searcher.document(id=STATE_ID) or {}


def _state_fields(last_change_id, built_at):
    return {
        "id": STATE_ID,
        "last_change": int(last_change_id),
        "schema_version": SCHEMA_VERSION,
        "built_at": built_at,
    }


class SearchIndex:
    """The index of one node, in the directory `root`."""

    def __init__(self, root):
        self.root = os.path.abspath(root)

    # --- layout ---------------------------------------------------------------------------

    def current_path(self):
        """Return the live generation's directory, or None when there is none."""
        try:
            with open(os.path.join(self.root, POINTER), encoding="utf-8") as pointer:
                name = pointer.read().strip()
        except OSError:
            return None
        if not name.startswith("gen-") or os.sep in name:
            return None
        path = os.path.join(self.root, name)
        return path if os.path.isdir(path) else None

    def _write_pointer(self, name):
        temporary = os.path.join(self.root, f".{POINTER}.{secrets.token_hex(4)}")
        with open(temporary, "w", encoding="utf-8") as pointer:
            pointer.write(name)
            pointer.flush()
            os.fsync(pointer.fileno())
        os.replace(temporary, os.path.join(self.root, POINTER))

    def _open_searcher(self, path=None):
        """Return a searcher of the live generation; raise IndexUnavailable if it is missing, outdated or broken.

        Opening a searcher reads every segment (Whoosh copies a compound segment into memory),
        so the schema version is checked on the searcher the caller keeps, not on one more.
        """
        path = path or self.current_path()
        if path is None:
            raise IndexUnavailable("no index")
        try:
            searcher = whoosh_index.open_dir(path).searcher()
        except Exception as error:
            raise IndexUnavailable(f"unreadable index: {error}") from error
        try:
            version = _read_state(searcher).get("schema_version")
        except Exception as error:
            searcher.close()
            raise IndexUnavailable(f"unreadable index: {error}") from error
        if version != SCHEMA_VERSION:
            searcher.close()
            raise IndexUnavailable(f"index schema {version}, expected {SCHEMA_VERSION}")
        return searcher

    def open(self, path=None):
        """Open the live generation; raise IndexUnavailable if it is missing, outdated or broken."""
        path = path or self.current_path()
        if path is None:
            raise IndexUnavailable("no index")
        self._open_searcher(path).close()
        return whoosh_index.open_dir(path)

    def exists(self):
        """Whether a usable index is in place."""
        try:
            self.open()
        except IndexUnavailable:
            return False
        return True

    def searcher(self):
        """Return this thread's searcher of the live generation, refreshed if the index changed.

        Opening a searcher reads every segment's files (tens of milliseconds), so each
        thread keeps one per index directory and opens a new one only when the index has
        changed (a commit or a rebuild). Document bitmaps computed on it are cached with it.
        """
        path = self.current_path()
        if path is None:
            raise IndexUnavailable("no index")
        cache = _thread_cache()
        entry = cache.get(self.root)
        if entry is not None and entry.path == path:
            # Not Searcher.refresh(): it reuses the readers of unchanged segments, and those miss
            # deletions committed since (an updated notice would still match its old text).
            try:
                is_current = entry.searcher.up_to_date()
            except Exception:
                is_current = False
            if not is_current:
                entry.close()
                entry = None
        elif entry is not None:
            entry.close()
            entry = None
        if entry is None:
            entry = cache[self.root] = _CachedSearcher(path, self._open_searcher(path))
        return entry

    def last_change_id(self):
        """Return the id of the last change-log row the live index reflects."""
        return int(_read_state(self.searcher().searcher).get("last_change", 0))

    def notice_ids(self):
        """Return the set of notice ids in the live index (for status checks and tests)."""
        ix = self.open()
        with ix.reader() as reader:
            return {int(text) for text in reader.field_terms("id") if text != STATE_ID}

    def status(self):
        """Describe the live index (never raises)."""
        status = IndexStatus(directory=self.root, healthy=False)
        try:
            ix = self.open()
            with ix.searcher() as searcher:
                state = _read_state(searcher)
                status.indexed = searcher.doc_count() - (1 if state else 0)
        except IndexUnavailable as error:
            status.problem = str(error)
            return status
        status.healthy = True
        status.generation = os.path.basename(self.current_path() or "")
        status.last_change_id = int(state.get("last_change", 0))
        status.built_at = state.get("built_at")
        return status

    # --- writing --------------------------------------------------------------------------

    @contextmanager
    def batch(self, timeout):
        """Yield a Batch on the live index; commit it on success, cancel it on error.

        Raises IndexUnavailable without an index and IndexBusy when the writer lock is not
        free within `timeout` seconds.
        """
        path = self.current_path()
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
                state = _read_state(searcher)
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
        writer.update_document(**_state_fields(batch.last_change_id, state.get("built_at")))
        writer.commit()

    def rebuild(self, documents, last_change_id, progress=None, processes=1, memory_mb=256):
        """Build a new generation from `documents` and make it live atomically.

        Searches keep using the previous generation until the pointer is replaced.
        `progress(count)` is called after each document. `processes` sub-processes analyse
        the documents (one segment each) and share `memory_mb` of sort buffers, beyond
        which postings are spilled to sorted runs on disk. Raises RebuildRunning, and
        RebuildFailed when the new generation is incomplete (it never goes live then).
        """
        os.makedirs(self.root, exist_ok=True)
        lock = FileStorage(self.root).lock("REBUILD")
        if not lock.acquire(blocking=False):
            raise RebuildRunning(self.root)
        try:
            self._remove_unfinished_builds()
            stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
            suffix = f"{stamp}-{secrets.token_hex(3)}"
            building = os.path.join(self.root, f"building-{suffix}")
            os.makedirs(building)
            try:
                count = self._build(building, documents, last_change_id, progress, processes, memory_mb)
            except BaseException:
                shutil.rmtree(building, ignore_errors=True)
                raise
            name = f"gen-{suffix}"
            os.rename(building, os.path.join(self.root, name))
            previous = self.current_path()
            self._write_pointer(name)
            self._remove_old_generations(keep={name, os.path.basename(previous) if previous else None})
            return count
        finally:
            lock.release()

    def _build(self, path, documents, last_change_id, progress, processes, memory_mb):
        """Write every document and the state into a new index at `path`; return the notice count."""
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
            writer.add_document(**_state_fields(last_change_id, datetime.now(UTC).isoformat(timespec="seconds")))
        except BaseException:
            writer.cancel()
            raise
        # No merge: a fresh index has nothing to merge, and merging the segments of several
        # processes would write every posting again, in one process.
        writer.commit()
        _check_complete(path, count + 1)
        return count

    def _remove_unfinished_builds(self):
        for entry in os.listdir(self.root):
            if entry.startswith("building-"):
                shutil.rmtree(os.path.join(self.root, entry), ignore_errors=True)

    def _remove_old_generations(self, keep):
        # The generation just replaced stays one more round for searches that opened it.
        for entry in os.listdir(self.root):
            if entry.startswith("gen-") and entry not in keep:
                shutil.rmtree(os.path.join(self.root, entry), ignore_errors=True)

    # --- querying -------------------------------------------------------------------------

    def search(self, request):
        """Run a SearchRequest; return IndexResults. Raises IndexUnavailable."""
        entry = self.searcher()
        try:
            return ranking.search(entry.sets, request)
        except Exception as error:
            forget_searchers()
            raise IndexUnavailable(f"search failed: {error}") from error


def _check_complete(path, expected):
    """Raise RebuildFailed unless the index at `path` holds `expected` documents."""
    with whoosh_index.open_dir(path).reader() as reader:
        found = reader.doc_count()
    if found != expected:
        raise RebuildFailed(f"the new index holds {found} documents, {expected} expected")


class _CachedSearcher:
    def __init__(self, path, searcher):
        self.path = path
        self.searcher = searcher
        self._sets = None

    @property
    def sets(self):
        """This searcher's document bitmaps (term and filter caches), made on first use."""
        if self._sets is None:
            self._sets = DocSets(self.searcher, self.path)
        return self._sets

    def close(self):
        try:
            self.searcher.close()
        except Exception:  # already closed or its files are gone: nothing left to release
            log.debug("closing a cached searcher failed", exc_info=True)


_local = threading.local()


def _thread_cache():
    if not hasattr(_local, "searchers"):
        _local.searchers = {}
    return _local.searchers


def forget_searchers():
    """Close this thread's cached searchers (the next search opens the index afresh)."""
    for entry in _thread_cache().values():
        entry.close()
    _thread_cache().clear()
