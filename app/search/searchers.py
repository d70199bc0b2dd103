"""Reading the index: a checked searcher of a generation, and each thread's cached searcher.

Opening a searcher reads every segment's files (tens of milliseconds), so each thread keeps one
per index directory and opens a new one only when the index has changed (a commit or a rebuild).
Document bitmaps computed on it are cached with it.
"""

import logging
import threading

from whoosh import index as whoosh_index

from app.search.docsets import DocSets
from app.search.index_errors import IndexUnavailable
from app.search.schema import SCHEMA_VERSION, read_state

log = logging.getLogger(__name__)


def open_searcher(path):
    """Return a searcher of the generation at `path` (None: there is none).

    Raises IndexUnavailable if it is missing, outdated or broken. Opening a searcher reads every
    segment (Whoosh copies a compound segment into memory), so the schema version is checked on the
    searcher the caller keeps, not on one more.
    """
    if path is None:
        raise IndexUnavailable("no index")
    try:
        searcher = whoosh_index.open_dir(path).searcher()
    except Exception as error:
        raise IndexUnavailable(f"unreadable index: {error}") from error
    try:
        version = read_state(searcher).get("schema_version")
    except Exception as error:
        searcher.close()
        raise IndexUnavailable(f"unreadable index: {error}") from error
    if version != SCHEMA_VERSION:
        searcher.close()
        raise IndexUnavailable(f"index schema {version}, expected {SCHEMA_VERSION}")
    return searcher


class CachedSearcher:
    """A searcher of one generation with its document bitmaps."""

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


def cached_searcher(root, path):
    """Return this thread's searcher of the index in `root` whose live generation is at `path`."""
    if path is None:
        raise IndexUnavailable("no index")
    cache = _thread_cache()
    entry = cache.get(root)
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
        entry = cache[root] = CachedSearcher(path, open_searcher(path))
    return entry


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
